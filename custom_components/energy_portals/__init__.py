"""Energy Portals: five energy vendors' portals in Home Assistant, one config entry per account."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN
from .devices import reported_now
from .services import async_register_services
from .vendor import PortalConfigEntry
from .vendors import vendor_of

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions of every vendor (they check their entries when called)."""
    async_register_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: PortalConfigEntry) -> bool:
    """Let the entry's vendor build its runtime data, then forward its platforms."""
    vendor = vendor_of(entry)
    await vendor.async_setup_entry(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, list(vendor.platforms))
    return True


async def async_unload_entry(hass: HomeAssistant, entry: PortalConfigEntry) -> bool:
    """Unload the entry's platforms; the vendor's own cleanup ran through async_on_unload."""
    return await hass.config_entries.async_unload_platforms(entry, list(vendor_of(entry).platforms))


async def async_remove_entry(hass: HomeAssistant, entry: PortalConfigEntry) -> None:
    """Let the vendor delete what it stored beside the removed entry."""
    if (remove := vendor_of(entry).async_remove_entry) is not None:
        await remove(hass, entry)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: PortalConfigEntry, device: dr.DeviceEntry
) -> bool:
    """A user may delete a device the vendor no longer reports, never one it still does."""
    return not reported_now(device, entry.runtime_data.reported_device_keys())
