"""FlowerHub: a Swedish home battery in the FlowerHub virtual power plant (read-only)."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.const import CONF_PASSWORD, CONF_USERNAME, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady

from ...const import CONF_BASE_URL, DOMAIN
from ...session import create_session
from ...titles import replace_old_automatic_title
from ...vendor import Vendor
from . import binary_sensor, sensor
from .api import FlowerHubClient
from .const import CONF_ASSET_OWNER_ID, CONF_STATUS_INTERVAL, DEFAULT_STATUS_INTERVAL, VENDOR_KEY
from .coordinator import (
    FlowerHubAccountCoordinator,
    FlowerHubConfigEntry,
    FlowerHubData,
    FlowerHubOwnerCoordinator,
    FlowerHubStatusCoordinator,
    FlowerHubUptimeCoordinator,
    optional_endpoints,
)
from .diagnostics import async_get_config_entry_diagnostics
from .flow import ENTRY_TITLE, FlowerHubOptionsFlow, old_entry_titles


async def async_setup_entry(hass: HomeAssistant, entry: FlowerHubConfigEntry) -> None:
    """Log in (lazily, on the first call), read the owner and asset, then poll each cadence."""
    client = FlowerHubClient(
        create_session(hass),
        username=entry.data[CONF_USERNAME],
        password=entry.data[CONF_PASSWORD],
        base_url=entry.data[CONF_BASE_URL],
    )
    owner_id = str(entry.data[CONF_ASSET_OWNER_ID])
    endpoints = optional_endpoints()
    owner = FlowerHubOwnerCoordinator(hass, entry, client, owner_id, endpoints)
    await owner.async_config_entry_first_refresh()
    asset_id = owner.data.owner.asset_id
    if asset_id is None:
        raise ConfigEntryNotReady(translation_domain=DOMAIN, translation_key="flowerhub_no_asset")
    interval = timedelta(seconds=entry.options.get(CONF_STATUS_INTERVAL, DEFAULT_STATUS_INTERVAL))
    status = FlowerHubStatusCoordinator(hass, entry, client, asset_id, interval)
    uptime = FlowerHubUptimeCoordinator(hass, entry, client, asset_id, endpoints)
    account = FlowerHubAccountCoordinator(hass, entry, client, owner_id, endpoints)
    for coordinator in (status, uptime, account):
        await coordinator.async_config_entry_first_refresh()
    entry.async_on_unload(status.clear_issues)
    replace_old_automatic_title(hass, entry, old_entry_titles(client.login), ENTRY_TITLE)
    entry.runtime_data = FlowerHubData(client, endpoints, owner, status, uptime, account)


VENDOR = Vendor(
    key=VENDOR_KEY,
    origin=lambda data: data[CONF_BASE_URL],
    platforms={
        Platform.BINARY_SENSOR: binary_sensor.async_setup_entry,
        Platform.SENSOR: sensor.async_setup_entry,
    },
    async_setup_entry=async_setup_entry,
    async_get_diagnostics=async_get_config_entry_diagnostics,
    options_flow=FlowerHubOptionsFlow,
)
