"""JSPro Powerdesk: an off-grid site controller, its charge controllers and battery packs."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ...const import DOMAIN
from ...runtime import (
    PortalConfigEntry,
    legacy_diagnostics,
    legacy_platforms,
    legacy_reported,
)
from ...titles import replace_old_automatic_title
from ...vendor import Vendor
from .api import JsproClient
from .const import (
    CONF_API_TOKEN,
    CONF_MONITORING_INTERVAL,
    CONF_SYSTEM_INTERVAL,
    CONF_URL,
    CONF_VERIFY_SSL,
    DEFAULT_MONITORING_INTERVAL,
    DEFAULT_SYSTEM_INTERVAL,
    VENDOR_KEY,
)
from .coordinator import (
    JsproInformationCoordinator,
    JsproMonitoringCoordinator,
    JsproSystemCoordinator,
)
from .flow import JsproOptionsFlow, entry_title, old_entry_titles
from .runtime import JsproRuntime
from .services import register_services


async def _async_build(hass: HomeAssistant, entry: PortalConfigEntry) -> JsproRuntime:
    """Read the controller's identity, then its monitoring and system data."""
    data, options = entry.data, entry.options
    client = JsproClient(
        async_get_clientsession(hass, verify_ssl=data.get(CONF_VERIFY_SSL, True)),
        data[CONF_URL],
        api_token=data.get(CONF_API_TOKEN) or None,
    )
    monitoring = JsproMonitoringCoordinator(
        hass,
        entry,
        client,
        timedelta(seconds=options.get(CONF_MONITORING_INTERVAL, DEFAULT_MONITORING_INTERVAL)),
    )
    system = JsproSystemCoordinator(
        hass,
        entry,
        client,
        timedelta(seconds=options.get(CONF_SYSTEM_INTERVAL, DEFAULT_SYSTEM_INTERVAL)),
    )
    information = JsproInformationCoordinator(
        hass, entry, client, (monitoring.groups, system.groups)
    )
    await information.async_config_entry_first_refresh()
    info = information.data
    replace_old_automatic_title(hass, entry, old_entry_titles(info), entry_title(info))
    key = f"{VENDOR_KEY}_{information.data.account_id}"
    if entry.unique_id is not None and entry.unique_id != key:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="jspro_wrong_device",
            translation_placeholders={"url": client.base_url},
        )
    await monitoring.async_config_entry_first_refresh()
    await system.async_config_entry_first_refresh()
    return JsproRuntime(
        hass, entry, key=key, information=information, monitoring=monitoring, system=system
    )


async def async_setup_entry(hass: HomeAssistant, entry: PortalConfigEntry) -> None:
    """Build the entry's runtime."""
    entry.runtime_data = await _async_build(hass, entry)


VENDOR = Vendor(
    key=VENDOR_KEY,
    platforms=legacy_platforms(Platform.BINARY_SENSOR, Platform.BUTTON, Platform.SENSOR),
    async_setup_entry=async_setup_entry,
    async_get_diagnostics=legacy_diagnostics(
        frozenset(
            {
                CONF_URL,
                "serial_number",
                "site_id",
                "site_name",
                "address",
                "pcb_code",
                "serial_code",
            }
        )
    ),
    reported_device_keys=legacy_reported,
    options_flow=JsproOptionsFlow,
    register_services=register_services,
)
