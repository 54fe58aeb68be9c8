"""The Enphase actions on a charger chosen by device: start charging (at a current, on a
connector), stop charging, and ask it for an OCPP message."""

from __future__ import annotations

import voluptuous as vol
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr

from ...const import CONF_VENDOR, DOMAIN
from .const import MAX_ASKED_CURRENT, MIN_CHARGING_CURRENT, OCPP_MESSAGES, VENDOR_KEY
from .coordinator import EnphaseCoordinator

ATTR_CHARGING_LEVEL = "charging_level"
ATTR_CONNECTOR_ID = "connector_id"
ATTR_MESSAGE = "message"
SERVICE_START_CHARGING = "start_charging"
SERVICE_STOP_CHARGING = "stop_charging"
SERVICE_TRIGGER_MESSAGE = "trigger_message"
CONNECTOR = vol.All(vol.Coerce(int), vol.Range(min=1, max=9))

START_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): cv.string,
        vol.Optional(ATTR_CHARGING_LEVEL): vol.All(
            vol.Coerce(int), vol.Range(min=MIN_CHARGING_CURRENT, max=MAX_ASKED_CURRENT)
        ),
        vol.Optional(ATTR_CONNECTOR_ID): CONNECTOR,
    }
)
STOP_SCHEMA = vol.Schema({vol.Required(ATTR_DEVICE_ID): cv.string})
TRIGGER_SCHEMA = vol.Schema(
    {vol.Required(ATTR_DEVICE_ID): cv.string, vol.Required(ATTR_MESSAGE): vol.In(OCPP_MESSAGES)}
)


def charger_of(hass: HomeAssistant, device_id: str) -> tuple[EnphaseCoordinator, str]:
    """The coordinator and serial of the charger behind a device id."""
    device = dr.async_get(hass).async_get(device_id)
    prefix = f"{VENDOR_KEY}_"
    identifier = next(
        (
            ident
            for domain, ident in (device.identifiers if device else ())
            if domain == DOMAIN and ident.startswith(prefix)
        ),
        None,
    )
    if device is None or identifier is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="enphase_not_a_charger",
            translation_placeholders={"device_id": device_id},
        )
    entry = hass.config_entries.async_get_entry(device.config_entry_id)
    if (
        entry is not None
        and entry.data.get(CONF_VENDOR) == VENDOR_KEY
        and entry.state is ConfigEntryState.LOADED
    ):
        coordinator: EnphaseCoordinator = entry.runtime_data
        return coordinator, identifier.removeprefix(prefix)
    raise ServiceValidationError(translation_domain=DOMAIN, translation_key="entry_not_loaded")


@callback
def register_services(hass: HomeAssistant) -> None:
    """Register start_charging, stop_charging and trigger_message."""

    async def start_charging(call: ServiceCall) -> None:
        coordinator, serial = charger_of(hass, call.data[ATTR_DEVICE_ID])
        await coordinator.commands.async_start_charging(
            serial, call.data.get(ATTR_CHARGING_LEVEL), call.data.get(ATTR_CONNECTOR_ID)
        )

    async def stop_charging(call: ServiceCall) -> None:
        coordinator, serial = charger_of(hass, call.data[ATTR_DEVICE_ID])
        await coordinator.commands.async_stop_charging(serial)

    hass.services.async_register(DOMAIN, SERVICE_START_CHARGING, start_charging, START_SCHEMA)

    async def trigger_message(call: ServiceCall) -> None:
        coordinator, serial = charger_of(hass, call.data[ATTR_DEVICE_ID])
        await coordinator.commands.async_trigger_message(serial, call.data[ATTR_MESSAGE])

    hass.services.async_register(DOMAIN, SERVICE_STOP_CHARGING, stop_charging, STOP_SCHEMA)
    hass.services.async_register(DOMAIN, SERVICE_TRIGGER_MESSAGE, trigger_message, TRIGGER_SCHEMA)
