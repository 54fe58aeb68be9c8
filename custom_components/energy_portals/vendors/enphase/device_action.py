"""Device actions of an Enphase charger: start charging (optionally at a current, on a
connector) and stop charging, beside its device triggers. They run what the start and stop
actions run."""

from __future__ import annotations

import voluptuous as vol
from homeassistant.const import CONF_DEVICE_ID, CONF_DOMAIN, CONF_TYPE
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType, TemplateVarsType

from ...const import DOMAIN
from .const import MAX_ASKED_CURRENT, MIN_CHARGING_CURRENT
from .device_trigger import charger_key
from .services import ATTR_CHARGING_LEVEL, ATTR_CONNECTOR_ID, CONNECTOR, charger_of

START = "start_charging"
STOP = "stop_charging"
LEVEL = vol.All(vol.Coerce(int), vol.Range(min=MIN_CHARGING_CURRENT, max=MAX_ASKED_CURRENT))

ACTION_SCHEMA = cv.DEVICE_ACTION_BASE_SCHEMA.extend(
    {
        vol.Required(CONF_TYPE): vol.In([START, STOP]),
        vol.Optional(ATTR_CHARGING_LEVEL): LEVEL,
        vol.Optional(ATTR_CONNECTOR_ID): CONNECTOR,
    }
)


async def async_get_actions(hass: HomeAssistant, device_id: str) -> list[dict[str, str]]:
    """Start and stop on a charger's device (none on other devices)."""
    if charger_key(hass, device_id) is None:
        return []
    return [
        {CONF_DOMAIN: DOMAIN, CONF_DEVICE_ID: device_id, CONF_TYPE: kind} for kind in (START, STOP)
    ]


async def async_get_action_capabilities(
    hass: HomeAssistant, config: ConfigType
) -> dict[str, vol.Schema]:
    """Start takes an optional current (the charger's chosen one when left out) and an
    optional connector (the first when left out)."""
    if config[CONF_TYPE] != START:
        return {}
    return {
        "extra_fields": vol.Schema(
            {vol.Optional(ATTR_CHARGING_LEVEL): LEVEL, vol.Optional(ATTR_CONNECTOR_ID): CONNECTOR}
        )
    }


async def async_call_action_from_config(
    hass: HomeAssistant,
    config: ConfigType,
    variables: TemplateVarsType,
    context: Context | None,
) -> None:
    """Start or stop the charger."""
    coordinator, serial = charger_of(hass, config[CONF_DEVICE_ID])
    if config[CONF_TYPE] == START:
        await coordinator.commands.async_start_charging(
            serial, config.get(ATTR_CHARGING_LEVEL), config.get(ATTR_CONNECTOR_ID)
        )
    else:
        await coordinator.commands.async_stop_charging(serial)
