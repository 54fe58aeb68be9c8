"""Allume SolCentre client (no Home Assistant imports here).

The login answers a JWT and no refresh token: the client reads the token's `exp` and logs in
again shortly before it passes, and once more when a request is refused. Only a refused login
is an authentication failure.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import aiohttp

from ...answers import AnswerLog
from ...errors import PortalAccessDeniedError, PortalAuthError, PortalResponseError
from ...http import HttpResponse, path_id, raise_for_status, send
from ...parse import as_datetime, as_float, as_str, clean_name
from ...tokens import jwt_claims
from .models import Energy, Interval, Property, User

DEFAULT_BASE_URL = "https://api.allumeenergy.com.au/v2"
# Log in again this long before the token's expiry.
RELOGIN_MARGIN = 600.0
# Long windows are fetched in pieces of at most this length.
MAX_WINDOW = timedelta(days=7)
ADDRESS_LIMIT = 100
"""Characters of each address line kept (they name the property's device and statistics)."""
LOGIN_REFUSED = frozenset({400, 401, 403, 422})
ACCESS_REFUSED = frozenset({401, 403})
ENERGY_KEYS = (
    "energyDemand",
    "solarConsumed",
    "solarDelivered",
    "solarExported",
    "emissionReduced",
)


class SnapshotSource(StrEnum):
    """Whose snapshots: a property, a project (the building's system) or a meter."""

    PROPERTY = "properties"
    PROJECT = "projects"
    METER = "meters"


class AccessDeniedError(PortalAccessDeniedError):
    """A request was refused even with a fresh token (not an auth failure: the login works)."""


def _now() -> float:
    return time.time()


def token_expiry(token: str) -> float | None:
    """The `exp` claim of a JWT (Unix seconds), read without verifying the signature."""
    return as_float(jwt_claims(token).get("exp"))


def parse_login(body: Any) -> tuple[str, User]:
    """The token and the user of a login answer."""
    if not isinstance(body, dict):
        raise PortalResponseError("Login answer is not a JSON object")
    token = as_str(body.get("accessToken"))
    user = body.get("user")
    if not isinstance(user, dict):
        user = {}
    user_id = as_str(user.get("id"))
    if token is None or user_id is None:
        raise PortalResponseError("Login answer has no token or user id")
    return token, User(user_id=user_id, email=as_str(user.get("email")))


def parse_properties(body: Any) -> list[Property]:
    """The account's properties (a list under `properties`, or a bare list)."""
    if isinstance(body, dict):
        body = body.get("properties")
    if not isinstance(body, list):
        raise PortalResponseError("Property answer has no property list")
    properties = []
    for raw in body:
        if not isinstance(raw, dict) or (property_id := as_str(raw.get("id"))) is None:
            continue
        parts = [clean_name(raw.get(key), ADDRESS_LIMIT) for key in ("address1", "address2")]
        address = ", ".join(part for part in parts if part) or f"Property {property_id}"
        properties.append(
            Property(
                property_id=property_id,
                address=address,
                street=parts[1],
                nmi=as_str(raw.get("NMI")),
                meter_id=as_str(raw.get("meterId")),
                project_id=as_str(raw.get("projectId")),
            )
        )
    return properties


def _energy(value: Any) -> float:
    """kWh or kg from a row: null and garbage count as nothing, negatives as zero."""
    number = as_float(value)
    return 0.0 if number is None or number < 0 else number


def parse_snapshots(body: Any) -> list[Interval]:
    """Snapshot rows; rows without a readable window are skipped."""
    if isinstance(body, dict):
        body = body.get("data", body.get("snapshots"))
    if not isinstance(body, list):
        raise PortalResponseError("Snapshot answer is not a list")
    intervals = []
    blank = 0
    for raw in body:
        if not isinstance(raw, dict):
            continue
        start = as_datetime(raw.get("startAt"))
        end = as_datetime(raw.get("endAt"))
        if start is None or end is None or end <= start or start.tzinfo is None:
            continue
        if all(as_float(raw.get(key)) is None for key in ENERGY_KEYS):
            # Not a measurement: counting it as zero would drop today's totals and import
            # empty hours into the statistics for good.
            blank += 1
            continue
        intervals.append(
            Interval(
                start=start,
                end=end,
                energy=Energy(
                    demand=_energy(raw.get("energyDemand")),
                    # solarConsumed has been seen negative; a property cannot give solar back.
                    solar_consumed=_energy(raw.get("solarConsumed")),
                    solar_delivered=_energy(raw.get("solarDelivered")),
                    solar_exported=_energy(raw.get("solarExported")),
                    emissions_avoided=_energy(raw.get("emissionReduced")),
                ),
            )
        )
    if blank and not intervals:
        raise PortalResponseError("Snapshot rows carry no energy values")
    return intervals


class AllumeClient:
    """Talks to the SolCentre API with an e-mail and a password."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        email: str,
        password: str,
        base_url: str = DEFAULT_BASE_URL,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._session = session
        self._email = email
        self._password = password
        self._base_url = base_url.rstrip("/")
        self._clock = clock or _now
        self._token: str | None = None
        self._expires: float | None = None
        self._login_lock = asyncio.Lock()
        self.answers = AnswerLog()
        self.user: User | None = None

    async def async_login(self) -> User:
        """Log in; a refused login raises PortalAuthError."""
        response = await send(
            self._session,
            "POST",
            f"{self._base_url}/auth/customer-login",
            headers={"Accept": "application/json"},
            json_body={"email": self._email, "password": self._password},
            answers=self.answers,
        )
        if response.status in LOGIN_REFUSED:
            raise PortalAuthError(f"Login refused (HTTP {response.status})")
        raise_for_status(response)
        self._token, self.user = parse_login(response.json())
        self._expires = token_expiry(self._token)
        return self.user

    async def async_get_properties(self) -> list[Property]:
        """Every property on the account."""
        return parse_properties(await self._get_json("/consumers/me/properties"))

    async def async_get_snapshots(
        self, source: SnapshotSource, ident: str, start: datetime, end: datetime
    ) -> list[Interval]:
        """The rows of [start, end): hourly, or 5-minute buckets for a window of an hour or less.

        Long windows are fetched in pieces of at most MAX_WINDOW.
        """
        intervals: list[Interval] = []
        while start < end:
            piece_end = min(end, start + MAX_WINDOW)
            params: dict[str, str | int] = {
                "type": "hourly",
                "from": int(start.timestamp()),
                "to": int(piece_end.timestamp()),
            }
            body = await self._get_json(f"/{source}/{path_id(ident)}/snapshots", params)
            intervals += parse_snapshots(body)
            start = piece_end
        return intervals

    async def _ensure_token(self, refused_token: str | None = None) -> str:
        """A valid token: log in when there is none, it expires soon, or it was refused."""
        async with self._login_lock:
            token = self._token
            expiring = self._expires is not None and self._clock() >= self._expires - RELOGIN_MARGIN
            if token is None or expiring or token == refused_token:
                await self.async_login()
            assert self._token is not None
            return self._token

    async def _get_json(self, path: str, params: dict[str, str | int] | None = None) -> Any:
        token = await self._ensure_token()
        response = await self._get(path, token, params)
        if response.status in ACCESS_REFUSED:
            token = await self._ensure_token(refused_token=token)
            response = await self._get(path, token, params)
            if response.status in ACCESS_REFUSED:
                raise AccessDeniedError(
                    f"Access refused with a fresh token (HTTP {response.status})",
                    status=response.status,
                )
        raise_for_status(response)
        return response.json()

    async def _get(
        self, path: str, token: str, params: dict[str, str | int] | None
    ) -> HttpResponse:
        return await send(
            self._session,
            "GET",
            f"{self._base_url}{path}",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            params=params,
            answers=self.answers,
        )
