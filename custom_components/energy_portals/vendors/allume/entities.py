"""The Allume sensors of a property and of its building."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import PERCENTAGE, UnitOfEnergy, UnitOfMass

from ...sensor import PortalSensorDescription
from .coordinator import PropertyData
from .models import Energy


def _today_energy(
    key: str, value: Callable[[Energy], float]
) -> PortalSensorDescription[PropertyData]:
    """Today's energy: it only grows during the local day and resets at local midnight."""
    return PortalSensorDescription(
        key=key,
        translation_key=f"allume_{key}",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda data: round(value(data.today), 3),
    )


def _last_hour(key: str, value: Callable[[Energy], float]) -> PortalSensorDescription[PropertyData]:
    """The last complete hour's energy (no state class: it is not a running total)."""
    return PortalSensorDescription(
        key=key,
        translation_key=f"allume_{key}",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda data: (
            None if data.last_hour is None else round(value(data.last_hour.energy), 3)
        ),
        attrs_fn=_hour_attrs,
    )


def _hour_attrs(data: PropertyData) -> dict[str, Any]:
    hour = data.last_hour
    return {"hour_start": hour.start.isoformat() if hour else None}


def _percent(
    key: str, value: Callable[[PropertyData], float | None]
) -> PortalSensorDescription[PropertyData]:
    return PortalSensorDescription(
        key=key,
        translation_key=f"allume_{key}",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=value,
    )


PROPERTY_SENSORS: tuple[PortalSensorDescription[PropertyData], ...] = (
    _today_energy("energy_demand_today", lambda e: e.demand),
    _today_energy("solar_consumed_today", lambda e: e.solar_consumed),
    _today_energy("solar_delivered_today", lambda e: e.solar_delivered),
    _today_energy("solar_exported_today", lambda e: e.solar_exported),
    _today_energy("grid_import_today", lambda e: e.grid_import),
    PortalSensorDescription(
        key="emissions_avoided_today",
        translation_key="allume_emissions_avoided_today",
        device_class=SensorDeviceClass.WEIGHT,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfMass.KILOGRAMS,
        suggested_display_precision=2,
        value_fn=lambda data: round(data.today.emissions_avoided, 3),
    ),
    _percent("self_consumption_rate", lambda data: data.today.self_consumption_rate),
    _percent("solar_share", lambda data: data.today.solar_share),
    _last_hour("last_hour_energy_demand", lambda e: e.demand),
    _last_hour("last_hour_solar_consumed", lambda e: e.solar_consumed),
    _last_hour("last_hour_grid_import", lambda e: e.grid_import),
)

# Only for properties whose building data the account may read.
BUILDING_SHARE = _percent("building_solar_share", lambda data: data.building_share)


def _building_energy(key: str, value: Callable[[Energy], float]) -> PortalSensorDescription[Energy]:
    return PortalSensorDescription(
        key=key,
        translation_key=f"allume_building_{key}",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=1,
        value_fn=lambda energy: round(value(energy), 3),
    )


BUILDING_SENSORS: tuple[PortalSensorDescription[Energy], ...] = (
    _building_energy("solar_delivered_today", lambda e: e.solar_delivered),
    _building_energy("solar_consumed_today", lambda e: e.solar_consumed),
    _building_energy("solar_exported_today", lambda e: e.solar_exported),
    _building_energy("energy_demand_today", lambda e: e.demand),
)
