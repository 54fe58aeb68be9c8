"""An Emporia entry at run time: devices from /devices, channels from the socket, their sensors."""

from __future__ import annotations

from dataclasses import asdict
from functools import partial
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...const import DOMAIN
from ...entity import PortalDevice
from ...runtime import PortalConfigEntry, VendorRuntime
from ...sensor import PortalSensor
from .api import EmporiaDevice
from .const import MANUFACTURER, VENDOR_KEY
from .coordinator import EmporiaDevicesCoordinator, EmporiaLiveCoordinator
from .entities import EmporiaEnergySensor, energy_descriptions, power_description
from .live import ChannelSnapshot
from .push import EmporiaPush
from .usage import ChannelKey


def device_key(gid: int) -> str:
    """The device identifier and unique-id prefix of a monitor or nested device."""
    return f"{VENDOR_KEY}_{gid}"


class EmporiaRuntime(VendorRuntime):
    """The entry's devices, its live channels and the socket feeding them."""

    push: EmporiaPush

    def __init__(
        self,
        hass: HomeAssistant,
        entry: PortalConfigEntry,
        devices: EmporiaDevicesCoordinator,
        live: EmporiaLiveCoordinator,
    ) -> None:
        self.hass = hass
        self.entry = entry
        self.devices = devices
        self.live = live
        self._add: AddConfigEntryEntitiesCallback | None = None
        self._known: set[ChannelKey] = set()
        self._registered: dict[int, str] = {}

    def channel(self, key: ChannelKey) -> ChannelSnapshot | None:
        """The channel as last published; None while the data is stale or missing."""
        data = self.live.data
        if data is None or not data.fresh:
            return None
        return data.channels.get(key)

    def device(self, gid: int) -> EmporiaDevice | None:
        """The device as /devices last described it."""
        return (self.devices.data or {}).get(gid)

    def _parent(self, gid: int) -> int | None:
        device = self.device(gid)
        if device is not None:
            return device.parent_gid
        return self.live.state.parents.get(gid)

    def device_info(self, gid: int) -> DeviceInfo:
        """The device of a monitor or nested device, its parent registered first."""
        device = self.device(gid)
        info = DeviceInfo(
            identifiers={(DOMAIN, device_key(gid))},
            manufacturer=MANUFACTURER,
            name=(device.name if device else None) or f"Emporia device {gid}",
        )
        if device is not None:
            if device.model:
                info["model"] = device.model
            if device.firmware:
                info["sw_version"] = device.firmware
        parent = self._parent(gid)
        if parent is not None and parent != gid:
            info["via_device_id"] = self._register(parent)
        return info

    def _register(self, gid: int) -> str:
        """Register (or update) a device; returns its registry id."""
        entry = dr.async_get(self.hass).async_get_or_create(
            config_entry_id=self.entry.entry_id, **self.device_info(gid)
        )
        self._registered[gid] = entry.id
        return entry.id

    @callback
    def sync_devices(self) -> None:
        """Register every device /devices lists and add sensors for channels not seen yet."""
        for gid in sorted(self.devices.data or {}, key=lambda g: self._parent(g) is not None):
            self._register(gid)
        self.add_channels(self.all_channels())

    def all_channels(self) -> list[ChannelKey]:
        """Channels from /devices and from the samples so far."""
        keys: list[ChannelKey] = [
            (device.gid, channel.num)
            for device in (self.devices.data or {}).values()
            for channel in device.channels
        ]
        return keys + [key for key in self.live.state.channels if key not in keys]

    def _channel_name(self, key: ChannelKey) -> str | None:
        device = self.device(key[0])
        named = next((c.name for c in device.channels if c.num == key[1]), None) if device else None
        state = self.live.state.channels.get(key)
        return named or (state.name if state else None)

    @callback
    def add_channels(self, keys: list[ChannelKey]) -> None:
        """Create the sensors of channels that have none yet (once the platform is set up)."""
        if self._add is None:
            return
        entities: list[Entity] = []
        for key in keys:
            if key in self._known:
                continue
            self._known.add(key)
            gid, num = key
            nested = self._parent(gid) is not None
            name = self._channel_name(key)
            device = PortalDevice(
                key=device_key(gid), info=self.device_info(gid), data=partial(self.channel, key)
            )
            entities.append(
                PortalSensor(self.live, power_description(num, name, nested=nested), device)
            )
            entities += [
                EmporiaEnergySensor(self.live, description, device, key)
                for description in energy_descriptions(num, name, nested=nested)
            ]
        if entities:
            self._add(entities)

    def add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        if platform is Platform.SENSOR:
            self._add = async_add_entities
            self.add_channels(self.all_channels())

    def reported_device_keys(self) -> set[str]:
        gids = set(self.devices.data or {}) | {gid for gid, _ in self.live.state.channels}
        return {device_key(gid) for gid in gids}

    def diagnostics(self) -> dict[str, Any]:
        push = self.push
        state = self.live.state
        return {
            "state_interval": push.interval,
            "instant_supported": push.instant_supported,
            "socket_sessions": push.sessions,
            "authenticated": push.authenticated,
            "samples": state.samples,
            "devices": [
                {**asdict(device), "channels": [asdict(channel) for channel in device.channels]}
                for device in (self.devices.data or {}).values()
            ],
            "channels": [
                {"gid": gid, "channel": num, **asdict(channel)}
                for (gid, num), channel in state.channels.items()
            ],
        }
