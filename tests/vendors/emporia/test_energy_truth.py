"""Emporia energy against the simulator's truth: restarts and outages are filled from history."""

from __future__ import annotations

import time

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    mock_restore_cache_with_extra_data,
)

from custom_components.energy_portals.vendors.emporia.backfill import SETTLE
from tests.helpers import known_state, settle
from tests.simulator.emporia import EmporiaSimulator

from .conftest import tick

KITCHEN = "sensor.home_kitchen_energy"
MAINS = "sensor.home_mains_energy"
MAINS_RETURNED = "sensor.home_mains_energy_returned"


@pytest.fixture(autouse=True)
def frozen_proxy(emporia: EmporiaSimulator, freezer: FrozenDateTimeFactory) -> None:
    """The proxy's clock is the frozen one too (its truth and history follow the test's time)."""
    emporia.clock.now = time.time


def total(hass: HomeAssistant, entity_id: str) -> float:
    return float(known_state(hass, entity_id).state)


async def first_sample(hass: HomeAssistant, entry: MockConfigEntry) -> float:
    """Wait for the entry's first sample; returns its wall-clock time."""
    await settle(hass, lambda: entry.runtime_data.push.authenticated)
    await settle(hass, lambda: entry.runtime_data.live.state.samples > 0)
    wall = entry.runtime_data.live.state.channels[(100123, "1")].first_wall_at
    assert wall is not None
    return float(wall)


async def let_history_fill(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, emporia: EmporiaSimulator
) -> None:
    """Run the live data a while: the gap's last minute completes and is read (SETTLE)."""
    await tick(hass, freezer, emporia, int(SETTLE) + 20)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def test_a_restart_is_filled_from_the_history(
    hass: HomeAssistant,
    emporia_entry: MockConfigEntry,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Home Assistant down for two hours: the totals afterwards match what really flowed."""
    assert await hass.config_entries.async_setup(emporia_entry.entry_id)
    start = await first_sample(hass, emporia_entry)
    await tick(hass, freezer, emporia, 120)
    assert await hass.config_entries.async_unload(emporia_entry.entry_id)
    await hass.async_block_till_done()

    freezer.tick(7200)
    assert await hass.config_entries.async_setup(emporia_entry.entry_id)
    await first_sample(hass, emporia_entry)
    await let_history_fill(hass, freezer, emporia)
    end = emporia.clock.now()

    for entity_id, channel, sign in ((KITCHEN, "1", 1), (MAINS, "1,2,3", 1)):
        truth = sign * emporia.energy(channel, start, end)
        assert abs(total(hass, entity_id) - truth) <= 0.01 * truth, entity_id
    history = emporia.state.calls("GET", "/history")
    assert history, "the gap was read from the history"
    assert all("channels=Balance" not in str(call.query) for call in history)
    assert emporia_entry.runtime_data.live.state.gaps == []


async def test_a_dropped_socket_is_filled_once(
    hass: HomeAssistant,
    emporia_entry: MockConfigEntry,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The socket stays down for ten minutes (no /devices/instant): filled once, exactly."""
    emporia.scenario.instant_served = False
    assert await hass.config_entries.async_setup(emporia_entry.entry_id)
    start = await first_sample(hass, emporia_entry)
    await tick(hass, freezer, emporia, 30)
    emporia.state.faults.drop_websocket = True
    await emporia.drop_sockets()
    for _ in range(20):
        freezer.tick(30)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    emporia.state.faults.drop_websocket = False
    for _ in range(400):
        freezer.tick(1)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        if emporia_entry.runtime_data.push.authenticated:
            break
    await let_history_fill(hass, freezer, emporia)
    asked = len(emporia.state.calls("GET", "/history"))
    assert asked == 6  # the gap of each channel but the Balance, once
    await let_history_fill(hass, freezer, emporia)
    assert len(emporia.state.calls("GET", "/history")) == asked
    end = emporia.clock.now()
    truth = emporia.energy("1", start, end)
    # A quarter of an hour: each sample is the mean of the minute before it, so the live
    # stretches lag the truth by about 30 s at their ends (within 2 %; over the benchmark's
    # week, 0.00 %). Counting the ten-minute gap twice would be 50 % too much.
    assert abs(total(hass, KITCHEN) - truth) <= 0.02 * truth


async def test_restored_open_gaps_are_filled_after_a_restart(
    hass: HomeAssistant,
    emporia_entry: MockConfigEntry,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A gap still open when Home Assistant stopped is filled after it starts again."""
    now = emporia.clock.now()
    gap = (now - 7200.0, now - 3600.0)
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(KITCHEN, "5.0"),
                {
                    "native_value": 5.0,
                    "native_unit_of_measurement": "kWh",
                    "counted_until": now - 600.0,
                    "open_gaps": [list(gap), ["junk"], [3.0, 1.0]],
                },
            )
        ],
    )
    assert await hass.config_entries.async_setup(emporia_entry.entry_id)
    await first_sample(hass, emporia_entry)
    await let_history_fill(hass, freezer, emporia)
    kitchen = emporia_entry.runtime_data.live.state.channels[(100123, "1")]
    # The open gap, the time from the last count to the first sample, and the live samples.
    expected = emporia.energy("1", *gap) + emporia.energy("1", now - 600.0, emporia.clock.now())
    assert kitchen.consumed == pytest.approx(expected, rel=0.02, abs=0.002)
    assert total(hass, KITCHEN) > 5.0 + emporia.energy("1", *gap)


async def test_a_sensor_restored_from_days_ago_fills_only_its_own_stretch(
    hass: HomeAssistant,
    emporia_entry: MockConfigEntry,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The mains' returned sensor comes back after three days off (its restore data is that
    old) while the consumed one ran until the restart: the history fills three days for the
    returned total alone; the consumed total counts only its own ten minutes, never the three
    days again."""
    emporia.scenario.fixed_watts.update({"1": 1000.0, "2": 800.0, "3": -300.0, "Balance": 0.0})
    now = emporia.clock.now()
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(MAINS, "100.0"),
                {
                    "native_value": 100.0,
                    "native_unit_of_measurement": "kWh",
                    "counted_until": now - 600.0,
                    "open_gaps": [],
                },
            ),
            (
                State(MAINS_RETURNED, "2.0"),
                {
                    "native_value": 2.0,
                    "native_unit_of_measurement": "kWh",
                    "counted_until": now - 3 * 86400.0,
                    "open_gaps": [],
                },
            ),
        ],
    )
    assert await hass.config_entries.async_setup(emporia_entry.entry_id)
    await first_sample(hass, emporia_entry)
    await let_history_fill(hass, freezer, emporia)
    assert not emporia_entry.runtime_data.live.state.gaps
    # 1.5 kW from ten minutes before the restart until now, nothing of the three days.
    consumed = emporia.energy("1,2,3", now - 600.0, emporia.clock.now())
    assert total(hass, MAINS) == pytest.approx(100.0 + consumed, abs=0.01)
    assert total(hass, MAINS) < 101.0
    assert total(hass, MAINS_RETURNED) == pytest.approx(2.0, abs=0.001)  # the mains only drew
    # The ten minutes once for both totals; the three days (and a minute) in four day pieces.
    assert len(emporia.state.calls("GET", "/history")) == 1 + 4


async def test_a_renamed_sensor_neither_loses_nor_repeats_energy(
    hass: HomeAssistant,
    emporia_entry: MockConfigEntry,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Renaming an entity id removes and re-adds the entity while the channel keeps running
    (its restore data stays under the old id): it keeps its total and goes on from there,
    counting nothing twice."""
    emporia.scenario.fixed_watts.update({"1": 3600.0})
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(KITCHEN, "7.0"),
                {
                    "native_value": 7.0,
                    "native_unit_of_measurement": "kWh",
                    "counted_until": emporia.clock.now() - 1.0,
                    "open_gaps": [],
                },
            )
        ],
    )
    assert await hass.config_entries.async_setup(emporia_entry.entry_id)
    await first_sample(hass, emporia_entry)
    await tick(hass, freezer, emporia, 60)
    before = total(hass, KITCHEN)
    assert before == pytest.approx(7.06, abs=0.005)  # and 3.6 kW for a minute
    registry = er.async_get(hass)
    registry.async_update_entity(KITCHEN, new_entity_id="sensor.kitchen_energy")
    await hass.async_block_till_done()
    renamed = total(hass, "sensor.kitchen_energy")
    assert renamed == pytest.approx(before, abs=0.002)
    await tick(hass, freezer, emporia, 60)
    await let_history_fill(hass, freezer, emporia)
    seconds = 60 + int(SETTLE) + 20
    # States are written once per 10 s interval: within 10 s at 3.6 kW.
    assert total(hass, "sensor.kitchen_energy") == pytest.approx(
        before + 3.6 * seconds / 3600, abs=0.011
    )
