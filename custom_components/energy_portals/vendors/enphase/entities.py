"""What the Enphase charger shows and offers, platform by platform."""

from __future__ import annotations

from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.components.number import NumberDeviceClass, NumberMode
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import EntityCategory, UnitOfElectricCurrent, UnitOfEnergy

from ...binary_sensor import PortalBinarySensorDescription
from ...button import PortalButtonDescription
from ...number import PortalNumberDescription
from ...sensor import PortalSensorDescription
from ...switch import PortalSwitchDescription
from .api import Charger
from .const import MAX_CHARGING_CURRENT, MIN_CHARGING_CURRENT
from .coordinator import EnphaseCoordinator

# OCPP connector states, lower case; anything else the cloud invents shows as unknown.
CONNECTOR_STATUSES = [
    "available",
    "preparing",
    "charging",
    "suspended",
    "suspended_ev",
    "suspended_evse",
    "finishing",
    "reserved",
    "unavailable",
    "faulted",
]


def _connector_status(charger: Charger) -> str | None:
    status = charger.connector_status
    return status if status in CONNECTOR_STATUSES else None


BINARY_SENSORS: tuple[PortalBinarySensorDescription[Charger], ...] = (
    PortalBinarySensorDescription(
        key="connected",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda charger: charger.connected,
    ),
    PortalBinarySensorDescription(
        key="plugged_in",
        device_class=BinarySensorDeviceClass.PLUG,
        is_on_fn=lambda charger: charger.plugged_in,
    ),
    PortalBinarySensorDescription(
        key="charging",
        device_class=BinarySensorDeviceClass.BATTERY_CHARGING,
        is_on_fn=lambda charger: charger.charging,
    ),
    PortalBinarySensorDescription(
        key="faulted",
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=lambda charger: charger.faulted,
    ),
    PortalBinarySensorDescription(
        key="schedule_enabled",
        translation_key="schedule_enabled",
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda charger: charger.schedule_enabled,
    ),
)

SENSORS: tuple[PortalSensorDescription[Charger], ...] = (
    PortalSensorDescription(
        key="connector_status",
        translation_key="connector_status",
        device_class=SensorDeviceClass.ENUM,
        options=CONNECTOR_STATUSES,
        value_fn=_connector_status,
    ),
    PortalSensorDescription(
        key="session_energy",
        translation_key="session_energy",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda charger: charger.session_energy,
    ),
    PortalSensorDescription(
        key="session_cost",
        translation_key="session_cost",
        suggested_display_precision=2,
        value_fn=lambda charger: charger.session_cost,
    ),
    PortalSensorDescription(
        key="session_start",
        translation_key="session_start",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda charger: charger.session_start,
    ),
    PortalSensorDescription(
        key="charging_level",
        translation_key="charging_level",
        device_class=SensorDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        value_fn=lambda charger: charger.charging_level,
    ),
)

SWITCHES: tuple[PortalSwitchDescription[EnphaseCoordinator, Charger], ...] = (
    PortalSwitchDescription(
        key="charging_switch",
        translation_key="charging",
        is_on_fn=lambda charger: charger.charging,
        turn_fn=lambda coordinator, charger, on: (
            coordinator.async_start_charging(charger.serial)
            if on
            else coordinator.async_stop_charging(charger.serial)
        ),
    ),
)

NUMBERS: tuple[PortalNumberDescription[EnphaseCoordinator, Charger], ...] = (
    PortalNumberDescription(
        key="charging_current",
        translation_key="charging_current",
        device_class=NumberDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        native_min_value=MIN_CHARGING_CURRENT,
        native_max_value=MAX_CHARGING_CURRENT,
        native_step=1,
        mode=NumberMode.BOX,
        entity_category=EntityCategory.CONFIG,
        value_fn=lambda coordinator, charger: coordinator.charging_current(charger.serial),
        set_fn=lambda coordinator, charger, value: coordinator.async_set_charging_current(
            charger.serial, int(value)
        ),
    ),
)

BUTTONS: tuple[PortalButtonDescription[EnphaseCoordinator, Charger], ...] = (
    PortalButtonDescription(
        key="start_charging",
        translation_key="start_charging",
        press_fn=lambda coordinator, charger: coordinator.async_start_charging(charger.serial),
    ),
    PortalButtonDescription(
        key="stop_charging",
        translation_key="stop_charging",
        press_fn=lambda coordinator, charger: coordinator.async_stop_charging(charger.serial),
    ),
    PortalButtonDescription(
        key="request_meter_values",
        translation_key="request_meter_values",
        entity_category=EntityCategory.DIAGNOSTIC,
        press_fn=lambda coordinator, charger: coordinator.async_request_meter_values(
            charger.serial
        ),
    ),
    PortalButtonDescription(
        key="start_live_stream",
        translation_key="start_live_stream",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        press_fn=lambda coordinator, charger: coordinator.async_start_live_stream(),
    ),
    PortalButtonDescription(
        key="stop_live_stream",
        translation_key="stop_live_stream",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        press_fn=lambda coordinator, charger: coordinator.async_stop_live_stream(),
    ),
)
