"""Allume SolCentre: shared-solar energy per property, with hourly long-term statistics."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ...const import CONF_BASE_URL
from ...titles import replace_old_automatic_title
from ...vendor import Vendor
from . import binary_sensor, sensor
from .api import AllumeClient
from .const import (
    CONF_EMAIL,
    CONF_HISTORY_DAYS,
    CONF_LIVE_INTERVAL,
    CONF_PASSWORD,
    DEFAULT_HISTORY_DAYS,
    DEFAULT_LIVE_INTERVAL,
    VENDOR_KEY,
)
from .coordinator import AllumeConfigEntry, AllumeCoordinator, async_remove_entry
from .diagnostics import async_get_config_entry_diagnostics
from .flow import AllumeOptionsFlow, entry_title
from .live import AllumeLiveCoordinator
from .statistics import StatisticsImporter


async def async_setup_entry(hass: HomeAssistant, entry: AllumeConfigEntry) -> None:
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
    minutes = int(entry.options.get(CONF_LIVE_INTERVAL, DEFAULT_LIVE_INTERVAL))
    if minutes:
        coordinator.live = AllumeLiveCoordinator(
            hass, entry, client=client, hourly=coordinator, interval=timedelta(minutes=minutes)
        )
        await coordinator.live.async_refresh()  # a failed live read never fails the setup
    entry.runtime_data = coordinator


VENDOR = Vendor(
    key=VENDOR_KEY,
    origin=lambda data: data[CONF_BASE_URL],
    platforms={
        Platform.BINARY_SENSOR: binary_sensor.async_setup_entry,
        Platform.SENSOR: sensor.async_setup_entry,
    },
    async_setup_entry=async_setup_entry,
    async_get_diagnostics=async_get_config_entry_diagnostics,
    options_flow=AllumeOptionsFlow,
    async_remove_entry=async_remove_entry,
)
