"""Charge modes through Home Assistant: the select, the green-battery switch, the amps rule
(no amps in Green or Smart), Scheduled kept after a start, and the scheduler's quirks."""

from __future__ import annotations

import json

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID, ATTR_OPTION
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.vendors.enphase import api
from tests.helpers import advance, known_state
from tests.simulator.enphase import EnphaseSimulator
from tests.vendors.enphase.helpers import SETTINGS_READ

MODE = "select.garage_ev_charge_mode"
BATTERY = "switch.garage_ev_green_charging_uses_battery"
SWITCH = "switch.garage_ev_charging"


async def _select(hass: HomeAssistant, option: str) -> None:
    await hass.services.async_call(
        "select", "select_option", {ATTR_ENTITY_ID: MODE, ATTR_OPTION: option}, blocking=True
    )


async def test_select_shows_and_changes_the_mode(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """The select shows the preference's mode and writes a new one (read back at once)."""
    state = known_state(hass, MODE)
    assert state.state == "manual"
    assert state.attributes["options"] == ["manual", "scheduled", "green"]
    await _select(hass, "green")
    (write,) = enphase.state.calls("PUT", "/preference")
    assert json.loads(write.body) == {"mode": "GREEN_CHARGING"}
    assert write.headers["Authorization"].startswith("Bearer ")
    assert enphase.charger.mode == "GREEN_CHARGING"
    assert known_state(hass, MODE).state == "green"


async def test_smart_is_offered_only_where_the_cloud_offers_it(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """Smart appears when the preference lists it (the battery's AI profile)."""
    enphase.knobs.smart_offered = True
    enphase.charger.mode = "SMART_CHARGING"
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    state = known_state(hass, MODE)
    assert state.state == "smart"
    assert state.attributes["options"] == ["manual", "scheduled", "green", "smart"]


async def test_scheduled_without_a_schedule_is_a_translated_refusal(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """Scheduled with no enabled schedule is refused with the reason, and the mode stays."""
    with pytest.raises(HomeAssistantError) as caught:
        await _select(hass, "scheduled")
    assert caught.value.translation_key == "enphase_no_schedules"
    assert known_state(hass, MODE).state == "manual"


async def test_a_refused_write_that_landed_anyway_counts(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After a 400 the mode is read again: a change that landed anyway is no error; one that
    never lands is refused after six reads."""
    monkeypatch.setattr(api, "MODE_RECHECK_DELAY", 0)
    enphase.knobs.mode_write_400 = "lands"
    await _select(hass, "green")
    assert known_state(hass, MODE).state == "green"

    enphase.knobs.mode_write_400 = "lost"
    with pytest.raises(HomeAssistantError) as caught:
        await _select(hass, "manual")
    assert caught.value.translation_key == "enphase_refused"
    assert len(enphase.state.calls("GET", "/preference")) >= 1 + 1 + 6
    assert known_state(hass, MODE).state == "green"


async def test_green_and_smart_starts_never_send_amps(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """In Green a start carries no charging level (amps overrode Green at 32 A, #165); the
    chosen current waits for Manual."""
    await _select(hass, "green")
    await hass.services.async_call(
        "number", "set_value", {ATTR_ENTITY_ID: "number.garage_ev_charging_current", "value": 20}
    )
    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    (start,) = enphase.state.calls("POST", "start_charging")
    assert "chargingLevel" not in json.loads(start.body or "{}")
    assert enphase.charger.mode == "GREEN_CHARGING"
    assert enphase.charger.charging is True

    # A new current while Green charges does not restart the session.
    await hass.services.async_call(
        "number",
        "set_value",
        {ATTR_ENTITY_ID: "number.garage_ev_charging_current", "value": 16},
        blocking=True,
    )
    assert not enphase.state.calls("PUT", "stop_charging")
    assert enphase.charger.charging is True


async def test_a_scheduled_start_keeps_the_scheduled_mode(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """After a start or stop in Scheduled the mode is written back, as the field does."""
    enphase.charger.schedules_enabled = True
    await _select(hass, "scheduled")
    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    (start,) = enphase.state.calls("POST", "start_charging")
    assert json.loads(start.body)["chargingLevel"] == 32
    await hass.services.async_call("switch", "turn_off", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    writes = [json.loads(r.body) for r in enphase.state.calls("PUT", "/preference")]
    assert writes == [{"mode": "SCHEDULED_CHARGING"}] * 3


async def test_a_scheduled_stop_is_not_checked(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """In Scheduled the schedule's window may start the charger again at once: a stop it
    does not follow is no error."""
    enphase.charger.schedules_enabled = True
    await _select(hass, "scheduled")
    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    enphase.knobs.ignores_commands = True
    await hass.services.async_call("switch", "turn_off", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    assert known_state(hass, SWITCH).state == "on"


async def test_an_empty_preference_falls_back_to_the_status(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """A preference without a mode (#424) shows Green when the status says so, else unknown."""
    enphase.knobs.preference_empty = True
    enphase.charger.mode = "GREEN_CHARGING"
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    assert known_state(hass, MODE).state == "green"
    enphase.charger.mode = "MANUAL_CHARGING"
    await hass.config_entries.async_reload(enphase_entry.entry_id)
    await hass.async_block_till_done()
    assert known_state(hass, MODE).state == "unknown"


async def test_scheduler_down_keeps_the_rest_running(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 5xx from the scheduler keeps the last mode, and status entities stay available."""
    enphase.knobs.scheduler_down = True
    await advance(hass, freezer, SETTINGS_READ)
    assert known_state(hass, MODE).state == "manual"
    assert known_state(hass, "binary_sensor.garage_ev_plug").state == "on"
    assert enphase.state.calls("GET", "/preference")[-1].status == 503


async def test_green_battery_switch(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """The switch shows and writes whether Green charging may use the battery."""
    assert known_state(hass, BATTERY).state == "on"
    await hass.services.async_call("switch", "turn_off", {ATTR_ENTITY_ID: BATTERY}, blocking=True)
    (write,) = enphase.state.calls("PUT", "/settings")
    assert json.loads(write.body) == {
        "chargerSettingList": [
            {
                "chargerSettingName": "USE_BATTERY_FOR_SELF_CONSUMPTION",
                "enabled": False,
                "value": None,
            }
        ]
    }
    assert enphase.charger.use_battery is False
    assert known_state(hass, BATTERY).state == "off"
    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: BATTERY}, blocking=True)
    assert enphase.charger.use_battery is True


async def test_no_battery_switch_where_the_charger_has_no_battery_support(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """A charger whose summary says it cannot use a battery gets no switch (and no read)."""
    enphase.knobs.supports_use_battery = False
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    assert (
        er.async_get(hass).async_get_entity_id(
            "switch", "energy_portals", "enphase_482522020944_green_use_battery"
        )
        is None
    )
    assert not enphase.state.calls("GET", "/settings")
