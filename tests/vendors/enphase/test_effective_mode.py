"""The effective charge mode (the status's own `mode` beside the chosen one, #640) through
Home Assistant: its sensor, starts and stops that act on it, the select, and a restart for a
new current that never comes after an outage (#274)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID, ATTR_OPTION
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.helpers import advance, known_state
from tests.simulator.enphase import EnphaseSimulator

EFFECTIVE = "sensor.garage_ev_effective_charge_mode"
MODE = "select.garage_ev_charge_mode"
SWITCH = "switch.garage_ev_charging"
NUMBER = "number.garage_ev_charging_current"


async def _select(hass: HomeAssistant, option: str) -> None:
    await hass.services.async_call(
        "select", "select_option", {ATTR_ENTITY_ID: MODE, ATTR_OPTION: option}, blocking=True
    )


async def _switch(hass: HomeAssistant, service: str) -> None:
    await hass.services.async_call("switch", service, {ATTR_ENTITY_ID: SWITCH}, blocking=True)


def _starts(enphase: EnphaseSimulator) -> list[dict[str, Any]]:
    return [json.loads(call.body or "{}") for call in enphase.state.calls("POST", "start_charging")]


async def test_a_start_in_green_shows_the_manual_override_until_plug_out(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Green chosen and in effect; a start (without amps) makes the cloud override it till
    the next plug-out: the sensor says Manual while the select still says Green."""
    state = known_state(hass, EFFECTIVE)
    assert state.state == "manual"
    assert state.attributes["options"] == ["manual", "scheduled", "green", "smart"]
    await _select(hass, "green")
    assert known_state(hass, EFFECTIVE).state == "green"

    await _switch(hass, "turn_on")
    assert "chargingLevel" not in _starts(enphase)[0]
    assert known_state(hass, EFFECTIVE).state == "manual"
    assert known_state(hass, MODE).state == "green"

    enphase.unplug()
    await advance(hass, freezer, 16)
    assert known_state(hass, EFFECTIVE).state == "green"
    assert known_state(hass, MODE).state == "green"


async def test_during_an_override_a_start_sends_no_amps_and_a_stop_is_checked(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """In a manual override of Green, a start still carries no amps (Green is chosen), and a
    stop is checked as in Manual: a charger that does not follow is an error."""
    enphase.charger.mode = "GREEN_CHARGING"
    enphase.charger.override = True
    await hass.config_entries.async_reload(loaded_enphase.entry_id)
    await hass.async_block_till_done()
    assert known_state(hass, EFFECTIVE).state == "manual"
    await hass.services.async_call(
        "number", "set_value", {ATTR_ENTITY_ID: NUMBER, "value": 20}, blocking=True
    )
    await _switch(hass, "turn_on")
    assert _starts(enphase) == [{"connectorId": 1}]

    # A new current does not restart a session Green is chosen for.
    await hass.services.async_call(
        "number", "set_value", {ATTR_ENTITY_ID: NUMBER, "value": 16}, blocking=True
    )
    assert not enphase.state.calls("PUT", "stop_charging")

    enphase.knobs.ignores_commands = True
    with pytest.raises(HomeAssistantError) as caught:
        await _switch(hass, "turn_off")
    assert caught.value.translation_key == "enphase_stop_not_followed"


async def test_choosing_green_during_an_override_ends_it_and_a_mode_is_always_written(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """The select acts on the effective mode: Green chosen again during an override of it
    is written and ends the override. The mode last read is written too: Smart chosen in
    the app since moves nothing in the status."""
    await _select(hass, "green")
    await _switch(hass, "turn_on")
    assert known_state(hass, EFFECTIVE).state == "manual"
    await _select(hass, "green")
    writes = [json.loads(call.body) for call in enphase.state.calls("PUT", "/preference")]
    assert writes == [{"mode": "GREEN_CHARGING"}] * 2
    assert enphase.charger.override is False
    assert known_state(hass, EFFECTIVE).state == "green"

    await _select(hass, "manual")
    enphase.knobs.smart_offered = True
    enphase.charger.mode = "SMART_CHARGING"  # in the app; the select still says manual
    await _select(hass, "manual")
    assert enphase.charger.mode == "MANUAL_CHARGING"


async def test_the_status_saying_green_wins_over_a_chosen_manual(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """The cloud charges in Green (`mode` 1) while the preference says Manual: the sensor
    says Green and a start sends no amps."""

    def green_status(body: Any) -> Any:
        for charger in body["data"]["chargers"]:
            charger["mode"] = 1
        return body

    enphase.state.faults.path = "/status"
    enphase.state.faults.rewrite = green_status
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    assert known_state(hass, EFFECTIVE).state == "green"
    assert known_state(hass, MODE).state == "manual"
    await _switch(hass, "turn_on")
    assert _starts(enphase) == [{"connectorId": 1}]


async def test_scheduled_stays_scheduled_when_the_status_says_green(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """Scheduled chosen while the status still says Green (it may lag the change): the
    effective mode stays Scheduled, and a start keeps the mode as the field does."""

    def green_status(body: Any) -> Any:
        for charger in body["data"]["chargers"]:
            charger["mode"] = 1
        return body

    enphase.charger.schedules_enabled = True
    enphase.charger.mode = "SCHEDULED_CHARGING"
    enphase.state.faults.path = "/status"
    enphase.state.faults.rewrite = green_status
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    assert known_state(hass, EFFECTIVE).state == "scheduled"
    await _switch(hass, "turn_on")
    assert _starts(enphase)[0]["chargingLevel"] == 32
    writes = [json.loads(call.body) for call in enphase.state.calls("PUT", "/preference")]
    assert writes == [{"mode": "SCHEDULED_CHARGING"}]


async def test_smart_stays_smart_whatever_the_status_mode(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """Smart chosen: the status's `mode` (0 or 1) does not turn it into Manual or Green."""
    enphase.knobs.smart_offered = True
    enphase.charger.mode = "SMART_CHARGING"
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    assert known_state(hass, EFFECTIVE).state == "smart"
    await _switch(hass, "turn_on")
    assert _starts(enphase) == [{"connectorId": 1}]


async def test_no_restart_for_a_new_current_after_an_outage(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A new current stops a manual session for a restart 30 s later; a status poll that
    fails in that pause (an outage) calls the restart off: the session stays stopped."""
    await _switch(hass, "turn_on")
    await hass.services.async_call(
        "number", "set_value", {ATTR_ENTITY_ID: NUMBER, "value": 20}, blocking=True
    )
    assert enphase.charger.charging is False
    enphase.state.faults.path = "/status"
    enphase.state.faults.status = 503
    await advance(hass, freezer, 16)
    assert known_state(hass, SWITCH).state == "unavailable"
    enphase.state.faults.clear()
    await advance(hass, freezer, 16)
    assert known_state(hass, SWITCH).state == "off"
    await advance(hass, freezer, 16)
    assert len(_starts(enphase)) == 1
    assert enphase.charger.charging is False
    assert caplog.text.count("not started again at the new current") == 1


async def test_no_restart_for_a_new_current_once_green_is_chosen_in_the_pause(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Green chosen in the app during the pause: the restart would send amps in Green, so
    none is sent; without a change the restart comes at the new current."""
    await _switch(hass, "turn_on")
    await hass.services.async_call(
        "number", "set_value", {ATTR_ENTITY_ID: NUMBER, "value": 20}, blocking=True
    )
    enphase.charger.mode = "GREEN_CHARGING"
    await advance(hass, freezer, 31)
    assert len(_starts(enphase)) == 1
    assert enphase.charger.charging is False

    enphase.charger.mode = "MANUAL_CHARGING"
    await _switch(hass, "turn_on")
    await hass.services.async_call(
        "number", "set_value", {ATTR_ENTITY_ID: NUMBER, "value": 24}, blocking=True
    )
    await advance(hass, freezer, 31)
    assert _starts(enphase)[-1]["chargingLevel"] == 24
    assert enphase.charger.charging is True


@pytest.mark.parametrize("mode", ["SMART_CHARGING", "SCHEDULED_CHARGING"])
async def test_no_restart_once_smart_or_scheduled_is_chosen_in_the_pause(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
    mode: str,
) -> None:
    """Smart or Scheduled chosen in the app during the pause moves nothing in the status:
    the mode is read again before the restart, and none is sent (amps would override
    Smart, #165; Scheduled waits for its window)."""
    enphase.knobs.smart_offered = True
    enphase.charger.schedules_enabled = True
    await _switch(hass, "turn_on")
    await hass.services.async_call(
        "number", "set_value", {ATTR_ENTITY_ID: NUMBER, "value": 20}, blocking=True
    )
    enphase.charger.mode = mode
    await advance(hass, freezer, 31)
    assert len(_starts(enphase)) == 1
    assert enphase.charger.charging is False


async def test_no_restart_when_the_mode_cannot_be_read_or_a_stop_comes_meanwhile(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The mode read before the restart fails: no restart. A stop that arrives while the
    restart reads the mode calls it off."""
    await _switch(hass, "turn_on")
    await hass.services.async_call(
        "number", "set_value", {ATTR_ENTITY_ID: NUMBER, "value": 20}, blocking=True
    )
    enphase.state.faults.path = "/preference"
    enphase.state.faults.status = 503
    await advance(hass, freezer, 31)
    assert len(_starts(enphase)) == 1
    enphase.state.faults.clear()
    await advance(hass, freezer, 16)  # the failed read is asked again at the next poll
    assert known_state(hass, "sensor.garage_ev_cloud_service_status").state == "ok"

    await _switch(hass, "turn_on")
    await hass.services.async_call(
        "number", "set_value", {ATTR_ENTITY_ID: NUMBER, "value": 24}, blocking=True
    )

    def stop_meanwhile(body: Any) -> Any:
        enphase.state.faults.rewrite = None
        hass.async_create_task(_switch(hass, "turn_off"))
        return body

    enphase.state.faults.path = "/preference"
    enphase.state.faults.rewrite = stop_meanwhile
    await advance(hass, freezer, 31)
    assert len(_starts(enphase)) == 2
    assert enphase.charger.charging is False
