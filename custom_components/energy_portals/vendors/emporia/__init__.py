"""Emporia Vue through the self-hosted Emporia proxy: live circuit power by WebSocket push."""

from __future__ import annotations

from functools import partial
from typing import Any

from homeassistant.const import CONF_EMAIL, CONF_PASSWORD, CONF_URL, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.aiohttp_client import (
    async_create_clientsession,
    async_get_clientsession,
)
from homeassistant.helpers.update_coordinator import UpdateFailed

from ...const import DOMAIN
from ...coordinator import PortalCoordinator
from ...devices import DeviceTracker
from ...errors import PortalAuthError, PortalConnectionError
from ...http import same_origin_only
from ...titles import replace_old_automatic_title
from ...vendor import Vendor
from . import binary_sensor, sensor
from .api import EmporiaClient
from .const import (
    CONF_HISTORY_DAYS,
    CONF_REVERSED_CHANNELS,
    CONF_STATE_INTERVAL,
    DEFAULT_HISTORY_DAYS,
    DEFAULT_STATE_INTERVAL,
    VENDOR_KEY,
    stale_after,
)
from .coordinator import (
    EmporiaConfigEntry,
    EmporiaData,
    EmporiaDevicesCoordinator,
    EmporiaLiveCoordinator,
)
from .diagnostics import async_get_config_entry_diagnostics
from .entity import sync_devices
from .flow import EmporiaOptionsFlow, entry_title, old_entry_titles
from .live import LiveState
from .past_days import PastDays
from .periods import SCALES, EmporiaPeriodsCoordinator
from .push import EmporiaPush
from .stream import EmporiaStream
from .usage import channel_keys


async def async_setup_entry(hass: HomeAssistant, entry: EmporiaConfigEntry) -> None:
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
    reversed_channels = channel_keys(entry.options.get(CONF_REVERSED_CHANNELS, []))
    live = EmporiaLiveCoordinator(
        hass,
        entry,
        LiveState(max_gap=stale_after(interval), reversed_channels=frozenset(reversed_channels)),
    )
    push = EmporiaPush(
        hass,
        entry,
        client=client,
        # The socket has a session of its own that refuses a redirect to another origin:
        # the account's token goes only to the proxy the user configured.
        stream=EmporiaStream(
            async_create_clientsession(hass, middlewares=(same_origin_only(client.ws_url),)),
            client.ws_url,
            client.answers,
        ),
        coordinator=live,
        interval=interval,
    )
    periods = {
        scale: EmporiaPeriodsCoordinator(hass, entry, client, lambda: devices.data or {}, scale)
        for scale in SCALES
    }
    entry.runtime_data = EmporiaData(
        devices,
        live,
        push,
        DeviceTracker(hass, entry, f"{VENDOR_KEY}_", "Emporia device"),
        periods,
        PastDays(
            hass,
            entry,
            client,
            int(entry.options.get(CONF_HISTORY_DAYS, DEFAULT_HISTORY_DAYS)),
        ),
    )
    try:
        await push.async_prime()
    except PortalAuthError as err:
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="auth_failed"
        ) from err
    # Not the first-refresh kind: the buckets are extra, a proxy refusing them fails nothing.
    for bucket in periods.values():
        await bucket.async_refresh()
    sync_devices(hass, entry)
    entry.async_on_unload(devices.async_add_listener(partial(sync_devices, hass, entry)))
    rest: list[PortalCoordinator[Any]] = [devices, *periods.values()]
    for coordinator in rest:
        entry.async_on_unload(
            coordinator.async_add_listener(partial(_tell_push_of_emporia, push, coordinator))
        )
    push.async_start()


@callback
def _tell_push_of_emporia(push: EmporiaPush, coordinator: PortalCoordinator[Any]) -> None:
    """A REST read finished: whether the proxy reaches Emporia decides the socket's wait."""
    if coordinator.last_update_success:
        push.emporia_answered()
    elif isinstance(coordinator.last_exception, UpdateFailed) and isinstance(
        coordinator.last_exception.__cause__, PortalConnectionError
    ):
        push.emporia_unreachable()


VENDOR = Vendor(
    key=VENDOR_KEY,
    origin=lambda data: data[CONF_URL],
    platforms={
        Platform.BINARY_SENSOR: binary_sensor.async_setup_entry,
        Platform.SENSOR: sensor.async_setup_entry,
    },
    async_setup_entry=async_setup_entry,
    async_get_diagnostics=async_get_config_entry_diagnostics,
    options_flow=EmporiaOptionsFlow,
)
