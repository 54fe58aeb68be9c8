"""An Emporia energy sensor whose restore data is gone (Home Assistant's restore store lost,
or dropped 7 days after the sensor was last seen): it goes on from the recorder's last total,
never from 0 (which the Energy dashboard would count as a reset: everything again)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import restore_state
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from tests.helpers import settle
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
    last_total = float(hass.states.get(KITCHEN).state)
    assert last_total > 0
    assert await hass.config_entries.async_unload(entry.entry_id)
    await async_wait_recording_done(hass)
    restore_state.async_get(hass).last_states.pop(KITCHEN)
    later = moment + timedelta(days=8)
    freezer.move_to(later)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass, lambda: entry.runtime_data.live.state.samples >= 1)
    await run_until(hass, freezer, later, later + timedelta(minutes=20))
    total = float(hass.states.get(KITCHEN).state)
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
    last = hass.states.get(KITCHEN)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await async_wait_recording_done(hass)
    restore_state.async_get(hass).last_states.clear()
    later = moment + timedelta(minutes=20)
    freezer.move_to(later)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass, lambda: entry.runtime_data.live.state.samples >= 1)
    await run_until(hass, freezer, later, later + timedelta(minutes=15))
    total = float(hass.states.get(KITCHEN).state)
    counted = entry.runtime_data.live.state.channels[(100123, "1")].wall_at
    truth = emporia.energy("1", last.last_updated.timestamp(), counted)
    assert total == pytest.approx(float(last.state) + truth, abs=0.001)
    assert not steps_down(await rows(hass, KITCHEN, "5minute"))
