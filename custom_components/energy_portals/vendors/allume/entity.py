"""The base entities of an Allume property and of its building (SolShare project)."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from ...const import DOMAIN
from .coordinator import AllumeCoordinator, Building, PropertyData, building_key, property_key
from .live import AllumeLiveCoordinator, LiveReading
from .models import Energy, Property

MANUFACTURER = "Allume Energy"


def property_device(prop: Property) -> DeviceInfo:
    """The device of a property (its address, its NMI)."""
    return DeviceInfo(
        identifiers={(DOMAIN, property_key(prop.property_id))},
        manufacturer=MANUFACTURER,
        model="SolShare property",
        name=prop.address,
        serial_number=prop.nmi,
    )


class AllumePropertyEntity(CoordinatorEntity[AllumeCoordinator]):
    """An entity of one property, unavailable while its data could not be read."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: AllumeCoordinator, description: EntityDescription, prop: Property
    ) -> None:
        super().__init__(coordinator)
        self.entity_description = description
        self.property_id = prop.property_id
        self._attr_unique_id = f"{property_key(prop.property_id)}_{description.key}"
        self._attr_device_info = property_device(prop)

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


class AllumeLiveEntity(CoordinatorEntity[AllumeLiveCoordinator]):
    """A live entity of one property: its newest 5-minute interval."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: AllumeLiveCoordinator, description: EntityDescription, prop: Property
    ) -> None:
        super().__init__(coordinator)
        self.entity_description = description
        self.property_id = prop.property_id
        self._attr_unique_id = f"{property_key(prop.property_id)}_{description.key}"
        self._attr_device_info = property_device(prop)

    @property
    def reading(self) -> LiveReading | None:
        """The property's newest reading, while it still says what happens now."""
        return self.coordinator.reading(self.property_id)

    @property
    def extra_state_attributes(self) -> dict[str, str] | None:
        """The interval the reading describes."""
        reading = self.reading
        if reading is None:
            return None
        return {
            "interval_start": reading.start.isoformat(),
            "interval_end": reading.end.isoformat(),
        }
