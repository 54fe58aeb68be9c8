"""The Allume sensors: a property's day, last hour and live interval, and its building's day."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, UnitOfEnergy, UnitOfMass, UnitOfPower
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import AllumeConfigEntry, PropertyData
from .entity import AllumeBuildingEntity, AllumeLiveEntity, AllumePropertyEntity
from .live import LiveReading
from .models import Energy


@dataclass(frozen=True, kw_only=True)
class AllumePropertySensorEntityDescription(SensorEntityDescription):
    """A sensor read from a property's data."""

    value_fn: Callable[[PropertyData], float | None]
    attrs_fn: Callable[[PropertyData], Mapping[str, Any]] | None = None


@dataclass(frozen=True, kw_only=True)
class AllumeBuildingSensorEntityDescription(SensorEntityDescription):
    """A sensor read from a building's energy today."""

    value_fn: Callable[[Energy], float]


def _hour_attrs(data: PropertyData) -> Mapping[str, Any]:
    hour = data.last_hour
    return {"hour_start": hour.start.isoformat() if hour else None}


# Today's energy only grows during the local day and resets at local midnight; the last hour's
# has no state class (it is not a running total).
PROPERTY_SENSORS: tuple[AllumePropertySensorEntityDescription, ...] = (
    AllumePropertySensorEntityDescription(
        key="energy_demand_today",
        translation_key="allume_energy_demand_today",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda data: round(data.today.demand, 3),
    ),
    AllumePropertySensorEntityDescription(
        key="solar_consumed_today",
        translation_key="allume_solar_consumed_today",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda data: round(data.today.solar_consumed, 3),
    ),
    AllumePropertySensorEntityDescription(
        key="solar_delivered_today",
        translation_key="allume_solar_delivered_today",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda data: round(data.today.solar_delivered, 3),
    ),
    AllumePropertySensorEntityDescription(
        key="solar_exported_today",
        translation_key="allume_solar_exported_today",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda data: round(data.today.solar_exported, 3),
    ),
    AllumePropertySensorEntityDescription(
        key="grid_import_today",
        translation_key="allume_grid_import_today",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda data: round(data.today.grid_import, 3),
    ),
    AllumePropertySensorEntityDescription(
        key="emissions_avoided_today",
        translation_key="allume_emissions_avoided_today",
        device_class=SensorDeviceClass.WEIGHT,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfMass.KILOGRAMS,
        suggested_display_precision=2,
        value_fn=lambda data: round(data.today.emissions_avoided, 3),
    ),
    AllumePropertySensorEntityDescription(
        key="self_consumption_rate",
        translation_key="allume_self_consumption_rate",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda data: data.today.self_consumption_rate,
    ),
    AllumePropertySensorEntityDescription(
        key="solar_share",
        translation_key="allume_solar_share",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda data: data.today.solar_share,
    ),
    AllumePropertySensorEntityDescription(
        key="last_hour_energy_demand",
        translation_key="allume_last_hour_energy_demand",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda data: round(data.last_hour.energy.demand, 3) if data.last_hour else None,
        attrs_fn=_hour_attrs,
    ),
    AllumePropertySensorEntityDescription(
        key="last_hour_solar_consumed",
        translation_key="allume_last_hour_solar_consumed",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda data: (
            round(data.last_hour.energy.solar_consumed, 3) if data.last_hour else None
        ),
        attrs_fn=_hour_attrs,
    ),
    AllumePropertySensorEntityDescription(
        key="last_hour_grid_import",
        translation_key="allume_last_hour_grid_import",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda data: (
            round(data.last_hour.energy.grid_import, 3) if data.last_hour else None
        ),
        attrs_fn=_hour_attrs,
    ),
    AllumePropertySensorEntityDescription(
        key="last_hour_solar_exported",
        translation_key="allume_last_hour_solar_exported",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda data: (
            round(data.last_hour.energy.solar_exported, 3) if data.last_hour else None
        ),
        attrs_fn=_hour_attrs,
    ),
    AllumePropertySensorEntityDescription(
        key="last_hour_solar_share",
        translation_key="allume_last_hour_solar_share",
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=0,
        value_fn=lambda data: data.last_hour.energy.solar_share if data.last_hour else None,
        attrs_fn=_hour_attrs,
    ),
)


@dataclass(frozen=True, kw_only=True)
class AllumeLiveSensorEntityDescription(SensorEntityDescription):
    """A sensor read from a property's newest 5-minute interval."""

    value_fn: Callable[[LiveReading], float | None]


def _watts(kwh: Callable[[Energy], float]) -> Callable[[LiveReading], float]:
    return lambda reading: reading.average_watts(kwh(reading.energy))


# Average power over the newest closed 5-minute interval (the API has no instantaneous power).
LIVE_SENSORS: tuple[AllumeLiveSensorEntityDescription, ...] = (
    AllumeLiveSensorEntityDescription(
        key="live_solar_consumed",
        translation_key="allume_live_solar_consumed",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        suggested_display_precision=0,
        value_fn=_watts(lambda energy: energy.solar_consumed),
    ),
    AllumeLiveSensorEntityDescription(
        key="live_grid_import",
        translation_key="allume_live_grid_import",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        suggested_display_precision=0,
        value_fn=_watts(lambda energy: energy.grid_import),
    ),
    AllumeLiveSensorEntityDescription(
        key="live_solar_exported",
        translation_key="allume_live_solar_exported",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        suggested_display_precision=0,
        value_fn=_watts(lambda energy: energy.solar_exported),
    ),
    AllumeLiveSensorEntityDescription(
        key="live_solar_share",
        translation_key="allume_live_solar_share",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda reading: reading.energy.solar_share,
    ),
)

# Only for properties whose building data the account may read.
BUILDING_SHARE = AllumePropertySensorEntityDescription(
    key="building_solar_share",
    translation_key="allume_building_solar_share",
    native_unit_of_measurement=PERCENTAGE,
    state_class=SensorStateClass.MEASUREMENT,
    suggested_display_precision=0,
    value_fn=lambda data: data.building_share,
)

BUILDING_SENSORS: tuple[AllumeBuildingSensorEntityDescription, ...] = (
    AllumeBuildingSensorEntityDescription(
        key="solar_delivered_today",
        translation_key="allume_building_solar_delivered_today",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=1,
        value_fn=lambda energy: round(energy.solar_delivered, 3),
    ),
    AllumeBuildingSensorEntityDescription(
        key="solar_consumed_today",
        translation_key="allume_building_solar_consumed_today",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=1,
        value_fn=lambda energy: round(energy.solar_consumed, 3),
    ),
    AllumeBuildingSensorEntityDescription(
        key="solar_exported_today",
        translation_key="allume_building_solar_exported_today",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=1,
        value_fn=lambda energy: round(energy.solar_exported, 3),
    ),
    AllumeBuildingSensorEntityDescription(
        key="energy_demand_today",
        translation_key="allume_building_energy_demand_today",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=1,
        value_fn=lambda energy: round(energy.demand, 3),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AllumeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of every property and building (the entry reloads when they change)."""
    coordinator = entry.runtime_data
    entities: list[Entity] = []
    for prop in coordinator.properties:
        entities += [
            AllumePropertySensor(coordinator, description, prop) for description in PROPERTY_SENSORS
        ]
        if prop.project_id in coordinator.buildings:
            entities.append(AllumePropertySensor(coordinator, BUILDING_SHARE, prop))
        if coordinator.live is not None:
            entities += [
                AllumeLiveSensor(coordinator.live, description, prop)
                for description in LIVE_SENSORS
            ]
    for building in coordinator.buildings.values():
        entities += [
            AllumeBuildingSensor(coordinator, description, building)
            for description in BUILDING_SENSORS
        ]
    async_add_entities(entities)


class AllumePropertySensor(AllumePropertyEntity, SensorEntity):
    """A sensor of a property."""

    entity_description: AllumePropertySensorEntityDescription

    @property
    def native_value(self) -> float | None:
        """The description's reading of the property's data."""
        data = self.property_data
        return None if data is None else self.entity_description.value_fn(data)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """The hour a last-hour sensor describes."""
        data, attrs_fn = self.property_data, self.entity_description.attrs_fn
        return None if data is None or attrs_fn is None else attrs_fn(data)


class AllumeBuildingSensor(AllumeBuildingEntity, SensorEntity):
    """A sensor of a building."""

    entity_description: AllumeBuildingSensorEntityDescription

    @property
    def native_value(self) -> float | None:
        """The description's reading of the building's day."""
        today = self.building_today
        return None if today is None else self.entity_description.value_fn(today)


class AllumeLiveSensor(AllumeLiveEntity, SensorEntity):
    """A live sensor of a property: its newest 5-minute interval."""

    entity_description: AllumeLiveSensorEntityDescription

    @property
    def native_value(self) -> float | None:
        """The description's reading of the interval (unknown once it is too old)."""
        reading = self.reading
        return None if reading is None else self.entity_description.value_fn(reading)
