"""The Emporia proxy client and its parsers, HTTP mocked with aioresponses."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import yarl
from aioresponses import aioresponses

from custom_components.energy_portals.answers import AnswerLog
from custom_components.energy_portals.errors import (
    PortalAuthError,
    PortalConnectionError,
    PortalNotFoundError,
    PortalRateLimitError,
    PortalResponseError,
)
from custom_components.energy_portals.vendors.emporia.api import (
    EmporiaClient,
    EmporiaLinkError,
    parse_devices,
    parse_user,
    token_expiry,
)
from custom_components.energy_portals.vendors.emporia.usage import parse_usage, watts
from tests.helpers import sent

URL = "http://proxy.invalid:3000"


def jwt(exp: float) -> str:
    payload = base64.urlsafe_b64encode(json.dumps({"id": 7, "exp": exp}).encode()).decode()
    return f"h.{payload.rstrip('=')}.s"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(session: aiohttp.ClientSession, clock: Clock) -> EmporiaClient:
    return EmporiaClient(session, url=f"{URL}/", email="a@b.invalid", password="pw", now=clock)


def requests_to(mock: aioresponses, method: str, path: str) -> list[Any]:
    return sent(mock).get((method, yarl.URL(f"{URL}{path}")), [])


async def test_login_sends_credentials_and_uses_bearer(client: EmporiaClient, clock: Clock) -> None:
    """The login posts e-mail and password; later requests carry its token as a bearer."""
    token = jwt(clock.now + 3600)
    with aioresponses() as mock:
        mock.post(f"{URL}/login", payload={"token": token})
        mock.get(f"{URL}/me", payload={"user": {"id": 7, "email": "a@b", "emporiaUsername": None}})
        user = await client.async_get_me()
        login = requests_to(mock, "POST", "/login")[0]
        assert login.kwargs["json"] == {"email": "a@b.invalid", "password": "pw"}
        me = requests_to(mock, "GET", "/me")[0]
        assert me.kwargs["headers"]["Authorization"] == f"Bearer {token}"
    assert user.user_id == "7"
    assert user.emporia_username is None


async def test_token_renewed_before_expiry(client: EmporiaClient, clock: Clock) -> None:
    """The token is renewed once it is within the renewal margin of its expiry."""
    first, second = jwt(clock.now + 3600), jwt(clock.now + 7200)
    with aioresponses() as mock:
        mock.post(f"{URL}/login", payload={"token": first})
        mock.post(f"{URL}/login", payload={"token": second})
        assert await client.async_token() == first
        clock.now += 3000  # 10 minutes left: still fine
        assert await client.async_token() == first
        clock.now += 400  # within the renewal margin
        assert await client.async_token() == second
        assert len(requests_to(mock, "POST", "/login")) == 2


async def test_token_without_exp_lasts_an_hour(clock: Clock) -> None:
    """A token without a readable expiry is taken to last an hour."""
    assert token_expiry("not-a-jwt", clock.now) == clock.now + 3600
    assert token_expiry("a.!!!.c", clock.now) == clock.now + 3600
    assert token_expiry(jwt(42), clock.now) == 42


async def test_refused_request_logs_in_once_more(client: EmporiaClient, clock: Clock) -> None:
    """A 401 on data logs in once more and retries."""
    with aioresponses() as mock:
        mock.post(f"{URL}/login", payload={"token": jwt(clock.now + 3600)}, repeat=True)
        mock.get(f"{URL}/devices", status=401)
        mock.get(f"{URL}/devices", payload={"devices": []})
        assert await client.async_get_devices() == {}
        assert len(requests_to(mock, "POST", "/login")) == 2


async def test_refused_after_fresh_login_is_not_auth_failure(
    client: EmporiaClient, clock: Clock
) -> None:
    """A 403 after a fresh login is a refused request, not an authentication failure."""
    with aioresponses() as mock:
        mock.post(f"{URL}/login", payload={"token": jwt(clock.now + 3600)}, repeat=True)
        mock.get(f"{URL}/devices", status=403, repeat=True)
        with pytest.raises(PortalResponseError) as err:
            await client.async_get_devices()
    assert not isinstance(err.value, PortalAuthError)


@pytest.mark.parametrize("status", [400, 401])
async def test_refused_login_is_auth_error(client: EmporiaClient, status: int) -> None:
    """A login refused twice in a row is an authentication error."""
    with aioresponses() as mock:
        mock.post(f"{URL}/login", status=status, payload={"message": "Invalid"}, repeat=True)
        with pytest.raises(PortalAuthError):
            await client.async_get_devices()
        logins = sum(len(calls) for (method, _), calls in sent(mock).items() if method == "POST")
        assert logins == 2  # asked once more, then refused


async def test_single_refused_login_is_asked_again(client: EmporiaClient) -> None:
    """A single refused login is asked once more before giving up."""
    with aioresponses() as mock:
        mock.post(f"{URL}/login", status=401, payload={"message": "Invalid"})
        mock.post(f"{URL}/login", payload={"token": "fresh"})
        mock.get(f"{URL}/devices", payload=[])
        assert await client.async_get_devices() == {}


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"status": 500}, PortalConnectionError),
        ({"status": 429, "headers": {"Retry-After": "30"}}, PortalRateLimitError),
        ({"body": "<html>proxy error</html>", "content_type": "text/html"}, PortalResponseError),
        ({"body": '{"token": ', "content_type": "application/json"}, PortalResponseError),
        ({"payload": {"token": None}}, PortalResponseError),
        ({"exception": aiohttp.ClientConnectionError()}, PortalConnectionError),
    ],
)
async def test_login_failures(client: EmporiaClient, kwargs: dict[str, Any], error: type) -> None:
    """Each failing login answer raises its own error (auth, connection, response)."""
    with aioresponses() as mock:
        mock.post(f"{URL}/login", **kwargs)
        with pytest.raises(error):
            await client.async_login()


async def test_link_posts_emporia_credentials(client: EmporiaClient, clock: Clock) -> None:
    """Linking posts the Emporia cloud credentials to the proxy."""
    with aioresponses() as mock:
        mock.post(f"{URL}/login", payload={"token": jwt(clock.now + 3600)})
        mock.post(f"{URL}/emporia-auth", payload={"message": "ok"})
        await client.async_link_emporia("vue@x.invalid", "secret")
        sent = requests_to(mock, "POST", "/emporia-auth")[0]
        assert sent.kwargs["json"] == {
            "emporiaUsername": "vue@x.invalid",
            "emporiaPassword": "secret",
        }


@pytest.mark.parametrize(
    ("status", "error"), [(401, EmporiaLinkError), (502, PortalConnectionError)]
)
async def test_link_failures(client: EmporiaClient, clock: Clock, status: int, error: type) -> None:
    """A refused or failing link raises the matching error."""
    with aioresponses() as mock:
        mock.post(f"{URL}/login", payload={"token": jwt(clock.now + 3600)})
        mock.post(f"{URL}/emporia-auth", status=status, payload={"message": "no"})
        with pytest.raises(error):
            await client.async_link_emporia("vue@x.invalid", "wrong")


async def test_instant_404_is_not_found(client: EmporiaClient, clock: Clock) -> None:
    """A proxy without /devices/instant answers 404: not found."""
    with aioresponses() as mock:
        mock.post(f"{URL}/login", payload={"token": jwt(clock.now + 3600)})
        mock.get(re.compile(rf"{URL}/devices/instant\?.*"), status=404, payload={"message": "x"})
        with pytest.raises(PortalNotFoundError):
            await client.async_get_instant()


def test_ws_url_follows_the_rest_url(session: aiohttp.ClientSession) -> None:
    """The WebSocket URL follows the REST URL's scheme, host and path."""
    assert (
        EmporiaClient(session, url="http://h:3000", email="", password="").ws_url == "ws://h:3000/"
    )
    assert EmporiaClient(session, url="https://h/p/", email="", password="").ws_url == "wss://h/p/"
    assert EmporiaClient(session, url="h:3000", email="", password="").ws_url == "ws://h:3000/"


def test_parse_user_variants() -> None:
    """The user parses with its Emporia link; answers without a user object are response errors."""
    assert parse_user({"id": "9", "emporiaUsername": "v"}).emporia_username == "v"
    bad: Any
    for bad in (None, [], {"user": {"email": "x"}}, {"user": "x"}):
        with pytest.raises(PortalResponseError):
            parse_user(bad)


def test_parse_devices_flattens_nested_devices() -> None:
    """Devices and their nested plugs and chargers flatten into one map; junk is left out."""
    body = {
        "customer": {
            "devices": [
                {
                    "deviceGid": "11",
                    "model": "VUE002",
                    "firmware": "Vue2-5",
                    "locationProperties": {"deviceName": "Home", "timeZone": "UTC"},
                    "channels": [
                        {"channelNum": "1,2,3", "name": None, "channelMultiplier": "1"},
                        {"channelNum": None},
                        "junk",
                    ],
                    "devices": [{"deviceGid": 12, "model": "SSO001", "channels": None}, None],
                },
                {"deviceGid": None},
                "junk",
            ]
        }
    }
    devices = parse_devices(body)
    assert set(devices) == {11, 12}
    assert devices[11].name == "Home"
    assert devices[11].channels[0].multiplier == 1.0
    assert len(devices[11].channels) == 1
    assert devices[12].parent_gid == 11
    assert devices[12].name is None
    assert parse_devices([{"deviceGid": 1}])[1].channels == ()
    with pytest.raises(PortalResponseError):
        parse_devices({"devices": "nope"})


def test_watts_per_scale_and_unit() -> None:
    """Usage per scale and unit becomes watts; unknown scales or units give None."""
    assert watts(0.02, "1MIN", "KilowattHours") == pytest.approx(1200)
    assert watts("0.001", "1S", "KilowattHours") == pytest.approx(3600)
    assert watts(-0.03, "1MIN", None) == pytest.approx(-1800)
    assert watts(None, "1MIN", "KilowattHours") is None
    assert watts(0.02, "1W", "KilowattHours") is None
    assert watts(0.02, "1MIN", "Dollars") is None


def test_parse_usage_flattens_nested_devices() -> None:
    """A usage message flattens nested devices into one sample per channel."""
    body = {
        "deviceListUsages": {
            "instant": "2026-01-01T00:00:00Z",
            "scale": "1S",
            "energyUnit": "KilowattHours",
            "devices": [
                {
                    "deviceGid": 11,
                    "channelUsages": [
                        {
                            "channelNum": "1,2,3",
                            "usage": 0.001,
                            "name": "Main",
                            "nestedDevices": [
                                {
                                    "deviceGid": 12,
                                    "channelUsages": [{"channelNum": "1,2,3", "usage": None}],
                                }
                            ],
                        },
                        {"channelNum": None, "usage": 1},
                        "junk",
                    ],
                },
                {"deviceGid": "x"},
            ],
        }
    }
    sample = parse_usage(body)
    assert sample.readings[11, "1,2,3"].watts == pytest.approx(3600)
    assert sample.readings[12, "1,2,3"].watts is None
    assert sample.parents == {12: 11}
    assert sample.instant is not None
    with pytest.raises(PortalResponseError):
        parse_usage({"data": 1})


async def test_concurrent_callers_share_one_login(client: EmporiaClient, clock: Clock) -> None:
    """Concurrent callers share one login."""
    import asyncio

    with aioresponses() as mock:
        mock.post(f"{URL}/login", payload={"token": jwt(clock.now + 3600)}, repeat=True)
        first, second = await asyncio.gather(client.async_token(), client.async_token())
        assert first == second
        assert len(requests_to(mock, "POST", "/login")) == 1


async def test_stream_cannot_connect(session: aiohttp.ClientSession, socket_enabled: None) -> None:
    """A socket that cannot connect is a connection error; closing it then is harmless."""
    from custom_components.energy_portals.vendors.emporia.stream import EmporiaStream

    stream = EmporiaStream(session, "ws://127.0.0.1:9/", AnswerLog())
    with pytest.raises(PortalConnectionError):
        await stream.async_listen(
            "t", on_authenticated=lambda: None, on_sample=lambda _: None, idle_timeout=5
        )
    await stream.async_close()  # nothing open: nothing to do


def test_channel_types_and_named_parents() -> None:
    """Bidirectional and merged channel types run both ways; a device at the top level hangs
    under the monitor its `parentDeviceGid` names (0 or its own gid is none)."""
    body = [
        {
            "deviceGid": 1,
            "channels": [
                {"channelNum": "1,2,3", "type": "Main"},
                {"channelNum": "4", "type": "FiftyAmp"},
                {"channelNum": "5", "type": "FiftyAmpBidirectional"},
                {"channelNum": "6", "type": "Merged"},
                {"channelNum": "7", "type": None},
            ],
        },
        {"deviceGid": 2, "parentDeviceGid": "1", "outlet": {"outletOn": True}},
        {"deviceGid": 3, "outlet": {"outletOn": False, "parentDeviceGid": 1}},
        {"deviceGid": 4, "parentDeviceGid": 0, "outlet": {"parentDeviceGid": 4}},
    ]
    devices = parse_devices(body)
    assert [c.bidirectional for c in devices[1].channels] == [False, False, True, True, False]
    assert devices[1].channels[2].type == "FiftyAmpBidirectional"
    assert [devices[gid].parent_gid for gid in (1, 2, 3, 4)] == [None, 1, 1, None]
