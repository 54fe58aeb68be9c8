"""Device triggers of a charger: listed on its device, and firing an automation on a real
change of the plug or of charging (never on a sensor coming back after a restart)."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.components.device_automation.exceptions import (
    InvalidDeviceAutomationConfig,
)
from homeassistant.core import Context, HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.trigger import TriggerInfo
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_get_device_automations,
)

from custom_components.energy_portals.const import DOMAIN
from custom_components.energy_portals.vendors.enphase import device_trigger
from tests.helpers import advance
from tests.simulator.enphase import EnphaseSimulator
from tests.vendors.enphase.helpers import charger_device

TRIGGER_INFO: TriggerInfo = {
    "domain": DOMAIN,
    "name": "test",
    "variables": {},
    "trigger_data": {"id": "0", "idx": "0", "alias": None},
}


async def _never(run_variables: dict[str, Any], context: Context | None = None) -> None:
    raise AssertionError("a trigger that cannot attach never runs")


TRIGGERS = ["car_plugged_in", "car_unplugged", "charging_started", "charging_stopped"]


async def test_a_charger_lists_its_four_triggers(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry
) -> None:
    """The charger's device offers the four triggers; another device offers none."""
    device = charger_device(hass, loaded_enphase)
    triggers = await async_get_device_automations(hass, DeviceAutomationType.TRIGGER, device.id)
    ours = sorted(t["type"] for t in triggers if t["domain"] == DOMAIN)
    assert ours == sorted(TRIGGERS)
    other = dr.async_get(hass).async_get_or_create(
        config_entry_id=loaded_enphase.entry_id, identifiers={(DOMAIN, "jspro_x")}
    )
    assert await device_trigger.async_get_triggers(hass, other.id) == []


async def test_triggers_fire_an_automation(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Unplugging, plugging in, starting and stopping each fire their own trigger once."""
    device = charger_device(hass, loaded_enphase)
    fired: list[str] = []

    async def record(call: ServiceCall) -> None:
        fired.append(call.data["kind"])

    hass.services.async_register("test", "record", record)
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "triggers": {
                        "platform": "device",
                        "domain": DOMAIN,
                        "device_id": device.id,
                        "type": kind,
                    },
                    "actions": {"action": "test.record", "data": {"kind": kind}},
                }
                for kind in TRIGGERS
            ]
        },
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    enphase.unplug()
    await advance(hass, freezer, 60)
    enphase.charger.plugged_in = True
    await advance(hass, freezer, 60)
    enphase.start(16)
    await advance(hass, freezer, 15)
    enphase.stop()
    await advance(hass, freezer, 15)
    assert fired == TRIGGERS[1::-1] + TRIGGERS[2:]

    # Unavailable and back (a restart, an outage) is no plug-in and no start.
    enphase.state.faults.status = 503
    await advance(hass, freezer, 15)
    enphase.state.faults.clear()
    await advance(hass, freezer, 60)
    assert len(fired) == 4


async def test_a_trigger_without_its_sensor_is_invalid(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry
) -> None:
    """A trigger on a device that is not a charger cannot be attached."""
    other = dr.async_get(hass).async_get_or_create(
        config_entry_id=loaded_enphase.entry_id, identifiers={(DOMAIN, "jspro_x")}
    )
    config = {
        "platform": "device",
        "domain": DOMAIN,
        "device_id": other.id,
        "type": "car_plugged_in",
    }
    with pytest.raises(InvalidDeviceAutomationConfig):
        await device_trigger.async_attach_trigger(hass, config, _never, TRIGGER_INFO)
