"""An Emporia energy sensor whose restore data is gone (Home Assistant's restore store lost,
or dropped 7 days after the sensor was last seen): it goes on from the recorder's last total,
never from 0 (which the Energy dashboard would count as a reset: everything again)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.energy_portals import recorded_totals
from tests.helpers import forget_restore_data, known_state, settle
from tests.oracle.statistics import rows, steps_down
from tests.simulator.emporia import EmporiaSimulator

from .test_past_days import KITCHEN, START, run_until, start_entry


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_mock: Any, enable_custom_integrations: None) -> None:
    """The recorder first, then our integration."""


async def test_restore_data_gone_after_8_days_goes_on_from_the_last_total(
    hass: HomeAssistant,
    emporia_url: str,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Back 8 days later without restore data: the last recorded total, nothing filled (the
    history holds 7 days), and the recorder's sum goes on without a reset."""
    entry = await start_entry(hass, emporia_url, emporia, freezer)
    moment = await run_until(hass, freezer, START, START + timedelta(minutes=30))
    last_total = float(known_state(hass, KITCHEN).state)
    assert last_total > 0
    assert await hass.config_entries.async_unload(entry.entry_id)
    await async_wait_recording_done(hass)
    assert forget_restore_data(hass, KITCHEN) is not None
    later = moment + timedelta(days=8)
    freezer.move_to(later)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass, lambda: entry.runtime_data.live.state.samples >= 1)
    await run_until(hass, freezer, later, later + timedelta(minutes=20))
    total = float(known_state(hass, KITCHEN).state)
    since_back = emporia.energy("1", later.timestamp(), later.timestamp() + 20 * 60)
    assert total >= last_total
    assert total - last_total < since_back + 0.01  # not the 7 days the history holds
    kitchen_gaps = [gap for gap in entry.runtime_data.live.state.gaps if gap.key == (100123, "1")]
    assert kitchen_gaps == []
    short = await rows(hass, KITCHEN, "5minute")
    assert not steps_down(short)
    assert short[-1].sum < short[0].sum + last_total + since_back + 0.01


async def test_restore_data_lost_after_a_restart_fills_the_downtime(
    hass: HomeAssistant,
    emporia_url: str,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Back 20 minutes later without restore data: the recorder's last total, and the
    downtime filled from the history, once."""
    entry = await start_entry(hass, emporia_url, emporia, freezer)
    moment = await run_until(hass, freezer, START, START + timedelta(minutes=30))
    last = known_state(hass, KITCHEN)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await async_wait_recording_done(hass)
    forget_restore_data(hass)
    later = moment + timedelta(minutes=20)
    freezer.move_to(later)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass, lambda: entry.runtime_data.live.state.samples >= 1)
    await run_until(hass, freezer, later, later + timedelta(minutes=15))
    total = float(known_state(hass, KITCHEN).state)
    counted = entry.runtime_data.live.state.channels[(100123, "1")].wall_at
    truth = emporia.energy("1", last.last_updated.timestamp(), counted)
    assert total == pytest.approx(float(last.state) + truth, abs=0.001)
    assert not steps_down(await rows(hass, KITCHEN, "5minute"))


async def lose_restore_data(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, entry: Any, moment: Any
) -> Any:
    """Stop, lose the restore store, start 20 minutes later; the new moment."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    await async_wait_recording_done(hass)
    forget_restore_data(hass)
    later = moment + timedelta(minutes=20)
    freezer.move_to(later)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass, lambda: entry.runtime_data.live.state.samples >= 1)
    return later


async def test_a_total_shown_in_wh_goes_on_in_kwh(
    hass: HomeAssistant,
    emporia_url: str,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The owner shows the kitchen in Wh (the recorder holds its states in Wh), and a state
    in a unit that is no energy was written under its id: the total goes on in kWh from the
    last state that is one, never 1 000 times too much."""
    entry = await start_entry(hass, emporia_url, emporia, freezer)
    er.async_get(hass).async_update_entity_options(KITCHEN, "sensor", {"unit_of_measurement": "Wh"})
    moment = await run_until(hass, freezer, START, START + timedelta(minutes=30))
    shown = known_state(hass, KITCHEN)
    assert shown.attributes["unit_of_measurement"] == "Wh"
    assert await hass.config_entries.async_unload(entry.entry_id)
    hass.states.async_set(KITCHEN, "7", {"unit_of_measurement": "parsec"})
    hass.states.async_remove(KITCHEN)
    await async_wait_recording_done(hass)
    forget_restore_data(hass)
    freezer.move_to(moment + timedelta(minutes=1))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass, lambda: entry.runtime_data.live.state.samples >= 1)
    back = float(known_state(hass, KITCHEN).state)
    assert back == pytest.approx(float(shown.state), abs=20)  # Wh, a minute's use at most


async def test_a_recorder_that_cannot_answer_starts_the_sensor_as_new(
    hass: HomeAssistant,
    emporia_url: str,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The database busy when the sensor is added: it is added all the same (from 0, as a
    new one), nothing logged above DEBUG."""
    entry = await start_entry(hass, emporia_url, emporia, freezer)
    moment = await run_until(hass, freezer, START, START + timedelta(minutes=10))

    def busy(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(recorded_totals, "get_last_state_changes", busy)
    await lose_restore_data(hass, freezer, entry, moment)
    assert float(known_state(hass, KITCHEN).state) < 0.01
    # Its past days asked for as a new sensor's (written only if the statistic has none).
    assert KITCHEN in entry.runtime_data.past_days.pending


async def test_a_first_total_the_recorder_cannot_give_leaves_the_import_out(
    hass: HomeAssistant,
    emporia_url: str,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first total cannot be read (the database busy): the sensor goes on from its last
    total all the same, without the import it cannot place."""
    entry = await start_entry(hass, emporia_url, emporia, freezer)
    moment = await run_until(hass, freezer, START, START + timedelta(minutes=2))
    last = float(known_state(hass, KITCHEN).state)

    def busy(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(recorded_totals, "state_changes_during_period", busy)
    await lose_restore_data(hass, freezer, entry, moment)
    assert float(known_state(hass, KITCHEN).state) >= last
    assert KITCHEN not in entry.runtime_data.past_days.pending
