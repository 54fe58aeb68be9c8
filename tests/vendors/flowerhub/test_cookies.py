"""Cookie auth over real HTTP: the simulator sets cookies on login and checks them and Origin."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from custom_components.energy_portals.errors import PortalAuthError
from custom_components.energy_portals.vendors.flowerhub.api import FlowerHubClient
from tests.conftest import RunningSimulator
from tests.simulator.flowerhub import ASSET_ID, PASSWORD, USERNAME, FlowerHubSimulator


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session


@pytest.fixture
def client(session: aiohttp.ClientSession, simulator: RunningSimulator) -> FlowerHubClient:
    return FlowerHubClient(
        session, username=USERNAME, password=PASSWORD, base_url=simulator.base_url("flowerhub")
    )


@pytest.fixture
def sim(simulator: RunningSimulator) -> FlowerHubSimulator:
    flowerhub: FlowerHubSimulator = simulator["flowerhub"]
    return flowerhub


async def test_login_cookies_land_in_the_jar_and_are_sent(
    client: FlowerHubClient, session: aiohttp.ClientSession, sim: FlowerHubSimulator
) -> None:
    """The login's cookies land in the entry's jar and are sent with the Origin header."""
    asset = await client.async_get_asset(str(ASSET_ID))
    assert asset.connected is True
    assert {cookie.key for cookie in session.cookie_jar} == {"Authentication", "Refresh"}
    (call,) = sim.state.calls("GET", f"/asset/{ASSET_ID}")
    assert f"Authentication={sim.access_token}" in call.headers["Cookie"]
    assert all(r.headers.get("Origin") == "https://portal.flowerhub.se" for r in sim.state.requests)


async def test_missing_origin_is_refused_by_the_portal(
    session: aiohttp.ClientSession, simulator: RunningSimulator
) -> None:
    """The simulated portal refuses a request without Origin, as the real one does."""
    url = f"{simulator.base_url('flowerhub')}/asset/{ASSET_ID}"
    async with session.get(url) as response:
        assert response.status == 403


async def test_expired_access_cookie_is_refreshed_through_the_jar(
    client: FlowerHubClient, sim: FlowerHubSimulator
) -> None:
    """An expired access cookie is refreshed through the jar, without a new login."""
    await client.async_get_asset(str(ASSET_ID))
    sim.expire_access()
    assert (await client.async_get_asset(str(ASSET_ID))).fuse_size == 20.0
    assert len(sim.state.calls("GET", "/auth/refresh-token")) == 1
    assert len(sim.state.calls("POST", "/auth/login")) == 1


async def test_expired_refresh_cookie_logs_in_again(
    client: FlowerHubClient, sim: FlowerHubSimulator
) -> None:
    """An expired refresh cookie logs in again."""
    await client.async_get_asset(str(ASSET_ID))
    sim.expire_refresh()
    assert (await client.async_get_asset(str(ASSET_ID))).installed is True
    assert len(sim.state.calls("GET", "/auth/refresh-token")) == 1
    assert len(sim.state.calls("POST", "/auth/login")) == 2


async def test_changed_password_is_an_auth_error(
    client: FlowerHubClient, sim: FlowerHubSimulator
) -> None:
    """A changed password is an authentication error."""
    await client.async_get_asset(str(ASSET_ID))
    sim.expire_refresh()
    sim.password = "changed"
    with pytest.raises(PortalAuthError):
        await client.async_get_asset(str(ASSET_ID))


async def test_etag_304_from_the_simulator(
    client: FlowerHubClient, sim: FlowerHubSimulator
) -> None:
    """The simulator answers 304 to a known ETag, and new data once it changed."""
    first = await client.async_get_invoices("4711")
    second = await client.async_get_invoices("4711")
    assert second is first
    calls = sim.state.calls("GET", "/asset-owner/4711/invoice")
    assert "If-None-Match" not in calls[0].headers
    assert calls[1].headers["If-None-Match"]
    sim.invoices = sim.invoices[:1]
    assert len(await client.async_get_invoices("4711")) == 1
