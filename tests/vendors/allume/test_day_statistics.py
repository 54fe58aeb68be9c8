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
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
    do_adhoc_statistics,
)

from tests.helpers import init_integration, tick_to
from tests.simulator.allume import AllumeSimulator
from tests.vendors.allume.test_calendar import DEMAND

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
    rows = await get_instance(hass).async_add_executor_job(
        statistics_during_period, hass, start, None, {DEMAND}, "5minute", None, {"sum"}
    )
    recorded = rows[DEMAND][-1]["sum"]
    hours = [int((MIDNIGHT - timedelta(hours=n)).timestamp()) for n in (2, 1)]
    expected = sum(allume.hour_energy([0], hour)["energyDemand"] for hour in hours)
    assert recorded == pytest.approx(expected, abs=0.002)
