"""A new Emporia energy sensor's past days from the proxy's history, in its own long-term
statistics: every past hour as the history has it, the hour the live counting starts whole,
no step down, no hour twice (not again after a restart), and none without the recorder."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.recorder import get_instance
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
    do_adhoc_statistics,
)

from tests.helpers import settle
from tests.simulator.emporia import EmporiaSimulator

from .conftest import add_entry

KITCHEN = "sensor.home_kitchen_energy"
SOLAR = "sensor.home_solar_energy_produced"
START = datetime(2026, 12, 2, 10, 37, 20, tzinfo=UTC)
HOUR = timedelta(hours=1)
FIVE_MINUTES = timedelta(minutes=5)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_mock: Any, enable_custom_integrations: None) -> None:
    """The recorder first, then our integration."""


async def run_until(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: datetime, until: datetime
) -> datetime:
    """A minute at a time (within the entry's staleness: no gaps), compiling each 5-minute
    period once it has ended, as the recorder would."""
    while moment < until:
        period = moment.replace(second=0, microsecond=0) - timedelta(minutes=moment.minute % 5)
        moment += timedelta(minutes=1)
        freezer.move_to(moment)
        async_fire_time_changed(hass)
        for _ in range(50):
            await hass.async_block_till_done()
            await asyncio.sleep(0)
        if moment >= period + FIVE_MINUTES:
            await async_wait_recording_done(hass)
            do_adhoc_statistics(hass, start=period)
            await async_wait_recording_done(hass)
    return moment


async def hourly(hass: HomeAssistant, entity_id: str, start: datetime) -> dict[datetime, float]:
    """The hourly change of the statistic from `start` on, by hour."""
    rows = await get_instance(hass).async_add_executor_job(
        statistics_during_period, hass, start, None, {entity_id}, "hour", None, {"change", "sum"}
    )
    return {
        datetime.fromtimestamp(row["start"], UTC): float(row["change"] or 0.0)
        for row in rows.get(entity_id, [])
    }


async def start_entry(
    hass: HomeAssistant,
    url: str,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
    start: datetime = START,
) -> Any:
    freezer.move_to(start)
    emporia.clock.now = time.time

    @callback
    def time_passes(event: Event[EventStateChangedData]) -> None:
        """Real time passes between two writes; frozen time would give them one timestamp,
        and the recorder could not tell their order."""
        freezer.tick(0.001)

    hass.bus.async_listen(EVENT_STATE_CHANGED, time_passes)
    entry = add_entry(hass, url, options={"history_days": 2, "state_update_interval": 60})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass, lambda: emporia.samples_sent >= 1)
    await async_wait_recording_done(hass)
    return entry


@pytest.mark.parametrize(
    "start",
    [
        START,
        START.replace(minute=39, second=50),  # 10 s before a 5-minute compile
        # Just after 10:00: the history's 09:00 hour is not complete yet when the counting
        # starts; the import waits until it is.
        START.replace(minute=0, second=20),
    ],
    ids=["mid_period", "before_compile", "early"],
)
async def test_past_days_continue_where_the_live_counting_starts(
    hass: HomeAssistant,
    emporia_url: str,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
    start: datetime,
) -> None:
    """Two days of hours before 10:00, the hour from 10:00 whole, every step up; one hourly
    and one minute request per imported sensor."""
    entry = await start_entry(hass, emporia_url, emporia, freezer, start)
    live_from = entry.runtime_data.live.state.channels[(100123, "1")].first_wall_at
    await run_until(hass, freezer, start, start + timedelta(minutes=90))
    first = datetime(2026, 11, 30, 10, tzinfo=UTC)
    changes = await hourly(hass, KITCHEN, first - 2 * HOUR)
    hours = sorted(changes)
    assert hours[0] == first
    last_compiled = (start + timedelta(minutes=90)).replace(minute=0, second=0) - HOUR
    assert hours[-1] == last_compiled
    assert len(hours) == 48 + (last_compiled - hours[48]) // HOUR + 1  # none missing or twice
    for hour in hours[:48]:
        truth = emporia.energy("1", hour.timestamp(), (hour + HOUR).timestamp())
        assert changes[hour] == pytest.approx(truth, abs=1e-6), hour
    assert all(change >= 0 for change in changes.values())
    # The hour the counting started holds its minutes before the first sample too: all of
    # it up to its last sample (the next one, a minute later, is the next hour's).
    setup_hour = datetime(2026, 12, 2, 10, tzinfo=UTC)
    last_sample = start.replace(minute=59)
    truth = emporia.energy("1", setup_hour.timestamp(), last_sample.timestamp())
    assert changes[setup_hour] == pytest.approx(truth, abs=0.0005)
    assert live_from == pytest.approx(start.timestamp(), abs=1)
    # The solar circuit's production, the other direction, the same way.
    produced = await hourly(hass, SOLAR, first)
    noon = datetime(2026, 12, 1, 12, tzinfo=UTC)
    assert produced[noon] == pytest.approx(
        -emporia.energy("3", noon.timestamp(), (noon + HOUR).timestamp()), abs=1e-6
    )
    asked = [
        (call.path, call.query["scale"])
        for call in emporia.state.calls("GET", "/history")
        if call.query.get("scale") == "1H"
    ]
    imported = entry.runtime_data.past_days.imported
    assert {KITCHEN, SOLAR, "sensor.home_mains_energy", "sensor.aquarium_energy"} <= set(imported)
    # One hourly read per sensor; a read that timed out (eight at once on a busy machine) is
    # asked again a minute later, never in a loop.
    assert len(imported) <= len(asked) <= 2 * len(imported)


async def test_a_restart_imports_nothing_again(
    hass: HomeAssistant,
    emporia_url: str,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The restored sensors are not new: no past days again, the hours stay as they were."""
    entry = await start_entry(hass, emporia_url, emporia, freezer)
    moment = await run_until(hass, freezer, START, START + timedelta(minutes=30))
    before = await hourly(hass, KITCHEN, START - 3 * 24 * HOUR)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await settle(hass, lambda: entry.runtime_data.live.state.samples >= 1)
    asked = len(emporia.state.calls("GET", "/history"))
    await run_until(hass, freezer, moment, moment + timedelta(minutes=15))
    hourly_asked = [
        call
        for call in emporia.state.calls("GET", "/history")[asked:]
        if call.query["scale"] == "1H"
    ]
    assert hourly_asked == []
    assert entry.runtime_data.past_days.imported == []
    after = await hourly(hass, KITCHEN, START - 3 * 24 * HOUR)
    for hour, change in before.items():
        if hour < datetime(2026, 12, 2, 10, tzinfo=UTC):
            assert after[hour] == pytest.approx(change)


async def test_a_refused_history_is_asked_again(
    hass: HomeAssistant,
    emporia_url: str,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The history refused at first: asked again a minute later, and the hours land once."""
    emporia.scenario.history_served = False
    entry = await start_entry(hass, emporia_url, emporia, freezer)
    moment = await run_until(hass, freezer, START, START + timedelta(minutes=8))
    assert entry.runtime_data.past_days.imported == []
    emporia.scenario.history_served = True
    await run_until(hass, freezer, moment, moment + timedelta(minutes=6))
    assert KITCHEN in entry.runtime_data.past_days.imported
    changes = await hourly(hass, KITCHEN, START - 2 * 24 * HOUR)
    assert len([hour for hour in changes if hour < START - HOUR]) == 47


async def test_no_past_days_when_the_option_says_none(
    hass: HomeAssistant,
    emporia_url: str,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """History days 0: no hourly history is read and no rows are imported."""
    freezer.move_to(START)
    emporia.clock.now = time.time
    entry = add_entry(hass, emporia_url, options={"history_days": 0, "state_update_interval": 60})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass, lambda: emporia.samples_sent >= 1)
    await run_until(hass, freezer, START, START + timedelta(minutes=8))
    assert [c for c in emporia.state.calls("GET", "/history") if c.query["scale"] == "1H"] == []
    assert await hourly(hass, KITCHEN, START - 3 * 24 * HOUR) == {}


async def test_a_history_that_never_answers_is_given_up_once(
    hass: HomeAssistant,
    emporia_url: str,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Asked every minute for half an hour, then one warning per sensor, and no more asks."""
    emporia.scenario.history_served = False
    entry = await start_entry(hass, emporia_url, emporia, freezer)
    warning = f"did not give the past days of {KITCHEN}"
    moment = await run_until(hass, freezer, START, START + timedelta(minutes=33))
    # Each try waits a minute from the end of the one before (later on a busy machine).
    while warning not in caplog.text and moment < START + timedelta(minutes=70):
        moment = await run_until(hass, freezer, moment, moment + timedelta(minutes=1))
    assert caplog.text.count(warning) == 1
    assert "did not give the past days of sensor.home_balance_energy" not in caplog.text
    assert entry.runtime_data.past_days.imported == []
    asked = len(emporia.state.calls("GET", "/history"))
    await run_until(hass, freezer, moment, moment + timedelta(minutes=5))
    assert len(emporia.state.calls("GET", "/history")) - asked < 10  # the gaps' backfill only
