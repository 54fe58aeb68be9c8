"""Emporia device states from /devices: a smart plug's outlet, an EV charger on, and whether
Emporia hears from each device. Read-only: the proxy has no control endpoint."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import EmporiaDevice
from .coordinator import EmporiaConfigEntry
from .entity import EmporiaDeviceEntity, add_device_entities


@dataclass(frozen=True, kw_only=True)
class EmporiaBinarySensorEntityDescription(BinarySensorEntityDescription):
    """A binary sensor read from a device of /devices; `exists_fn` says which devices have it."""

    exists_fn: Callable[[EmporiaDevice], bool]
    is_on_fn: Callable[[EmporiaDevice], bool | None]
    attrs_fn: Callable[[EmporiaDevice], Mapping[str, Any]] | None = None


BINARY_SENSORS: tuple[EmporiaBinarySensorEntityDescription, ...] = (
    EmporiaBinarySensorEntityDescription(
        key="outlet_on",
        translation_key="emporia_outlet_on",
        device_class=BinarySensorDeviceClass.POWER,
        exists_fn=lambda device: device.is_outlet,
        is_on_fn=lambda device: device.outlet_on,
    ),
    EmporiaBinarySensorEntityDescription(
        key="charger_on",
        translation_key="emporia_charger_on",
        device_class=BinarySensorDeviceClass.POWER,
        exists_fn=lambda device: device.ev_charger is not None,
        is_on_fn=lambda device: device.ev_charger.on if device.ev_charger else None,
    ),
    EmporiaBinarySensorEntityDescription(
        key="connected",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda device: device.connection is not None,
        is_on_fn=lambda device: device.connection.connected if device.connection else None,
        attrs_fn=lambda device: {
            "offline_since": (
                device.connection.offline_since.isoformat()
                if device.connection and device.connection.offline_since
                else None
            )
        },
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EmporiaConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each device's binary sensors, now and when /devices lists a new device."""
    data = entry.runtime_data

    def entities_for(device: EmporiaDevice, info: DeviceInfo) -> list[EmporiaBinarySensor]:
        return [
            EmporiaBinarySensor(data, description, device.gid, info)
            for description in BINARY_SENSORS
            if description.exists_fn(device)
        ]

    add_device_entities(hass, entry, async_add_entities, entities_for)


class EmporiaBinarySensor(EmporiaDeviceEntity, BinarySensorEntity):
    """A binary sensor of an Emporia device."""

    entity_description: EmporiaBinarySensorEntityDescription

    @property
    def is_on(self) -> bool | None:
        """The description's reading of the device."""
        device = self.device
        return None if device is None else self.entity_description.is_on_fn(device)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Since when an offline device is offline."""
        device, attrs_fn = self.device, self.entity_description.attrs_fn
        return None if device is None or attrs_fn is None else attrs_fn(device)
