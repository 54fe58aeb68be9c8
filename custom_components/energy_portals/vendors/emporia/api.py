"""Emporia proxy REST client and models (no Home Assistant imports here)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import aiohttp

from ...answers import AnswerLog
from ...errors import PortalAuthError, PortalResponseError, PortalUpstreamError
from ...http import (
    HttpResponse,
    endpoint_name,
    raise_for_status,
    retry_once_when_refused,
    send,
)
from ...parse import as_bool, as_datetime, as_float, as_int, as_object, as_str, clean_name
from ...peer_limits import MAX_CHANNELS, MAX_DEVICES, nesting_ok
from ...tokens import jwt_claims
from .usage import KWH, UsageSample, channel_num, parse_usage

TOKEN_LIFETIME = 3600.0
"""The proxy's JWTs last an hour; used when a token carries no readable `exp`."""
RENEW_BEFORE = 300.0
"""Log in again this long before the token expires."""
REFUSED = (401, 403)
INSTANT_SCALE = "1MIN"
HISTORY_SCALE = "1MIN"
HISTORY_STEP = 60.0
"""Seconds of one history value (HISTORY_SCALE)."""


class EmporiaLinkError(PortalResponseError):
    """The proxy could not log in to Emporia with the Emporia credentials given."""


@dataclass(frozen=True, slots=True)
class User:
    """The proxy account."""

    user_id: str
    email: str | None
    emporia_username: str | None


@dataclass(frozen=True, slots=True)
class Channel:
    """One measured circuit of a monitor (or the single outlet of a plug)."""

    num: str
    name: str | None
    multiplier: float | None
    type: str | None = None
    """Emporia's channel type: Main, FiftyAmp, FiftyAmpBidirectional, Merged, ..."""

    @property
    def bidirectional(self) -> bool:
        """A channel whose flow runs both ways (solar, a battery): negative is production."""
        kind = (self.type or "").casefold()
        return "bidirectional" in kind or kind == "merged"


@dataclass(frozen=True, slots=True)
class EvCharger:
    """An EV charger's state as /devices passes it through (read-only behind the proxy)."""

    on: bool | None
    charging_rate: float | None
    """A."""
    max_charging_rate: float | None
    status: str | None
    message: str | None
    fault_text: str | None


@dataclass(frozen=True, slots=True)
class Connection:
    """Whether Emporia hears from the device, and since when it does not."""

    connected: bool | None
    offline_since: datetime | None


@dataclass(frozen=True, slots=True)
class EmporiaDevice:
    """A Vue monitor, or a smart plug / charger nested under one (`parent_gid`)."""

    gid: int
    name: str | None
    model: str | None
    firmware: str | None
    time_zone: str | None
    channels: tuple[Channel, ...]
    parent_gid: int | None = None
    outlet_on: bool | None = None
    """A smart plug's outlet (None: the device is no plug)."""
    is_outlet: bool = False
    ev_charger: EvCharger | None = None
    connection: Connection | None = None
    top_level: bool = True
    """Listed at the top level of /devices: usage is asked by its gid (nested ones come with
    their monitor's)."""

    @property
    def changes_often(self) -> bool:
        """A plug or a charger: its state is worth reading every few minutes."""
        return self.is_outlet or self.ev_charger is not None


def _ev_charger(raw: Any) -> EvCharger | None:
    if not isinstance(raw, dict):
        return None
    return EvCharger(
        on=as_bool(raw.get("chargerOn")),
        charging_rate=as_float(raw.get("chargingRate")),
        max_charging_rate=as_float(raw.get("maxChargingRate")),
        status=as_str(raw.get("status")),
        message=as_str(raw.get("message")),
        fault_text=as_str(raw.get("faultText")),
    )


def _connection(raw: Any) -> Connection | None:
    if not isinstance(raw, dict):
        return None
    return Connection(
        connected=as_bool(raw.get("connected")),
        offline_since=as_datetime(raw.get("offlineSince")),
    )


def wall_clock() -> float:
    """Seconds since the epoch, read at call time (so tests that freeze time can move it)."""
    return time.time()


def token_expiry(token: str, now: float) -> float:
    """When a JWT expires (its `exp` claim), else one hour from now."""
    exp = as_float(jwt_claims(token).get("exp"))
    return exp if exp is not None else now + TOKEN_LIFETIME


def parse_user(body: Any) -> User:
    """The /me answer: `{user: {...}}` (a bare user object is accepted too)."""
    raw = body.get("user", body) if isinstance(body, dict) else None
    if not isinstance(raw, dict):
        raise PortalResponseError("/me answer has no user")
    user_id = as_str(raw.get("id"))
    if user_id is None:
        raise PortalResponseError("/me answer has no user id")
    return User(
        user_id=user_id,
        email=as_str(raw.get("email")),
        emporia_username=as_str(raw.get("emporiaUsername")),
    )


def _parse_channels(raw: Any) -> tuple[Channel, ...]:
    channels = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and (num := channel_num(item.get("channelNum"))) is not None:
            channels.append(
                Channel(
                    num=num,
                    name=clean_name(item.get("name")),
                    multiplier=as_float(item.get("channelMultiplier")),
                    type=as_str(item.get("type")),
                )
            )
    return tuple(channels)


def _named_parent(raw: dict[str, Any], gid: int) -> int | None:
    """The monitor a device listed at the top level names as its parent: `parentDeviceGid` on
    the device (2026 captures) or on its outlet (older ones); 0 or its own gid is none."""
    for value in (raw.get("parentDeviceGid"), as_object(raw.get("outlet")).get("parentDeviceGid")):
        parent = as_int(value)
        if parent and parent != gid:
            return parent
    return None


def _parse_device(raw: Any, parent_gid: int | None, into: list[EmporiaDevice]) -> None:
    if not isinstance(raw, dict) or len(into) > MAX_DEVICES:
        return
    gid = as_int(raw.get("deviceGid"))
    if gid is None:
        return
    top_level = parent_gid is None
    if top_level:
        parent_gid = _named_parent(raw, gid)
    location = raw.get("locationProperties")
    location = location if isinstance(location, dict) else {}
    into.append(
        EmporiaDevice(
            gid=gid,
            name=clean_name(location.get("deviceName")),
            model=clean_name(raw.get("model")),
            firmware=clean_name(raw.get("firmware")),
            time_zone=as_str(location.get("timeZone")),
            channels=_parse_channels(raw.get("channels")),
            parent_gid=parent_gid,
            outlet_on=as_bool(as_object(raw.get("outlet")).get("outletOn")),
            is_outlet=isinstance(raw.get("outlet"), dict),
            ev_charger=_ev_charger(raw.get("evCharger")),
            connection=_connection(raw.get("deviceConnected")),
            top_level=top_level,
        )
    )
    for nested in (raw.get("devices") or []) if isinstance(raw.get("devices"), list) else []:
        _parse_device(nested, gid, into)


def parse_devices(body: Any) -> dict[int, EmporiaDevice]:
    """The /devices answer (the Emporia customer), flattened: monitors and nested devices."""
    if isinstance(body, dict) and isinstance(body.get("customer"), dict):
        body = body["customer"]
    raw = body.get("devices") if isinstance(body, dict) else body
    if not isinstance(raw, list):
        raise PortalResponseError("/devices answer has no device list")
    devices: list[EmporiaDevice] = []
    for item in raw[: MAX_DEVICES + 1]:
        _parse_device(item, None, devices)
    if len(devices) > MAX_DEVICES:
        raise PortalResponseError(f"/devices lists more than {MAX_DEVICES} devices")
    if sum(len(device.channels) for device in devices) > MAX_CHANNELS:
        raise PortalResponseError(f"/devices lists more than {MAX_CHANNELS} channels")
    by_gid = {device.gid: device for device in devices}
    parent_of = {gid: device.parent_gid for gid, device in by_gid.items()}
    if not all(nesting_ok(gid, parent_of.get) for gid in by_gid):
        raise PortalResponseError("/devices links devices in a cycle or nests them too deep")
    return by_gid


class EmporiaClient:
    """Logs in to the proxy with e-mail and password and keeps its JWT fresh."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        url: str,
        email: str,
        password: str,
        now: Callable[[], float] | None = None,
    ) -> None:
        self._session = session
        self.url = url.rstrip("/")
        self._credentials = {"email": email, "password": password}
        self._now = now or wall_clock
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()
        self.answers = AnswerLog()

    @property
    def ws_url(self) -> str:
        """The WebSocket endpoint: the same host and path as the REST API."""
        scheme, rest = self.url.split("://", 1) if "://" in self.url else ("http", self.url)
        return f"{'wss' if scheme == 'https' else 'ws'}://{rest}/"

    async def async_login(self) -> str:
        """Log in now and return the new token; refused credentials raise PortalAuthError."""
        response = await send(
            self._session,
            "POST",
            f"{self.url}/login",
            json_body=self._credentials,
            answers=self.answers,
        )
        if response.status in (400, 401, 403, 404):
            raise PortalAuthError(f"Login refused (HTTP {response.status})")
        raise_for_status(response)
        token = as_str(response.json_object().get("token"))
        if token is None:
            raise PortalResponseError("Login answer has no token")
        self._token, self._expires = token, token_expiry(token, self._now())
        return token

    async def async_token(self, *, renew: bool = False) -> str:
        """A token valid for a while yet, logging in when it is missing, expiring or refused."""
        stale = self._token
        async with self._lock:
            if self._token is not None and self._token != stale:
                return self._token  # another caller logged in while we waited
            if renew or self._token is None or self._now() >= self._expires - RENEW_BEFORE:
                # A single spurious refusal is not a refusal: only a second one asks the user.
                return await retry_once_when_refused(self.async_login)
            return self._token

    async def _send(self, method: str, path: str, token: str, body: Any) -> HttpResponse:
        return await send(
            self._session,
            method,
            f"{self.url}{path}",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            json_body=body,
            answers=self.answers,
        )

    async def _request(self, method: str, path: str, body: Any = None) -> HttpResponse:
        """Send with the token; when refused, log in once more and retry.

        Only a failed login is an auth failure: a refusal right after a fresh login is not.
        """
        response = await self._send(method, path, await self.async_token(), body)
        if response.status in REFUSED:
            response = await self._send(method, path, await self.async_token(renew=True), body)
            if response.status in REFUSED:
                raise PortalResponseError(
                    f"{endpoint_name(path)} refused even after a fresh login "
                    f"(HTTP {response.status})",
                    status=response.status,
                )
        raise_for_status(response)
        return response

    async def async_get_me(self) -> User:
        """The proxy account, with its Emporia link."""
        return parse_user((await self._request("GET", "/me")).json())

    async def async_link_emporia(self, username: str, password: str) -> None:
        """Give the proxy the Emporia credentials (it keeps Emporia's tokens, not these)."""
        response = await self._send(
            "POST",
            "/emporia-auth",
            await self.async_token(),
            {"emporiaUsername": username, "emporiaPassword": password},
        )
        if response.status in (400, 401, 403, 422):
            raise EmporiaLinkError(
                f"Emporia refused the credentials (HTTP {response.status})",
                status=response.status,
            )
        raise_for_status(response)

    async def async_get_devices(self) -> dict[int, EmporiaDevice]:
        """Every monitor and nested device of the linked Emporia account, by deviceGid.

        The proxy answers 400 when it cannot get them from Emporia (its devicesController
        maps every upstream failure, an unlinked account included, to 400).
        """
        try:
            response = await self._request("GET", "/devices")
        except PortalResponseError as err:
            if err.status == 400:
                raise PortalUpstreamError("The proxy cannot reach Emporia (HTTP 400)") from err
            raise
        return parse_devices(response.json())

    async def async_get_instant(self) -> UsageSample:
        """The usage of the last minute, for every monitor (the proxy requires all three
        parameters and answers 400 without them)."""
        instant = datetime.fromtimestamp(self._now(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        query = urlencode({"instant": instant, "scale": INSTANT_SCALE, "energyUnit": KWH})
        return parse_usage((await self._request("GET", f"/devices/instant?{query}")).json())

    async def async_get_period_usage(
        self, gid: int, scale: str, at: float | None = None
    ) -> UsageSample:
        """Emporia's own bucket of the `scale` (1D: a day, 1MON: a month) holding `at` (Unix
        seconds, default now), for one top-level device and the devices nested under it."""
        moment = self._now() if at is None else at
        instant = datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        query = urlencode({"devices": gid, "instant": instant, "scale": scale, "energyUnit": KWH})
        return parse_usage((await self._request("GET", f"/devices/instant?{query}")).json())

    async def async_get_history(
        self, gid: int, channels: list[str], start: float, end: float, scale: str = HISTORY_SCALE
    ) -> History:
        """One channel's energy per step of `scale` (default a minute) over [start, end) (Unix
        seconds, whole steps).

        `channels` are the channel numbers the history sums (["1", "2", "3"] for the mains).
        """
        query = urlencode(
            [("channels", num) for num in channels]
            + [
                ("start", _iso(start)),
                ("end", _iso(end)),
                ("scale", scale),
                ("energyUnit", KWH),
            ]
        )
        return parse_history((await self._request("GET", f"/devices/{gid}/history?{query}")).json())


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class History:
    """Energy per step (kWh, None where missing) from `first` (Unix seconds) on."""

    first: float | None
    values: tuple[float | None, ...]


def parse_history(body: Any) -> History:
    """The /devices/:id/history answer: `{usageList: [...], firstUsageInstant: ...}`."""
    values = body.get("usageList") if isinstance(body, dict) else None
    if not isinstance(values, list):
        raise PortalResponseError("History answer has no usageList")
    first = as_datetime(body.get("firstUsageInstant"))
    return History(
        first=first.timestamp() if first is not None else None,
        values=tuple(as_float(value) for value in values),
    )
