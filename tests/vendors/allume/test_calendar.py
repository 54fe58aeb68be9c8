"""Allume on every edge of the calendar: each closed hour reaches the "today" sensors' history
once, on 23-, 24- and 25-hour days, at month and year ends, on 29 February, in a half-hour
zone, and when Home Assistant's zone is not the portal's; the requests stay the same.

The recorder sums a total_increasing sensor from its states: every rise counts, a fall is a
reset whose new value counts from zero. `recorded_sum` does the same with the states written.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.vendors.allume.models import floor_hour
from tests.calendar import INSTANTS, Instant
from tests.conftest import RunningSimulator
from tests.helpers import (
    add_mock_entry,
    init_integration,
    known_state,
    numbers,
    tick_to,
    watch_numbers,
)
from tests.simulator.allume import USER_ID, AllumeSimulator
from tests.vendors.allume.conftest import entry_data
from tests.vendors.allume.test_live import newest_row

DEMAND = "sensor.unit_4_12_example_street_marrickville_nsw_2204_energy_demand_today"
BUILDING_DEMAND = "sensor.solshare_12_example_street_marrickville_nsw_2204_energy_demand_today"
LIVE_IMPORT = "sensor.unit_4_12_example_street_marrickville_nsw_2204_grid_import_last_5_minutes"
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Case:
    zone: str
    day: date
    hours: int
    """The local day's length."""


CASES = [
    Case("Australia/Sydney", date(2026, 2, 25), 24),
    Case("Australia/Sydney", date(2026, 2, 28), 24),  # the month's last day
    Case("Australia/Sydney", date(2026, 3, 1), 24),  # the month's first
    Case("Australia/Sydney", date(2026, 4, 5), 25),  # daylight saving ends
    Case("Australia/Sydney", date(2026, 10, 4), 23),  # daylight saving starts
    Case("Australia/Sydney", date(2026, 12, 31), 24),  # New Year's Eve
    Case("Australia/Sydney", date(2028, 2, 29), 24),
    Case("Australia/Adelaide", date(2026, 6, 15), 24),  # midnight on a UTC half hour
    Case("Australia/Adelaide", date(2026, 4, 5), 25),
    Case("Europe/Stockholm", date(2026, 3, 29), 23),  # Home Assistant's zone, not the portal's
    Case("Europe/Stockholm", date(2026, 10, 25), 25),
]


def local_midnight(zone: str, day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def truth(sim: AllumeSimulator, units: list[int], start: datetime, end: datetime) -> float:
    """The demand of the UTC hours that start in [start, end) (a day's hours, whole)."""
    first = -(-int(start.timestamp()) // 3600) * 3600
    return sum(
        sim.hour_energy(units, hour)["energyDemand"]
        for hour in range(first, int(end.timestamp()), 3600)
    )


def recorded_sum(values: list[float]) -> float:
    """What the recorder adds up from a total_increasing sensor's states (Home Assistant's
    `reset_detected`): a fall below 90 % is a reset whose new value counts from zero; a
    smaller fall is a dip that takes the difference off."""
    total, previous = 0.0, None
    for value in values:
        if previous is None:
            pass
        elif value < 0.9 * previous:
            total += value
        else:
            total += value - previous
        previous = value
    return total


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.zone}-{c.day}")
async def test_every_closed_hour_reaches_the_history_once(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    case: Case,
) -> None:
    """From late on the day before to just after the day: the states written add up to the
    energy of every hour in between once; the day's last state is its whole energy; a total
    falls only at local midnight; one request per source and hour in any zone."""
    await hass.config.async_set_time_zone(case.zone)
    start = local_midnight(case.zone, case.day)
    end = local_midnight(case.zone, case.day + timedelta(days=1))
    assert end - start == timedelta(hours=case.hours)
    allume: AllumeSimulator = simulator["allume"]
    allume.late_hour_period = None  # every hour lands on time here (late ones: test_hours)
    freezer.move_to(start - timedelta(minutes=80))  # past :05 in whole and half-hour zones
    allume.clock.now = time.time
    entry = add_entry(hass, simulator)
    written = watch_numbers(hass, DEMAND, BUILDING_DEMAND)
    await init_integration(hass, entry)
    setup_requests = len(allume.state.calls("GET", "/snapshots"))

    moment = start - timedelta(minutes=80)
    refresh = moment.replace(minute=6, second=0, microsecond=0) + HOUR
    refreshes = 0
    while refresh <= end + timedelta(minutes=66):
        await tick_to(hass, freezer, refresh.isoformat())
        refreshes += 1
        refresh += HOUR
    last_closed = (refresh - HOUR).replace(minute=0)

    previous_day = local_midnight(case.zone, case.day - timedelta(days=1))
    zone = ZoneInfo(case.zone)
    for entity_id, units in ((DEMAND, [0]), (BUILDING_DEMAND, list(range(8)))):
        states = [(state.last_updated, float(state.state)) for state in written[entity_id]]
        values = numbers(written[entity_id])
        # Every hour from the day before's midnight to the last closed hour, once.
        assert values[0] + recorded_sum(values) == pytest.approx(
            truth(allume, units, previous_day, last_closed), abs=0.002
        )
        # The last state written for the day is the day's whole energy (its last hour too).
        after_midnight = [
            old for (_, old), (when, new) in pairwise(states)
            if when >= end and new < old
        ]  # fmt: skip
        of_the_day = after_midnight[0]
        assert of_the_day == pytest.approx(truth(allume, units, start, end), abs=0.002)
        # A total falls only at the first write after a local midnight.
        for (_, old), (when, new) in pairwise(states):
            if new < old:
                assert when - local_midnight(case.zone, when.astimezone(zone).date()) < HOUR * 1.2
    # The last hour's sensor shows the last closed hour, whatever the day's length.
    last_hour = hass.states.get(DEMAND.replace("energy_demand_today", "energy_demand_last_hour"))
    assert last_hour is not None
    assert last_hour.attributes["hour_start"] == (last_closed - HOUR).isoformat()
    assert float(last_hour.state) == pytest.approx(
        truth(allume, [0], last_closed - HOUR, last_closed), abs=0.001
    )
    # One request per property and building per refresh, whatever the zone.
    assert len(allume.state.calls("GET", "/snapshots")) - setup_requests == 3 * refreshes


def add_entry(hass: HomeAssistant, simulator: RunningSimulator) -> MockConfigEntry:
    """The account against the simulator, hourly path only (its requests are counted)."""
    return add_mock_entry(
        hass,
        title="SolCentre",
        unique_id=f"allume_{USER_ID}",
        data=entry_data(simulator.base_url("allume")),
        options={"live_interval": 0},
    )


@pytest.mark.parametrize(
    ("stopped", "started"),
    [
        (timedelta(minutes=-10), timedelta(minutes=3)),  # 23:50 to 00:03
        (timedelta(hours=-2, minutes=-50), timedelta(minutes=3)),  # 21:10 to 00:03
        (timedelta(minutes=-10), timedelta(hours=23, minutes=40)),  # to 23:40 the next day
    ],
    ids=["minutes", "hours", "a-day"],
)
async def test_a_restart_across_midnight_still_closes_the_day(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    *,
    stopped: timedelta,
    started: timedelta,
) -> None:
    """Stopped before midnight, started after it: the hours read after the restart are still
    written into the finished day (property and building), the new day counts from zero, and
    the recorder's sum holds every hour once."""
    await hass.config.async_set_time_zone("Australia/Sydney")
    day = date(2026, 2, 25)
    start, end = (
        local_midnight("Australia/Sydney", day),
        local_midnight("Australia/Sydney", day + timedelta(days=1)),
    )
    allume: AllumeSimulator = simulator["allume"]
    allume.late_hour_period = None
    freezer.move_to(end - timedelta(hours=3, minutes=20))
    allume.clock.now = time.time
    entry = add_entry(hass, simulator)
    written = watch_numbers(hass, DEMAND, BUILDING_DEMAND)
    await init_integration(hass, entry)
    refresh = (end - timedelta(hours=3)).replace(minute=6)
    while refresh < end + stopped:
        await tick_to(hass, freezer, refresh.isoformat())
        refresh += HOUR
    await tick_to(hass, freezer, (end + stopped).isoformat())
    assert await hass.config_entries.async_unload(entry.entry_id)
    await tick_to(hass, freezer, (end + started).isoformat())
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    last_closed = floor_hour(end + started)
    for entity_id, units in ((DEMAND, [0]), (BUILDING_DEMAND, list(range(8)))):
        values = numbers(written[entity_id])
        assert truth(allume, units, start, end) == pytest.approx(
            max(v for v in values), abs=0.002
        ), entity_id
        assert values[0] + recorded_sum(values) == pytest.approx(
            truth(allume, units, start, last_closed), abs=0.003
        ), entity_id


async def test_a_closed_day_is_saved_at_once_for_a_crash(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Home Assistant saves restore data every 15 minutes; the day a sensor closed is saved
    at once, so a crash right after midnight does not close the day a second time."""
    await hass.config.async_set_time_zone("Australia/Sydney")
    end = local_midnight("Australia/Sydney", date(2026, 2, 26))
    allume: AllumeSimulator = simulator["allume"]
    allume.late_hour_period = None
    freezer.move_to(end - timedelta(minutes=20))
    allume.clock.now = time.time
    await init_integration(hass, add_entry(hass, simulator))
    await tick_to(hass, freezer, (end + timedelta(minutes=6)).isoformat())
    await hass.async_block_till_done()
    saved = {
        state["state"]["entity_id"]: state.get("extra_data")
        for state in hass_storage["core.restore_state"]["data"]
    }
    assert saved[DEMAND]["day"] == end.isoformat()
    assert saved[DEMAND]["value"] == 0.0


@pytest.mark.parametrize("zone", ["Australia/Sydney", "Australia/Adelaide"])
async def test_a_late_last_hour_still_reaches_the_history(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    zone: str,
) -> None:
    """The day's last hour (in Adelaide the hour across midnight) lands only after midnight's
    read (it is asked again three hours later): it is counted into the day it is read on,
    once, so the history still has it, and that day still closes with all it showed (the late
    hour included) at its own midnight."""
    await hass.config.async_set_time_zone(zone)
    end = local_midnight(zone, date(2026, 2, 26))
    allume: AllumeSimulator = simulator["allume"]
    allume.late_hour_period = None
    last = int(floor_hour(end - timedelta(minutes=1)).timestamp())  # across midnight: Adelaide
    allume.hidden_hours = {last}
    start = end - timedelta(minutes=80)
    freezer.move_to(start)
    allume.clock.now = time.time
    written = watch_numbers(hass, DEMAND)
    await init_integration(hass, add_entry(hass, simulator))
    refresh = start.replace(minute=6) + HOUR
    while refresh <= end + timedelta(hours=25, minutes=10):
        if refresh > floor_hour(end) + timedelta(hours=1, minutes=10):  # after its first read
            allume.hidden_hours = set()
        await tick_to(hass, freezer, refresh.isoformat())
        refresh += HOUR
    values = numbers(written[DEMAND])
    day_start = local_midnight(zone, date(2026, 2, 25))
    last_closed = (refresh - HOUR).replace(minute=0)
    assert values[0] + recorded_sum(values) == pytest.approx(
        truth(allume, [0], day_start, last_closed), abs=0.003
    )


async def test_a_late_hour_from_before_the_first_day_stays_out_of_the_history(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Added at 00:50, the account's day before (never shown by a today sensor) still has a
    late hour; read three hours later, it goes to the imported statistics, not into the first
    day's total, whose history holds exactly that day's hours."""
    await hass.config.async_set_time_zone("Australia/Sydney")
    day_start = local_midnight("Australia/Sydney", date(2026, 2, 26))
    allume: AllumeSimulator = simulator["allume"]
    allume.late_hour_period = None
    late = day_start - HOUR
    allume.hidden_hours = {int(late.timestamp())}
    start = day_start + timedelta(minutes=50)
    freezer.move_to(start)
    allume.clock.now = time.time
    written = watch_numbers(hass, DEMAND)
    await init_integration(hass, add_entry(hass, simulator))
    allume.hidden_hours = set()
    refresh = start.replace(minute=6) + HOUR
    while refresh <= start + timedelta(hours=5):
        await tick_to(hass, freezer, refresh.isoformat())
        refresh += HOUR
    asked = [
        r
        for r in allume.state.calls("GET", "/properties/prop-unit-4/snapshots")
        if int(r.query["from"]) == int(late.timestamp())
    ]
    assert len(asked) == 2  # missed at setup, read three hours later
    values = numbers(written[DEMAND])
    last_closed = (refresh - HOUR).replace(minute=0)
    assert values[0] + recorded_sum(values) == pytest.approx(
        truth(allume, [0], day_start, last_closed), abs=0.003
    )


async def test_an_outage_across_two_midnights_still_closes_each_day(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The portal down for 30 hours, from 18:30 to 00:30 two days later: when it answers, the
    hours it held back close both days (each from zero), and nothing is counted twice."""
    await hass.config.async_set_time_zone("Australia/Sydney")
    day = date(2026, 2, 25)
    first_midnight = local_midnight("Australia/Sydney", day)
    allume: AllumeSimulator = simulator["allume"]
    allume.late_hour_period = None
    start = first_midnight - timedelta(hours=6, minutes=20)  # 17:40 the day before
    freezer.move_to(start)
    allume.clock.now = time.time
    entry = add_entry(hass, simulator)
    written = watch_numbers(hass, DEMAND)
    await init_integration(hass, entry)
    refresh = start.replace(minute=6) + HOUR
    down_from, down_until = (
        first_midnight - timedelta(hours=5, minutes=30),
        start + timedelta(hours=31),
    )
    while refresh <= down_until + timedelta(hours=2):
        allume.state.faults.status = 502 if down_from <= refresh < down_until else None
        await tick_to(hass, freezer, refresh.isoformat())
        refresh += HOUR
    last_closed = (refresh - HOUR).replace(minute=0)
    previous_day = local_midnight("Australia/Sydney", day - timedelta(days=1))
    values = numbers(written[DEMAND])
    assert values[0] + recorded_sum(values) == pytest.approx(
        truth(allume, [0], previous_day, last_closed), abs=0.003
    )
    # The day in the middle, never shown while the portal was down, was written whole.
    middle = truth(
        allume, [0], first_midnight, local_midnight("Australia/Sydney", day + timedelta(days=1))
    )
    assert any(v == pytest.approx(middle, abs=0.002) for v in values)


@pytest.mark.parametrize("instant", INSTANTS, ids=lambda i: i.name)
async def test_live_readings_across_the_instant(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    instant: Instant,
) -> None:
    """Seven minutes after each instant, the live sensors show the newest closed 5-minute
    interval, which ends before now and no more than ten minutes ago."""
    await hass.config.async_set_time_zone(instant.zone)
    moment = datetime.fromisoformat(instant.moment) + timedelta(minutes=7)
    freezer.move_to(moment)
    allume: AllumeSimulator = simulator["allume"]
    allume.clock.now = time.time
    entry = add_mock_entry(
        hass,
        title="SolCentre",
        unique_id=f"allume_{USER_ID}",
        data=entry_data(simulator.base_url("allume")),
    )
    await init_integration(hass, entry)
    live = known_state(hass, LIVE_IMPORT)
    end = datetime.fromisoformat(live.attributes["interval_end"])
    assert end <= moment
    assert moment - end <= timedelta(minutes=10)
    row = newest_row(allume, 0)
    assert end == datetime.fromisoformat(str(row["endAt"]).replace("Z", "+00:00"))
    grid = max(row["energyDemand"] - row["solarConsumed"], 0.0) * 12 * 1000
    assert float(live.state) == pytest.approx(grid, abs=0.2)
