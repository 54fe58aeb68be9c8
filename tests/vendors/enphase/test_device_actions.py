"""Device actions of a charger: listed on its device, and starting (optionally at a current)
and stopping it from an automation."""

from __future__ import annotations

import json

import pytest
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_get_device_automations,
)

from custom_components.energy_portals import device_action
from custom_components.energy_portals.const import DOMAIN
from tests.helpers import known_state
from tests.simulator.enphase import EnphaseSimulator
from tests.vendors.enphase.helpers import charger_device, charging


async def test_a_charger_lists_start_and_stop(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry
) -> None:
    """The charger's device offers start (with an optional current) and stop; another
    device offers none."""
    device = charger_device(hass, loaded_enphase)
    actions = await async_get_device_automations(hass, DeviceAutomationType.ACTION, device.id)
    ours = sorted(a["type"] for a in actions if a["domain"] == DOMAIN)
    assert ours == ["start_charging", "stop_charging"]
    start = {"domain": DOMAIN, "device_id": device.id, "type": "start_charging"}
    capabilities = await device_action.async_get_action_capabilities(hass, start)
    assert list(capabilities["extra_fields"].schema) == ["charging_level", "connector_id"]
    stop = {**start, "type": "stop_charging"}
    assert await device_action.async_get_action_capabilities(hass, stop) == {}
    other = dr.async_get(hass).async_get_or_create(
        config_entry_id=loaded_enphase.entry_id, identifiers={(DOMAIN, "jspro_x")}
    )
    assert await device_action.async_get_actions(hass, other.id) == []


async def test_automations_start_at_a_current_and_stop(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """An automation's device actions drive the charger: start at 16 A, then stop."""
    device = charger_device(hass, loaded_enphase)
    action = {"domain": DOMAIN, "device_id": device.id}
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "triggers": {"trigger": "event", "event_type": "start_ev"},
                    "actions": {**action, "type": "start_charging", "charging_level": 16},
                },
                {
                    "triggers": {"trigger": "event", "event_type": "stop_ev"},
                    "actions": {**action, "type": "stop_charging"},
                },
            ]
        },
    )
    hass.bus.async_fire("start_ev")
    await hass.async_block_till_done()
    assert charging(enphase)
    (start,) = enphase.state.calls("POST", "start_charging")
    assert json.loads(start.body) == {"chargingLevel": 16, "connectorId": 1}
    assert known_state(hass, "switch.garage_ev_charging").state == "on"

    hass.bus.async_fire("stop_ev")
    await hass.async_block_till_done()
    assert not charging(enphase)
    assert known_state(hass, "switch.garage_ev_charging").state == "off"


async def test_an_action_on_an_unloaded_charger_is_refused(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """Once the entry is unloaded, the action raises a translated error and sends nothing."""
    device = charger_device(hass, loaded_enphase)
    await hass.config_entries.async_unload(loaded_enphase.entry_id)
    config = {"domain": DOMAIN, "device_id": device.id, "type": "stop_charging"}
    with pytest.raises(ServiceValidationError) as caught:
        await device_action.async_call_action_from_config(hass, config, {}, None)
    assert caught.value.translation_key == "entry_not_loaded"
    assert enphase.state.calls("PUT", "stop_charging") == []
