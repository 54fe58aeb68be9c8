"""Enphase Enlighten EV charger client and models (no Home Assistant imports here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import aiohttp

from ...errors import (
    PortalAuthError,
    PortalHtmlResponseError,
    PortalNotFoundError,
    PortalResponseError,
)
from ...http import HttpResponse, raise_for_status, retry_once_when_refused, send
from ...parse import as_bool, as_epoch, as_float, as_int, as_object, as_str

DEFAULT_BASE_URL = "https://enlighten.enphaseenergy.com"
SITE_DISCOVERY_PATHS = ("/service/evse_controller/sites", "/api/v1/sites", "/sites.json")


@dataclass(frozen=True, slots=True)
class Site:
    """An Enlighten site the tokens can see."""

    site_id: str
    name: str | None


@dataclass(frozen=True, slots=True)
class Charger:
    """One charger's status, normalised."""

    serial: str
    name: str | None
    connected: bool | None
    plugged_in: bool | None
    charging: bool | None
    faulted: bool | None
    connector_status: str | None
    session_energy: float | None
    """kWh: the cloud reports `session_d.e_c` in Wh (older payloads sent kWh; see README)."""
    session_cost: float | None
    session_start: datetime | None
    charging_level: int | None
    schedule_enabled: bool | None
    summary: ChargerSummary | None = None
    """The charger's summary (v2), when the cloud offers it."""

    @property
    def active(self) -> bool:
        """A car is plugged in or a session is running: poll fast."""
        return bool(self.plugged_in or self.charging)


@dataclass(frozen=True, slots=True)
class ChargerSummary:
    """What the charger summary (v2) tells beyond the status."""

    serial: str
    lifetime_energy: float | None
    """kWh, from the charger's own meter (`lifeTimeConsumption`, Wh)."""
    min_current: int | None
    max_current: int | None
    current_step: int | None
    operating_voltage: float | None
    phase_mode: int | None
    firmware_version: str | None

    @property
    def max_power(self) -> float | None:
        """kW the charger can deliver at most, when the summary tells enough."""
        if self.max_current is None or self.operating_voltage is None:
            return None
        return self.max_current * self.operating_voltage * (self.phase_mode or 1) / 1000


@dataclass(frozen=True, slots=True)
class EvseStatus:
    """The status of every charger on the site."""

    chargers: dict[str, Charger]
    timestamp: datetime | None


class CommandRefusedError(PortalResponseError):
    """The charger refused a command (not plugged in, already in that state, bad level)."""

    def __init__(self, message: str, *, status: int, body: str, reason: str) -> None:
        super().__init__(message, status=status, body=body)
        self.reason = reason


def _kwh_from_wh(value: Any) -> float | None:
    energy = as_float(value)
    return None if energy is None else energy / 1000


class _Serial(Protocol):
    @property
    def serial(self) -> str: ...


def _by_serial[T: _Serial](
    items: list[Any], parse: Callable[[dict[str, Any]], T | None]
) -> dict[str, T]:
    """The parsed entries of a list by serial; entries that are not objects or have no
    serial are skipped."""
    parsed = (parse(raw) for raw in items if isinstance(raw, dict))
    return {item.serial: item for item in parsed if item is not None}


def parse_charger(raw: dict[str, Any]) -> Charger | None:
    """One entry of evChargerData; None when it has no serial."""
    serial = as_str(raw.get("sn"))
    if serial is None:
        return None
    session = as_object(raw.get("session_d"))
    schedule = as_object(raw.get("sch_d"))
    status = as_str(raw.get("connectorStatusType"))
    return Charger(
        serial=serial,
        name=as_str(raw.get("name")),
        connected=as_bool(raw.get("connected")),
        plugged_in=as_bool(raw.get("pluggedIn")),
        charging=as_bool(raw.get("charging")),
        faulted=as_bool(raw.get("faulted")),
        connector_status=status.lower() if status else None,
        session_energy=_kwh_from_wh(session.get("e_c")),
        session_cost=as_float(session.get("cost")),
        session_start=as_epoch(session.get("start_time")),
        charging_level=as_int(raw.get("chargingLevel", session.get("chargingLevel"))),
        schedule_enabled=as_bool(schedule.get("enabled")),
    )


def parse_status(body: Any) -> EvseStatus:
    """The /status answer."""
    if not isinstance(body, dict) or not isinstance(body.get("evChargerData"), list):
        raise PortalResponseError("Status answer has no evChargerData list")
    chargers = _by_serial(body["evChargerData"], parse_charger)
    return EvseStatus(chargers=chargers, timestamp=as_epoch(body.get("ts")))


def parse_summary(raw: dict[str, Any]) -> ChargerSummary | None:
    """One charger of the summary (v2); None when it has no serial."""
    serial = as_str(raw.get("serialNumber"))
    if serial is None:
        return None
    levels = as_object(raw.get("chargeLevelDetails"))
    phase_mode = as_int(raw.get("phaseMode"))
    return ChargerSummary(
        serial=serial,
        lifetime_energy=_kwh_from_wh(raw.get("lifeTimeConsumption")),
        min_current=as_int(levels.get("min")),
        max_current=as_int(levels.get("max", raw.get("maxCurrent"))),
        current_step=as_int(levels.get("granularity")),
        operating_voltage=as_float(raw.get("operatingVoltage")),
        phase_mode=phase_mode if phase_mode in (1, 3) else None,
        firmware_version=as_str(raw.get("firmwareVersion")),
    )


def parse_summaries(body: Any) -> dict[str, ChargerSummary]:
    """The summary (v2) answer: `data` is a list of chargers."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise PortalResponseError("Summary answer has no data list")
    return _by_serial(data, parse_summary)


def parse_sites(body: Any) -> list[Site]:
    """A site list: a bare list, or one under `sites` or `data`."""
    if isinstance(body, dict):
        body = body.get("sites", body.get("data"))
    if not isinstance(body, list):
        raise PortalResponseError("Site list answer is not a list")
    sites = []
    for raw in body:
        if not isinstance(raw, dict):
            continue
        site_id = as_str(raw.get("site_id", raw.get("id")))
        if site_id is not None:
            sites.append(Site(site_id=site_id, name=as_str(raw.get("name"))))
    return sites


class EnphaseClient:
    """Talks to the Enlighten cloud with a pasted e-auth-token and session cookie."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        e_auth_token: str,
        cookie: str,
        base_url: str = DEFAULT_BASE_URL,
    ) -> None:
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._headers = {
            "e-auth-token": e_auth_token,
            "Cookie": cookie,
            "Accept": "application/json",
        }

    async def _request(self, method: str, path: str, body: Any = None) -> HttpResponse:
        response = await send(
            self._session,
            method,
            f"{self._base_url}{path}",
            headers=self._headers,
            json_body=body,
        )
        raise_for_status(response)
        return response

    async def _json(self, method: str, path: str, body: Any = None) -> Any:
        try:
            return (await self._request(method, path, body)).json()
        except PortalHtmlResponseError as err:
            # The cloud answers its login page with 200 when the session has expired.
            raise PortalAuthError("Login page instead of data: the session expired") from err

    async def _read(self, path: str) -> Any:
        return await retry_once_when_refused(lambda: self._json("GET", path))

    async def async_get_sites(self) -> list[Site]:
        """The account's sites, trying each known discovery path in turn."""
        last_error: PortalNotFoundError | None = None
        for path in SITE_DISCOVERY_PATHS:
            try:
                return parse_sites(await self._read(path))
            except PortalNotFoundError as err:
                last_error = err
        assert last_error is not None
        raise last_error

    async def async_get_status(self, site_id: str) -> EvseStatus:
        """Status of every charger on the site."""
        return parse_status(
            await self._read(f"/service/evse_controller/{site_id}/ev_chargers/status")
        )

    async def async_get_summaries(self, site_id: str) -> dict[str, ChargerSummary]:
        """The summary (v2) of every charger on the site, by serial."""
        return parse_summaries(
            await self._read(
                f"/service/evse_controller/api/v2/{site_id}/ev_chargers/summary?filter_retired=true"
            )
        )

    async def async_start_charging(self, site_id: str, serial: str, level: int) -> None:
        """Start a session at `level` amps."""
        await self._command(
            "POST",
            f"/service/evse_controller/{site_id}/ev_chargers/{serial}/start_charging",
            {"chargingLevel": level, "connectorId": 1},
        )

    async def async_stop_charging(self, site_id: str, serial: str) -> None:
        """Stop the running session."""
        await self._command(
            "PUT", f"/service/evse_controller/{site_id}/ev_chargers/{serial}/stop_charging"
        )

    async def async_trigger_message(self, site_id: str, serial: str, message: str) -> None:
        """Ask the charger to send an OCPP message (MeterValues)."""
        await self._command(
            "POST",
            f"/service/evse_controller/{site_id}/ev_charger/{serial}/trigger_message",
            {"requestedMessage": message},
        )

    async def async_start_live_stream(self, site_id: str) -> None:
        """Ask the cloud for faster status updates for a while."""
        await self._command(
            "GET", f"/service/evse_controller/{site_id}/ev_chargers/start_live_stream"
        )

    async def async_stop_live_stream(self, site_id: str) -> None:
        """End the live stream."""
        await self._command(
            "GET", f"/service/evse_controller/{site_id}/ev_chargers/stop_live_stream"
        )

    async def _command(self, method: str, path: str, body: Any = None) -> None:
        response = await send(
            self._session, method, f"{self._base_url}{path}", headers=self._headers, json_body=body
        )
        refusal = command_refusal(response)
        if refusal is not None:
            raise CommandRefusedError(
                f"Charger refused the command (HTTP {response.status})",
                status=response.status,
                body=response.text,
                reason=refusal,
            )
        raise_for_status(response)
        if response.text.strip():
            try:
                response.json()
            except PortalHtmlResponseError as err:
                raise PortalAuthError("Login page instead of an answer") from err


def command_refusal(response: HttpResponse) -> str | None:
    """Why the charger refused a command, or None when it did not.

    400/404/409/422 mean "not plugged in" or "already in that state"; some chargers answer
    500 "Invalid charge level" for a level outside their range.
    """
    text = response.text.lower()
    if response.status >= 500:
        return "level_rejected" if "level" in text else None
    if response.status not in (400, 404, 409, 422):
        return None
    if "level" in text:
        return "level_rejected"
    if "plug" in text:
        return "not_plugged_in"
    if response.status == 409 or "already" in text:
        return "already_in_state"
    return "refused"
