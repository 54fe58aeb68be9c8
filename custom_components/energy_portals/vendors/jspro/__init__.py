"""JSPro Powerdesk: an off-grid site controller, its charge controllers and battery packs."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ...const import DOMAIN
from ...titles import replace_old_automatic_title
from ...vendor import Vendor
from . import binary_sensor, button, sensor
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
    JsproConfigEntry,
    JsproData,
    JsproInformationCoordinator,
    JsproMonitoringCoordinator,
    JsproSystemCoordinator,
    endpoint_groups,
)
from .diagnostics import async_get_config_entry_diagnostics
from .entity import register_controller
from .flow import JsproOptionsFlow, entry_title, old_entry_titles
from .services import register_services


async def async_setup_entry(hass: HomeAssistant, entry: JsproConfigEntry) -> None:
    """Read the controller's identity, then its monitoring and system data."""
    data, options = entry.data, entry.options
    client = JsproClient(
        async_get_clientsession(hass, verify_ssl=data.get(CONF_VERIFY_SSL, True)),
        data[CONF_URL],
        api_token=data.get(CONF_API_TOKEN) or None,
    )
    monitoring_groups, system_groups = endpoint_groups(), endpoint_groups()
    information = JsproInformationCoordinator(
        hass, entry, client, (monitoring_groups, system_groups)
    )
    await information.async_config_entry_first_refresh()
    info = information.data
    replace_old_automatic_title(hass, entry, old_entry_titles(info), entry_title(info))
    key = f"{VENDOR_KEY}_{info.account_id}"
    if entry.unique_id is not None and entry.unique_id != key:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="jspro_wrong_device",
            translation_placeholders={"url": client.base_url},
        )
    monitoring = JsproMonitoringCoordinator(
        hass,
        entry,
        client,
        timedelta(seconds=options.get(CONF_MONITORING_INTERVAL, DEFAULT_MONITORING_INTERVAL)),
        monitoring_groups,
        key=key,
    )
    system = JsproSystemCoordinator(
        hass,
        entry,
        client,
        timedelta(seconds=options.get(CONF_SYSTEM_INTERVAL, DEFAULT_SYSTEM_INTERVAL)),
        system_groups,
    )
    await monitoring.async_config_entry_first_refresh()
    await system.async_config_entry_first_refresh()
    entry.runtime_data = JsproData(key, client, information, monitoring, system)
    entry.runtime_data.controller_id = register_controller(hass, entry)
    entry.async_on_unload(
        information.async_add_listener(partial(_information_updated, hass, entry))
    )


@callback
def _information_updated(hass: HomeAssistant, entry: JsproConfigEntry) -> None:
    """New versions or a new site name update the controller's device."""
    if entry.runtime_data.information.last_update_success:
        register_controller(hass, entry)


VENDOR = Vendor(
    key=VENDOR_KEY,
    origin=lambda data: data[CONF_URL],
    platforms={
        Platform.BINARY_SENSOR: binary_sensor.async_setup_entry,
        Platform.BUTTON: button.async_setup_entry,
        Platform.SENSOR: sensor.async_setup_entry,
    },
    async_setup_entry=async_setup_entry,
    async_get_diagnostics=async_get_config_entry_diagnostics,
    options_flow=JsproOptionsFlow,
    register_services=register_services,
)
