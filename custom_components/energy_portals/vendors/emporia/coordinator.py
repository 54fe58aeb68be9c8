"""The Emporia coordinators: the device list (slow poll) and the live channels (socket push).

The entry's runtime data holds both and the socket that feeds the live one (`EmporiaConfigEntry`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from ...coordinator import PortalCoordinator
from ...devices import DeviceTracker
from ...peer_limits import nesting_ok
from .api import EmporiaClient, EmporiaDevice
from .const import DEVICES_INTERVAL, DEVICES_INTERVAL_WITH_PLUGS, VENDOR_KEY
from .live import ChannelSnapshot, LiveSnapshot, LiveState, clock
from .usage import ChannelKey

if TYPE_CHECKING:
    from .past_days import PastDays
    from .periods import EmporiaPeriodsCoordinator
    from .push import EmporiaPush

type EmporiaConfigEntry = ConfigEntry[EmporiaData]


def device_key(gid: int) -> str:
    """The device identifier and unique-id prefix of a monitor or nested device."""
    return f"{VENDOR_KEY}_{gid}"


class EmporiaDevicesCoordinator(PortalCoordinator[dict[int, EmporiaDevice]]):
    """Names, models, firmware and channels from /devices, read again every few hours; every
    five minutes while a smart plug or an EV charger exists (their state comes from here)."""

    def __init__(
        self, hass: HomeAssistant, entry: EmporiaConfigEntry, client: EmporiaClient
    ) -> None:
        super().__init__(hass, entry, name="Emporia devices", update_interval=DEVICES_INTERVAL)
        self.client = client

    async def _async_fetch(self) -> dict[int, EmporiaDevice]:
        devices = await self.client.async_get_devices()
        often = any(device.changes_often for device in devices.values())
        self.update_interval = DEVICES_INTERVAL_WITH_PLUGS if often else DEVICES_INTERVAL
        return devices


class EmporiaLiveCoordinator(PortalCoordinator[LiveSnapshot]):
    """Live channel values; the socket pushes them with async_set_updated_data (throttled)."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: EmporiaConfigEntry,
        state: LiveState,
        now: Callable[[], float] = clock,
    ) -> None:
        super().__init__(hass, entry, name="Emporia live usage", update_interval=None)
        self.state = state
        self._now = now

    async def _async_fetch(self) -> LiveSnapshot:
        return self.state.snapshot(self._now())


@dataclass(frozen=True, slots=True)
class EmporiaData:
    """An entry at run time: the device list, the live channels and the socket feeding them,
    and Emporia's day and month buckets."""

    devices: EmporiaDevicesCoordinator
    live: EmporiaLiveCoordinator
    push: EmporiaPush
    channels: DeviceTracker
    """Adds entities when their channel or device first appears (devices are never removed)."""
    periods: dict[str, EmporiaPeriodsCoordinator]
    """Emporia's own day and month buckets per channel, by scale."""
    past_days: PastDays
    """Imports the past days of new energy sensors into their statistics."""

    def device(self, gid: int) -> EmporiaDevice | None:
        """The device as /devices last described it."""
        return (self.devices.data or {}).get(gid)

    def parent(self, gid: int) -> int | None:
        """The monitor a nested device (smart plug, charger) hangs off; None also where the
        links a peer sent loop or nest too deep (its device then stands on its own)."""
        parent = self._direct_parent(gid)
        return parent if parent is not None and nesting_ok(gid, self._direct_parent) else None

    def _direct_parent(self, gid: int) -> int | None:
        device = self.device(gid)
        if device is not None:
            return device.parent_gid
        return self.live.state.parents.get(gid)

    def is_monitor(self, gid: int) -> bool:
        """A Vue monitor, whose channels are mains and circuits: not a plug or a charger,
        nested under a monitor or on its own (an account may hold only a charger)."""
        device = self.device(gid)
        if device is not None and device.changes_often:
            return False
        return self.parent(gid) is None

    def bidirectional(self, key: ChannelKey) -> bool:
        """/devices gives the channel a type whose flow runs both ways (solar, a battery)."""
        device = self.device(key[0])
        channels = device.channels if device else ()
        return any(channel.num == key[1] and channel.bidirectional for channel in channels)

    def channel(self, key: ChannelKey) -> ChannelSnapshot | None:
        """The channel as last published; None while the data is stale or missing."""
        data = self.live.data
        if data is None or not data.fresh:
            return None
        return data.channels.get(key)

    def all_channels(self) -> list[ChannelKey]:
        """Channels from /devices and from the samples so far."""
        keys = dict.fromkeys(
            (device.gid, channel.num)
            for device in (self.devices.data or {}).values()
            for channel in device.channels
        )
        keys.update(dict.fromkeys(self.live.state.channels))
        return list(keys)

    def channel_name(self, key: ChannelKey) -> str | None:
        """The channel's name from /devices, else from the samples."""
        device = self.device(key[0])
        named = next((c.name for c in device.channels if c.num == key[1]), None) if device else None
        state = self.live.state.channels.get(key)
        return named or (state.name if state else None)

    def coordinators(self) -> list[PortalCoordinator[Any]]:
        """The device list, the live readings and the buckets (system health)."""
        return [self.devices, self.live, *self.periods.values()]

    def reported_device_keys(self) -> set[str]:
        """Every device /devices lists or the samples mention."""
        gids = set(self.devices.data or {}) | {gid for gid, _ in self.live.state.channels}
        return {device_key(gid) for gid in gids}
