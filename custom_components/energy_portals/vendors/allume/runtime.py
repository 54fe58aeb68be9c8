"""An Allume entry at run time: the coordinator, a device per property and per building."""

from __future__ import annotations

from dataclasses import asdict
from functools import partial
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...const import DOMAIN
from ...devices import DeviceTracker
from ...entity import PortalDevice
from ...runtime import PortalConfigEntry, VendorRuntime
from ...sensor import PortalSensor
from .const import VENDOR_KEY
from .coordinator import AllumeCoordinator, AllumeData, Building, PropertyData
from .entities import BUILDING_SENSORS, BUILDING_SHARE, PROPERTY_SENSORS
from .models import Energy, Property

MANUFACTURER = "Allume Energy"


def property_key(property_id: str) -> str:
    """The device identifier and unique-id prefix of a property."""
    return f"{VENDOR_KEY}_{property_id}"


def building_key(project_id: str) -> str:
    """The device identifier and unique-id prefix of a building (SolShare project)."""
    return f"{VENDOR_KEY}_project_{project_id}"


class AllumeRuntime(VendorRuntime):
    """The account's coordinator, its properties and their buildings.

    The coordinator reloads the entry when the account's properties change; a property or
    building no longer reported is removed once it has been gone for an hour.
    """

    def __init__(
        self, hass: HomeAssistant, entry: PortalConfigEntry, coordinator: AllumeCoordinator
    ) -> None:
        self.coordinator = coordinator
        self._presence = DeviceTracker(hass, entry, f"{VENDOR_KEY}_", "Allume device")
        self._presence.update(self.reported_device_keys())
        coordinator.on_fetched = self._refreshed
        entry.async_on_unload(self._stop_tracking)

    @callback
    def _stop_tracking(self) -> None:
        self.coordinator.on_fetched = None

    @callback
    def _refreshed(self, data: AllumeData) -> None:
        self._presence.update(self.reported_device_keys())

    def reported_device_keys(self) -> set[str]:
        coordinator = self.coordinator
        return {property_key(prop.property_id) for prop in coordinator.properties} | {
            building_key(project_id) for project_id in coordinator.buildings
        }

    def property_data(self, property_id: str) -> PropertyData | None:
        data = self.coordinator.data
        return data.properties.get(property_id) if data else None

    def building_data(self, project_id: str) -> Energy | None:
        data = self.coordinator.data
        return data.buildings.get(project_id) if data else None

    def property_device(self, prop: Property) -> PortalDevice[PropertyData]:
        key = property_key(prop.property_id)
        return PortalDevice(
            key=key,
            info=DeviceInfo(
                identifiers={(DOMAIN, key)},
                manufacturer=MANUFACTURER,
                model="SolShare property",
                name=prop.address,
                serial_number=prop.nmi,
            ),
            data=partial(self.property_data, prop.property_id),
        )

    def building_device(self, building: Building) -> PortalDevice[Energy]:
        key = building_key(building.project_id)
        return PortalDevice(
            key=key,
            info=DeviceInfo(
                identifiers={(DOMAIN, key)},
                manufacturer=MANUFACTURER,
                model="SolShare",
                name=building.name,
            ),
            data=partial(self.building_data, building.project_id),
        )

    def add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        if platform is not Platform.SENSOR:
            return
        coordinator = self.coordinator
        entities: list[Entity] = []
        for prop in coordinator.properties:
            device = self.property_device(prop)
            entities += [PortalSensor(coordinator, d, device) for d in PROPERTY_SENSORS]
            if prop.project_id in coordinator.buildings:
                entities.append(PortalSensor(coordinator, BUILDING_SHARE, device))
        for building in coordinator.buildings.values():
            building_device = self.building_device(building)
            entities += [PortalSensor(coordinator, d, building_device) for d in BUILDING_SENSORS]
        async_add_entities(entities)

    def diagnostics(self) -> dict[str, Any]:
        coordinator = self.coordinator
        data = coordinator.data
        properties = []
        for prop in coordinator.properties:
            current = data.properties.get(prop.property_id) if data else None
            properties.append(
                {
                    **asdict(prop),
                    "data": asdict(current) if current else None,
                    "statistics_imported_until": coordinator.statistics.diagnostics(prop),
                }
            )
        return {
            "update_interval": str(coordinator.update_interval),
            "statistics_enabled": coordinator.statistics.enabled,
            "properties": properties,
            "buildings": [
                {
                    **asdict(building),
                    "today": asdict(today) if data and (today := data.buildings.get(pid)) else None,
                }
                for pid, building in coordinator.buildings.items()
            ],
        }
