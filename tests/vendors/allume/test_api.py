"""The SolCentre client against mocked HTTP: what it sends and how it reads the answers."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses
from yarl import URL

from custom_components.energy_portals.errors import (
    PortalAuthError,
    PortalConnectionError,
    PortalHtmlResponseError,
    PortalNotFoundError,
    PortalRateLimitError,
    PortalResponseError,
)
from custom_components.energy_portals.vendors.allume.api import (
    AccessDeniedError,
    AllumeClient,
    SnapshotSource,
    parse_login,
    parse_properties,
    parse_snapshots,
    token_expiry,
)
from custom_components.energy_portals.vendors.allume.models import (
    Energy,
    HourlyEnergy,
    Interval,
    percent,
    to_hours,
    total,
)
from tests.helpers import sent

BASE = "https://api.example.test/v2"
LOGIN = f"{BASE}/auth/customer-login"
PROPERTIES = f"{BASE}/consumers/me/properties"
SNAPSHOTS = re.compile(r"^https://api\.example\.test/v2/properties/p1/snapshots\?.*$")
NOW = 1_772_000_000.0


def jwt(exp: float, marker: str = "a") -> str:
    def b64(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{b64({'alg': 'HS256'})}.{b64({'exp': int(exp), 'm': marker})}.signature"


def login_body(token: str) -> dict[str, Any]:
    return {"accessToken": token, "user": {"id": "u-1", "email": "me@example.com"}}


def row(start: datetime, minutes: int, **values: Any) -> dict[str, Any]:
    end = start + timedelta(minutes=minutes)
    return {
        "startAt": start.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "endAt": end.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "energyDemand": 0.1,
        "solarConsumed": 0.05,
        "solarDelivered": 0.08,
        "solarExported": 0.03,
        "emissionReduced": 0.04,
        **values,
    }


class Clock:
    def __init__(self) -> None:
        self.now = NOW

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
def client(session: aiohttp.ClientSession, clock: Clock) -> AllumeClient:
    return AllumeClient(
        session, email="me@example.com", password="secret", base_url=f"{BASE}/", clock=clock
    )


def sent_to(mock: aioresponses, method: str, url: str) -> list[Any]:
    return [
        call
        for (m, u), calls in sent(mock).items()
        if m == method and str(u).split("?")[0] == url
        for call in calls
    ]


def auth_headers(mock: aioresponses, url: str) -> list[str]:
    return [call.kwargs["headers"]["Authorization"] for call in sent_to(mock, "GET", url)]


async def test_login_answers_201_and_sends_the_credentials(client: AllumeClient) -> None:
    """The login posts e-mail and password and reads the user from its 201 answer."""
    with aioresponses() as mock:
        mock.post(LOGIN, status=201, payload=login_body(jwt(NOW + 14 * 86400)))
        user = await client.async_login()
    assert user.user_id == "u-1"
    assert user.email == "me@example.com"
    (call,) = sent_to(mock, "POST", LOGIN)
    assert call.kwargs["json"] == {"email": "me@example.com", "password": "secret"}


@pytest.mark.parametrize("status", [400, 401, 403, 422])
async def test_refused_login_is_an_auth_error(client: AllumeClient, status: int) -> None:
    """A login refused with 400, 401, 403 or 422 is an authentication error."""
    with aioresponses() as mock:
        mock.post(LOGIN, status=status, payload={"message": "Invalid"})
        with pytest.raises(PortalAuthError):
            await client.async_login()


async def test_login_server_errors_and_garbage(client: AllumeClient) -> None:
    """A 5xx, HTML, a missing token or a dropped connection at login are connection or response
    errors.
    """
    with aioresponses() as mock:
        mock.post(LOGIN, status=503)
        with pytest.raises(PortalConnectionError):
            await client.async_login()
        mock.post(LOGIN, status=201, body="<html>maintenance</html>")
        with pytest.raises(PortalHtmlResponseError):
            await client.async_login()
        mock.post(LOGIN, status=201, payload={"accessToken": None})
        with pytest.raises(PortalResponseError):
            await client.async_login()
        mock.post(LOGIN, exception=aiohttp.ClientConnectionError())
        with pytest.raises(PortalConnectionError):
            await client.async_login()


async def test_requests_carry_the_bearer_token(client: AllumeClient) -> None:
    """Requests carry the bearer token from one login."""
    token = jwt(NOW + 86400)
    with aioresponses() as mock:
        mock.post(LOGIN, status=201, payload=login_body(token))
        mock.get(PROPERTIES, payload={"properties": []})
        mock.get(PROPERTIES, payload={"properties": []})
        await client.async_get_properties()
        await client.async_get_properties()
    assert auth_headers(mock, PROPERTIES) == [f"Bearer {token}"] * 2
    assert len(sent_to(mock, "POST", LOGIN)) == 1


async def test_logs_in_again_shortly_before_the_token_expires(
    client: AllumeClient, clock: Clock
) -> None:
    """The client logs in again once the token has less than ten minutes left."""
    first, second = jwt(NOW + 3600, "first"), jwt(NOW + 30 * 86400, "second")
    with aioresponses() as mock:
        mock.post(LOGIN, status=201, payload=login_body(first))
        mock.post(LOGIN, status=201, payload=login_body(second))
        for _ in range(3):
            mock.get(PROPERTIES, payload={"properties": []})
        await client.async_get_properties()
        clock.now = NOW + 3600 - 900  # 15 minutes left: still fine
        await client.async_get_properties()
        clock.now = NOW + 3600 - 300  # 5 minutes left: log in first
        await client.async_get_properties()
    assert auth_headers(mock, PROPERTIES) == [
        f"Bearer {first}",
        f"Bearer {first}",
        f"Bearer {second}",
    ]
    assert len(sent_to(mock, "POST", LOGIN)) == 2


async def test_a_401_logs_in_once_more_and_retries(client: AllumeClient) -> None:
    """A 401 on data logs in once more and retries with the new token."""
    first, second = jwt(NOW + 86400, "first"), jwt(NOW + 86400, "second")
    with aioresponses() as mock:
        mock.post(LOGIN, status=201, payload=login_body(first))
        mock.post(LOGIN, status=201, payload=login_body(second))
        mock.get(PROPERTIES, status=401, payload={"message": "Unauthorized"})
        mock.get(PROPERTIES, payload={"properties": [{"id": "p1"}]})
        properties = await client.async_get_properties()
    assert [p.property_id for p in properties] == ["p1"]
    assert auth_headers(mock, PROPERTIES) == [f"Bearer {first}", f"Bearer {second}"]


@pytest.mark.parametrize("status", [401, 403])
async def test_refused_again_after_a_fresh_login_is_not_an_auth_failure(
    client: AllumeClient, status: int
) -> None:
    """Data refused again after a fresh login is access denied, not an authentication failure."""
    with aioresponses() as mock:
        mock.post(LOGIN, status=201, payload=login_body(jwt(NOW + 86400)), repeat=True)
        mock.get(PROPERTIES, status=status, repeat=True)
        with pytest.raises(AccessDeniedError) as err:
            await client.async_get_properties()
    assert not isinstance(err.value, PortalAuthError)
    assert len(sent_to(mock, "GET", PROPERTIES)) == 2
    assert len(sent_to(mock, "POST", LOGIN)) == 2


async def test_a_401_whose_login_fails_is_an_auth_failure(client: AllumeClient) -> None:
    """A 401 whose fresh login is refused is an authentication failure."""
    with aioresponses() as mock:
        mock.post(LOGIN, status=201, payload=login_body(jwt(NOW + 86400)))
        mock.post(LOGIN, status=401)
        mock.get(PROPERTIES, status=401)
        with pytest.raises(PortalAuthError):
            await client.async_get_properties()


async def test_other_statuses(client: AllumeClient) -> None:
    """429 carries Retry-After; 404, broken JSON and timeouts are errors of their own."""
    with aioresponses() as mock:
        mock.post(LOGIN, status=201, payload=login_body(jwt(NOW + 86400)))
        mock.get(PROPERTIES, status=429, headers={"Retry-After": "120"})
        with pytest.raises(PortalRateLimitError) as err:
            await client.async_get_properties()
        assert err.value.retry_after == 120
        mock.get(PROPERTIES, status=404)
        with pytest.raises(PortalNotFoundError):
            await client.async_get_properties()
        mock.get(PROPERTIES, body='{"properties": [', content_type="application/json")
        with pytest.raises(PortalResponseError):
            await client.async_get_properties()
        mock.get(PROPERTIES, exception=TimeoutError())
        with pytest.raises(PortalConnectionError):
            await client.async_get_properties()


async def test_snapshot_window_is_in_unix_seconds_with_to_exclusive(
    client: AllumeClient,
) -> None:
    """A snapshot window is asked in Unix seconds, `to` exclusive."""
    start = datetime(2026, 2, 24, 13, tzinfo=UTC)
    end = start + timedelta(days=1)
    with aioresponses() as mock:
        mock.post(LOGIN, status=201, payload=login_body(jwt(NOW + 86400)))
        mock.get(SNAPSHOTS, payload=[row(start, 60)])
        intervals = await client.async_get_snapshots(SnapshotSource.PROPERTY, "p1", start, end)
    assert len(intervals) == 1
    ((_, url),) = [key for key in sent(mock) if key[0] == "GET"]
    assert URL(url).query == {"type": "hourly", "from": "1771938000", "to": "1772024400"}
    assert int(URL(url).query["to"]) - int(URL(url).query["from"]) == 86400


async def test_long_windows_are_fetched_in_pieces(client: AllumeClient) -> None:
    """A window longer than seven days is asked in pieces."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    end = start + timedelta(days=10)
    with aioresponses() as mock:
        mock.post(LOGIN, status=201, payload=login_body(jwt(NOW + 86400)))
        mock.get(SNAPSHOTS, payload=[row(start, 60)])
        mock.get(SNAPSHOTS, payload=[row(start + timedelta(days=7), 60)])
        intervals = await client.async_get_snapshots(SnapshotSource.PROPERTY, "p1", start, end)
    windows = sorted(
        (int(URL(u).query["from"]), int(URL(u).query["to"])) for m, u in sent(mock) if m == "GET"
    )
    assert windows == [
        (int(start.timestamp()), int((start + timedelta(days=7)).timestamp())),
        (int((start + timedelta(days=7)).timestamp()), int(end.timestamp())),
    ]
    assert len(intervals) == 2


def test_five_minute_buckets_sum_into_hours() -> None:
    """Five-minute rows sum into hours; an hour with fewer than twelve is incomplete."""
    hour = datetime(2026, 2, 25, 2, tzinfo=UTC)
    rows = [row(hour + timedelta(minutes=5 * i), 5) for i in range(12)]
    rows += [row(hour + timedelta(hours=1, minutes=5 * i), 5) for i in range(4)]
    hours = to_hours(parse_snapshots(rows), settled=hour + timedelta(hours=3))
    assert [h.start for h in hours] == [hour, hour + timedelta(hours=1)]
    assert hours[0].energy.demand == pytest.approx(1.2)
    assert hours[0].energy.solar_delivered == pytest.approx(0.96)
    assert hours[0].complete
    assert hours[1].energy.demand == pytest.approx(0.4)
    assert not hours[1].complete  # four buckets of twelve


def test_hourly_rows_are_complete_only_once_settled() -> None:
    """An hourly row is complete only once its hour has settled."""
    hour = datetime(2026, 2, 25, 2, tzinfo=UTC)
    intervals = parse_snapshots([row(hour, 60)])
    assert to_hours(intervals, settled=hour + timedelta(minutes=61))[0].complete
    assert not to_hours(intervals, settled=hour + timedelta(minutes=30))[0].complete


def test_negative_solar_consumed_is_clamped() -> None:
    """A negative solarConsumed (the API's quirk) counts as zero."""
    hour = datetime(2026, 2, 25, 14, tzinfo=UTC)
    (interval,) = parse_snapshots(
        [row(hour, 60, solarConsumed=-0.02, solarDelivered=0, solarExported=0)]
    )
    assert interval.energy.solar_consumed == 0
    assert interval.energy.grid_import == pytest.approx(0.1)


def test_rows_with_nulls_strings_and_garbage() -> None:
    """Nulls, numeric strings and garbage: readable values kept, unreadable rows left out."""
    hour = datetime(2026, 2, 25, 2, tzinfo=UTC)
    intervals = parse_snapshots(
        {
            "data": [
                row(hour, 60, energyDemand="0.5", solarConsumed=None, emissionReduced="x"),
                {"startAt": "yesterday", "endAt": None},
                row(hour, 0),
                "not a row",
            ]
        }
    )
    assert len(intervals) == 1
    assert intervals[0].energy == Energy(
        demand=0.5, solar_consumed=0, solar_delivered=0.08, solar_exported=0.03
    )
    with pytest.raises(PortalResponseError):
        parse_snapshots({"message": "nope"})


def test_every_property_is_read() -> None:
    """Every property with an id is read, with its address, NMI, project and meter."""
    properties = parse_properties(
        {
            "email": "me@example.com",
            "properties": [
                {
                    "id": "p1",
                    "address1": "Unit 1",
                    "address2": "1 Road",
                    "NMI": "41",
                    "projectId": 7,
                },
                {"id": "p2", "address1": "", "address2": None, "meterId": "m"},
                {"address1": "no id"},
                None,
            ],
        }
    )
    assert [p.property_id for p in properties] == ["p1", "p2"]
    assert properties[0].address == "Unit 1, 1 Road"
    assert properties[0].street == "1 Road"
    assert properties[0].nmi == "41"
    assert properties[0].project_id == "7"
    assert properties[1].address == "Property p2"
    assert properties[1].meter_id == "m"
    assert parse_properties([{"id": "p3"}])[0].property_id == "p3"
    with pytest.raises(PortalResponseError):
        parse_properties({"email": "me@example.com"})


def test_token_expiry_reads_the_jwt_payload() -> None:
    """The token's expiry comes from the JWT payload; anything unreadable has none."""
    assert token_expiry(jwt(NOW)) == int(NOW)
    assert token_expiry("not-a-jwt") is None
    assert token_expiry("a.!!!.c") is None
    assert token_expiry("a.WzFd.c") is None  # a list, not claims


async def test_a_token_without_expiry_is_used_until_refused(
    client: AllumeClient, clock: Clock
) -> None:
    """A token without an expiry is used until the portal refuses it."""
    with aioresponses() as mock:
        mock.post(LOGIN, status=201, payload=login_body("opaque-token"))
        mock.get(PROPERTIES, payload={"properties": []}, repeat=True)
        await client.async_get_properties()
        clock.now += 365 * 86400
        await client.async_get_properties()
    assert len(sent_to(mock, "POST", LOGIN)) == 1


def test_login_answer_shapes() -> None:
    """A login answer without a token or user object is a response error."""
    token, user = parse_login(login_body("t"))
    assert (token, user.user_id) == ("t", "u-1")
    body: Any
    for body in ([], {"accessToken": "t"}, {"accessToken": "t", "user": "x"}):
        with pytest.raises(PortalResponseError):
            parse_login(body)


def test_totals_and_percentages() -> None:
    """Hour totals, percentages and derived values (grid import, shares) are computed safely."""
    hour = datetime(2026, 2, 25, 2, tzinfo=UTC)
    hours = [
        HourlyEnergy(hour + timedelta(hours=i), Energy(demand=1, solar_consumed=0.5), True)
        for i in range(3)
    ]
    assert total(hours, hour + timedelta(hours=1), hour + timedelta(hours=3)).demand == 2
    assert hours[0].end == hour + timedelta(hours=1)
    assert percent(1, 4) == 25.0
    assert percent(1, 0) is None
    assert Energy(demand=1, solar_consumed=2).grid_import == 0
    assert Energy().self_consumption_rate is None
    assert Energy().solar_share is None
    assert Interval(hour, hour, Energy()).energy == Energy()


def test_rows_without_any_energy_value_are_not_zero() -> None:
    """A row with no energy value is left out, never read as zero."""
    hour = datetime(2026, 2, 25, 2, tzinfo=UTC)
    blank: dict[str, Any] = {
        "startAt": "2026-02-25T01:00:00.000Z",
        "endAt": "2026-02-25T02:00:00.000Z",
    }
    blank |= {"energyDemand": None, "solarConsumed": None, "solarDelivered": "n/a"}
    # A blank row beside readable ones is left out (its hour stays incomplete)...
    assert len(parse_snapshots([blank, row(hour, 60)])) == 1
    # ...and an answer of blank rows only is unusable rather than a day of zeros.
    with pytest.raises(PortalResponseError, match="no energy"):
        parse_snapshots([blank])
