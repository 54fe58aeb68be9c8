"""Allume SolCentre: shared-solar energy per property, with hourly long-term statistics."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ...const import CONF_BASE_URL
from ...runtime import (
    PortalConfigEntry,
    legacy_diagnostics,
    legacy_platforms,
    legacy_reported,
)
from ...titles import replace_old_automatic_title
from ...vendor import Vendor
from .api import AllumeClient
from .const import (
    CONF_EMAIL,
    CONF_HISTORY_DAYS,
    CONF_PASSWORD,
    DEFAULT_HISTORY_DAYS,
    VENDOR_KEY,
)
from .coordinator import AllumeCoordinator
from .flow import AllumeOptionsFlow, entry_title
from .runtime import AllumeRuntime
from .statistics import StatisticsImporter


async def _async_build(hass: HomeAssistant, entry: PortalConfigEntry) -> AllumeRuntime:
    """Read the properties and today's energy once, then every hour."""
    client = AllumeClient(
        async_get_clientsession(hass),
        email=entry.data[CONF_EMAIL],
        password=entry.data[CONF_PASSWORD],
        base_url=entry.data[CONF_BASE_URL],
    )
    statistics = StatisticsImporter(
        hass, int(entry.options.get(CONF_HISTORY_DAYS, DEFAULT_HISTORY_DAYS))
    )
    coordinator = AllumeCoordinator(hass, entry, client=client, statistics=statistics)
    # Before anything can fail: Home Assistant logs the title of an entry that fails to set up.
    replace_old_automatic_title(hass, entry, [f"SolCentre {entry.data[CONF_EMAIL]}"], "SolCentre")
    await coordinator.async_config_entry_first_refresh()
    replace_old_automatic_title(hass, entry, ["SolCentre"], entry_title(coordinator.properties))
    return AllumeRuntime(hass, entry, coordinator)


async def async_setup_entry(hass: HomeAssistant, entry: PortalConfigEntry) -> None:
    """Build the entry's runtime."""
    entry.runtime_data = await _async_build(hass, entry)


VENDOR = Vendor(
    key=VENDOR_KEY,
    platforms=legacy_platforms(Platform.SENSOR),
    async_setup_entry=async_setup_entry,
    async_get_diagnostics=legacy_diagnostics(
        frozenset(
            {
                CONF_EMAIL,
                CONF_PASSWORD,
                "user_id",
                "property_id",
                "project_id",
                "meter_id",
                "ident",
                "address",
                "street",
                "nmi",
                "name",
            }
        )
    ),
    reported_device_keys=legacy_reported,
    options_flow=AllumeOptionsFlow,
)
