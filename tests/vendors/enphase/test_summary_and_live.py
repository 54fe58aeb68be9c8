"""What the charger summary (v2) shows, the average power, and the live stream's fast polls."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from custom_components.energy_portals.vendors.enphase.models import Charger
from custom_components.energy_portals.vendors.enphase.power import AveragePower
from tests.helpers import advance, known_state
from tests.simulator.enphase import SERIAL, EnphaseSimulator

NUMBER = "number.garage_ev_charging_current"
POWER = "sensor.garage_ev_average_charging_power"
STATUS = "ev_chargers/status"


def _summary(**fields: Any) -> Any:
    """A rewrite of the summary's charger with these fields."""

    def rewrite(body: Any) -> Any:
        if isinstance(body, dict) and isinstance(body.get("data"), list):
            body["data"][0].update(fields)
        return body

    return rewrite


async def test_the_summary_fills_the_device_and_its_diagnostics(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """Firmware on the device; phase mode, voltage and last report as diagnostic sensors
    (the last report from the summary where the legacy status has none)."""
    enphase.knobs.status_shape = "legacy"
    loaded_enphase = enphase_entry
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"enphase_{SERIAL}"), loaded_enphase.entry_id
    )
    assert device is not None
    assert device.sw_version == "25.37.1.13"
    assert known_state(hass, "sensor.garage_ev_phase_mode").state == "single_phase"
    assert known_state(hass, "sensor.garage_ev_operating_voltage").state == "230.0"
    assert known_state(hass, "sensor.garage_ev_last_reported").state == (
        "2026-11-29T10:00:00+00:00"
    )
    entity = er.async_get(hass).async_get("sensor.garage_ev_phase_mode")
    assert entity is not None
    assert entity.entity_category == "diagnostic"


async def test_a_new_firmware_shows_on_the_device(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A firmware update the summary reports reaches the device registry."""
    enphase.state.faults.rewrite = _summary(firmwareVersion="26.1.0")
    enphase.state.faults.path = "/summary"
    await advance(hass, freezer, 601)  # read every 10 minutes while nothing charges
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"enphase_{SERIAL}"), loaded_enphase.entry_id
    )
    assert device is not None
    assert device.sw_version == "26.1.0"


async def test_the_number_takes_the_chargers_own_range(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """The current's range and step are the charger's own (strings in the summary); the
    default current is clamped into it."""
    enphase.state.faults.rewrite = _summary(
        chargeLevelDetails={"min": "8", "max": "24", "granularity": "2"}
    )
    enphase.state.faults.path = "/summary"
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    state = known_state(hass, NUMBER)
    assert (state.attributes["min"], state.attributes["max"], state.attributes["step"]) == (
        8,
        24,
        2,
    )
    assert state.state == "24"
    with pytest.raises(Exception, match="24"):
        await hass.services.async_call(
            "number", "set_value", {ATTR_ENTITY_ID: NUMBER, "value": 32}, blocking=True
        )


async def test_average_power_from_the_energy_between_readings(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """While charging the power is the energy's average since it last changed; 0 W when
    stopped; unknown until two readings tell it."""
    enphase.clock.now = time.time
    assert known_state(hass, POWER).state == "0.0"
    await hass.services.async_call(
        "number", "set_value", {ATTR_ENTITY_ID: NUMBER, "value": 16}, blocking=True
    )
    await hass.services.async_call(
        "switch", "turn_on", {ATTR_ENTITY_ID: "switch.garage_ev_charging"}, blocking=True
    )
    assert known_state(hass, POWER).state == "unknown"
    await advance(hass, freezer, 15)
    assert float(known_state(hass, POWER).state) == pytest.approx(16 * 230, rel=0.01)
    entity = er.async_get(hass).async_get(POWER)
    assert entity is not None
    assert entity.original_name == "Average charging power"
    await hass.services.async_call(
        "switch", "turn_off", {ATTR_ENTITY_ID: "switch.garage_ev_charging"}, blocking=True
    )
    assert known_state(hass, POWER).state == "0.0"


async def test_the_live_stream_polls_fast_for_its_duration(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The live stream button polls the status every 10 s for the stream's 900 s, then the
    normal cadence (idle: 60 s) returns."""
    enphase.unplug()
    await advance(hass, freezer, 15)
    registry = er.async_get(hass)
    registry.async_update_entity("button.garage_ev_start_live_stream", disabled_by=None)
    await advance(hass, freezer, 31)  # Home Assistant reloads the entry to add the button
    await hass.services.async_call(
        "button", "press", {ATTR_ENTITY_ID: "button.garage_ev_start_live_stream"}, blocking=True
    )
    before = len(enphase.state.calls("GET", STATUS))
    for _ in range(180):
        await advance(hass, freezer, 5)
    assert 88 <= len(enphase.state.calls("GET", STATUS)) - before <= 91
    await advance(hass, freezer, 10)
    after = len(enphase.state.calls("GET", STATUS))
    for _ in range(24):
        await advance(hass, freezer, 5)
    assert len(enphase.state.calls("GET", STATUS)) - after == 2


def test_average_power_restarts_with_a_new_session_and_stays_within_physics() -> None:
    """A session that starts over (less energy than before) is unknown until it moves; a
    jump beyond what the charger can deliver is capped at its maximum power."""
    start = datetime(2026, 11, 29, 12, tzinfo=UTC)
    charger = Charger(SERIAL, None, True, True, True, False, "charging", 5.0, None, None, 32, None)
    power = AveragePower()
    # Two readings at one moment (a command's read and a poll) keep the last average.
    readings = [
        (5.0, 0, None),
        (5.5, 5, 6000.0),
        (5.6, 5, 6000.0),
        (0.1, 6, None),
        (9.0, 7, 7400.0),
    ]
    for energy, minutes, watts in readings:
        power.update(
            replace(charger, session_energy=energy), start + timedelta(minutes=minutes), 7.4
        )
        assert power.watts == watts, minutes


async def test_a_summary_that_never_answered_and_fails_is_asked_every_ten_minutes(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A car plugged in (status every 15 s) and the summary failing (503) from the first
    read: it is asked again at the idle cadence, not every minute."""
    enphase.state.faults.path = "/ev_chargers/summary"
    enphase.state.faults.status = 503
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    for _ in range(40):  # 10 minutes
        await advance(hass, freezer, 15)
    assert len(enphase.state.calls("GET", "/summary")) == 2
