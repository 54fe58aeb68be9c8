"""The recorder's own statistics of a "today" sensor (what the Energy dashboard charts for it)
hold the day's last hour, which is read only after local midnight."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
    do_adhoc_statistics,
)

from custom_components.energy_portals.vendors.allume.models import floor_hour
from tests.helpers import init_integration, tick_to
from tests.long_runs import enable_event_loop_debug  # noqa: F401 (hours of frozen time)
from tests.simulator.allume import AllumeSimulator
from tests.vendors.allume.test_calendar import DEMAND
from tests.vendors.allume.test_statistics import (
    GRID,
    HOUR,
    contiguous,
    expected_grid,
    hours_of,
    rows,
)

MIDNIGHT = datetime(2026, 2, 25, 13, 0, tzinfo=UTC)  # 26 February, 00:00 in Sydney
FIVE_MINUTES = timedelta(minutes=5)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_mock: Any, enable_custom_integrations: None) -> None:
    """The recorder first, then our integration (the harness needs this order)."""


async def test_the_recorder_counts_the_day_s_last_hour(
    hass: HomeAssistant,
    allume_entry: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """From 22:50 to 00:20: the sensor's statistics grow by the 22:00 and the 23:00 hours."""
    allume.late_hour_period = None
    start = MIDNIGHT - timedelta(minutes=70)
    freezer.move_to(start)

    @callback
    def time_passes(event: Event[EventStateChangedData]) -> None:
        """Real time passes between two writes; frozen time would give both one timestamp,
        and the recorder could not tell their order."""
        if event.data["entity_id"] == DEMAND:
            freezer.tick(0.001)

    hass.bus.async_listen(EVENT_STATE_CHANGED, time_passes)
    await init_integration(hass, allume_entry)
    moment = start
    while moment < MIDNIGHT + timedelta(minutes=20):
        moment += FIVE_MINUTES
        await tick_to(hass, freezer, (moment + timedelta(seconds=11)).isoformat())
        await async_wait_recording_done(hass)
    period = start
    while period + FIVE_MINUTES <= moment:
        do_adhoc_statistics(hass, start=period)
        await async_wait_recording_done(hass)
        period += FIVE_MINUTES
    short_term = await get_instance(hass).async_add_executor_job(
        statistics_during_period, hass, start, None, {DEMAND}, "5minute", None, {"sum"}
    )
    recorded = short_term[DEMAND][-1]["sum"]
    hours = [int((MIDNIGHT - timedelta(hours=n)).timestamp()) for n in (2, 1)]
    expected = sum(allume.hour_energy([0], hour)["energyDemand"] for hour in hours)
    assert recorded == pytest.approx(expected, abs=0.002)


@pytest.mark.parametrize(
    ("moment", "zone", "day_hours"),
    [
        ("2026-04-05T14:20:00+00:00", "Australia/Sydney", 25),  # the day after DST ended
        ("2026-10-04T14:20:00+00:00", "Australia/Sydney", 23),  # the day after DST started
        ("2026-06-15T14:50:00+00:00", "Australia/Adelaide", 24),  # 00:20 local, UTC+9:30
    ],
)
async def test_imported_statistics_hold_every_hour_once(
    hass: HomeAssistant,
    allume_entry: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
    *,
    moment: str,
    zone: str,
    day_hours: int,
) -> None:
    """Just after a 23-, 24- or 25-hour local day: the import of yesterday (one day of
    history) holds each of its hours once, contiguous, each equal to the truth."""
    await hass.config.async_set_time_zone(zone)
    freezer.move_to(moment)
    allume.late_hour_period = None
    hass.config_entries.async_update_entry(
        allume_entry, options={"history_days": 1, "live_interval": 0}
    )
    await init_integration(hass, allume_entry)
    found = await rows(hass, GRID)
    hours = hours_of(found)
    assert hours == contiguous(hours[0], hours[-1])
    local = datetime.fromisoformat(moment).astimezone(dt_util.get_default_time_zone())
    yesterday_start = dt_util.as_utc(dt_util.start_of_local_day(local.date() - timedelta(days=1)))
    today_start = dt_util.as_utc(dt_util.start_of_local_day(local.date()))
    assert today_start - yesterday_start == timedelta(hours=day_hours)
    assert hours[0] == floor_hour(yesterday_start)
    assert hours[-1] == floor_hour(datetime.fromisoformat(moment)) - HOUR
    for row in found:
        assert row["state"] == pytest.approx(expected_grid(allume, 0, row["start"]), abs=1e-5)
