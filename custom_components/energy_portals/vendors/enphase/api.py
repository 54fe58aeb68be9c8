"""The Enlighten EV charger client (no Home Assistant imports here).

Every call goes through `EnphaseAuth` for its headers; a refused call renews the sign-in once
and is sent again. Start and stop try the variants the field notes list (section 7) and
remember the one that worked.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from ...errors import (
    PortalAccessDeniedError,
    PortalNotFoundError,
    PortalRateLimitError,
    PortalResponseError,
)
from ...http import HttpResponse, parse_retry_after, path_id, raise_for_status
from .auth import EnphaseAuth
from .authentication import AUTHENTICATION_READ, authentication_write, parse_authentication
from .charge_levels import (
    CONFIG_PATH,
    DEFAULT_LEVEL_READ,
    ChargerConfig,
    default_level_write,
    parse_default_level,
)
from .credentials import Family, is_login_wall
from .firmware import FIRMWARE_PATH, Firmware, parse_firmware
from .history import HISTORY_PATH, FinishedSession, history_request, parse_history
from .models import (
    USE_BATTERY_SETTING,
    ChargeMode,
    ChargeModes,
    ChargerSummary,
    EvseStatus,
    Site,
    live_stream_seconds,
    parse_charge_modes,
    parse_currency,
    parse_sites,
    parse_status,
    parse_summaries,
    parse_use_battery,
)
from .schedules import (
    NEW_SCHEDULE_PATH,
    SCHEDULE_PATH,
    SCHEDULES_PATH,
    Schedules,
    parse_schedules,
)

DEFAULT_BASE_URL = "https://enlighten.enphaseenergy.com"
SITE_SEARCH_PATH = "/app-api/search_sites.json?searchText=&favourite=false"
SITE_DISCOVERY_PATHS = ("/service/evse_controller/sites", "/api/v1/sites", "/sites.json")
CONTROLLER = "/service/evse_controller"
SCHEDULER = "/service/evse_scheduler/api/v1/iqevc/charging-mode"
MAX_HISTORY_PAGES = 10
"""Pages of finished sessions read at most at once (50 each)."""
MODE_RECHECKS = 6
MODE_RECHECK_DELAY = 2.0
"""Seconds between re-reads after a refused mode change: the change may have landed anyway."""

PLURAL = "ev_chargers"
SINGULAR = "ev_charger"
LEVEL_START_VARIANTS: tuple[tuple[str, str, str], ...] = (
    ("POST", PLURAL, "camel"),
    ("PUT", PLURAL, "camel"),
    ("POST", SINGULAR, "camel"),
    ("POST", PLURAL, "snake"),
    ("POST", PLURAL, "level_only"),
)
"""Start variants that carry a charge level (1-4 and 8 of the field notes)."""
PLAIN_START_VARIANTS: tuple[tuple[str, str, str], ...] = (
    ("POST", PLURAL, "connector"),
    ("POST", PLURAL, "none"),
    ("POST", SINGULAR, "none"),
)
"""Start variants without a level (5-7), for Green and Smart and for chargers that refuse one."""
CONNECTOR_SHAPES = ("camel", "snake", "connector")
"""The start bodies that name the connector."""
STOP_VARIANTS = (("PUT", PLURAL), ("POST", PLURAL), ("POST", SINGULAR))


class CommandRefusedError(PortalResponseError):
    """The charger refused a command (not plugged in, already in that state, bad level)."""

    def __init__(self, message: str, *, status: int, body: str, reason: str) -> None:
        super().__init__(message, status=status, body=body)
        self.reason = reason


def _start_body(shape: str, level: int | None, connector: int) -> dict[str, Any] | None:
    bodies: dict[str, dict[str, Any]] = {
        "camel": {"chargingLevel": level, "connectorId": connector},
        "snake": {"charging_level": level, "connector_id": connector},
        "level_only": {"chargingLevel": level},
        "connector": {"connectorId": connector},
    }
    return bodies.get(shape)


def start_refusal(response: HttpResponse) -> str | None:
    """Why a start failed: a reason for the user, `next` (try the next variant), or None."""
    text = response.text.lower()
    if response.status < 400:
        return None
    if "invalid charge level" in text:
        return "level_rejected"
    if response.status in (409, 422) or "not plugged" in text or "iqevc_ms-10008" in text:
        return "not_plugged_in"
    if "already in charging state" in text or "iqevc_ms-10012" in text:
        return "already_in_state"
    if response.status in (400, 404, 405):
        return "next"
    return None


def stop_refusal(response: HttpResponse) -> str | None:
    """`next` for a routing miss, `not_active` (harmless) for the charger's refusal."""
    if response.status == 404 and "no static resource" in response.text.lower():
        return "next"
    if response.status == 405:
        return "next"
    if response.status in (400, 404, 409, 422):
        return "not_active"
    return None


class EnphaseClient:
    """Talks to the Enlighten cloud for one account."""

    def __init__(self, auth: EnphaseAuth) -> None:
        self.auth = auth
        self._start_variant: dict[bool, tuple[str, str, str]] = {}
        """The start variant that worked last, with a level (True) and without (False)."""
        self._stop_variant = 0
        self._config_by_cookies: set[str] = set()
        """Chargers whose config answered the cookies alone after refusing the tokens."""

    async def _send(
        self,
        method: str,
        path: str,
        family: Family,
        *,
        site_id: str | None = None,
        body: Any = None,
    ) -> HttpResponse:
        """Send; when refused, renew the sign-in once and send again."""
        token = self.auth.token
        response = await self.auth.send(method, path, family, site_id=site_id, json_body=body)
        if not _refused(response):
            self.auth.served()
            return response
        await self.auth.async_renew(token)
        response = await self.auth.send(
            method, path, family, site_id=site_id, json_body=body, access_bearer=True
        )
        if is_login_wall(response):
            raise self.auth.login_wall()
        if _refused(response):
            # The sign-in was just renewed and works: this call is refused, not the account.
            raise PortalAccessDeniedError(
                f"Access refused after a renewed sign-in (HTTP {response.status})",
                status=response.status,
            )
        self.auth.served()
        return response

    async def _read(self, path: str, family: Family, site_id: str | None = None) -> Any:
        response = await self._send("GET", path, family, site_id=site_id)
        if response.status == 400:  # the field's sign of polling too hard (#64)
            raise PortalRateLimitError(
                "Refused (HTTP 400)",
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
            )
        raise_for_status(response)
        return response.json()

    async def async_get_sites(self) -> list[Site]:
        """The account's sites: the site search, else each of the contract's paths."""
        try:
            sites = parse_sites(await self._read(SITE_SEARCH_PATH, Family.SEARCH))
        except PortalNotFoundError:
            sites = []
        if sites:
            return sites
        last_error: PortalNotFoundError | None = None
        for path in SITE_DISCOVERY_PATHS:
            try:
                return parse_sites(await self._read(path, Family.READ))
            except PortalNotFoundError as err:
                last_error = err
        assert last_error is not None
        raise last_error

    async def async_get_status(self, site_id: str) -> EvseStatus:
        """Status of every charger on the site."""
        path = f"{CONTROLLER}/{path_id(site_id)}/ev_chargers/status"
        return parse_status(await self._read(path, Family.STATUS, site_id))

    async def async_get_summaries(self, site_id: str) -> dict[str, ChargerSummary]:
        """The summary (v2) of every charger on the site, by serial."""
        path = f"{CONTROLLER}/api/v2/{path_id(site_id)}/ev_chargers/summary?filter_retired=true"
        return parse_summaries(await self._read(path, Family.READ, site_id))

    async def async_get_currency(self, site_id: str) -> str | None:
        """The site's currency (ISO 4217), when the cloud states one."""
        path = f"/app-api/{path_id(site_id)}/get_currency_conversion.json"
        return parse_currency(await self._read(path, Family.READ, site_id))

    async def async_get_session_history(
        self, site_id: str, serial: str, first: date, last: date, time_zone: str
    ) -> list[FinishedSession]:
        """The charger's finished sessions that started on the local days first to last."""
        path = HISTORY_PATH.format(site=path_id(site_id), serial=path_id(serial))
        sessions: list[FinishedSession] = []
        for _ in range(MAX_HISTORY_PAGES):
            body = history_request(first, last, time_zone, len(sessions))
            response = await self._send("POST", path, Family.HISTORY, site_id=site_id, body=body)
            raise_for_status(response)
            page = parse_history(response.json())
            sessions += page.sessions
            if not page.has_more or not page.sessions:
                break
        return sessions

    async def async_get_firmware(self, site_id: str) -> dict[str, Firmware]:
        """Each charger's installed and offered firmware, by serial."""
        path = FIRMWARE_PATH.format(site=path_id(site_id))
        return parse_firmware(await self._read(path, Family.READ, site_id))

    async def async_get_charger_config(self, site_id: str, serial: str) -> ChargerConfig:
        """The charger config's default level and authentications, in one read; each None
        where the config has no such key."""
        response = await self._send_config(
            "POST", site_id, serial, DEFAULT_LEVEL_READ + AUTHENTICATION_READ
        )
        raise_for_status(response)
        body = response.json()
        return ChargerConfig(parse_default_level(body), parse_authentication(body))

    async def async_set_default_level(self, site_id: str, serial: str, amps: int) -> None:
        """Set the charger's default charge level (integer amps)."""
        response = await self._send_config("PUT", site_id, serial, default_level_write(amps))
        _raise_for_command(response)

    async def async_set_authentication(self, site_id: str, serial: str, key: str, on: bool) -> None:
        """Turn one authentication (APP or RFID) on or off."""
        response = await self._send_config("PUT", site_id, serial, authentication_write(key, on))
        _raise_for_command(response)

    async def _send_config(
        self, method: str, site_id: str, serial: str, body: list[dict[str, Any]]
    ) -> HttpResponse:
        """A charger-config call; refused with a renewed sign-in, it is tried with the
        cookies alone, as the field does (section 2)."""
        path = CONFIG_PATH.format(site=path_id(site_id), serial=path_id(serial))

        async def by_cookies() -> HttpResponse:
            return await self.auth.send(
                method, path, Family.CONTROL, site_id=site_id, json_body=body, tokens=False
            )

        if serial in self._config_by_cookies:
            response = await by_cookies()
            if not _refused(response):
                return response
            self._config_by_cookies.discard(serial)  # the session ended: tokens again
        try:
            return await self._send(method, path, Family.CONTROL, site_id=site_id, body=body)
        except PortalAccessDeniedError:
            pass
        response = await by_cookies()
        if _refused(response):
            raise PortalAccessDeniedError(
                f"Charger config refused (HTTP {response.status})", status=response.status
            )
        self._config_by_cookies.add(serial)  # asked so from now on (no renewal at every read)
        return response

    async def async_get_schedules(self, site_id: str, serial: str) -> Schedules:
        """The charger's charging schedules."""
        path = SCHEDULES_PATH.format(site=path_id(site_id), serial=path_id(serial))
        return parse_schedules(await self._read(path, Family.CONTROL, site_id))

    async def async_write_schedules(self, site_id: str, serial: str, body: dict[str, Any]) -> None:
        """Write the charger's schedules back (every slot, `Schedules.patch`)."""
        path = SCHEDULES_PATH.format(site=path_id(site_id), serial=path_id(serial))
        response = await self._send("PATCH", path, Family.CONTROL, site_id=site_id, body=body)
        _raise_for_command(response, "schedule_rejected")  # the old schedule stays

    async def async_add_schedule(self, site_id: str, serial: str, slot: dict[str, Any]) -> None:
        """Create one schedule (`schedules.new_slot`); its answer is undocumented: the
        schedules are read again after it."""
        path = NEW_SCHEDULE_PATH.format(site=path_id(site_id), serial=path_id(serial))
        response = await self._send("POST", path, Family.CONTROL, site_id=site_id, body=slot)
        _raise_for_command(response, "schedule_rejected")

    async def async_delete_schedule(self, site_id: str, serial: str, slot_id: str) -> None:
        """Remove one schedule (one already gone, 404, is no error)."""
        path = SCHEDULE_PATH.format(
            site=path_id(site_id), serial=path_id(serial), slot=path_id(slot_id)
        )
        response = await self._send("DELETE", path, Family.CONTROL, site_id=site_id)
        if response.status != 404:
            _raise_for_command(response, "schedule_rejected")

    async def async_get_charge_modes(self, site_id: str, serial: str) -> ChargeModes:
        """The charger's charge mode and the modes it offers."""
        path = f"{SCHEDULER}/{path_id(site_id)}/{path_id(serial)}/preference"
        return parse_charge_modes(await self._read(path, Family.CONTROL, site_id))

    async def async_set_charge_mode(self, site_id: str, serial: str, mode: ChargeMode) -> None:
        """Change the charge mode; after a 400, re-read: the change may have landed anyway."""
        path = f"{SCHEDULER}/{path_id(site_id)}/{path_id(serial)}/preference"
        response = await self._send(
            "PUT", path, Family.CONTROL, site_id=site_id, body={"mode": mode.value}
        )
        if response.status != 400:
            raise_for_status(response)
            return
        if "iqevc_sch_10031" in response.text or "no schedules" in response.text.lower():
            raise _refused_command(response, "no_schedules")
        for _ in range(MODE_RECHECKS):
            await asyncio.sleep(MODE_RECHECK_DELAY)
            if (await self.async_get_charge_modes(site_id, serial)).mode is mode:
                return
        raise _refused_command(response, "refused")

    async def async_get_use_battery(self, site_id: str, serial: str) -> bool | None:
        """Whether Green charging may use the battery (None: no such setting)."""
        path = f"{SCHEDULER}/GREEN_CHARGING/{path_id(site_id)}/{path_id(serial)}/settings"
        return parse_use_battery(await self._read(path, Family.CONTROL, site_id))

    async def async_set_use_battery(self, site_id: str, serial: str, enabled: bool) -> None:
        """Let Green charging use the battery, or not."""
        path = f"{SCHEDULER}/GREEN_CHARGING/{path_id(site_id)}/{path_id(serial)}/settings"
        setting = {"chargerSettingName": USE_BATTERY_SETTING, "enabled": enabled, "value": None}
        response = await self._send(
            "PUT", path, Family.CONTROL, site_id=site_id, body={"chargerSettingList": [setting]}
        )
        raise_for_status(response)

    async def async_start_charging(
        self,
        site_id: str,
        serial: str,
        level: int | None,
        *,
        explicit: bool = False,
        connector: int = 1,
    ) -> bool:
        """Start a session on `connector`, at `level` amps unless it is None (Green, Smart).

        A charger that refuses every level with 500 "Invalid charge level" (IQ 40, #544) is
        started once more without one, unless the user asked for these amps: True when it
        was started so.
        """
        try:
            await self._start(site_id, serial, level, connector)
        except CommandRefusedError as err:
            if err.reason != "level_rejected" or level is None or explicit:
                raise
            await self._start(site_id, serial, None, connector)
            return True
        return False

    async def _start(self, site_id: str, serial: str, level: int | None, connector: int) -> None:
        with_level = level is not None
        variants = LEVEL_START_VARIANTS if with_level else PLAIN_START_VARIANTS
        if connector != 1:  # only the variants that name a connector can start another one
            variants = tuple(v for v in variants if v[2] in CONNECTOR_SHAPES)
        known = self._start_variant.get(with_level)
        last: HttpResponse | None = None
        for variant in sorted(variants, key=lambda v: v != known):  # the one that worked first
            method, noun, shape = variant
            path = f"{CONTROLLER}/{path_id(site_id)}/{noun}/{path_id(serial)}/start_charging"
            last = await self._send(
                method,
                path,
                Family.CONTROL,
                site_id=site_id,
                body=_start_body(shape, level, connector),
            )
            reason = start_refusal(last)
            if reason == "next":
                continue
            if reason is not None:
                raise _refused_command(last, reason)
            raise_for_status(last)
            self._start_variant[with_level] = variant
            return
        assert last is not None
        raise _refused_command(last, "refused")

    async def async_stop_charging(self, site_id: str, serial: str) -> None:
        """Stop the running session (no session running is no error)."""
        first = self._stop_variant
        for index in (first, *(i for i in range(len(STOP_VARIANTS)) if i != first)):
            method, noun = STOP_VARIANTS[index]
            path = f"{CONTROLLER}/{path_id(site_id)}/{noun}/{path_id(serial)}/stop_charging"
            response = await self._send(method, path, Family.CONTROL, site_id=site_id)
            reason = stop_refusal(response)
            if reason == "next":
                continue
            self._stop_variant = index
            if reason is None:
                raise_for_status(response)
            return
        raise _refused_command(response, "refused")

    async def async_trigger_message(self, site_id: str, serial: str, message: str) -> None:
        """Ask the charger to send an OCPP message (const.OCPP_MESSAGES)."""
        path = f"{CONTROLLER}/{path_id(site_id)}/ev_charger/{path_id(serial)}/trigger_message"
        response = await self._send(
            "POST", path, Family.CONTROL, site_id=site_id, body={"requestedMessage": message}
        )
        _raise_for_command(response)

    async def async_start_live_stream(self, site_id: str) -> float | None:
        """Ask the cloud for live status; returns the stream's seconds when it tells them."""
        path = f"{CONTROLLER}/{path_id(site_id)}/ev_chargers/start_live_stream"
        response = await self._send("GET", path, Family.STATUS, site_id=site_id)
        _raise_for_command(response)
        return live_stream_seconds(response.json()) if response.text.strip() else None

    async def async_stop_live_stream(self, site_id: str) -> None:
        """End the live stream."""
        path = f"{CONTROLLER}/{path_id(site_id)}/ev_chargers/stop_live_stream"
        _raise_for_command(await self._send("GET", path, Family.STATUS, site_id=site_id))


def _refused(response: HttpResponse) -> bool:
    return response.status in (401, 403) or is_login_wall(response)


def _refused_command(response: HttpResponse, reason: str) -> CommandRefusedError:
    return CommandRefusedError(
        f"Charger refused the command (HTTP {response.status})",
        status=response.status,
        body=response.text,
        reason=reason,
    )


def _raise_for_command(response: HttpResponse, reason: str = "refused") -> None:
    if response.status in (400, 409, 422):
        raise _refused_command(response, reason)
    raise_for_status(response)
