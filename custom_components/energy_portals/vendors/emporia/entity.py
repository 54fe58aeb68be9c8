"""The base entity of an Emporia channel, and the devices (monitors, plugs, chargers) it sits on."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from ...const import DOMAIN
from .const import MANUFACTURER
from .coordinator import EmporiaConfigEntry, EmporiaData, EmporiaLiveCoordinator, device_key
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
