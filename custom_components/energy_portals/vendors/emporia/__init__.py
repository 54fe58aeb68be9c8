"""Emporia Vue through the self-hosted Emporia proxy: live circuit power by WebSocket push."""

from __future__ import annotations

from homeassistant.const import CONF_EMAIL, CONF_PASSWORD, CONF_URL, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ...const import DOMAIN
from ...errors import PortalAuthError
from ...runtime import (
    PortalConfigEntry,
    legacy_diagnostics,
    legacy_platforms,
    legacy_reported,
)
from ...titles import replace_old_automatic_title
from ...vendor import Vendor
from .api import EmporiaClient
from .const import (
    CONF_STATE_INTERVAL,
    DEFAULT_STATE_INTERVAL,
    VENDOR_KEY,
    stale_after,
)
from .coordinator import EmporiaDevicesCoordinator, EmporiaLiveCoordinator
from .flow import EmporiaOptionsFlow, entry_title, old_entry_titles
from .live import LiveState
from .push import EmporiaPush
from .runtime import EmporiaRuntime
from .stream import EmporiaStream


async def _async_build(hass: HomeAssistant, entry: PortalConfigEntry) -> EmporiaRuntime:
    """Read the devices, fill the first state where /devices/instant exists, open the socket."""
    # Before anything can fail: Home Assistant logs the title of an entry that fails to set up.
    replace_old_automatic_title(
        hass, entry, old_entry_titles(entry.data), entry_title(entry.data[CONF_URL])
    )
    session = async_get_clientsession(hass)
    client = EmporiaClient(
        session,
        url=entry.data[CONF_URL],
        email=entry.data[CONF_EMAIL],
        password=entry.data[CONF_PASSWORD],
    )
    interval = float(entry.options.get(CONF_STATE_INTERVAL, DEFAULT_STATE_INTERVAL))
    devices = EmporiaDevicesCoordinator(hass, entry, client)
    await devices.async_config_entry_first_refresh()
    live = EmporiaLiveCoordinator(hass, entry, LiveState(max_gap=stale_after(interval)))
    runtime = EmporiaRuntime(hass, entry, devices, live)
    runtime.push = EmporiaPush(
        hass,
        entry,
        client=client,
        stream=EmporiaStream(session, client.ws_url),
        coordinator=live,
        interval=interval,
        on_new_channels=runtime.add_channels,
    )
    try:
        await runtime.push.async_prime()
    except PortalAuthError as err:
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="auth_failed"
        ) from err
    runtime.sync_devices()
    entry.async_on_unload(devices.async_add_listener(runtime.sync_devices))
    runtime.push.async_start()
    return runtime


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
                CONF_URL,
                "emporia_username",
                "emporia_password",
                "user_id",
                "gid",
                "parent_gid",
                "name",
                "time_zone",
            }
        )
    ),
    reported_device_keys=legacy_reported,
    options_flow=EmporiaOptionsFlow,
)
