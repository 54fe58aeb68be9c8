"""Charging control: the switch, buttons, number and actions really drive the charger."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import voluptuous as vol
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache_with_extra_data,
)

from custom_components.energy_portals.const import DOMAIN
from custom_components.energy_portals.vendors.enphase.models import parse_status
from tests.helpers import advance, known_state
from tests.simulator.enphase import EnphaseSimulator
from tests.vendors.enphase.helpers import charger_device, charging

SWITCH = "switch.garage_ev_charging"
NUMBER = "number.garage_ev_charging_current"


async def test_switch_starts_and_stops_the_session(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """The switch starts a session at the chosen current and stops it; states follow."""
    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    assert charging(enphase) is True
    (start,) = enphase.state.calls("POST", "start_charging")
    assert json.loads(start.body) == {"chargingLevel": 32, "connectorId": 1}
    assert known_state(hass, SWITCH).state == "on"
    assert known_state(hass, "binary_sensor.garage_ev_charging").state == "on"
    assert known_state(hass, "sensor.garage_ev_connector_status").state == "charging"

    await hass.services.async_call("switch", "turn_off", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    assert charging(enphase) is False
    assert len(enphase.state.calls("PUT", "stop_charging")) == 1
    assert known_state(hass, SWITCH).state == "off"


async def test_number_sets_the_current_of_the_next_start_and_a_running_session(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The current applies to the next start; a running manual session is stopped and, 30 s
    later, started again at it (a new current does not reach a running session, #158)."""
    enphase.clock.now = time.time
    await hass.services.async_call(
        "number", "set_value", {ATTR_ENTITY_ID: NUMBER, "value": 16}, blocking=True
    )
    assert known_state(hass, NUMBER).state == "16"
    assert enphase.state.calls("POST", "start_charging") == []

    await hass.services.async_call(
        "button", "press", {ATTR_ENTITY_ID: "button.garage_ev_start_charging"}, blocking=True
    )
    assert enphase.charger.level == 16

    await hass.services.async_call(
        "number", "set_value", {ATTR_ENTITY_ID: NUMBER, "value": 24}, blocking=True
    )
    assert charging(enphase) is False
    await advance(hass, freezer, 29)
    assert charging(enphase) is False
    await advance(hass, freezer, 2)
    assert charging(enphase) is True
    assert enphase.charger.level == 24
    assert known_state(hass, "sensor.garage_ev_charging_level").state == "24"


async def test_buttons_send_their_commands(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """The start, stop and meter-values buttons send their commands."""
    await hass.services.async_call(
        "button", "press", {ATTR_ENTITY_ID: "button.garage_ev_start_charging"}, blocking=True
    )
    assert charging(enphase) is True
    await hass.services.async_call(
        "button", "press", {ATTR_ENTITY_ID: "button.garage_ev_stop_charging"}, blocking=True
    )
    assert charging(enphase) is False
    await hass.services.async_call(
        "button", "press", {ATTR_ENTITY_ID: "button.garage_ev_request_meter_values"}, blocking=True
    )
    (trigger,) = enphase.state.calls("POST", "trigger_message")
    assert json.loads(trigger.body) == {"requestedMessage": "MeterValues"}


async def test_refusals_become_translated_errors(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """A refused command becomes a translated error naming the reason; stopping a stopped
    charger is no error."""
    enphase.unplug()
    with pytest.raises(HomeAssistantError) as caught:
        await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    assert caught.value.translation_key == "enphase_not_plugged_in"
    assert str(caught.value).startswith("The charger refused: no car is plugged in")

    enphase.charger.plugged_in = True
    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    with pytest.raises(HomeAssistantError) as caught:
        await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    assert caught.value.translation_key == "enphase_already_in_state"

    await hass.services.async_call("switch", "turn_off", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    # Stopping a charger that does not charge is harmless, as the field notes say.
    await hass.services.async_call("switch", "turn_off", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    assert charging(enphase) is False


async def test_command_transport_failures_become_translated_errors(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """5xx, 429 and 401 on a command become translated errors."""
    enphase.state.faults.status = 500
    with pytest.raises(HomeAssistantError) as caught:
        await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    assert caught.value.translation_key == "command_failed"
    enphase.state.faults.status = 429
    with pytest.raises(HomeAssistantError) as caught:
        await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    assert caught.value.translation_key == "command_rate_limited"
    enphase.state.faults.status = 401
    with pytest.raises(HomeAssistantError) as caught:
        await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    assert caught.value.translation_key == "command_auth_failed"
    assert charging(enphase) is False


async def test_start_and_stop_actions(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """The start and stop actions work on a charger chosen by device, with a current."""
    device_id = charger_device(hass, loaded_enphase).id
    await hass.services.async_call(
        DOMAIN, "start_charging", {"device_id": device_id, "charging_level": 10}, blocking=True
    )
    assert charging(enphase) is True
    assert enphase.charger.level == 10
    assert known_state(hass, NUMBER).state == "10"
    await hass.services.async_call(DOMAIN, "stop_charging", {"device_id": device_id}, blocking=True)
    assert charging(enphase) is False


async def test_actions_refuse_bad_input(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """The actions refuse a device that is no charger and a current out of range."""
    device_id = charger_device(hass, loaded_enphase).id
    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(
            DOMAIN, "start_charging", {"device_id": "nope"}, blocking=True
        )
    assert caught.value.translation_key == "enphase_not_a_charger"
    with pytest.raises(vol.Invalid):
        await hass.services.async_call(
            DOMAIN, "start_charging", {"device_id": device_id, "charging_level": 99}, blocking=True
        )
    other = dr.async_get(hass).async_get_or_create(
        config_entry_id=loaded_enphase.entry_id, identifiers={("other", "x")}
    )
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN, "stop_charging", {"device_id": other.id}, blocking=True
        )
    await hass.config_entries.async_unload(loaded_enphase.entry_id)
    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(
            DOMAIN, "stop_charging", {"device_id": device_id}, blocking=True
        )
    assert caught.value.translation_key == "entry_not_loaded"
    assert enphase.state.calls("PUT", "stop_charging") == []


async def test_live_stream_buttons_once_enabled(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """The live-stream buttons, disabled by default, work once enabled."""
    registry = er.async_get(hass)
    for key in ("start", "stop"):
        registry.async_update_entity(f"button.garage_ev_{key}_live_stream", disabled_by=None)
    await hass.config_entries.async_reload(loaded_enphase.entry_id)
    await hass.async_block_till_done()
    for key in ("start", "stop"):
        await hass.services.async_call(
            "button",
            "press",
            {ATTR_ENTITY_ID: f"button.garage_ev_{key}_live_stream"},
            blocking=True,
        )
        assert len(enphase.state.calls("GET", f"{key}_live_stream")) == 1


async def test_a_charger_gone_from_the_status_is_unavailable_and_ignores_commands(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """A charger gone from the status is unavailable and sends no command."""
    coordinator = loaded_enphase.runtime_data
    coordinator.async_set_updated_data(parse_status({"evChargerData": []}))
    for entity_id in (
        SWITCH,
        NUMBER,
        "button.garage_ev_start_charging",
        "sensor.garage_ev_charged_energy",
    ):
        assert known_state(hass, entity_id).state == "unavailable"
    components = hass.data["entity_components"]
    await components["switch"].get_entity(SWITCH).async_turn_on()
    await components["number"].get_entity(NUMBER).async_set_native_value(10)
    await components["button"].get_entity("button.garage_ev_start_charging").async_press()
    assert components["number"].get_entity(NUMBER).native_value is None
    assert components["switch"].get_entity(SWITCH).is_on is None
    assert enphase.state.calls("POST", "start_charging") == []


async def test_chosen_current_survives_a_restart_but_the_default_does_not_stick(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """A chosen current survives a restart and is used at the next start."""
    mock_restore_cache_with_extra_data(hass, [(State(NUMBER, "20"), {"chosen": 20})])
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    assert known_state(hass, NUMBER).state == "20"
    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    assert enphase.charger.level == 20
    number = hass.data["entity_components"]["number"].get_entity(NUMBER)
    assert number.extra_restore_state_data.as_dict() == {"chosen": 20}


async def test_nothing_chosen_restores_nothing(
    hass: HomeAssistant, enphase_entry: MockConfigEntry
) -> None:
    """Without a chosen current, a new default from the options takes effect."""
    mock_restore_cache_with_extra_data(hass, [(State(NUMBER, "32"), {"chosen": None})])
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    result = await hass.config_entries.options.async_init(enphase_entry.entry_id)
    await hass.config_entries.options.async_configure(
        result["flow_id"], {**enphase_entry.options, "charging_current": 12}
    )
    await hass.async_block_till_done()
    assert known_state(hass, NUMBER).state == "12"
    number = hass.data["entity_components"]["number"].get_entity(NUMBER)
    assert number.extra_restore_state_data.as_dict() == {"chosen": None}


async def test_a_restart_at_a_new_current_that_fails_is_logged_once(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """When the car is unplugged during the pause, no restart is sent: one line says why,
    no crash; a pending restart is cancelled when the entry unloads."""
    enphase.clock.now = time.time
    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    await hass.services.async_call(
        "number", "set_value", {ATTR_ENTITY_ID: NUMBER, "value": 20}, blocking=True
    )
    enphase.unplug()
    await advance(hass, freezer, 31)
    assert caplog.text.count("not started again at the new current") == 1
    assert len(enphase.state.calls("POST", "start_charging")) == 1
    assert charging(enphase) is False

    enphase.charger.plugged_in = True
    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    await hass.services.async_call(
        "number", "set_value", {ATTR_ENTITY_ID: NUMBER, "value": 24}, blocking=True
    )
    assert await hass.config_entries.async_unload(loaded_enphase.entry_id)
    await advance(hass, freezer, 31)
    assert charging(enphase) is False


async def test_stopping_calls_off_a_pending_restart(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A stop during the pause before a restart at a new current calls the restart off: the
    charger stays stopped, as the owner asked."""
    enphase.clock.now = time.time
    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    await hass.services.async_call(
        "number", "set_value", {ATTR_ENTITY_ID: NUMBER, "value": 20}, blocking=True
    )
    await hass.services.async_call("switch", "turn_off", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    await advance(hass, freezer, 31)
    assert charging(enphase) is False
    assert len(enphase.state.calls("POST", "start_charging")) == 1


async def test_a_start_or_stop_the_charger_does_not_follow_is_an_error(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """The cloud answers "accepted" but the charger keeps its state (#717): after two status
    reads the action raises a translated error, and the switch shows the real state."""
    enphase.knobs.ignores_commands = True
    reads = len(enphase.state.calls("GET", "/status"))
    with pytest.raises(HomeAssistantError) as caught:
        await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    assert caught.value.translation_key == "enphase_start_not_followed"
    assert len(enphase.state.calls("GET", "/status")) == reads + 2
    assert known_state(hass, SWITCH).state == "off"

    enphase.knobs.ignores_commands = False
    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    enphase.knobs.ignores_commands = True
    with pytest.raises(HomeAssistantError) as caught:
        await hass.services.async_call(
            "switch", "turn_off", {ATTR_ENTITY_ID: SWITCH}, blocking=True
        )
    assert caught.value.translation_key == "enphase_stop_not_followed"
    assert known_state(hass, SWITCH).state == "on"


async def test_a_charger_that_follows_at_the_second_read_is_fine(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """The status lags one read behind the start: the second read shows it, no error."""
    enphase.knobs.ignores_commands = True
    statuses = 0

    def follow_late(body: object) -> object:
        nonlocal statuses
        statuses += 1
        if statuses == 2:  # the second read after the start: the charger has begun
            enphase.knobs.ignores_commands = False
            enphase.start(None)
            return enphase.status_body()
        return body

    enphase.state.faults.path = "/status"
    enphase.state.faults.rewrite = follow_late
    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    assert known_state(hass, SWITCH).state == "on"
    assert statuses == 2


async def test_a_green_start_is_not_checked(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """In Green the charger may wait for the sun: a start it does not follow yet is no error."""
    await hass.services.async_call(
        "select",
        "select_option",
        {ATTR_ENTITY_ID: "select.garage_ev_charge_mode", "option": "green"},
        blocking=True,
    )
    enphase.knobs.ignores_commands = True
    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    assert len(enphase.state.calls("POST", "start_charging")) == 1
    assert known_state(hass, SWITCH).state == "off"


async def test_a_new_current_restarts_even_when_the_stop_shows_late(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The stop for a new current is not followed within two reads: the error says so, and
    the restart 30 s later still comes (the session is not left stopped)."""
    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    enphase.knobs.ignores_commands = True
    with pytest.raises(HomeAssistantError) as caught:
        await hass.services.async_call(
            "number", "set_value", {ATTR_ENTITY_ID: NUMBER, "value": 16}, blocking=True
        )
    assert caught.value.translation_key == "enphase_stop_not_followed"
    enphase.knobs.ignores_commands = False
    enphase.stop()  # the stop lands late
    await advance(hass, freezer, 31)
    assert charging(enphase) is True
    assert enphase.charger.level == 16


async def test_a_status_without_the_charging_flag_is_no_error(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """A status that does not say whether the charger charges cannot contradict a start."""

    def without_flag(body: Any) -> Any:
        for charger in body["data"]["chargers"]:
            charger.pop("charging", None)
        return body

    enphase.knobs.ignores_commands = True
    enphase.state.faults.path = "/status"
    enphase.state.faults.rewrite = without_flag
    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    assert known_state(hass, SWITCH).state == "unknown"


async def test_a_command_reads_the_mode_again_but_not_the_schedules(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """After a command the charge mode is read again at once; the charger config and the
    schedules wait for their 5 minutes."""
    modes = len(enphase.state.calls("GET", "/preference"))
    others = len(enphase.state.calls("GET", "/schedules")) + len(
        enphase.state.calls("POST", "ev_charger_config")
    )
    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    assert len(enphase.state.calls("GET", "/preference")) == modes + 1
    assert (
        len(enphase.state.calls("GET", "/schedules"))
        + len(enphase.state.calls("POST", "ev_charger_config"))
        == others
    )
