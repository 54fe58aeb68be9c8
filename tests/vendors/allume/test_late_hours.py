"""Hours that reach a today sensor after their day closed count into the day they are read
on, once: not again when a source refused across midnight answers, not lost when a later
request of the same refresh fails, and not again when the statistics read old days afresh.

The recorder sums a total_increasing sensor from its states (`recorded_sum`).
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder.statistics import list_statistic_ids
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.energy_portals.vendors.allume.models import floor_hour
from tests.conftest import RunningSimulator
from tests.helpers import init_integration, numbers, tick_to, watch_numbers
from tests.long_runs import enable_event_loop_debug  # noqa: F401 (hours of frozen time)
from tests.simulator.allume import UNITS, AllumeSimulator
from tests.vendors.allume.test_calendar import (
    BUILDING_DEMAND,
    DEMAND,
    HOUR,
    add_entry,
    local_midnight,
    recorded_sum,
    truth,
)

ZONE = "Australia/Sydney"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_mock: Any, enable_custom_integrations: None) -> None:
    """The recorder first (the statistics are read again), then our integration."""


DAY = date(2026, 2, 25)


async def run_hours(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    start: Any,
    until: Any,
    each: Any = None,
) -> Any:
    """The hourly refreshes from the first after `start` to `until`; the last closed hour."""
    refresh = start.replace(minute=6) + HOUR
    while refresh <= until:
        if each is not None:
            each(refresh)
        await tick_to(hass, freezer, refresh.isoformat())
        refresh += HOUR
    return (refresh - HOUR).replace(minute=0)


async def start_at(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory, moment: Any
) -> tuple[AllumeSimulator, dict[str, Any]]:
    await hass.config.async_set_time_zone(ZONE)
    allume: AllumeSimulator = simulator["allume"]
    allume.late_hour_period = None
    freezer.move_to(moment)
    allume.clock.now = time.time
    written = watch_numbers(hass, DEMAND, BUILDING_DEMAND)
    await init_integration(hass, add_entry(hass, simulator))
    return allume, written


async def test_a_building_refused_across_midnight_closes_its_day_once(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """The building refused (403) at 00:06 and 01:06: when it answers at 02:06, the day's
    last hour closes the day it belongs to and is not counted into the new day as well."""
    day_start = local_midnight(ZONE, DAY)
    end = local_midnight(ZONE, DAY + timedelta(days=1))
    start = end - timedelta(hours=3, minutes=20)
    allume, written = await start_at(hass, simulator, freezer, start)

    def refuse_after_midnight(refresh: Any) -> None:
        allume.project_status = 403 if end <= refresh < end + 2 * HOUR else 200

    last_closed = await run_hours(hass, freezer, start, end + 4 * HOUR, refuse_after_midnight)
    values = numbers(written[BUILDING_DEMAND])
    assert values[0] + recorded_sum(values) == pytest.approx(
        truth(allume, list(range(UNITS)), day_start, last_closed), abs=0.01
    )
    demand = numbers(written[DEMAND])  # the property read all along
    assert demand[0] + recorded_sum(demand) == pytest.approx(
        truth(allume, [0], day_start, last_closed), abs=0.003
    )


async def test_a_late_hour_survives_a_failed_request_after_it(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """The day's last hour lands at its retry (03:06), whose refresh then fails on the 02:00
    hour (503): the late hour is still counted, once."""
    end = local_midnight(ZONE, DAY + timedelta(days=1))
    last = floor_hour(end - timedelta(minutes=1))
    start = end - timedelta(minutes=80)
    await hass.config.async_set_time_zone(ZONE)
    simulator["allume"].hidden_hours = {int(last.timestamp())}
    allume, written = await start_at(hass, simulator, freezer, start)
    retry = end + timedelta(hours=3, minutes=6)

    def fail_once(refresh: Any) -> None:
        if refresh > end + timedelta(hours=1, minutes=10):
            allume.hidden_hours = set()
        failing = int((end + 2 * HOUR).timestamp())
        allume.failing_windows = {failing} if refresh == retry else set()

    last_closed = await run_hours(hass, freezer, start, end + timedelta(hours=25), fail_once)
    values = numbers(written[DEMAND])
    assert values[0] + recorded_sum(values) == pytest.approx(
        truth(allume, [0], local_midnight(ZONE, DAY), last_closed), abs=0.003
    )


async def test_days_read_again_for_the_statistics_are_not_counted_again(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """The owner deletes the imported statistics and restarts: the first refresh reads the
    past days again for them, and the today sensor, which counted those days when they
    closed, does not count them into today."""
    day_start = local_midnight(ZONE, DAY)
    start = day_start + timedelta(hours=10)
    allume, written = await start_at(hass, simulator, freezer, start)
    last_closed = await run_hours(hass, freezer, start, start + timedelta(hours=40))
    entry = hass.config_entries.async_entries("energy_portals")[0]
    assert await hass.config_entries.async_unload(entry.entry_id)
    recorder = get_instance(hass)
    listed = await recorder.async_add_executor_job(list_statistic_ids, hass)
    recorder.async_clear_statistics([row["statistic_id"] for row in listed])
    await async_wait_recording_done(hass)
    asked = len(allume.state.calls("GET", "/snapshots"))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    last_closed = await run_hours(hass, freezer, last_closed, last_closed + 2 * HOUR)
    assert len(allume.state.calls("GET", "/snapshots")) - asked > 9  # past days read again
    values = numbers(written[DEMAND])
    assert values[0] + recorded_sum(values) == pytest.approx(
        truth(allume, [0], day_start, last_closed), abs=0.003
    )


async def test_a_failed_refresh_does_not_move_the_read_day(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """21:00 misses its first read; at 00:06 the property is read but the building answers
    502, so the refresh fails and shows nothing; at 01:06 21:00 lands: it closes the day it
    belongs to, once, and is not counted into the new day as well."""
    end = local_midnight(ZONE, DAY + timedelta(days=1))
    late = end - 3 * HOUR
    start = end - timedelta(hours=3, minutes=20)
    simulator["allume"].hidden_hours = {int(late.timestamp())}
    allume, written = await start_at(hass, simulator, freezer, start)

    def building_fails_at_midnight(refresh: Any) -> None:
        allume.hidden_hours = set() if refresh > late + timedelta(hours=2) else allume.hidden_hours
        allume.project_status = 502 if end <= refresh < end + HOUR else 200

    last_closed = await run_hours(hass, freezer, start, end + 4 * HOUR, building_fails_at_midnight)
    values = numbers(written[DEMAND])
    assert values[0] + recorded_sum(values) == pytest.approx(
        truth(allume, [0], local_midnight(ZONE, DAY), last_closed), abs=0.003
    )
