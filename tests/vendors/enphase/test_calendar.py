"""Enphase charged energy across the calendar matrix: an hour's session (and a restart inside
it) around each instant counts 32 A x 230 V x 1 h once, whatever Home Assistant's zone."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.calendar import INSTANTS, Instant
from tests.helpers import advance, known_state, numbers, watch_numbers
from tests.simulator.enphase import EnphaseSimulator

ENERGY = "sensor.garage_ev_charged_energy"


@pytest.mark.parametrize("instant", INSTANTS, ids=lambda i: i.name)
@pytest.mark.parametrize("summary", [True, False], ids=["meter", "sessions"])
async def test_charged_energy_across_the_instant(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
    *,
    instant: Instant,
    summary: bool,
) -> None:
    """Charging from 30 minutes before the instant to 30 after, restarted at the instant."""
    await hass.config.async_set_time_zone(instant.zone)
    freezer.move_to(datetime.fromisoformat(instant.moment) - timedelta(minutes=30))
    enphase.clock.now = time.time
    if not summary:
        enphase.state.faults.path = "/summary"
        enphase.state.faults.status = 404
    written = watch_numbers(hass, ENERGY)
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    before = float(known_state(hass, ENERGY).state)
    enphase.start(32)
    for _ in range(2):
        await advance(hass, freezer, 15 * 60)
    assert await hass.config_entries.async_reload(enphase_entry.entry_id)
    await hass.async_block_till_done()
    for _ in range(2):
        await advance(hass, freezer, 15 * 60)
    enphase.stop()
    await advance(hass, freezer, 60)
    assert float(known_state(hass, ENERGY).state) == pytest.approx(before + 7.36, abs=0.02)
    values = numbers(written[ENERGY])
    assert values == sorted(values)
