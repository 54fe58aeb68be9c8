"""The Enphase client: what it sends and how it reads what comes back."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest
from aioresponses import aioresponses
from yarl import URL

from custom_components.energy_portals.errors import (
    PortalAuthError,
    PortalConnectionError,
    PortalNotFoundError,
    PortalRateLimitError,
    PortalResponseError,
)
from custom_components.energy_portals.vendors.enphase.api import (
    CommandRefusedError,
    EnphaseClient,
    parse_status,
)
from tests.helpers import sent

BASE = "https://enlighten.example"
STATUS = f"{BASE}/service/evse_controller/42/ev_chargers/status"


@pytest.fixture
async def client() -> AsyncIterator[EnphaseClient]:
    async with aiohttp.ClientSession() as session:
        yield EnphaseClient(session, e_auth_token="tok-123", cookie="SESSION=abc", base_url=BASE)


def _charger(**overrides: object) -> dict[str, object]:
    raw: dict[str, object] = {
        "sn": "482522020944",
        "name": "Garage EV",
        "connected": True,
        "pluggedIn": True,
        "charging": False,
        "faulted": False,
        "connectorStatusType": "AVAILABLE",
        "session_d": {"e_c": 3520, "cost": 0.84, "sch_kwh": 0.0, "start_time": 1725600000},
        "sch_d": {"enabled": False},
    }
    raw.update(overrides)
    return raw


async def test_status_sends_tokens_and_parses_spec_example(client: EnphaseClient) -> None:
    """The status request sends the token and cookie and parses the spec's example."""
    with aioresponses() as mocked:
        mocked.get(STATUS, payload={"evChargerData": [_charger()], "ts": 1725600123})
        status = await client.async_get_status("42")
        (call,) = sent(mocked)[("GET", URL(STATUS))]
    assert call.kwargs["headers"]["e-auth-token"] == "tok-123"
    assert call.kwargs["headers"]["Cookie"] == "SESSION=abc"
    charger = status.chargers["482522020944"]
    assert charger.name == "Garage EV"
    assert charger.plugged_in is True
    assert charger.charging is False
    assert charger.connector_status == "available"
    assert charger.session_energy == 3.52
    assert charger.session_cost == 0.84
    assert charger.session_start == datetime(2024, 9, 6, 5, 20, tzinfo=UTC)
    assert charger.schedule_enabled is False
    assert status.timestamp == datetime.fromtimestamp(1725600123, UTC)


def test_status_normalises_wh_milliseconds_and_strings() -> None:
    """Wh, millisecond epochs and numbers as strings are normalised; entries without serial are
    skipped.
    """
    status = parse_status(
        {
            "evChargerData": [
                _charger(
                    pluggedIn="true",
                    charging="1",
                    session_d={"e_c": "3520", "cost": "0.84", "start_time": "1725600000000"},
                    chargingLevel="16",
                ),
                {"name": "no serial, skipped"},
                "garbage",
            ]
        }
    )
    (charger,) = status.chargers.values()
    assert charger.session_energy == 3.52
    assert charger.session_start == datetime(2024, 9, 6, 5, 20, tzinfo=UTC)
    assert charger.plugged_in is True
    assert charger.charging is True
    assert charger.charging_level == 16
    assert charger.session_cost == 0.84


def test_status_survives_nulls_and_missing_keys() -> None:
    """Nulls and missing keys read as unknown, never as a crash."""
    status = parse_status(
        {"evChargerData": [{"sn": 1, "session_d": None, "sch_d": "x", "pluggedIn": None}]}
    )
    charger = status.chargers["1"]
    assert charger.plugged_in is None
    assert charger.session_energy is None
    assert charger.session_start is None
    assert charger.connector_status is None
    assert charger.active is False


@pytest.mark.parametrize("body", [[], {"evChargerData": None}, {"other": 1}])
def test_status_without_charger_list_is_a_response_error(body: object) -> None:
    """A status answer without the charger list is a response error."""
    with pytest.raises(PortalResponseError):
        parse_status(body)


@pytest.mark.parametrize(
    ("status", "body", "content_type", "error"),
    [
        (401, "{}", "application/json", PortalAuthError),
        (403, "{}", "application/json", PortalAuthError),
        (200, "<html>login</html>", "text/html", PortalAuthError),
        (429, "{}", "application/json", PortalRateLimitError),
        (500, "{}", "application/json", PortalConnectionError),
        (200, "{not json", "application/json", PortalResponseError),
        (200, "", "application/json", PortalResponseError),
    ],
)
async def test_status_errors(
    client: EnphaseClient, status: int, body: str, content_type: str, error: type[Exception]
) -> None:
    """Each error answer raises its own error; a refusal is asked once more first."""
    with aioresponses() as mocked:
        mocked.get(STATUS, status=status, body=body, content_type=content_type, repeat=True)
        with pytest.raises(error):
            await client.async_get_status("42")
        calls = len(sent(mocked)[("GET", URL(STATUS))])
    assert calls == (2 if error is PortalAuthError else 1)  # a refusal is asked once more


async def test_a_single_refusal_is_asked_once_more(client: EnphaseClient) -> None:
    """A single 401 is asked once more and then succeeds."""
    with aioresponses() as mocked:
        mocked.get(STATUS, status=401)
        mocked.get(STATUS, payload={"evChargerData": [_charger()]})
        status = await client.async_get_status("42")
    assert list(status.chargers) == ["482522020944"]


async def test_rate_limit_carries_retry_after(client: EnphaseClient) -> None:
    """A 429 carries its Retry-After."""
    with aioresponses() as mocked:
        mocked.get(STATUS, status=429, headers={"Retry-After": "120"})
        with pytest.raises(PortalRateLimitError) as caught:
            await client.async_get_status("42")
    assert caught.value.retry_after == 120


async def test_timeout_is_a_connection_error(client: EnphaseClient) -> None:
    """A timeout or a refused connection is a connection error."""
    with aioresponses() as mocked:
        mocked.get(STATUS, exception=TimeoutError())
        with pytest.raises(PortalConnectionError):
            await client.async_get_status("42")
        mocked.get(STATUS, exception=aiohttp.ClientConnectionError("refused"))
        with pytest.raises(PortalConnectionError):
            await client.async_get_status("42")


async def test_site_discovery_falls_back_through_paths(client: EnphaseClient) -> None:
    """Site discovery falls back through the known paths and skips entries without an id."""
    with aioresponses() as mocked:
        mocked.get(f"{BASE}/service/evse_controller/sites", status=404)
        mocked.get(f"{BASE}/api/v1/sites", status=404)
        mocked.get(
            f"{BASE}/sites.json",
            payload=[{"site_id": 7, "name": "Cabin"}, {"id": "8"}, {"name": "no id"}, 3],
        )
        sites = await client.async_get_sites()
    assert [(s.site_id, s.name) for s in sites] == [("7", "Cabin"), ("8", None)]


async def test_site_discovery_reads_wrapped_lists(client: EnphaseClient) -> None:
    """A site list wrapped in an object is read too."""
    with aioresponses() as mocked:
        mocked.get(f"{BASE}/service/evse_controller/sites", payload={"data": [{"site_id": 1}]})
        assert [s.site_id for s in await client.async_get_sites()] == ["1"]


async def test_site_discovery_all_missing(client: EnphaseClient) -> None:
    """No site path at all is not-found; an unreadable list is a response error."""
    with aioresponses() as mocked:
        for path in ("/service/evse_controller/sites", "/api/v1/sites", "/sites.json"):
            mocked.get(f"{BASE}{path}", status=404)
        with pytest.raises(PortalNotFoundError):
            await client.async_get_sites()
        mocked.get(f"{BASE}/service/evse_controller/sites", payload={"sites": "nope"})
        with pytest.raises(PortalResponseError):
            await client.async_get_sites()


async def test_commands_send_spec_requests(client: EnphaseClient) -> None:
    """Start, stop, trigger and live-stream commands send the spec's method, path and body."""
    base = f"{BASE}/service/evse_controller/42"
    start = f"{base}/ev_chargers/SN1/start_charging"
    stop = f"{base}/ev_chargers/SN1/stop_charging"
    trigger = f"{base}/ev_charger/SN1/trigger_message"
    live_start = f"{base}/ev_chargers/start_live_stream"
    live_stop = f"{base}/ev_chargers/stop_live_stream"
    with aioresponses() as mocked:
        mocked.post(start, payload={"status": "accepted", "chargingLevel": 16})
        mocked.put(stop, payload={"status": "accepted"})
        mocked.post(trigger, body="")
        mocked.get(live_start, payload={"status": "accepted"})
        mocked.get(live_stop, payload={"status": "accepted"})
        await client.async_start_charging("42", "SN1", 16)
        await client.async_stop_charging("42", "SN1")
        await client.async_trigger_message("42", "SN1", "MeterValues")
        await client.async_start_live_stream("42")
        await client.async_stop_live_stream("42")
        requests = sent(mocked)
    assert requests[("POST", URL(start))][0].kwargs["json"] == {
        "chargingLevel": 16,
        "connectorId": 1,
    }
    assert requests[("PUT", URL(stop))][0].kwargs["json"] is None
    assert requests[("POST", URL(trigger))][0].kwargs["json"] == {"requestedMessage": "MeterValues"}
    assert requests[("GET", URL(live_start))][0].kwargs["headers"]["e-auth-token"] == "tok-123"
    assert ("GET", URL(live_stop)) in requests


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (400, {"message": "EV not plugged in"}, "not_plugged_in"),
        (409, {"message": "Conflict"}, "already_in_state"),
        (422, {"message": "Already charging"}, "already_in_state"),
        (404, {"message": "Unknown"}, "refused"),
        (500, {"message": "Invalid charge level"}, "level_rejected"),
        (400, {"message": "chargingLevel out of range"}, "level_rejected"),
    ],
)
async def test_command_refusals(
    client: EnphaseClient, status: int, body: dict[str, str], reason: str
) -> None:
    """A refused command carries the reason the cloud gave."""
    url = f"{BASE}/service/evse_controller/42/ev_chargers/SN1/start_charging"
    with aioresponses() as mocked:
        mocked.post(url, status=status, body=json.dumps(body))
        with pytest.raises(CommandRefusedError) as caught:
            await client.async_start_charging("42", "SN1", 80)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (500, "{}", PortalConnectionError),
        (401, "{}", PortalAuthError),
        (200, "<html>login</html>", PortalAuthError),
        (200, "{broken", PortalResponseError),
    ],
)
async def test_command_failures(
    client: EnphaseClient, status: int, body: str, error: type[Exception]
) -> None:
    """A failing command raises the matching transport error."""
    url = f"{BASE}/service/evse_controller/42/ev_chargers/SN1/stop_charging"
    with aioresponses() as mocked:
        mocked.put(url, status=status, body=body)
        with pytest.raises(error):
            await client.async_stop_charging("42", "SN1")
