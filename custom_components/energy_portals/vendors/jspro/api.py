"""JSPro Powerdesk local HTTP client (no Home Assistant imports here).

Every answer is an envelope `{"status_code", "status", "data"}` (the power management group
of newer firmware answers `{"success", "data"}`); errors come as
`{"status_code": 4xx/5xx, "message", "data": null}`, sometimes with HTTP 200, sometimes with the
same HTTP status. Deployed firmware serves some endpoints under other paths than the doc: each
group of endpoints lists its known paths, and the client remembers the one that answered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import aiohttp

from ...answers import AnswerLog
from ...errors import PortalAuthError, PortalNotFoundError, PortalResponseError
from ...http import HttpResponse, raise_for_status, retry_once_when_refused, send
from ...parse import as_int, as_str
from .models import (
    AlarmOverview,
    DeviceInformation,
    LoggerOverview,
    PowerManagement,
    SccData,
    SystemdStatus,
    SystemResources,
    parse_alarm_overview,
    parse_information,
    parse_logger_overview,
    parse_power,
    parse_resources,
    parse_scc_data,
    parse_systemd,
)
from .packs import ActivePack, BatteryPack, parse_active, parse_battery

INFORMATION_PATH = "/api/v1/device/information"
GROUP_PATHS: dict[str, tuple[str, ...]] = {
    "resources": ("/api/v1/device/system-resources", "/api/v1/dashboard/system-resources"),
    "systemd": (
        "/api/v1/device/systemd-status",
        "/api/v1/service/systemd-status",
        "/api/v1/service/systemd",
        "/api/v1/dashboard/systemd-status",
    ),
    "scc": ("/api/v1/monitoring/scc",),
    "battery": ("/api/v1/monitoring/battery",),
    "active": ("/api/v1/monitoring/battery/active",),
    "logger": ("/api/v1/loggers/data/overview",),
    "alarms": ("/api/v1/loggers/scc-alarm/overview",),
    "power": ("/api/v1/power/overview",),
}
POWER_STATS_PATH = "/api/v1/power/auto-reboot-stats"
POWER_SETTINGS_PATH = "/api/v1/power/settings"
LOG_PATHS = {
    "redis": "/api/v1/loggers/data/redis",
    "sqlite": "/api/v1/loggers/data/sqlite",
    "alarm_history": "/api/v1/loggers/scc-alarm/history",
}
ALARM_LOG_PATH = "/api/v1/loggers/scc-alarm"
REDIS_PATH = LOG_PATHS["redis"]
SQLITE_PATH = LOG_PATHS["sqlite"]
MAX_MESSAGE = 200


class JsproApiError(PortalResponseError):
    """The device answered an error envelope (or an error status with one)."""


class NotJsproError(PortalResponseError):
    """The address answers, but not with the JSPro API."""


def query_time(value: datetime) -> str:
    """A date for the query string: the device's `YYYY-MM-DDTHH:mm:ss` (naive local time)."""
    return value.strftime("%Y-%m-%dT%H:%M:%S")


def redis_timestamp(value: datetime) -> str:
    """A Redis entry's timestamp as its DELETE path wants it (`20250804T154003`)."""
    return value.strftime("%Y%m%dT%H%M%S")


def unwrap(response: HttpResponse) -> dict[str, Any]:
    """The checked envelope of an answer; error envelopes and statuses raise."""
    try:
        body = response.json()
    except PortalResponseError:
        raise_for_status(response)  # a bare error status says more than "not JSON"
        raise
    if not isinstance(body, dict):
        raise_for_status(response)
        raise NotJsproError("Answer is not a JSPro envelope", status=response.status)
    code = as_int(body.get("status_code"))
    status = (as_str(body.get("status")) or "").lower()
    message = (as_str(body.get("message")) or "")[:MAX_MESSAGE]
    failed_code = next((c for c in (response.status, code) if c is not None and c >= 400), None)
    if failed_code in (401, 403):
        raise PortalAuthError(f"Access refused (HTTP {failed_code})")
    if failed_code == 404:
        raise PortalNotFoundError("Not found (HTTP 404)", status=404, body=message)
    if (
        failed_code is not None
        or status in ("error", "fail", "failed")
        or (body.get("success") is False)
    ):
        if response.status == 429 or (response.status >= 500 and code is None):
            raise_for_status(response)
        raise JsproApiError(
            f"Device error {failed_code or code}: {message or 'no message'}",
            status=failed_code or code,
            body=message,
        )
    if code is None and not status and "data" not in body and "success" not in body:
        raise NotJsproError("Answer is not a JSPro envelope", status=response.status)
    return body


def data_of(body: Mapping[str, Any]) -> Any:
    """The `data` of a success envelope; a missing one is an error."""
    data = body.get("data")
    if data is None:
        raise JsproApiError("Success envelope without data", status=as_int(body.get("status_code")))
    return data


class JsproClient:
    """Talks to one Powerdesk site controller on the local network."""

    def __init__(
        self, session: aiohttp.ClientSession, base_url: str, *, api_token: str | None = None
    ) -> None:
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._headers = {"Accept": "application/json"}
        if api_token:
            self._headers["Authorization"] = f"Bearer {api_token}"
        self._paths: dict[str, str] = {}
        self.answers = AnswerLog()

    @property
    def base_url(self) -> str:
        return self._base_url

    async def _request(
        self, method: str, path: str, params: Mapping[str, str | int] | None = None
    ) -> dict[str, Any]:
        response = await send(
            self._session,
            method,
            f"{self._base_url}{path}",
            headers=self._headers,
            params=params,
            answers=self.answers,
        )
        return unwrap(response)

    async def _get_data(self, path: str, params: Mapping[str, str | int] | None = None) -> Any:
        return data_of(await retry_once_when_refused(lambda: self._request("GET", path, params)))

    async def _get_group[T](self, group: str, parse: Callable[[Any], T]) -> T:
        """A group's data from the path that answered last, else each known path in turn."""
        known = self._paths.get(group)
        paths = [known] if known else []
        paths += [path for path in GROUP_PATHS[group] if path != known]
        not_found: PortalNotFoundError | None = None
        for path in paths:
            try:
                data = await self._get_data(path)
            except PortalNotFoundError as err:
                not_found = err
                continue
            self._paths[group] = path
            return parse(data)
        assert not_found is not None
        raise not_found

    def path_of(self, group: str) -> str | None:
        """The path that last answered for a group."""
        return self._paths.get(group)

    async def async_get_information(self) -> DeviceInformation:
        """The device information; an answer without identity is not a JSPro."""
        try:
            info = parse_information(await self._get_data(INFORMATION_PATH))
        except PortalNotFoundError as err:
            raise NotJsproError("No device information endpoint", status=404) from err
        if info is None:
            raise NotJsproError("Device information carries no serial number or site id")
        return info

    async def async_get_resources(self) -> SystemResources:
        return await self._get_group("resources", _checked(parse_resources))

    async def async_get_systemd(self) -> SystemdStatus:
        return await self._get_group("systemd", _checked(parse_systemd))

    async def async_get_scc(self) -> SccData:
        return await self._get_group("scc", _checked(parse_scc_data))

    async def async_get_battery(self) -> dict[str, BatteryPack]:
        return await self._get_group("battery", _checked(_identified(parse_battery)))

    async def async_get_active(self) -> dict[str, ActivePack]:
        return await self._get_group("active", _checked(_identified(parse_active)))

    async def async_get_logger_overview(self) -> LoggerOverview:
        return await self._get_group("logger", _checked(parse_logger_overview))

    async def async_get_alarm_overview(self) -> AlarmOverview:
        return await self._get_group("alarms", _checked(parse_alarm_overview))

    async def async_get_power(self) -> PowerManagement:
        """The power management group: the overview, with the reboot statistics and settings
        where the firmware serves them."""
        overview = await self._get_group("power", _checked(lambda data: data))
        parts = []
        for path in (POWER_STATS_PATH, POWER_SETTINGS_PATH):
            try:
                parts.append(await self._get_data(path))
            except PortalNotFoundError, JsproApiError:
                parts.append(None)
        return parse_power(overview, *parts)

    async def async_get_logs(
        self,
        source: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int | None = None,
        offset: int | None = None,
        table: str | None = None,
    ) -> dict[str, Any]:
        """Stored logs (`redis`, `sqlite`) or the SCC alarm history, as the device sent them."""
        params: dict[str, str | int] = {}
        if start is not None:
            params["start_date"] = query_time(start)
        if end is not None:
            params["end_date"] = query_time(end)
        if limit is not None:
            params["limit"] = limit
        if offset is not None:
            params["offset"] = offset
        if table and source == "sqlite":
            params["table"] = table
        data = await self._get_data(LOG_PATHS[source], params)
        if not isinstance(data, dict):
            raise JsproApiError("Log answer is not an object")
        return data

    async def async_clear_alarm_log(self) -> dict[str, Any]:
        """Delete the SCC alarm log on the device."""
        return await self._delete(ALARM_LOG_PATH)

    async def async_delete_redis(self, timestamp: datetime | None = None) -> dict[str, Any]:
        """Delete every Redis entry, or the entries of exactly one timestamp."""
        path = REDIS_PATH if timestamp is None else f"{REDIS_PATH}/{redis_timestamp(timestamp)}"
        return await self._delete(path)

    async def async_delete_sqlite(self, record_id: int) -> dict[str, Any]:
        """Delete one SQLite record."""
        return await self._delete(f"{SQLITE_PATH}/{record_id}")

    async def _delete(self, path: str) -> dict[str, Any]:
        """A DELETE; answers what the device reports as deleted (its data, if any)."""
        try:
            body = await self._request("DELETE", path)
        except PortalNotFoundError as err:
            # The device answers 404 when nothing matched what was to be deleted.
            raise JsproApiError(f"Nothing deleted: {err.body or 'not found'}", status=404) from err
        data = body.get("data")
        result = dict(data) if isinstance(data, dict) else {}
        if message := as_str(body.get("message")):
            result["message"] = message[:MAX_MESSAGE]
        return result


def _checked[T](parse: Callable[[Any], T]) -> Callable[[Any], T]:
    """A parser that refuses a `data` that is not an object."""

    def checked(data: Any) -> T:
        if not isinstance(data, dict):
            raise JsproApiError("Answer data is not an object")
        return parse(data)

    return checked


def _identified[T](parse: Callable[[Any], dict[str, T]]) -> Callable[[Any], dict[str, T]]:
    """A pack-list parser that refuses a list of packs none of which says which pack it is.

    Such an answer is garbage, not "every pack is gone" (which would remove the packs).
    """

    def identified(data: dict[str, Any]) -> dict[str, T]:
        packs = parse(data)
        rows = data.get("bms_data")
        if not packs and isinstance(rows, list) and any(isinstance(row, dict) for row in rows):
            raise JsproApiError("Battery answer names no pack (no slave id)")
        return packs

    return identified
