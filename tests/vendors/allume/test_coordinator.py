"""The hourly cadence, local days (DST too), failures, auth, buildings and diagnostics."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)

from custom_components.energy_portals.diagnostics import async_get_config_entry_diagnostics
from custom_components.energy_portals.vendors.allume.coordinator import (
    local_day,
    next_refresh_delay,
)
from tests.helpers import known_state, tick_to
from tests.simulator.allume import EMAIL, PASSWORD, PROPERTIES, USER_ID, AllumeSimulator

UNIT4 = "sensor.unit_4_12_example_street_marrickville_nsw_2204"
DEMAND = f"{UNIT4}_energy_demand_today"
BUILDING = "sensor.solshare_12_example_street_marrickville_nsw_2204"


def property_calls(sim: AllumeSimulator) -> int:
    return len(sim.state.calls("GET", "/properties/"))


def test_next_refresh_is_a_few_minutes_after_the_hour() -> None:
    """The next refresh is five minutes after the next hour."""
    now = datetime(2026, 2, 25, 3, 37, 20, tzinfo=UTC)
    assert now + next_refresh_delay(now) == datetime(2026, 2, 25, 4, 5, 1, tzinfo=UTC)
    early = datetime(2026, 2, 25, 4, 2, tzinfo=UTC)
    assert early + next_refresh_delay(early) == datetime(2026, 2, 25, 4, 5, 1, tzinfo=UTC)
    at = datetime(2026, 2, 25, 4, 5, 1, tzinfo=UTC)
    assert at + next_refresh_delay(at) == datetime(2026, 2, 25, 5, 5, 1, tzinfo=UTC)


async def test_refreshes_once_an_hour_a_few_minutes_after_the_hour(
    hass: HomeAssistant,
    loaded_allume: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """After setup reads today's closed hours, each hourly refresh reads one new hour."""
    # Today so far: Sydney midnight is 13:00 UTC in February; 14 closed hours, one window each.
    assert property_calls(allume) == 2 * 14
    await tick_to(hass, freezer, "2026-02-25T04:04:30+00:00")
    assert property_calls(allume) == 2 * 14
    await tick_to(hass, freezer, "2026-02-25T04:05:02+00:00")
    assert property_calls(allume) == 2 * 15  # one request per property
    assert len(allume.state.calls("GET", "/projects/")) == 15  # and one for the building
    await tick_to(hass, freezer, "2026-02-25T04:40:00+00:00")
    assert property_calls(allume) == 2 * 15
    await tick_to(hass, freezer, "2026-02-25T05:05:02+00:00")
    # Only the new hour: 2026-02-24T19:00Z (a late hour, no 5-minute rows) is asked once
    # more three hours after it was missed, then with its roll-up.
    assert property_calls(allume) == 2 * 16
    assert len(allume.state.calls("GET", "/consumers/me/properties")) == 1
    assert len(allume.state.calls("POST", "/auth/customer-login")) == 1
    # The window is the hour that just closed, aligned on the hour.
    query = allume.state.calls("GET", "/properties/")[-1].query
    assert int(query["from"]) == int(datetime(2026, 2, 25, 4, tzinfo=UTC).timestamp())
    assert int(query["to"]) == int(datetime(2026, 2, 25, 5, tzinfo=UTC).timestamp())


def test_local_day_on_sydney_dst_days(hass: HomeAssistant) -> None:
    """The local day is 25 and 23 hours long on Sydney's daylight-saving days."""
    # Set the zone synchronously for this pure helper test.
    from homeassistant.util import dt as dt_util

    sydney = dt_util.get_time_zone("Australia/Sydney")
    assert sydney is not None
    dt_util.set_default_time_zone(sydney)
    start, end = local_day(datetime(2026, 4, 5, 10, tzinfo=UTC))
    assert (start, end - start) == (datetime(2026, 4, 4, 13, tzinfo=UTC), timedelta(hours=25))
    start, end = local_day(datetime(2026, 10, 4, 10, tzinfo=UTC))
    assert (start, end - start) == (datetime(2026, 10, 3, 14, tzinfo=UTC), timedelta(hours=23))


@pytest.mark.parametrize(
    ("late_evening", "day_start", "hours", "after_midnight", "next_day_start"),
    [
        # DST ends: 5 April 2026 has 25 hours (AEDT midnight, AEST next midnight).
        ("2026-04-05T13:30:00+00:00", "2026-04-04T13:00:00+00:00", 25,
         "2026-04-05T14:05:02+00:00", "2026-04-05T14:00:00+00:00"),
        # DST starts: 4 October 2026 has 23 hours (AEST midnight, AEDT next midnight).
        ("2026-10-04T12:30:00+00:00", "2026-10-03T14:00:00+00:00", 23,
         "2026-10-04T13:05:02+00:00", "2026-10-04T13:00:00+00:00"),
    ],
)  # fmt: skip
async def test_today_follows_sydney_dst_days(
    hass: HomeAssistant,
    allume_entry: MockConfigEntry,
    *,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
    late_evening: str,
    day_start: str,
    hours: int,
    after_midnight: str,
    next_day_start: str,
) -> None:
    """Today runs from local midnight to local midnight, 23 or 25 hours on DST days."""
    allume.late_hour_period = None  # every hour's rows come: this test is about the day
    freezer.move_to(late_evening)
    assert await hass.config_entries.async_setup(allume_entry.entry_id)
    await hass.async_block_till_done()
    first = datetime.fromisoformat(day_start)
    query = allume.state.calls("GET", "/properties/")[0].query
    assert int(query["from"]) == int(first.timestamp())
    closed = [int((first + timedelta(hours=h)).timestamp()) for h in range(hours - 1)]
    whole = sum(
        allume.hour_energy([0], hour)["energyDemand"]
        for hour in closed
        if not allume.is_late(hour)  # no 5-minute rows yet: not in today's sum
    )
    # Every closed hour of the day the API serves (the current hour is not counted).
    assert float(known_state(hass, DEMAND).state) == pytest.approx(whole, abs=0.01)

    await tick_to(hass, freezer, after_midnight)
    query = allume.state.calls("GET", "/properties/")[-1].query
    # The window is the last closed hour, which is yesterday's.
    assert int(query["from"]) == int(
        (datetime.fromisoformat(next_day_start) - timedelta(hours=1)).timestamp()
    )
    demand = float(known_state(hass, DEMAND).state)
    assert demand == 0  # a new local day: nothing of it has landed yet
    last_hour = known_state(hass, f"{UNIT4}_energy_demand_last_hour")
    assert (
        last_hour.attributes["hour_start"]
        == (datetime.fromisoformat(next_day_start) - timedelta(hours=1)).isoformat()
    )


async def test_failure_then_recovery_logs_once_each_way(
    hass: HomeAssistant,
    loaded_allume: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failing portal is logged once, its recovery once, without secrets."""
    allume.state.faults.status = 500
    await tick_to(hass, freezer, "2026-02-25T04:05:02+00:00")
    assert known_state(hass, DEMAND).state == STATE_UNAVAILABLE
    await tick_to(hass, freezer, "2026-02-25T05:05:02+00:00")
    assert known_state(hass, DEMAND).state == STATE_UNAVAILABLE
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert not any(r.exc_info for r in errors)
    allume.state.faults.clear()
    await tick_to(hass, freezer, "2026-02-25T06:05:02+00:00")
    assert known_state(hass, DEMAND).state != STATE_UNAVAILABLE
    assert caplog.text.count("recovered") == 1
    assert PASSWORD not in caplog.text
    assert "Bearer" not in caplog.text


async def test_garbage_answers_make_entities_unavailable(
    hass: HomeAssistant,
    loaded_allume: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """HTML where JSON belongs makes entities unavailable; the entry stays loaded."""
    allume.state.faults.html = True
    allume.state.faults.path = "/snapshots"
    await tick_to(hass, freezer, "2026-02-25T04:05:02+00:00")
    assert known_state(hass, DEMAND).state == STATE_UNAVAILABLE
    assert loaded_allume.state is ConfigEntryState.LOADED


async def test_rate_limit_backs_off_as_asked(
    hass: HomeAssistant,
    loaded_allume: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 429 waits as long as Retry-After asks before the next request."""
    allume.state.faults.status = 429
    allume.state.faults.retry_after = 600
    await tick_to(hass, freezer, "2026-02-25T04:05:02+00:00")
    assert known_state(hass, DEMAND).state == STATE_UNAVAILABLE
    allume.state.faults.clear()
    calls = property_calls(allume)
    await tick_to(hass, freezer, "2026-02-25T04:10:00+00:00")
    assert property_calls(allume) == calls
    await tick_to(hass, freezer, "2026-02-25T04:15:05+00:00")
    assert property_calls(allume) == calls + 2
    assert known_state(hass, DEMAND).state != STATE_UNAVAILABLE


async def test_refused_token_logs_in_again_without_reauth(
    hass: HomeAssistant,
    loaded_allume: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A revoked token logs in again without starting reauth."""
    allume.revoke_tokens()
    await tick_to(hass, freezer, "2026-02-25T04:05:02+00:00")
    assert known_state(hass, DEMAND).state != STATE_UNAVAILABLE
    assert len(allume.state.calls("POST", "/auth/customer-login")) == 2
    assert not hass.config_entries.flow.async_progress_by_handler("energy_portals")


async def test_token_is_renewed_before_it_expires(
    hass: HomeAssistant,
    loaded_allume: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The token is renewed before it expires, with no refused request."""
    # 14 days later, just before the token's expiry: log in before asking for data.
    await tick_to(hass, freezer, "2026-03-11T03:30:00+00:00")
    refused = [r for r in allume.state.requests if r.path.endswith("/snapshots")]
    assert len(allume.state.calls("POST", "/auth/customer-login")) == 2
    assert known_state(hass, DEMAND).state != STATE_UNAVAILABLE
    assert refused  # data was read with the new token


async def test_changed_password_starts_reauth(
    hass: HomeAssistant,
    loaded_allume: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A changed password starts the reauth flow."""
    allume.account.password = "changed"
    allume.revoke_tokens()
    await tick_to(hass, freezer, "2026-02-25T04:05:02+00:00")
    flows = hass.config_entries.flow.async_progress_by_handler("energy_portals")
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert flows[0]["step_id"] == "allume_reauth"


async def test_setup_with_refused_login_asks_for_reauth(
    hass: HomeAssistant, allume_entry: MockConfigEntry, allume: AllumeSimulator
) -> None:
    """A login refused at setup asks for reauth."""
    allume.account.password = "changed"
    assert not await hass.config_entries.async_setup(allume_entry.entry_id)
    assert allume_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler("energy_portals")
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_setup_retries_when_unreachable(
    hass: HomeAssistant, allume_entry: MockConfigEntry, allume: AllumeSimulator
) -> None:
    """An unreachable portal at setup retries later."""
    allume.state.faults.status = 502
    assert not await hass.config_entries.async_setup(allume_entry.entry_id)
    assert allume_entry.state is ConfigEntryState.SETUP_RETRY


async def test_meter_endpoint_stands_in_for_a_refused_project(
    hass: HomeAssistant, allume_entry: MockConfigEntry, allume: AllumeSimulator
) -> None:
    """A refused project is read through its building meter instead."""
    allume.project_status = 403
    assert await hass.config_entries.async_setup(allume_entry.entry_id)
    await hass.async_block_till_done()
    state = known_state(
        hass, "sensor.solshare_12_example_street_marrickville_nsw_2204_solar_delivered_today"
    )
    assert float(state.state) > 0
    # The project was refused (and asked once more after a fresh login); every hour of today
    # came from the meter instead.
    assert len(allume.state.calls("GET", "/projects/")) == 2
    assert len(allume.state.calls("GET", "/meters/")) == 14
    assert float(known_state(hass, f"{UNIT4}_share_of_the_building_s_solar_today").state) == 12.5


@pytest.mark.parametrize("status", [403, 404])
async def test_no_building_entities_when_refused(
    hass: HomeAssistant,
    allume_entry: MockConfigEntry,
    *,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    status: int,
) -> None:
    """No building entities when neither project nor meter may be read; logged once, not asked
    again.
    """
    allume.project_status = status
    allume.meter_status = status
    with caplog.at_level(logging.INFO):
        assert await hass.config_entries.async_setup(allume_entry.entry_id)
        await hass.async_block_till_done()
    assert allume_entry.state is ConfigEntryState.LOADED
    unique_ids = {
        e.unique_id
        for e in er.async_entries_for_config_entry(er.async_get(hass), allume_entry.entry_id)
    }
    assert len(unique_ids) == 2 * 13
    assert not any("project" in uid or "building" in uid for uid in unique_ids)
    assert caplog.text.count("building data is not available") == 1
    # Not asked again on later refreshes (a 403 is asked twice: again after a fresh login).
    asked = len(allume.state.calls("GET", "/projects/"))
    assert asked == (2 if status == 403 else 1)
    await tick_to(hass, freezer, "2026-02-25T04:05:02+00:00")
    assert len(allume.state.calls("GET", "/projects/")) == asked
    assert known_state(hass, DEMAND).state != STATE_UNAVAILABLE


async def test_unload(hass: HomeAssistant, loaded_allume: MockConfigEntry) -> None:
    """The entry unloads."""
    assert await hass.config_entries.async_unload(loaded_allume.entry_id)
    assert loaded_allume.state is ConfigEntryState.NOT_LOADED


async def test_diagnostics_are_redacted(
    hass: HomeAssistant, loaded_allume: MockConfigEntry, allume: AllumeSimulator
) -> None:
    """Diagnostics keep the data but no e-mail, password, address, NMI or id."""
    diagnostics = await async_get_config_entry_diagnostics(hass, loaded_allume)
    text = json.dumps(diagnostics, default=str)
    for secret in (EMAIL, PASSWORD, USER_ID, "Example Street", "Unit 4", "proj-42", "meter-9"):
        assert secret not in text
    for prop in PROPERTIES:
        assert prop.nmi not in text
        assert prop.property_id not in text
    assert diagnostics["entry"]["data"]["password"] == "**REDACTED**"
    first = diagnostics["data"]["properties"][0]
    assert first["nmi"].isdigit()  # a placeholder of the NMI's shape
    assert first["address"].startswith("address-")
    assert first["data"]["today"]["demand"] > 0
    assert diagnostics["data"]["buildings"][0]["today"]["solar_delivered"] > 0
    assert diagnostics["data"]["statistics_enabled"] is False


async def test_one_refused_property_does_not_fail_the_others(
    hass: HomeAssistant,
    allume_entry: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Unit 7 answers 403: its sensors are unavailable, Unit 4's work, nobody is asked to log in."""
    unit7 = "sensor.unit_7_12_example_street_marrickville_nsw_2204_energy_demand_today"
    allume.state.faults.status = 403
    allume.state.faults.path = "/properties/prop-unit-7/"
    assert await hass.config_entries.async_setup(allume_entry.entry_id)
    await hass.async_block_till_done()
    assert allume_entry.state is ConfigEntryState.LOADED
    assert float(known_state(hass, DEMAND).state) > 0
    assert known_state(hass, unit7).state == "unavailable"
    assert not list(allume_entry.async_get_active_flows(hass, {SOURCE_REAUTH}))
    await tick_to(hass, freezer, "2026-02-25T04:05:02+00:00")
    assert len([r for r in caplog.records if "is refused" in r.message]) == 1
    assert "prop-unit-7" not in caplog.text

    allume.state.faults.clear()
    await tick_to(hass, freezer, "2026-02-25T05:05:02+00:00")
    assert float(known_state(hass, unit7).state) > 0
    assert len([r for r in caplog.records if "answers again" in r.message]) == 1


async def test_every_property_refused_is_not_ready_not_a_reauth(
    hass: HomeAssistant, allume_entry: MockConfigEntry, allume: AllumeSimulator
) -> None:
    """When no property can be read the entry retries later; the login works, so no reauth."""
    allume.state.faults.status = 403
    allume.state.faults.path = "/properties/prop-unit-"
    assert not await hass.config_entries.async_setup(allume_entry.entry_id)
    assert allume_entry.state is ConfigEntryState.SETUP_RETRY
    assert not list(allume_entry.async_get_active_flows(hass, {SOURCE_REAUTH}))


async def test_a_building_refused_later_fails_alone(
    hass: HomeAssistant,
    loaded_allume: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The building's endpoint starts refusing: its sensors go unavailable, the units stay."""
    allume.project_status = 403
    await tick_to(hass, freezer, "2026-02-25T04:05:02+00:00")
    assert known_state(hass, f"{BUILDING}_solar_delivered_today").state == "unavailable"
    assert float(known_state(hass, DEMAND).state) > 0
