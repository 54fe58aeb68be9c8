"""Device triggers of an Enphase charger: car plugged in or unplugged, charging started or
stopped (state changes of its plug and charging binary sensors)."""

from __future__ import annotations

import voluptuous as vol
from homeassistant.components.device_automation import DEVICE_TRIGGER_BASE_SCHEMA
from homeassistant.components.device_automation.exceptions import (
    InvalidDeviceAutomationConfig,
)
from homeassistant.components.homeassistant.triggers import state as state_trigger
from homeassistant.const import (
    CONF_DEVICE_ID,
    CONF_DOMAIN,
    CONF_ENTITY_ID,
    CONF_PLATFORM,
    CONF_TYPE,
    STATE_OFF,
    STATE_ON,
)
from homeassistant.core import CALLBACK_TYPE, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo
from homeassistant.helpers.typing import ConfigType

from ...const import DOMAIN
from .coordinator import device_key

TRIGGERS = {
    "car_plugged_in": ("plugged_in", STATE_OFF, STATE_ON),
    "car_unplugged": ("plugged_in", STATE_ON, STATE_OFF),
    "charging_started": ("charging", STATE_OFF, STATE_ON),
    "charging_stopped": ("charging", STATE_ON, STATE_OFF),
}
"""Each trigger: the binary sensor it watches and the change (from, to). Only a real change
counts: a sensor coming back from unavailable after a restart triggers nothing."""

TRIGGER_SCHEMA = DEVICE_TRIGGER_BASE_SCHEMA.extend(
    {vol.Required(CONF_TYPE): vol.In(list(TRIGGERS))}
)


def charger_key(hass: HomeAssistant, device_id: str) -> str | None:
    """The charger's device key, or None when the device is not an Enphase charger."""
    device = dr.async_get(hass).async_get(device_id)
    prefix = device_key("")
    for domain, identifier in device.identifiers if device else ():
        if domain == DOMAIN and identifier.startswith(prefix):
            return identifier
    return None


async def async_get_triggers(hass: HomeAssistant, device_id: str) -> list[dict[str, str]]:
    """The four triggers of a charger's device (none for other devices)."""
    if charger_key(hass, device_id) is None:
        return []
    return [
        {CONF_PLATFORM: "device", CONF_DOMAIN: DOMAIN, CONF_DEVICE_ID: device_id, CONF_TYPE: kind}
        for kind in TRIGGERS
    ]


async def async_attach_trigger(
    hass: HomeAssistant,
    config: ConfigType,
    action: TriggerActionType,
    trigger_info: TriggerInfo,
) -> CALLBACK_TYPE:
    """Watch the charger's binary sensor for the trigger's change."""
    key = charger_key(hass, config[CONF_DEVICE_ID])
    sensor, from_state, to_state = TRIGGERS[config[CONF_TYPE]]
    entity_id = (
        er.async_get(hass).async_get_entity_id("binary_sensor", DOMAIN, f"{key}_{sensor}")
        if key
        else None
    )
    if entity_id is None:
        raise InvalidDeviceAutomationConfig(f"No {sensor} sensor on this device")
    state_config = await state_trigger.async_validate_trigger_config(
        hass,
        {
            CONF_PLATFORM: "state",
            CONF_ENTITY_ID: entity_id,
            state_trigger.CONF_FROM: from_state,
            state_trigger.CONF_TO: to_state,
        },
    )
    return await state_trigger.async_attach_trigger(
        hass, state_config, action, trigger_info, platform_type="device"
    )
