"""Energy truth: what Home Assistant recorded over a simulated week against what really flowed.

Not part of the test run: `scripts/bench` runs it before bench_portals.py, whose report gets an
"Energy truth" section from these rows. Per vendor, a week on frozen time with three Home
Assistant restarts (down two hours each) and two vendor outages (one hour and thirty hours);
the simulator's ground truth (Allume `hour_energy`, Enphase `delivered`, Emporia `energy`) is
compared with the Allume statistics and the Enphase and Emporia sensor totals.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.energy_portals.vendors.allume.statistics import statistic_id
from tests.bench.bench_portals import record
from tests.conftest import RunningSimulator
from tests.faults.harness import START, VENDORS
from tests.helpers import numbers, watch_numbers
from tests.simulator.allume import AllumeSimulator
from tests.simulator.emporia import MONITOR_GID, EmporiaSimulator
from tests.simulator.enphase import EnphaseSimulator
from tests.vendors.emporia.conftest import add_entry as add_emporia_entry

HOUR = 3600
WEEK_HOURS = 7 * 24
RESTARTS = (30, 91, 130)
"""Hours after the start at which Home Assistant stops, for RESTART_HOURS."""
RESTART_HOURS = 2
OUTAGES = ((50, 1), (100, 30))
"""(hour, hours): the vendor answers 502 (Allume, Enphase) or is unreachable (Emporia)."""
SECTION = "energy"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_mock: Any, enable_custom_integrations: None) -> None:
    """The recorder first (Allume's statistics), then our integration."""


def truth_row(
    vendor: str, measure: str, value: str, target: str = "", met: bool | None = None
) -> None:
    record(vendor, measure, value, target, met, section=SECTION)


async def run_week(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    entry: MockConfigEntry,
    step: float,
    *,
    each_step: Callable[[float], Awaitable[None]],
    vendor_down: Callable[[bool], Awaitable[None]],
    polled: bool = True,
) -> None:
    """Move a week on in steps of `step` seconds, with the restarts and outages.

    `polled`: the vendor's refreshes are background tasks to wait for (not a live socket,
    which runs for good).
    """
    steps_per_hour = round(HOUR / step)
    down_until: float | None = None
    restart_at: float | None = None
    for index in range(WEEK_HOURS * steps_per_hour):
        hour = index / steps_per_hour
        if hour in RESTARTS:
            assert await hass.config_entries.async_unload(entry.entry_id)
            await hass.async_block_till_done()
            restart_at = hour + RESTART_HOURS
        for start, length in OUTAGES:
            if hour == start:
                await vendor_down(True)
                down_until = start + length
        if down_until is not None and hour >= down_until:
            await vendor_down(False)
            down_until = None
        if restart_at is not None and hour >= restart_at:
            assert await hass.config_entries.async_setup(entry.entry_id)
            await hass.async_block_till_done()
            restart_at = None
        freezer.tick(step)
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=polled and restart_at is None)
        await each_step(hour)


# Allume --------------------------------------------------------------------------------------

ALLUME_METRICS: dict[str, Callable[[dict[str, float]], float]] = {
    "grid_import": lambda e: max(0.0, e["energyDemand"] - e["solarConsumed"]),
    "solar_consumed": lambda e: e["solarConsumed"],
    "solar_delivered": lambda e: e["solarDelivered"],
    "solar_exported": lambda e: e["solarExported"],
    "energy_demand": lambda e: e["energyDemand"],
}


async def _rows(hass: HomeAssistant, stat_id: str) -> list[dict[str, Any]]:
    await async_wait_recording_done(hass)
    result = await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        datetime(2026, 1, 1, tzinfo=dt_util.UTC),
        None,
        {stat_id},
        "hour",
        None,
        {"state", "sum"},
    )
    return [dict(row) for row in result.get(stat_id, [])]


ALLUME_WEEKS = {
    "Sydney": (START, "Australia/Sydney"),
    "Sydney, daylight saving ends (a 25-hour day)": (
        "2026-04-02T03:37:20+00:00",
        "Australia/Sydney",
    ),
    "Sydney, daylight saving starts (a 23-hour day)": (
        "2026-09-30T03:37:20+00:00",
        "Australia/Sydney",
    ),
    "Adelaide (UTC+9:30)": ("2026-06-10T03:37:20+00:00", "Australia/Adelaide"),
}
TODAY_DEMAND = "sensor.unit_4_12_example_street_marrickville_nsw_2204_energy_demand_today"


@pytest.mark.parametrize("week", list(ALLUME_WEEKS))
async def test_allume_energy_truth(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory, week: str
) -> None:
    """Every imported hour of every property's statistics against the simulator's truth, and
    the recorder's sum of a today sensor against the week's energy."""
    moment, zone = ALLUME_WEEKS[week]
    freezer.move_to(moment)
    simulator.clock.now = time.time
    sim: AllumeSimulator = simulator["allume"]
    running = await VENDORS["allume"].make(hass, simulator)
    await hass.config.async_set_time_zone(zone)
    entry = running.entry
    label = f"Allume ({week})"
    # The statistics path alone: the live readings' own cost is measured in bench_portals.
    hass.config_entries.async_update_entry(entry, options={"history_days": 1, "live_interval": 0})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    backfill_start = dt_util.as_utc(
        dt_util.start_of_local_day(dt_util.as_local(dt_util.utcnow()).date() - timedelta(days=1))
    )
    counts: dict[str, int] = {}
    restart_cost: list[int] = []

    async def each_step(hour: float) -> None:
        if hour == 6:
            counts["day_start"] = len(sim.state.requests)
        if hour == 30 - 1 / 12:  # the day before the first restart: no restart, no outage
            counts["day_end"] = len(sim.state.requests)
        for restart in RESTARTS:
            if hour == restart + RESTART_HOURS:
                restart_cost.append(len(sim.state.requests) - counts.get("before_restart", 0))
            if hour == restart + RESTART_HOURS - 1 / 12:
                counts["before_restart"] = len(sim.state.requests)

    async def vendor_down(down: bool) -> None:
        sim.state.faults.status = 502 if down else None

    written = watch_numbers(hass, TODAY_DEMAND)
    first_day = dt_util.as_utc(dt_util.start_of_local_day(dt_util.as_local(dt_util.utcnow())))
    await run_week(hass, freezer, entry, 300, each_step=each_step, vendor_down=vendor_down)
    await async_wait_recording_done(hass)
    _today_sensor_truth(sim, label, numbers(written[TODAY_DEMAND]), first_day)

    worst, total_diff, imported, expected_hours = 0.0, 0.0, 0, 0
    now = dt_util.utcnow()
    last_closed = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    for prop in sim.visible_properties():
        for metric, truth_of in ALLUME_METRICS.items():
            rows = await _rows(hass, statistic_id(prop.property_id, metric))
            for row in rows:
                truth = truth_of(sim.hour_energy([prop.index], int(row["start"])))
                diff = abs((row["state"] or 0.0) - truth)
                worst = max(worst, diff)
                total_diff += diff
            if metric == "grid_import":
                imported += len(rows)
                expected_hours += int((last_closed - backfill_start) / timedelta(hours=1)) + 1
    truth_row(
        label,
        "largest difference of one hour's statistic from the truth (5 energy statistics, "
        f"{len(sim.visible_properties())} properties)",
        f"{worst:.6f} kWh",
        "0.000 kWh",
        round(worst, 3) == 0,
    )
    truth_row(label, "sum of all hourly differences", f"{total_diff:.6f} kWh")
    truth_row(
        label,
        "hours imported of the hours closed (the rest wait for a late hour's roll-up)",
        f"{imported} of {expected_hours}",
    )
    per_day = counts["day_end"] - counts["day_start"]
    properties = len(sim.visible_properties())
    own = per_day  # all requests of the day (two properties, their building, the account)
    truth_row(
        label,
        f"requests on a day without restarts ({properties} properties, 1 building, 1 account)",
        str(own),
        f"<= 26 x {properties + 1}",
        own <= 26 * (properties + 1),
    )
    truth_row(
        label,
        "requests of the first refresh after a restart (2 hours down; the third one also "
        "reads the 30-hour outage that ended as it stopped; 104, 109, 73 before the hours "
        "were stored)",
        ", ".join(str(cost) for cost in restart_cost),
        "<= 2 x 3 + 2 (the first two)",
        max(restart_cost[:2]) <= 8,
    )


def _recorded_sum(values: list[float]) -> float:
    """What the recorder sums from a total_increasing sensor's states (its `reset_detected`):
    each rise; a fall below 90 % is a reset whose new value counts from zero."""
    total = 0.0
    for previous, value in pairwise(values):
        total += value if value < 0.9 * previous else value - previous
    return total


def _today_sensor_truth(
    sim: AllumeSimulator, label: str, values: list[float], first_day: datetime
) -> None:
    """The states unit 4's "energy demand today" wrote over the run, summed as the recorder
    does, against the energy of every hour from the first day's midnight to the last closed
    hour (an hour without 5-minute rows counts once its roll-up is read, 48 hours on)."""
    recorded = values[0] + _recorded_sum(values)
    now = dt_util.utcnow()
    last_closed = int(now.timestamp()) // HOUR * HOUR
    rolled_up = last_closed - 49 * HOUR
    truth = sum(
        sim.hour_energy([0], hour)["energyDemand"]
        for hour in range(-(-int(first_day.timestamp()) // HOUR) * HOUR, last_closed, HOUR)
        if not sim.is_late(hour) or hour < rolled_up
    )
    truth_row(
        label,
        "the recorder's sum of a today sensor's states over the week (every rise; a fall "
        "below 90 % a reset) against every hour read",
        f"{recorded:.3f} of {truth:.3f} kWh",
        "equal (within 0.01 kWh: the states are rounded)",
        abs(recorded - truth) <= 0.01,
    )


# Enphase -------------------------------------------------------------------------------------


async def test_enphase_energy_truth(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """The charged-energy total against the energy the charger really delivered: the status in
    the current shape, and the summary (the lifetime meter) answering 404 for two hours while
    a car charges, with a restart inside that outage."""
    freezer.move_to(START)
    simulator.clock.now = time.time
    sim: EnphaseSimulator = simulator["enphase"]
    assert sim.knobs.status_shape == "current"
    sim.unplug()
    running = await VENDORS["enphase"].make(hass, simulator)
    entry = running.entry
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    delivered_before = sim.delivered()

    async def each_step(hour: float) -> None:
        if hour in SUMMARY_OUTAGE:
            sim.summary_offered = hour == SUMMARY_OUTAGE[1]
        of_day = hour % 24
        if of_day == 8:  # a three-hour charge every day
            sim.plug_in()
            sim.start(32)
        elif of_day == 11:
            sim.stop()
        elif of_day == 12:
            sim.unplug()

    async def vendor_down(down: bool) -> None:
        sim.state.faults.status = 502 if down else None

    await run_week(hass, freezer, entry, 60, each_step=each_step, vendor_down=vendor_down)
    for _ in range(15):
        freezer.tick(60)
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
    truth = sim.delivered() - delivered_before
    state = hass.states.get("sensor.garage_ev_charged_energy")
    recorded = float(state.state) if state else 0.0
    error = abs(recorded - truth) / truth
    truth_row(
        "Enphase",
        "charged energy over the week against the charger's meter (current status shape; the "
        f"summary 404 from hour {SUMMARY_OUTAGE[0]} to {SUMMARY_OUTAGE[1]} during a charge, "
        f"with a restart at hour {RESTARTS[2]} inside)",
        f"{recorded:.3f} of {truth:.3f} kWh ({error:.3%})",
        "within 0.1 %",
        error <= 0.001,
    )
    per_day = len(sim.state.requests) / 7
    summary = len(sim.state.calls("GET", "/summary")) / 7
    truth_row(
        "Enphase",
        "requests per day over the week (charging 3 hours a day), of which summary reads",
        f"{per_day:.0f}, {summary:.0f}",
    )


SUMMARY_OUTAGE = (129, 131)
"""Hours at which the Enphase summary stops and starts answering again (the third restart,
at 130, falls inside; the car charges from 8 to 11 every day, so from 129 to 131)."""


# Emporia -------------------------------------------------------------------------------------

EMPORIA_CHANNELS = (
    ("Kitchen", "sensor.home_kitchen_energy", "1", 1),
    ("Heat pump", "sensor.home_heat_pump_energy", "2", 1),
    ("Solar (produced)", "sensor.home_solar_energy_produced", "3", -1),
    ("Mains", "sensor.home_mains_energy", "1,2,3", 1),
    ("Smart plug", "sensor.aquarium_energy", "plug", 1),
    ("EV charger", "sensor.driveway_charger_energy", "charger", 1),
)


async def test_emporia_energy_truth(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """Each channel's total against what flowed through it; the Balance apart."""
    freezer.move_to(START)
    simulator.clock.now = time.time
    sim: EmporiaSimulator = simulator["emporia"]
    sim.scenario.period = 60  # one message a minute: a week runs in minutes
    url = simulator.base_url("emporia")
    entry = add_emporia_entry(hass, url, options={"state_update_interval": 60})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    registry = er.async_get(hass)
    for entity_id in ("sensor.home_solar_energy_produced", "sensor.home_balance_energy"):
        if registry.async_get(entity_id) is not None:
            registry.async_update_entity(entity_id, disabled_by=None)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await _emporia_settle(hass, entry)
    start = _first_sample(entry)

    async def each_step(hour: float) -> None:
        if hass.config_entries.async_get_entry(entry.entry_id) is not None:
            await _emporia_settle(hass, entry)

    async def vendor_down(down: bool) -> None:
        if down:
            await simulator.stop()
        else:
            await simulator.start()

    await run_week(
        hass, freezer, entry, 60, each_step=each_step, vendor_down=vendor_down, polled=False
    )
    for _ in range(10):  # the last gap's minutes complete and are read
        freezer.tick(60)
        async_fire_time_changed(hass)
        await _emporia_settle(hass, entry)
    end = sim.clock.now()
    for label, entity_id, channel, sign in EMPORIA_CHANNELS:
        truth = sign * sim.energy(channel, start, end)
        state = hass.states.get(entity_id)
        recorded = (
            float(state.state) if state and state.state not in ("unknown", "unavailable") else 0.0
        )
        error = abs(recorded - truth) / truth
        truth_row(
            "Emporia",
            f"{label}: energy over the week against the truth",
            f"{recorded:.3f} of {truth:.3f} kWh ({error:.2%})",
            "within 1 %",
            error <= 0.01,
        )
    balance = sim.energy("Balance", start, end)
    state = hass.states.get("sensor.home_balance_energy")
    recorded = (
        float(state.state) if state and state.state not in ("unknown", "unavailable") else 0.0
    )
    truth_row(
        "Emporia",
        "Balance (the history cannot serve it: its gaps stay unfilled)",
        f"{recorded:.3f} of {balance:.3f} kWh ({abs(recorded - balance) / balance:.2%})",
    )
    history = len(sim.state.calls("GET", "/history"))
    truth_row("Emporia", "history requests over the week (gap fills)", str(history))


def _first_sample(entry: MockConfigEntry) -> float:
    channel = entry.runtime_data.live.state.channels[(MONITOR_GID, "1")]
    assert channel.first_wall_at is not None
    return float(channel.first_wall_at)


async def _emporia_settle(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Let the socket deliver what this minute brings (bounded: the proxy may be down)."""
    for _ in range(50):
        await hass.async_block_till_done()
        await asyncio.sleep(0)
