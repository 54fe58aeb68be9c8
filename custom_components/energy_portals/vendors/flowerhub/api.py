"""FlowerHub portal client (no Home Assistant imports here).

Cookie auth: the login answer sets `Authentication` and `Refresh` cookies in the injected
session's cookie jar, which must be this account's own. Every call carries the portal's Origin.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import aiohttp

from ...answers import AnswerLog
from ...errors import (
    PortalAccessDeniedError,
    PortalAuthError,
    PortalNotFoundError,
    PortalResponseError,
)
from ...http import HttpResponse, endpoint_name, path_id, raise_for_status, send
from .billing import (
    Agreements,
    ConsumptionReading,
    Invoice,
    Revenue,
    parse_agreements,
    parse_consumption,
    parse_invoices,
    parse_revenue,
)
from .models import (
    Asset,
    AssetOwner,
    Login,
    Profile,
    parse_asset,
    parse_asset_id,
    parse_asset_owner,
    parse_history,
    parse_login,
    parse_months,
    parse_notification,
    parse_pie,
    parse_profile,
)

DEFAULT_BASE_URL = "https://api.portal.flowerhub.se"
ORIGIN = "https://portal.flowerhub.se"
# The portal moved uptime in July 2026: its current paths first, the spec's old ones on 404.
UPTIME_PREFIXES = ("/asset-effective-uptime", "/asset-uptime")


@dataclass(frozen=True, slots=True)
class _Cached:
    etag: str
    model: Any


def header(response: HttpResponse, name: str) -> str | None:
    """A response header, whatever its case."""
    lowered = name.lower()
    return next((v for k, v in response.headers.items() if k.lower() == lowered), None)


class FlowerHubClient:
    """Reads one asset owner's FlowerHub portal; read-only."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        username: str,
        password: str,
        base_url: str = DEFAULT_BASE_URL,
    ) -> None:
        self._session = session
        self._username = username
        self._password = password
        self._base_url = base_url.rstrip("/")
        self._auth_lock = asyncio.Lock()
        # Bumped whenever the cookies are renewed: a request that failed with an older
        # generation just retries, so concurrent 401s share one renewal.
        self._generation = 0
        self._logged_in = False
        self._cache: dict[str, _Cached] = {}
        self.uptime_prefix: str | None = None
        self.login: Login | None = None
        self.answers = AnswerLog()

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        etag: str | None = None,
    ) -> HttpResponse:
        headers = {"Origin": ORIGIN, "Accept": "application/json"}
        if etag is not None:
            headers["If-None-Match"] = etag
        return await send(
            self._session,
            method,
            f"{self._base_url}{path}",
            headers=headers,
            params=params,
            json_body=json_body,
            answers=self.answers,
        )

    async def async_login(self) -> Login:
        """Log in with the stored credentials; a refusal is an auth error (never refreshed)."""
        credentials = {"username": self._username, "password": self._password}
        response = await self._send("POST", "/auth/login", json_body=credentials)
        if response.status in (400, 401, 403):
            raise PortalAuthError(f"Login refused (HTTP {response.status})")
        raise_for_status(response)
        self.login = parse_login(response.json())
        self._logged_in = True
        self._generation += 1
        return self.login

    async def _async_refresh(self) -> bool:
        """Ask for a new access cookie; False when the refresh cookie is refused too."""
        response = await self._send("GET", "/auth/refresh-token")
        if response.status in (401, 403):
            return False
        raise_for_status(response)
        self._generation += 1
        return True

    async def _async_renew(self, seen_generation: int, *, refresh_first: bool) -> None:
        """Renew the cookies once for every request that saw `seen_generation` fail."""
        async with self._auth_lock:
            if self._generation != seen_generation and self._logged_in:
                return  # another request renewed them meanwhile
            if refresh_first and self._logged_in and await self._async_refresh():
                return
            await self.async_login()

    async def _request(
        self, path: str, *, params: Mapping[str, str] | None = None, etag: str | None = None
    ) -> HttpResponse:
        """GET with the 401 ladder: refresh and retry, then log in again and retry."""
        if not self._logged_in:
            await self._async_renew(self._generation, refresh_first=False)
        for refresh_first in (True, False):
            generation = self._generation
            response = await self._send("GET", path, params=params, etag=etag)
            if response.status != 401:
                return response
            await self._async_renew(generation, refresh_first=refresh_first)
        response = await self._send("GET", path, params=params, etag=etag)
        if response.status == 401:
            raise PortalAuthError("Access refused right after logging in")
        return response

    async def _get[T](
        self, path: str, parse: Callable[[Any], T], params: Mapping[str, str] | None = None
    ) -> T:
        """GET a JSON model; a 304 answers the model parsed from the previous 200."""
        key = path if not params else f"{path}?{sorted(params.items())}"
        cached = self._cache.get(key)
        response = await self._request(path, params=params, etag=cached.etag if cached else None)
        if response.status == 304:
            if cached is None:
                raise PortalResponseError("Not Modified without an earlier answer", status=304)
            return cast(T, cached.model)
        if response.status == 403:  # the cookies work (the 401 ladder): only this data is refused
            raise PortalAccessDeniedError(f"{endpoint_name(path)} refused (HTTP 403)", status=403)
        raise_for_status(response)
        model = parse(response.json())
        if (etag := header(response, "ETag")) is not None:
            self._cache[key] = _Cached(etag, model)
        return model

    async def async_get_asset_owner(self, owner_id: str) -> AssetOwner:
        """The owner, installer, asset and compensation."""
        return await self._get(f"/asset-owner/{path_id(owner_id)}", parse_asset_owner)

    async def async_get_asset_id(self, owner_id: str) -> str | None:
        """The owner's asset id (when the owner answer lacks it)."""
        return await self._get(f"/asset-owner/{path_id(owner_id)}/withAssetId", parse_asset_id)

    async def async_get_profile(self, owner_id: str) -> Profile:
        """The owner's contact details and account status."""
        return await self._get(f"/asset-owner/{path_id(owner_id)}/profile", parse_profile)

    async def async_get_agreements(self, owner_id: str) -> Agreements:
        """The consumption and production electricity agreements."""
        return await self._get(
            f"/asset-owner/{path_id(owner_id)}/electricity-agreement", parse_agreements
        )

    async def async_get_invoices(self, owner_id: str) -> tuple[Invoice, ...]:
        """Every invoice, with nested sub-group invoices."""
        return await self._get(f"/asset-owner/{path_id(owner_id)}/invoice", parse_invoices)

    async def async_get_consumption(self, owner_id: str) -> tuple[ConsumptionReading, ...]:
        """Consumption by invoiced month."""
        return await self._get(f"/asset-owner/{path_id(owner_id)}/consumption", parse_consumption)

    async def async_get_asset(self, asset_id: str) -> Asset:
        """The battery system's hardware and status."""
        return await self._get(f"/asset/{path_id(asset_id)}", parse_asset)

    async def async_get_revenue(self, asset_id: str) -> Revenue | None:
        """The last invoice's compensation summary (None when the answer has no id)."""
        return await self._get(f"/asset/{path_id(asset_id)}/revenue", parse_revenue)

    async def async_get_system_notification(self, name: str) -> str | None:
        """A system notification's message; its usual empty 200 body means none."""
        response = await self._request(f"/system-notification/{path_id(name)}")
        raise_for_status(response)
        return parse_notification(response.text)

    async def _uptime[T](
        self, path: str, parse: Callable[[Any], T], params: Mapping[str, str] | None = None
    ) -> T:
        """An uptime endpoint under whichever prefix answers; the answering one is kept."""
        prefixes = sorted(UPTIME_PREFIXES, key=lambda prefix: prefix != self.uptime_prefix)
        for prefix in prefixes[:-1]:
            try:
                result = await self._get(f"{prefix}{path}", parse, params)
            except PortalNotFoundError:
                continue
            self.uptime_prefix = prefix
            return result
        result = await self._get(f"{prefixes[-1]}{path}", parse, params)
        self.uptime_prefix = prefixes[-1]
        return result

    async def async_get_uptime_months(self, asset_id: str) -> list[str]:
        """The `YYYY-MM` months with uptime data, oldest first."""
        return await self._uptime(f"/available-months/{path_id(asset_id)}", parse_months)

    async def async_get_uptime_history(self, asset_id: str) -> dict[str, float]:
        """Uptime percent by `YYYY-MM`."""
        return await self._uptime(f"/bar-chart/history/{path_id(asset_id)}", parse_history)

    async def async_get_uptime_pie(self, asset_id: str, period: str) -> dict[str, float]:
        """Seconds of uptime, downtime and noData in the `YYYY-MM` period."""
        return await self._uptime(f"/pie-chart/{path_id(asset_id)}", parse_pie, {"period": period})
