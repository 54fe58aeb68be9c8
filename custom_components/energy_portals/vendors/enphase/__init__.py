"""Enphase IQ EV charger through the Enlighten cloud."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback

from ...const import CONF_BASE_URL
from ...session import create_session
from ...titles import replace_old_automatic_title
from ...vendor import Vendor
from . import binary_sensor, button, number, select, sensor, switch, time, update
from .api import EnphaseClient
from .auth import auth_of
from .const import (
    CONF_CHARGING_CURRENT,
    CONF_IDLE_INTERVAL,
    CONF_SESSION,
    CONF_SITE_ID,
    CONF_STATUS_INTERVAL,
    DEFAULT_CHARGING_CURRENT,
    DEFAULT_IDLE_INTERVAL,
    DEFAULT_STATUS_INTERVAL,
    VENDOR_KEY,
)
from .coordinator import EnphaseConfigEntry, EnphaseCoordinator
from .diagnostics import async_get_config_entry_diagnostics
from .flow import EnphaseOptionsFlow
from .repairs import delete_issues
from .schedule_services import register_schedule_services
from .services import register_services
from .sessions import EnphaseSessionsCoordinator, sessions_store


@callback
def _register_services(hass: HomeAssistant) -> None:
    """The charger actions and the schedule actions."""
    register_services(hass)
    register_schedule_services(hass)


async def async_setup_entry(hass: HomeAssistant, entry: EnphaseConfigEntry) -> None:
    """Fetch the site's status once, then poll it."""
    # The client keeps the entry's cookies itself: two accounts never share one.
    auth = auth_of(create_session(hass, client_keeps_cookies=True), entry.data)

    @callback
    def store_session() -> None:
        """Keep the renewed cookies and token, so a restart needs no new sign-in."""
        data = {**entry.data, CONF_SESSION: auth.stored().as_dict()}
        hass.config_entries.async_update_entry(entry, data=data)

    auth.on_change = store_session
    client = EnphaseClient(auth)
    options = entry.options
    coordinator = EnphaseCoordinator(
        hass,
        entry,
        client=client,
        site_id=entry.data[CONF_SITE_ID],
        fast_interval=timedelta(seconds=options.get(CONF_STATUS_INTERVAL, DEFAULT_STATUS_INTERVAL)),
        idle_interval=timedelta(seconds=options.get(CONF_IDLE_INTERVAL, DEFAULT_IDLE_INTERVAL)),
        default_charging_current=options.get(CONF_CHARGING_CURRENT, DEFAULT_CHARGING_CURRENT),
    )
    # Older releases named a site without a name by its id (replaced before anything can fail:
    # Home Assistant logs the title of an entry that fails to set up).
    site_id = entry.data[CONF_SITE_ID]
    replace_old_automatic_title(hass, entry, [f"Enphase site {site_id}"], "Enphase site")
    await coordinator.async_config_entry_first_refresh()
    coordinator.sessions = EnphaseSessionsCoordinator(hass, entry, client, coordinator)
    await coordinator.sessions.async_load()
    entry.runtime_data = coordinator
    # Not the first-refresh kind: a history that does not answer fails nothing else.
    await coordinator.sessions.async_refresh()


async def async_remove_entry(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """A removed entry's finished sessions and repair issues go with it."""
    await sessions_store(hass, entry.entry_id).async_remove()
    delete_issues(hass, entry.entry_id)


VENDOR = Vendor(
    key=VENDOR_KEY,
    origin=lambda data: data[CONF_BASE_URL],
    platforms={
        Platform.BINARY_SENSOR: binary_sensor.async_setup_entry,
        Platform.BUTTON: button.async_setup_entry,
        Platform.NUMBER: number.async_setup_entry,
        Platform.SELECT: select.async_setup_entry,
        Platform.SENSOR: sensor.async_setup_entry,
        Platform.SWITCH: switch.async_setup_entry,
        Platform.TIME: time.async_setup_entry,
        Platform.UPDATE: update.async_setup_entry,
    },
    async_setup_entry=async_setup_entry,
    async_get_diagnostics=async_get_config_entry_diagnostics,
    async_remove_entry=async_remove_entry,
    options_flow=EnphaseOptionsFlow,
    register_services=_register_services,
)
