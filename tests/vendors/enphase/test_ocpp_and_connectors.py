"""OCPP trigger messages and connectors through Home Assistant: the trigger_message action
offers the messages the field knows; start charging takes an optional connector (the first
unless the charger reports more)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import voluptuous as vol
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from custom_components.energy_portals.vendors.enphase.const import OCPP_MESSAGES
from custom_components.energy_portals.vendors.enphase.models import parse_status
from tests.helpers import advance, known_state
from tests.simulator.enphase import EnphaseSimulator
from tests.vendors.enphase.helpers import charger_device, charging

FIELD = Path(__file__).resolve().parents[2] / "fixtures" / "enphase"  # the field payloads


@pytest.mark.parametrize("message", OCPP_MESSAGES)
async def test_each_known_message_is_requested(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    message: str,
) -> None:
    """Each OCPP message the field knows is sent as the cloud expects it."""
    device_id = charger_device(hass, loaded_enphase).id
    await hass.services.async_call(
        DOMAIN, "trigger_message", {"device_id": device_id, "message": message}, blocking=True
    )
    (trigger,) = enphase.state.calls("POST", "trigger_message")
    assert json.loads(trigger.body) == {"requestedMessage": message}


async def test_an_unknown_message_is_refused_before_any_request(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """A message outside the list fails validation; a refusal by the cloud is translated."""
    device_id = charger_device(hass, loaded_enphase).id
    with pytest.raises(vol.Invalid):
        await hass.services.async_call(
            DOMAIN, "trigger_message", {"device_id": device_id, "message": "Reset"}, blocking=True
        )
    assert enphase.state.calls("POST", "trigger_message") == []

    enphase.state.faults.path = "trigger_message"
    enphase.state.faults.status = 400
    with pytest.raises(HomeAssistantError) as caught:
        await hass.services.async_call(
            DOMAIN,
            "trigger_message",
            {"device_id": device_id, "message": "Heartbeat"},
            blocking=True,
        )
    assert caught.value.translation_key == "enphase_refused"


async def test_start_on_a_named_connector(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """A charger reporting two connectors starts on the one asked for; a connector it does
    not have is refused before any request, naming the ones it has."""
    enphase.charger.connectors = 2
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    device_id = charger_device(hass, enphase_entry).id
    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(
            DOMAIN, "start_charging", {"device_id": device_id, "connector_id": 3}, blocking=True
        )
    assert caught.value.translation_key == "enphase_no_such_connector"
    assert caught.value.translation_placeholders == {"connector": "3", "connectors": "1, 2"}
    assert enphase.state.calls("POST", "start_charging") == []

    await hass.services.async_call(
        DOMAIN,
        "start_charging",
        {"device_id": device_id, "connector_id": 2, "charging_level": 16},
        blocking=True,
    )
    (start,) = enphase.state.calls("POST", "start_charging")
    assert json.loads(start.body) == {"chargingLevel": 16, "connectorId": 2}
    assert charging(enphase)


async def test_a_charger_with_one_connector_starts_on_it(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """Without a connector the first is used; connector 2 on a one-connector charger is
    refused (an automation's device action takes the connector too)."""
    device = charger_device(hass, loaded_enphase)
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN, "start_charging", {"device_id": device.id, "connector_id": 2}, blocking=True
        )
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "triggers": {"trigger": "event", "event_type": "start_ev"},
                "actions": {
                    "domain": DOMAIN,
                    "device_id": device.id,
                    "type": "start_charging",
                    "connector_id": 1,
                },
            }
        },
    )
    hass.bus.async_fire("start_ev")
    await hass.async_block_till_done()
    (start,) = enphase.state.calls("POST", "start_charging")
    assert json.loads(start.body) == {"chargingLevel": 32, "connectorId": 1}


def test_connectors_are_read_from_every_status_shape() -> None:
    """The field's envelope lists its connector; the legacy shape has none (connector 1);
    odd ids are skipped."""
    body = json.loads((FIELD / "status-current-envelope.json").read_text())
    (charger,) = parse_status(body).chargers.values()
    assert charger.connectors == (1,)
    legacy = json.loads((FIELD / "status-legacy-charging.json").read_text())
    assert {c.connectors for c in parse_status(legacy).chargers.values()} == {(1,)}
    raw = body["data"]["chargers"][0]
    raw["connectors"] = [{"connectorId": 2}, {"connectorId": "x"}, {"connectorId": 0}, "y"]
    (charger,) = parse_status(body).chargers.values()
    assert charger.connectors == (2,)


async def test_a_restart_for_a_new_current_keeps_the_connector(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Started on connector 2, a new current restarts it on connector 2; a backend that
    only knows the start forms without a connector refuses connector 2 rather than start
    connector 1."""
    enphase.charger.connectors = 2
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    device_id = charger_device(hass, enphase_entry).id
    await hass.services.async_call(
        DOMAIN, "start_charging", {"device_id": device_id, "connector_id": 2}, blocking=True
    )
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": "number.garage_ev_charging_current", "value": 20},
        blocking=True,
    )
    await advance(hass, freezer, 31)
    bodies = [json.loads(call.body) for call in enphase.state.calls("POST", "start_charging")]
    assert bodies == [
        {"chargingLevel": 32, "connectorId": 2},
        {"chargingLevel": 20, "connectorId": 2},
    ]

    enphase.unplug()  # a new plug-in, started from the app: the restart is on the first
    await advance(hass, freezer, 16)
    enphase.plug_in()
    enphase.start(None)
    await advance(hass, freezer, 61)
    assert known_state(hass, "switch.garage_ev_charging").state == "on"
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": "number.garage_ev_charging_current", "value": 24},
        blocking=True,
    )
    await advance(hass, freezer, 31)
    last = json.loads(enphase.state.calls("POST", "start_charging")[-1].body)
    assert last == {"chargingLevel": 24, "connectorId": 1}

    await hass.services.async_call(DOMAIN, "stop_charging", {"device_id": device_id}, blocking=True)
    enphase.knobs.start_variants = {6, 7}  # bodies without a level or a connector
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call(
            DOMAIN,
            "start_charging",
            {"device_id": device_id, "connector_id": 2},
            blocking=True,
        )
    assert not charging(enphase)
