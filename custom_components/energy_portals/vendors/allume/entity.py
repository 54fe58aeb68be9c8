"""The base entities of an Allume property and of its building (SolShare project)."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from ...const import DOMAIN
from .coordinator import AllumeCoordinator, Building, PropertyData, building_key, property_key
from .models import Energy, Property

MANUFACTURER = "Allume Energy"


class AllumePropertyEntity(CoordinatorEntity[AllumeCoordinator]):
    """An entity of one property, unavailable while its data could not be read."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: AllumeCoordinator, description: EntityDescription, prop: Property
    ) -> None:
        super().__init__(coordinator)
        self.entity_description = description
        self.property_id = prop.property_id
        key = property_key(prop.property_id)
        self._attr_unique_id = f"{key}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, key)},
            manufacturer=MANUFACTURER,
            model="SolShare property",
            name=prop.address,
            serial_number=prop.nmi,
        )

    @property
    def property_data(self) -> PropertyData | None:
        """The property's latest data."""
        data = self.coordinator.data
        return data.properties.get(self.property_id) if data else None

    @property
    def available(self) -> bool:
        """Available while the property's data was read."""
        return super().available and self.property_data is not None


class AllumeBuildingEntity(CoordinatorEntity[AllumeCoordinator]):
    """An entity of one building, unavailable while its data could not be read."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: AllumeCoordinator, description: EntityDescription, building: Building
    ) -> None:
        super().__init__(coordinator)
        self.entity_description = description
        self.project_id = building.project_id
        key = building_key(building.project_id)
        self._attr_unique_id = f"{key}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, key)},
            manufacturer=MANUFACTURER,
            model="SolShare",
            name=building.name,
        )

    @property
    def building_today(self) -> Energy | None:
        """The building's energy today."""
        data = self.coordinator.data
        return data.buildings.get(self.project_id) if data else None

    @property
    def available(self) -> bool:
        """Available while the building's data was read."""
        return super().available and self.building_today is not None
