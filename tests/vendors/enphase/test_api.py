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
)
from custom_components.energy_portals.vendors.enphase.auth import EnphaseAuth
from custom_components.energy_portals.vendors.enphase.credentials import EnphaseSignInError
from custom_components.energy_portals.vendors.enphase.models import parse_status
from tests.helpers import sent

BASE = "https://enlighten.example"
STATUS = f"{BASE}/service/evse_controller/42/ev_chargers/status"
TOKEN = f"{BASE}/users/self/token"
SEARCH = f"{BASE}/app-api/search_sites.json?searchText=&favourite=false"
LOGIN_PAGE = "<html><body>Sign in to Enphase Enlighten</body></html>"


@pytest.fixture
async def client() -> AsyncIterator[EnphaseClient]:
    async with aiohttp.ClientSession() as session:
        auth = EnphaseAuth.pasted(session, BASE, token="tok-123", cookie="SESSION=abc")
        yield EnphaseClient(auth)


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
    assert charger.session_energy_reported == 3520  # its unit: session_units.py
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
    assert charger.session_energy_reported == 3520  # its unit: session_units.py
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
        (200, LOGIN_PAGE, "text/html", PortalAuthError),
        (200, "<html>other</html>", "text/html", PortalResponseError),
        (400, "{}", "application/json", PortalRateLimitError),
        (429, "{}", "application/json", PortalRateLimitError),
        (500, "{}", "application/json", PortalConnectionError),
        (200, "{not json", "application/json", PortalResponseError),
        (200, "", "application/json", PortalResponseError),
    ],
)
async def test_status_errors(
    client: EnphaseClient, status: int, body: str, content_type: str, error: type[Exception]
) -> None:
    """Each error answer raises its own error; a refusal first tries to renew the token (a
    pasted session whose renewal is refused goes to reauth without asking again)."""
    with aioresponses() as mocked:
        mocked.get(STATUS, status=status, body=body, content_type=content_type, repeat=True)
        mocked.get(TOKEN, status=401, repeat=True)
        with pytest.raises(error):
            await client.async_get_status("42")
        calls = len(sent(mocked)[("GET", URL(STATUS))])
        renewals = len(sent(mocked).get(("GET", URL(TOKEN)), []))
    assert calls == 1
    assert renewals == (1 if error is PortalAuthError else 0)


async def test_a_refusal_renews_the_token_and_asks_again(client: EnphaseClient) -> None:
    """A 401 renews the access token from the session cookie, and the request is sent again
    with the new token."""
    with aioresponses() as mocked:
        mocked.get(STATUS, status=401)
        mocked.get(TOKEN, payload={"token": "tok-new", "expires_at": 1767225600})
        mocked.get(STATUS, payload={"evChargerData": [_charger()]})
        status = await client.async_get_status("42")
        first, second = sent(mocked)[("GET", URL(STATUS))]
    assert list(status.chargers) == ["482522020944"]
    assert first.kwargs["headers"]["e-auth-token"] == "tok-123"
    assert second.kwargs["headers"]["e-auth-token"] == "tok-new"
    assert client.auth.expires_at == 1767225600


async def test_a_login_wall_after_renewal_pauses(client: EnphaseClient) -> None:
    """Data that still answers the sign-in page after a renewal is a login wall: a pause, not
    reauth."""
    with aioresponses() as mocked:
        mocked.get(STATUS, body=LOGIN_PAGE, content_type="text/html", repeat=True)
        mocked.get(TOKEN, payload={"token": "tok-new"})
        with pytest.raises(EnphaseSignInError) as caught:
            await client.async_get_status("42")
    assert caught.value.reason == "login_wall"
    assert caught.value.retry_after == 300


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
        mocked.get(SEARCH, status=404)
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
        mocked.get(SEARCH, payload={"items": []})
        mocked.get(f"{BASE}/service/evse_controller/sites", payload={"data": [{"site_id": 1}]})
        assert [s.site_id for s in await client.async_get_sites()] == ["1"]


async def test_site_discovery_all_missing(client: EnphaseClient) -> None:
    """No site path at all is not-found; an unreadable list is a response error."""
    with aioresponses() as mocked:
        mocked.get(SEARCH, status=404, repeat=True)
        for path in ("/service/evse_controller/sites", "/api/v1/sites", "/sites.json"):
            mocked.get(f"{BASE}{path}", status=404)
        with pytest.raises(PortalNotFoundError):
            await client.async_get_sites()
        mocked.get(f"{BASE}/service/evse_controller/sites", payload={"sites": "nope"})
        with pytest.raises(PortalResponseError):
            await client.async_get_sites()


async def test_commands_send_spec_requests(client: EnphaseClient) -> None:
    """Start, stop, trigger and live-stream commands send the spec's method, path and body;
    control calls carry the Bearer token and the browser's headers."""
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
        mocked.get(live_start, payload={"data": {"liveStreamDuration": 900}})
        mocked.get(live_start, payload={"status": "accepted", "duration_s": 60})
        mocked.get(live_stop, payload={"data": None})
        await client.async_start_charging("42", "SN1", 16)
        await client.async_stop_charging("42", "SN1")
        await client.async_trigger_message("42", "SN1", "MeterValues")
        assert await client.async_start_live_stream("42") == 900
        assert await client.async_start_live_stream("42") == 60
        await client.async_stop_live_stream("42")
        requests = sent(mocked)
    start_call = requests[("POST", URL(start))][0]
    assert start_call.kwargs["json"] == {"chargingLevel": 16, "connectorId": 1}
    assert start_call.kwargs["headers"]["Authorization"] == "Bearer tok-123"
    assert start_call.kwargs["headers"]["User-Agent"].startswith("Mozilla/")
    assert "/web/42/today/graph/hours" in start_call.kwargs["headers"]["Referer"]
    assert requests[("PUT", URL(stop))][0].kwargs["json"] is None
    assert requests[("POST", URL(trigger))][0].kwargs["json"] == {"requestedMessage": "MeterValues"}
    assert requests[("GET", URL(live_start))][0].kwargs["headers"]["e-auth-token"] == "tok-123"
    assert ("GET", URL(live_stop)) in requests


START = f"{BASE}/service/evse_controller/42/ev_chargers/SN1/start_charging"
START_SINGULAR = f"{BASE}/service/evse_controller/42/ev_charger/SN1/start_charging"
STOP = f"{BASE}/service/evse_controller/42/ev_chargers/SN1/stop_charging"
STOP_SINGULAR = f"{BASE}/service/evse_controller/42/ev_charger/SN1/stop_charging"


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (400, {"message": "iqevc_ms-10008: EV not plugged"}, "not_plugged_in"),
        (409, {"message": "Conflict"}, "not_plugged_in"),
        (422, {"message": "Unprocessable"}, "not_plugged_in"),
        (400, {"message": "Charger is already in charging state"}, "already_in_state"),
        (500, {"message": "Invalid charge level"}, "level_rejected"),
    ],
)
async def test_start_refusals(
    client: EnphaseClient, status: int, body: dict[str, str], reason: str
) -> None:
    """A refused start carries the reason the cloud gave (explicit amps are not dropped)."""
    with aioresponses() as mocked:
        mocked.post(START, status=status, body=json.dumps(body))
        with pytest.raises(CommandRefusedError) as caught:
            await client.async_start_charging("42", "SN1", 80, explicit=True)
    assert caught.value.reason == reason


async def test_start_tries_the_variants_and_remembers_the_one_that_worked(
    client: EnphaseClient,
) -> None:
    """Routing misses (400/404/405) move on to the next variant; the next start begins with
    the variant that worked."""
    miss = json.dumps({"message": "No static resource"})
    with aioresponses() as mocked:
        mocked.post(START, status=404, body=miss)  # 1: POST plural, camel
        mocked.put(START, status=405, body=miss)  # 2: PUT plural
        mocked.post(START_SINGULAR, status=400, body=miss)  # 3: POST singular
        mocked.post(START, payload={"status": "accepted"})  # 4: POST plural, snake_case
        await client.async_start_charging("42", "SN1", 16)
        mocked.post(START, payload={"status": "accepted"})
        await client.async_start_charging("42", "SN1", 20)
        posts = sent(mocked)[("POST", URL(START))]
    assert [call.kwargs["json"] for call in posts] == [
        {"chargingLevel": 16, "connectorId": 1},
        {"charging_level": 16, "connector_id": 1},
        {"charging_level": 20, "connector_id": 1},
    ]


async def test_start_without_level_uses_the_plain_variants(client: EnphaseClient) -> None:
    """Green and Smart start without amps: only the variants without a level are sent."""
    with aioresponses() as mocked:
        mocked.post(START, status=404, body="No static resource")  # 5: connector only
        mocked.post(START, payload={"status": "accepted"})  # 6: no body
        await client.async_start_charging("42", "SN1", None)
        posts = sent(mocked)[("POST", URL(START))]
    assert [call.kwargs["json"] for call in posts] == [{"connectorId": 1}, None]


async def test_a_rejected_level_retries_once_without_one(client: EnphaseClient) -> None:
    """An IQ 40 that answers 500 "Invalid charge level" is started without a level (#544),
    unless the user asked for those amps."""
    with aioresponses() as mocked:
        mocked.post(START, status=500, body="Invalid charge level")
        mocked.post(START, payload={"status": "accepted"})
        await client.async_start_charging("42", "SN1", 32)
        posts = sent(mocked)[("POST", URL(START))]
    assert [call.kwargs["json"] for call in posts] == [
        {"chargingLevel": 32, "connectorId": 1},
        {"connectorId": 1},
    ]


async def test_every_variant_missing_is_refused(client: EnphaseClient) -> None:
    """When no variant exists on this cloud the start is refused, not crashed."""
    with aioresponses() as mocked:
        mocked.post(START, status=404, body="No static resource", repeat=True)
        mocked.put(START, status=404, body="No static resource", repeat=True)
        mocked.post(START_SINGULAR, status=404, body="No static resource", repeat=True)
        with pytest.raises(CommandRefusedError) as caught:
            await client.async_start_charging("42", "SN1", 16)
    assert caught.value.reason == "refused"


async def test_a_server_error_on_start_fails_at_once(client: EnphaseClient) -> None:
    """A 5xx is no routing miss: no further variant is tried (#717)."""
    with aioresponses() as mocked:
        mocked.post(START, status=503, body="{}")
        with pytest.raises(PortalConnectionError):
            await client.async_start_charging("42", "SN1", 16)
        assert len(sent(mocked)[("POST", URL(START))]) == 1


async def test_stop_variants_and_harmless_refusals(client: EnphaseClient) -> None:
    """A routing miss moves on to the next stop variant; "no session" is no error."""
    with aioresponses() as mocked:
        mocked.put(STOP, status=404, body="No static resource")
        mocked.post(STOP, status=404, body="No static resource")
        mocked.post(STOP_SINGULAR, payload={"status": "accepted"})
        await client.async_stop_charging("42", "SN1")
        mocked.post(STOP_SINGULAR, status=400, body="No active session")
        await client.async_stop_charging("42", "SN1")
        requests = sent(mocked)
    assert len(requests[("POST", URL(STOP_SINGULAR))]) == 2
    assert len(requests[("PUT", URL(STOP))]) == 1


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (500, "{}", PortalConnectionError),
        (401, "{}", PortalAuthError),
        (200, LOGIN_PAGE, PortalAuthError),
    ],
)
async def test_command_failures(
    client: EnphaseClient, status: int, body: str, error: type[Exception]
) -> None:
    """A failing command raises the matching transport error."""
    with aioresponses() as mocked:
        mocked.put(STOP, status=status, body=body, repeat=True)
        mocked.get(TOKEN, status=401)
        with pytest.raises(error):
            await client.async_stop_charging("42", "SN1")
