"""The base entities of an Emporia channel and of a whole device, and the devices (monitors,
plugs, chargers) they sit on."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from ...const import DOMAIN
from .api import EmporiaDevice
from .const import MANUFACTURER
from .coordinator import (
    EmporiaConfigEntry,
    EmporiaData,
    EmporiaDevicesCoordinator,
    EmporiaLiveCoordinator,
    device_key,
)
from .live import ChannelSnapshot
from .usage import ChannelKey


def device_info(hass: HomeAssistant, entry: EmporiaConfigEntry, gid: int) -> DeviceInfo:
    """The device of a monitor or nested device, its parent registered first."""
    data = entry.runtime_data
    device = data.device(gid)
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
    parent = data.parent(gid)
    if parent is not None and parent != gid:
        info["via_device_id"] = _register(hass, entry, parent)
    return info


def _register(hass: HomeAssistant, entry: EmporiaConfigEntry, gid: int) -> str:
    """Register (or update) a device; returns its registry id."""
    return (
        dr.async_get(hass)
        .async_get_or_create(config_entry_id=entry.entry_id, **device_info(hass, entry, gid))
        .id
    )


@callback
def sync_devices(hass: HomeAssistant, entry: EmporiaConfigEntry) -> None:
    """Register every device /devices lists (monitors first), with or without channels."""
    data = entry.runtime_data
    for gid in sorted(data.devices.data or {}, key=lambda g: data.parent(g) is not None):
        _register(hass, entry, gid)


class EmporiaChannelEntity(CoordinatorEntity[EmporiaLiveCoordinator]):
    """An entity of one channel, unavailable while the live data is stale or lacks it."""

    _attr_has_entity_name = True

    def __init__(
        self,
        data: EmporiaData,
        description: EntityDescription,
        key: ChannelKey,
        info: DeviceInfo,
    ) -> None:
        super().__init__(data.live)
        self.entity_description = description
        self._data = data
        self._key = key
        self._attr_unique_id = f"{device_key(key[0])}_{description.key}"
        self._attr_device_info = info

    @property
    def channel(self) -> ChannelSnapshot | None:
        """The channel as last published."""
        return self._data.channel(self._key)

    @property
    def available(self) -> bool:
        """Available while the channel's live data is fresh."""
        return super().available and self.channel is not None


class EmporiaDeviceEntity(CoordinatorEntity[EmporiaDevicesCoordinator]):
    """An entity of a whole device (plug, charger, monitor), read from /devices."""

    _attr_has_entity_name = True

    def __init__(
        self, data: EmporiaData, description: EntityDescription, gid: int, info: DeviceInfo
    ) -> None:
        super().__init__(data.devices)
        self.entity_description = description
        self._data = data
        self.gid = gid
        self._attr_unique_id = f"{device_key(gid)}_{description.key}"
        self._attr_device_info = info

    @property
    def device(self) -> EmporiaDevice | None:
        """The device as /devices last described it."""
        return self._data.device(self.gid)

    @property
    def available(self) -> bool:
        """Available while /devices lists the device."""
        return super().available and self.device is not None


@callback
def add_device_entities(
    hass: HomeAssistant,
    entry: EmporiaConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    entities_for: Callable[[EmporiaDevice, DeviceInfo], Iterable[Entity]],
) -> None:
    """Add one platform's device entities, now and for each device /devices adds later."""
    data = entry.runtime_data
    data.channels.add_entities(
        (data.devices,),
        async_add_entities,
        keys=lambda: list(data.devices.data or {}),
        entities_for=lambda gid: entities_for(
            data.devices.data[gid], device_info(hass, entry, gid)
        ),
        device_key=device_key,
    )
