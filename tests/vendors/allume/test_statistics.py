"""Hourly external statistics: backfill, incremental import, restarts and gaps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_add_external_statistics,
    get_metadata,
    statistics_during_period,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.energy_portals.diagnostics import async_get_config_entry_diagnostics
from custom_components.energy_portals.vendors.allume.hours import HourBook
from custom_components.energy_portals.vendors.allume.models import floor_hour
from custom_components.energy_portals.vendors.allume.statistics import ready_hours
from tests.helpers import init_integration, tick_to
from tests.long_runs import enable_event_loop_debug  # noqa: F401 (hours of frozen time)
from tests.simulator.allume import AllumeSimulator

GRID = "energy_portals:allume_prop_unit_4_grid_import"
SOLAR = "energy_portals:allume_prop_unit_4_solar_consumed"
EMISSIONS = "energy_portals:allume_prop_unit_4_emissions_avoided"
UNIT7_DEMAND = "energy_portals:allume_prop_unit_7_energy_demand"
HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_mock: Any, enable_custom_integrations: None) -> None:
    """The recorder first, then our integration (the harness needs this order)."""


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def expected_grid(sim: AllumeSimulator, unit: int, start: datetime) -> float:
    hour = sim.hour_energy([unit], int(start.timestamp()))
    return max(0.0, hour["energyDemand"] - max(0.0, hour["solarConsumed"]))


async def rows(hass: HomeAssistant, stat_id: str) -> list[dict[str, Any]]:
    await async_wait_recording_done(hass)
    result = await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        datetime(2026, 1, 1, tzinfo=UTC),
        None,
        {stat_id},
        "hour",
        None,
        {"state", "sum"},
    )
    return [
        {"start": datetime.fromtimestamp(r["start"], UTC), "state": r["state"], "sum": r["sum"]}
        for r in result.get(stat_id, [])
    ]


def hours_of(found: list[dict[str, Any]]) -> list[datetime]:
    return [row["start"] for row in found]


def contiguous(first: datetime, last: datetime) -> list[datetime]:
    count = int((last - first) / HOUR) + 1
    return [first + HOUR * i for i in range(count)]


async def refresh_hourly_until(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, last: datetime
) -> None:
    """Let every hourly refresh run, five minutes past each hour, up to `last`."""
    moment = floor_hour(dt_util.utcnow()) + timedelta(hours=1, minutes=5, seconds=2)
    while moment <= last:
        await tick_to(hass, freezer, moment.isoformat())
        moment += HOUR


async def setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.fixture
def two_days(
    hass: HomeAssistant, allume_entry: MockConfigEntry, allume: AllumeSimulator
) -> MockConfigEntry:
    """Two days of history, and every hour's 5-minute rows served (late hours: their test)."""
    hass.config_entries.async_update_entry(
        allume_entry, options={"history_days": 2, "live_interval": 0}
    )
    allume.late_hour_period = None
    return allume_entry


def recent_hours(now: datetime) -> int:
    """One-hour windows a first refresh asks for: the closed hours of the last 48."""
    return 48 if now.minute >= 1 else 47


async def test_first_setup_backfills_the_option_s_days(
    hass: HomeAssistant, two_days: MockConfigEntry, allume: AllumeSimulator
) -> None:
    """Every hour from local midnight two days ago is imported, with the simulator's sums."""
    await setup(hass, two_days)
    found = await rows(hass, GRID)
    # From local midnight two days ago (Sydney, UTC+11) to the last complete hour.
    assert hours_of(found) == contiguous(at("2026-02-22T13:00Z"), at("2026-02-25T02:00Z"))
    total = sum(expected_grid(allume, 0, row["start"]) for row in found)
    assert found[-1]["sum"] == pytest.approx(total, abs=0.01)
    assert found[5]["state"] == pytest.approx(expected_grid(allume, 0, found[5]["start"]), abs=1e-3)
    # Every property, every metric.
    assert len(await rows(hass, UNIT7_DEMAND)) == len(found)
    assert len(await rows(hass, SOLAR)) == len(found)
    # Per property: one day window over the hours older than 48 h, then one-hour windows.
    calls = allume.state.calls("GET", "/properties/prop-unit-4")
    first = calls[0].query
    assert int(first["from"]) == int(at("2026-02-22T13:00Z").timestamp())
    assert int(first["to"]) == int(at("2026-02-23T03:00Z").timestamp())
    assert all(int(c.query["to"]) - int(c.query["from"]) == 3600 for c in calls[1:])
    assert len(calls) == 1 + 48


async def test_metadata(
    hass: HomeAssistant, loaded_allume: MockConfigEntry, allume: AllumeSimulator
) -> None:
    """The statistics' metadata suits the Energy dashboard (sum, unit class, unit, name)."""
    await async_wait_recording_done(hass)
    metadata = await get_instance(hass).async_add_executor_job(
        lambda: get_metadata(hass, statistic_ids={GRID, EMISSIONS})
    )
    grid = metadata[GRID][1]
    assert grid["source"] == "energy_portals"
    assert grid["has_sum"] is True
    assert grid["mean_type"] is StatisticMeanType.NONE
    assert grid["unit_class"] == "energy"
    assert grid["unit_of_measurement"] == "kWh"
    assert grid["name"] == "Grid import · Unit 4"
    emissions = metadata[EMISSIONS][1]
    assert emissions["unit_of_measurement"] == "kg"
    assert emissions["unit_class"] == "mass"


async def test_a_statistic_of_an_older_release_is_renamed_and_goes_on(
    hass: HomeAssistant, allume_entry: MockConfigEntry, allume: AllumeSimulator
) -> None:
    """Named by an older release after the address ("Unit 4, 12 Example Street, Marrickv…" on
    the Energy dashboard): the same statistic id takes the new name, and its sum goes on."""
    old = StatisticMetaData(
        mean_type=StatisticMeanType.NONE,
        has_sum=True,
        name="Unit 4, 12 Example Street, Marrickville NSW 2204 grid import",
        source="energy_portals",
        statistic_id=GRID,
        unit_class="energy",
        unit_of_measurement="kWh",
    )
    async_add_external_statistics(
        hass, old, [StatisticData(start=at("2026-02-17T12:00Z"), state=1.0, sum=5.0)]
    )
    await init_integration(hass, allume_entry)
    found = await rows(hass, GRID)
    metadata = await get_instance(hass).async_add_executor_job(
        lambda: get_metadata(hass, statistic_ids={GRID})
    )
    assert metadata[GRID][1]["name"] == "Grid import · Unit 4"
    assert found[0]["sum"] == 5.0
    assert found[1]["start"] == at("2026-02-17T13:00Z")
    assert found[1]["sum"] == pytest.approx(5.0 + found[1]["state"])


async def test_default_backfill_is_seven_days(
    hass: HomeAssistant, loaded_allume: MockConfigEntry, allume: AllumeSimulator
) -> None:
    """Seven days by default; the import waits at an hour whose 5-minute rows never came."""
    found = await rows(hass, GRID)
    assert found[0]["start"] == at("2026-02-17T13:00Z")
    # 2026-02-24T19:00Z has no 5-minute rows (a late hour): the import waits before it.
    assert found[-1]["start"] == at("2026-02-24T18:00Z")
    # Five and a half old days in day windows, the last 48 hours one by one.
    assert len(allume.state.calls("GET", "/properties/prop-unit-4")) == 6 + 48


async def test_later_refreshes_import_only_new_hours(
    hass: HomeAssistant,
    two_days: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Later refreshes import only the new hour, continuing the sum."""
    await setup(hass, two_days)
    before = await rows(hass, GRID)
    await tick_to(hass, freezer, "2026-02-25T04:05:02+00:00")
    after = await rows(hass, GRID)
    assert after[:-1] == before
    assert after[-1]["start"] == at("2026-02-25T03:00Z")
    added = expected_grid(allume, 0, at("2026-02-25T03:00Z"))
    assert after[-1]["sum"] == pytest.approx(before[-1]["sum"] + added, abs=1e-3)
    # One request per property per refresh.
    assert len(allume.state.calls("GET", "/properties/")) == 2 * (1 + 48) + 2


async def test_restart_neither_double_counts_nor_leaves_a_gap(
    hass: HomeAssistant,
    two_days: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A restart, at once or after a day and a half, neither counts twice nor leaves a gap."""
    await setup(hass, two_days)
    await async_wait_recording_done(hass)
    assert await hass.config_entries.async_unload(two_days.entry_id)
    before = await rows(hass, GRID)

    # Restart at once: nothing new, nothing counted twice.
    await setup(hass, two_days)
    assert await rows(hass, GRID) == before
    await async_wait_recording_done(hass)
    assert await hass.config_entries.async_unload(two_days.entry_id)

    # Down for a day and a half, past local midnight: resume from the last imported hour.
    freezer.move_to("2026-02-26T15:10:00+00:00")
    allume.state.requests.clear()
    await setup(hass, two_days)
    after = await rows(hass, GRID)
    assert after[: len(before)] == before
    assert hours_of(after) == contiguous(at("2026-02-22T13:00Z"), at("2026-02-26T14:00Z"))
    total = sum(expected_grid(allume, 0, row["start"]) for row in after)
    assert after[-1]["sum"] == pytest.approx(total, abs=0.01)
    # Only the hours not imported yet are asked for, one by one (all within 48 hours).
    calls = allume.state.calls("GET", "/properties/prop-unit-4")
    assert int(calls[0].query["from"]) == int(at("2026-02-25T03:00Z").timestamp())
    assert len(calls) == len(after) - len(before)


async def test_a_missing_recent_hour_is_fetched_again(
    hass: HomeAssistant,
    two_days: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A closed hour that did not land is asked once more three hours later, then imported."""
    await setup(hass, two_days)
    hole = at("2026-02-25T03:00Z")
    allume.hidden_hours = {int(hole.timestamp())}
    await tick_to(hass, freezer, "2026-02-25T04:05:02+00:00")
    await tick_to(hass, freezer, "2026-02-25T05:05:02+00:00")
    found = await rows(hass, GRID)
    assert found[-1]["start"] == at("2026-02-25T02:00Z")  # stopped before the hole
    asked = [c for c in allume.state.calls("GET", "/properties/prop-unit-4")
             if int(c.query["from"]) == int(hole.timestamp())]  # fmt: skip
    assert len(asked) == 1  # when it closed; not again the next hour

    allume.hidden_hours = set()
    await tick_to(hass, freezer, "2026-02-25T06:05:02+00:00")
    assert (await rows(hass, GRID))[-1]["start"] == at("2026-02-25T02:00Z")
    await tick_to(hass, freezer, "2026-02-25T07:05:02+00:00")  # three hours after the miss
    found = await rows(hass, GRID)
    assert hours_of(found) == contiguous(at("2026-02-22T13:00Z"), at("2026-02-25T06:00Z"))
    total = sum(expected_grid(allume, 0, row["start"]) for row in found)
    assert found[-1]["sum"] == pytest.approx(total, abs=0.01)


async def test_an_hour_missing_for_good_is_passed_after_two_old_reads(
    hass: HomeAssistant,
    two_days: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An old hour no window ever returns is asked twice, then passed; sums stay exact."""
    hole = at("2026-02-22T20:00Z")
    allume.hidden_hours = {int(hole.timestamp())}
    await setup(hass, two_days)
    found = await rows(hass, GRID)
    assert found[-1]["start"] == at("2026-02-22T19:00Z")  # asked once: waits
    await refresh_hourly_until(hass, freezer, at("2026-02-25T04:06Z"))
    found = await rows(hass, GRID)
    expected = contiguous(at("2026-02-22T13:00Z"), at("2026-02-25T03:00Z"))
    expected.remove(hole)
    assert hours_of(found) == expected
    total = sum(expected_grid(allume, 0, row["start"]) for row in found)
    assert found[-1]["sum"] == pytest.approx(total, abs=0.01)


async def test_a_late_hour_is_imported_once_it_is_rolled_up(
    hass: HomeAssistant,
    two_days: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An hour without 5-minute rows holds the import until its hourly row exists (48 h)."""
    allume.late_hour_period = 53  # 2026-02-24T19:00Z is such an hour
    await setup(hass, two_days)
    assert (await rows(hass, GRID))[-1]["start"] == at("2026-02-24T18:00Z")
    await refresh_hourly_until(hass, freezer, at("2026-02-26T23:06Z"))
    found = await rows(hass, GRID)
    # Rolled up at 2026-02-26T20:00Z: the hole and every hour after it, in one go.
    assert hours_of(found) == contiguous(at("2026-02-22T13:00Z"), at("2026-02-26T22:00Z"))
    total = sum(expected_grid(allume, 0, row["start"]) for row in found)
    assert found[-1]["sum"] == pytest.approx(total, abs=0.01)


async def test_diagnostics_show_the_import_progress(
    hass: HomeAssistant, two_days: MockConfigEntry, allume: AllumeSimulator
) -> None:
    """Diagnostics show until when statistics were imported."""
    await setup(hass, two_days)
    diagnostics = await async_get_config_entry_diagnostics(hass, two_days)
    assert diagnostics["data"]["statistics_enabled"] is True
    progress = diagnostics["data"]["properties"][0]["statistics_imported_until"]
    assert progress["grid_import"] == "2026-02-25T02:00:00+00:00"


def test_ready_hours_stops_at_the_current_hour() -> None:
    """Nothing is ready in an hour that has not closed."""
    now = at("2026-02-25T03:37Z")
    assert ready_hours(HourBook(), at("2026-02-25T03:00Z"), now) == []


async def test_a_thirty_hour_outage_leaves_no_hole(
    hass: HomeAssistant,
    two_days: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The vendor is down for 30 hours: afterwards every hour is imported, sums exact."""
    await setup(hass, two_days)
    allume.state.faults.status = 502
    await refresh_hourly_until(hass, freezer, at("2026-02-26T09:06Z"))
    assert (await rows(hass, GRID))[-1]["start"] == at("2026-02-25T02:00Z")
    allume.state.faults.status = None
    await refresh_hourly_until(hass, freezer, at("2026-02-26T10:06Z"))
    found = await rows(hass, GRID)
    assert hours_of(found) == contiguous(at("2026-02-22T13:00Z"), at("2026-02-26T09:00Z"))
    total = sum(expected_grid(allume, 0, row["start"]) for row in found)
    assert found[-1]["sum"] == pytest.approx(total, abs=0.001)
    for row in found:
        assert row["state"] == pytest.approx(expected_grid(allume, 0, row["start"]), abs=1e-5)
