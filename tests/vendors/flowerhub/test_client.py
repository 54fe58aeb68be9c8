"""The FlowerHub client against mocked HTTP (aioresponses): what it sends, how it recovers."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aioresponses import CallbackResult, aioresponses
from yarl import URL

from custom_components.energy_portals.errors import (
    PortalAuthError,
    PortalConnectionError,
    PortalNotFoundError,
    PortalRateLimitError,
    PortalResponseError,
)
from custom_components.energy_portals.vendors.flowerhub.api import ORIGIN, FlowerHubClient
from tests.helpers import sent

BASE = "https://api.test.flowerhub"
LOGIN = f"{BASE}/auth/login"
REFRESH = f"{BASE}/auth/refresh-token"
ASSET = f"{BASE}/asset/812"
LOGIN_BODY: dict[str, Any] = {
    "user": {"id": 1, "email": "a@b.se", "role": 3, "name": "Anna", "assetOwnerId": 4711},
    "refreshTokenExpirationDate": "2099-01-01T00:00:00Z",
}
ASSET_BODY = {
    "id": 812,
    "inverter": {"manufacturerName": "Sungrow", "name": "SH10RT", "powerCapacity": "10"},
    "battery": {
        "manufacturerName": "Sungrow",
        "name": "SBR096",
        "energyCapacity": "9.6",
        "powerCapacity": 5.76,
    },
    "fuseSize": "20",
    "flowerHubStatus": {"status": "Connected", "message": "ok"},
    "isInstalled": True,
}


@pytest.fixture
def mock() -> Any:
    with aioresponses() as mocked:
        yield mocked


@pytest.fixture
async def client() -> AsyncIterator[FlowerHubClient]:
    async with aiohttp.ClientSession() as session:
        yield FlowerHubClient(session, username="a@b.se", password="pw", base_url=BASE + "/")


def calls(mock: Any, method: str, url: str) -> list[Any]:
    return list(sent(mock).get((method, URL(url)), []))


async def test_login_posts_credentials_with_origin(mock: Any, client: FlowerHubClient) -> None:
    """The login posts the credentials with the portal's Origin header."""
    mock.post(LOGIN, payload=LOGIN_BODY)
    login = await client.async_login()
    assert login.asset_owner_id == "4711"
    assert login.name == "Anna"
    (call,) = calls(mock, "POST", LOGIN)
    assert call.kwargs["json"] == {"username": "a@b.se", "password": "pw"}
    assert call.kwargs["headers"]["Origin"] == ORIGIN


@pytest.mark.parametrize("status", [400, 401, 403])
async def test_refused_login_is_auth_error_never_refreshed(
    mock: Any, client: FlowerHubClient, status: int
) -> None:
    """A refused login is an authentication error, never followed by a refresh."""
    mock.post(LOGIN, status=status)
    with pytest.raises(PortalAuthError):
        await client.async_login()
    assert not calls(mock, "GET", REFRESH)


async def test_login_without_owner_id_is_response_error(mock: Any, client: FlowerHubClient) -> None:
    """A login answer without the asset owner id is a response error."""
    mock.post(LOGIN, payload={"user": {"id": 1}})
    with pytest.raises(PortalResponseError):
        await client.async_login()


async def test_first_call_logs_in_and_every_call_sends_origin(
    mock: Any, client: FlowerHubClient
) -> None:
    """The first call logs in; every call sends the Origin header."""
    mock.post(LOGIN, payload=LOGIN_BODY)
    mock.get(ASSET, payload=ASSET_BODY)
    asset = await client.async_get_asset("812")
    assert asset.status == "connected"
    assert asset.connected is True
    assert len(calls(mock, "POST", LOGIN)) == 1
    (call,) = calls(mock, "GET", ASSET)
    assert call.kwargs["headers"]["Origin"] == ORIGIN
    assert "If-None-Match" not in call.kwargs["headers"]


async def test_string_numbers_parsed_once(mock: Any, client: FlowerHubClient) -> None:
    """Numbers that arrive as strings are parsed once, in the client."""
    mock.post(LOGIN, payload=LOGIN_BODY)
    mock.get(ASSET, payload=ASSET_BODY)
    asset = await client.async_get_asset("812")
    assert asset.inverter.power_capacity == 10.0
    assert asset.battery.energy_capacity == 9.6
    assert asset.fuse_size == 20.0
    assert asset.asset_id == "812"


async def test_401_refreshes_once_then_retries(mock: Any, client: FlowerHubClient) -> None:
    """A 401 refreshes the session once and retries."""
    mock.post(LOGIN, payload=LOGIN_BODY)
    mock.get(ASSET, status=401)
    mock.get(REFRESH, payload=LOGIN_BODY["user"])
    mock.get(ASSET, payload=ASSET_BODY)
    await client.async_login()
    asset = await client.async_get_asset("812")
    assert asset.fuse_size == 20.0
    assert len(calls(mock, "GET", REFRESH)) == 1
    assert len(calls(mock, "POST", LOGIN)) == 1
    assert calls(mock, "GET", REFRESH)[0].kwargs["headers"]["Origin"] == ORIGIN


async def test_failed_refresh_logs_in_again(mock: Any, client: FlowerHubClient) -> None:
    """A refused refresh logs in again."""
    mock.post(LOGIN, payload=LOGIN_BODY, repeat=True)
    mock.get(ASSET, status=401)
    mock.get(REFRESH, status=401)
    mock.get(ASSET, payload=ASSET_BODY)
    await client.async_login()
    assert (await client.async_get_asset("812")).installed is True
    assert len(calls(mock, "GET", REFRESH)) == 1
    assert len(calls(mock, "POST", LOGIN)) == 2


async def test_retry_after_refresh_still_401_logs_in_again(
    mock: Any, client: FlowerHubClient
) -> None:
    """A 401 even after a refresh logs in again before giving up."""
    mock.post(LOGIN, payload=LOGIN_BODY, repeat=True)
    mock.get(ASSET, status=401)
    mock.get(REFRESH, payload=LOGIN_BODY["user"])
    mock.get(ASSET, status=401)
    mock.get(ASSET, payload=ASSET_BODY)
    await client.async_login()
    assert (await client.async_get_asset("812")).status == "connected"
    assert len(calls(mock, "GET", REFRESH)) == 1
    assert len(calls(mock, "POST", LOGIN)) == 2
    assert len(calls(mock, "GET", ASSET)) == 3


async def test_failed_relogin_is_auth_error(mock: Any, client: FlowerHubClient) -> None:
    """A refused fresh login is an authentication error."""
    mock.post(LOGIN, payload=LOGIN_BODY)
    mock.post(LOGIN, status=401)
    mock.get(ASSET, status=401)
    mock.get(REFRESH, status=401)
    await client.async_login()
    with pytest.raises(PortalAuthError):
        await client.async_get_asset("812")


async def test_401_right_after_login_is_auth_error(mock: Any, client: FlowerHubClient) -> None:
    """A 401 right after a fresh login is an authentication error."""
    mock.post(LOGIN, payload=LOGIN_BODY, repeat=True)
    mock.get(REFRESH, payload=LOGIN_BODY["user"])
    mock.get(ASSET, status=401, repeat=True)
    with pytest.raises(PortalAuthError):
        await client.async_get_asset("812")
    assert len(calls(mock, "GET", ASSET)) == 3
    assert len(calls(mock, "GET", REFRESH)) == 1


async def test_refresh_5xx_is_connection_error(mock: Any, client: FlowerHubClient) -> None:
    """A refresh failing with 5xx is a connection error, not reauth."""
    mock.post(LOGIN, payload=LOGIN_BODY)
    mock.get(ASSET, status=401)
    mock.get(REFRESH, status=503)
    await client.async_login()
    with pytest.raises(PortalConnectionError):
        await client.async_get_asset("812")


async def test_concurrent_401s_share_one_refresh(mock: Any, client: FlowerHubClient) -> None:
    """Concurrent 401s share one refresh."""
    mock.post(LOGIN, payload=LOGIN_BODY)
    await client.async_login()
    fresh = {"value": False}

    async def asset(url: URL, **kwargs: Any) -> CallbackResult:
        await asyncio.sleep(0)
        return (
            CallbackResult(status=200, payload=ASSET_BODY)
            if fresh["value"]
            else (CallbackResult(status=401))
        )

    async def refresh(url: URL, **kwargs: Any) -> CallbackResult:
        await asyncio.sleep(0.01)
        fresh["value"] = True
        return CallbackResult(status=200, payload=dict(LOGIN_BODY["user"]))

    mock.get(re.compile(rf"{re.escape(BASE)}/asset/\d+$"), callback=asset, repeat=True)
    mock.get(REFRESH, callback=refresh, repeat=True)
    results = await asyncio.gather(*(client.async_get_asset(str(i)) for i in range(5)))
    assert all(result.fuse_size == 20.0 for result in results)
    assert len(calls(mock, "GET", REFRESH)) == 1
    assert len(calls(mock, "POST", LOGIN)) == 1


async def test_concurrent_first_calls_log_in_once(mock: Any, client: FlowerHubClient) -> None:
    """Concurrent first calls log in once."""
    mock.post(LOGIN, payload=LOGIN_BODY, repeat=True)
    mock.get(re.compile(rf"{re.escape(BASE)}/asset/\d+$"), payload=ASSET_BODY, repeat=True)
    await asyncio.gather(*(client.async_get_asset(str(i)) for i in range(3)))
    assert len(calls(mock, "POST", LOGIN)) == 1


async def test_etag_sent_and_304_reuses_last_model(mock: Any, client: FlowerHubClient) -> None:
    """The ETag is sent back, and a 304 reuses the last model."""
    mock.post(LOGIN, payload=LOGIN_BODY)
    mock.get(ASSET, payload=ASSET_BODY, headers={"etag": '"v1"'})
    mock.get(ASSET, status=304, headers={"ETag": '"v1"'})
    first = await client.async_get_asset("812")
    second = await client.async_get_asset("812")
    assert second is first
    sent = calls(mock, "GET", ASSET)
    assert "If-None-Match" not in sent[0].kwargs["headers"]
    assert sent[1].kwargs["headers"]["If-None-Match"] == '"v1"'


async def test_304_without_earlier_answer_is_response_error(
    mock: Any, client: FlowerHubClient
) -> None:
    """A 304 without an earlier answer is a response error."""
    mock.post(LOGIN, payload=LOGIN_BODY)
    mock.get(ASSET, status=304)
    with pytest.raises(PortalResponseError):
        await client.async_get_asset("812")


async def test_429_carries_retry_after(mock: Any, client: FlowerHubClient) -> None:
    """A 429 carries its Retry-After."""
    mock.post(LOGIN, payload=LOGIN_BODY)
    mock.get(ASSET, status=429, headers={"Retry-After": "120"})
    with pytest.raises(PortalRateLimitError) as err:
        await client.async_get_asset("812")
    assert err.value.retry_after == 120


async def test_5xx_carries_retry_after(mock: Any, client: FlowerHubClient) -> None:
    """A 5xx with Retry-After is a connection error that carries it."""
    mock.post(LOGIN, payload=LOGIN_BODY)
    mock.get(ASSET, status=503, headers={"Retry-After": "30"})
    with pytest.raises(PortalConnectionError) as err:
        await client.async_get_asset("812")
    assert err.value.retry_after == 30


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("<html>login</html>", "text/html"), ('{"id": ', "application/json"), ("[1]", None)],
)
async def test_garbage_answers_are_response_errors(
    mock: Any, client: FlowerHubClient, body: str, content_type: str | None
) -> None:
    """Garbage answers (broken JSON, HTML, wrong shapes) are response errors."""
    mock.post(LOGIN, payload=LOGIN_BODY)
    mock.get(ASSET, body=body, content_type=content_type or "application/json")
    with pytest.raises(PortalResponseError):
        await client.async_get_asset("812")


async def test_timeout_is_connection_error(mock: Any, client: FlowerHubClient) -> None:
    """A timeout is a connection error."""
    mock.post(LOGIN, exception=TimeoutError())
    with pytest.raises(PortalConnectionError):
        await client.async_login()


async def test_empty_notification_body_is_valid(mock: Any, client: FlowerHubClient) -> None:
    """An empty notification body means no notification; a message is read; junk is none."""
    mock.post(LOGIN, payload=LOGIN_BODY)
    url = f"{BASE}/system-notification/active-flower"
    mock.get(url, body="", content_type="text/plain")
    mock.get(url, payload={"message": "Planned maintenance"})
    mock.get(url, body="not json", content_type="text/plain")
    assert await client.async_get_system_notification("active-flower") is None
    assert await client.async_get_system_notification("active-flower") == "Planned maintenance"
    assert await client.async_get_system_notification("active-flower") is None


async def test_nested_invoices_parse_fully(mock: Any, client: FlowerHubClient) -> None:
    """Invoices with lines and sub-group invoices parse fully, with numbers as strings."""
    mock.post(LOGIN, payload=LOGIN_BODY)
    mock.get(
        f"{BASE}/asset-owner/4711/invoice",
        payload=[
            {
                "id": "1",
                "due_date": "2025-06-30T00:00:00Z",
                "invoice_status": "Unpaid",
                "invoice_period": "May 2025",
                "total_amount": "389.50",
                "remaining_amount": "389,50",
                "invoice_lines": [
                    {"item_id": "9", "price": "0.85", "volume": "388", "amount": "x"}
                ],
                "sub_group_invoices": [
                    {
                        "id": "2",
                        "total_amount": "329.80",
                        "invoice_lines": [{"volume": "70.2", "amount": "59.70"}, "junk"],
                        "sub_group_invoices": None,
                    },
                    None,
                ],
            },
            "junk",
        ],
    )
    (invoice,) = await client.async_get_invoices("4711")
    assert invoice.total_amount == 389.5
    assert invoice.remaining_amount == 389.5
    assert invoice.due_date is not None and invoice.due_date.isoformat() == "2025-06-30"
    assert invoice.lines[0].price == 0.85
    assert invoice.lines[0].volume == 388.0
    assert invoice.lines[0].amount is None
    (sub,) = invoice.sub_invoices
    assert sub.invoice_id == "2"
    assert sub.total_amount == 329.8
    assert [line.amount for line in sub.lines] == [59.7]
    assert sub.sub_invoices == ()


async def test_uptime_falls_back_and_remembers(mock: Any, client: FlowerHubClient) -> None:
    """Uptime asks the portal's current (effective) path first, falls back to the spec's old
    path on 404 and remembers it."""
    mock.post(LOGIN, payload=LOGIN_BODY)
    old = f"{BASE}/asset-uptime/available-months/812"
    effective = f"{BASE}/asset-effective-uptime/available-months/812"
    mock.get(effective, status=404)
    mock.get(old, payload=[{"value": "2025-03", "label": "March 2025"}], repeat=True)
    mock.get(
        f"{BASE}/asset-uptime/bar-chart/history/812",
        payload=[{"date": "2025-03", "uptime": "99"}],
    )
    mock.get(
        f"{BASE}/asset-uptime/pie-chart/812?period=2025-03",
        payload=[{"name": "uptime", "value": 100}, {"name": "downtime", "value": "5"}],
    )
    assert await client.async_get_uptime_months("812") == ["2025-03"]
    assert client.uptime_prefix == "/asset-uptime"
    assert await client.async_get_uptime_months("812") == ["2025-03"]
    assert await client.async_get_uptime_history("812") == {"2025-03": 99.0}
    assert await client.async_get_uptime_pie("812", "2025-03") == {"uptime": 100, "downtime": 5}
    assert len(calls(mock, "GET", effective)) == 1  # not asked again once the other answered


async def test_uptime_effective_path_kept_when_it_answers(
    mock: Any, client: FlowerHubClient
) -> None:
    """The portal's current uptime path is kept while it answers."""
    mock.post(LOGIN, payload=LOGIN_BODY)
    mock.get(f"{BASE}/asset-effective-uptime/available-months/812", payload=[], repeat=True)
    assert await client.async_get_uptime_months("812") == []
    assert client.uptime_prefix == "/asset-effective-uptime"


async def test_uptime_missing_on_both_paths(mock: Any, client: FlowerHubClient) -> None:
    """Uptime missing on both paths is not-found, and no path is remembered."""
    mock.post(LOGIN, payload=LOGIN_BODY)
    mock.get(f"{BASE}/asset-uptime/available-months/812", status=404)
    mock.get(f"{BASE}/asset-effective-uptime/available-months/812", status=404)
    with pytest.raises(PortalNotFoundError):
        await client.async_get_uptime_months("812")
    assert client.uptime_prefix is None
