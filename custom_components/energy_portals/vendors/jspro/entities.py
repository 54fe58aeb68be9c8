"""What a JSPro site shows: descriptions per device kind (controller, SCC, battery pack)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from operator import attrgetter
from typing import Any

from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfInformation,
    UnitOfPower,
    UnitOfTemperature,
    UnitOfTime,
)

from ...binary_sensor import PortalBinarySensorDescription
from ...button import PortalButtonDescription
from ...sensor import PortalSensorDescription, SensorValue
from .coordinator import JsproSystemCoordinator
from .models import (
    LOAD_STATUSES,
    ActivePack,
    AlarmOverview,
    BatteryPack,
    LoggerOverview,
    MonitoringData,
    RelayConfiguration,
    Scc,
    SystemData,
    SystemdStatus,
    SystemResources,
)

AMPERE = UnitOfElectricCurrent.AMPERE
VOLT = UnitOfElectricPotential.VOLT
CELSIUS = UnitOfTemperature.CELSIUS
MEASUREMENT = SensorStateClass.MEASUREMENT
AMPERE_HOUR = "Ah"


def _voltage[T](
    key: str, value_fn: Callable[[T], SensorValue], precision: int = 2, **kwargs: Any
) -> PortalSensorDescription[T]:
    return PortalSensorDescription(
        key=key,
        translation_key=f"jspro_{key}",
        device_class=SensorDeviceClass.VOLTAGE,
        state_class=MEASUREMENT,
        native_unit_of_measurement=VOLT,
        suggested_display_precision=precision,
        value_fn=value_fn,
        **kwargs,
    )


def _current[T](key: str, value_fn: Callable[[T], SensorValue]) -> PortalSensorDescription[T]:
    return PortalSensorDescription(
        key=key,
        translation_key=f"jspro_{key}",
        device_class=SensorDeviceClass.CURRENT,
        state_class=MEASUREMENT,
        native_unit_of_measurement=AMPERE,
        suggested_display_precision=2,
        value_fn=value_fn,
    )


def _power[T](key: str, value_fn: Callable[[T], SensorValue]) -> PortalSensorDescription[T]:
    return PortalSensorDescription(
        key=key,
        translation_key=f"jspro_{key}",
        device_class=SensorDeviceClass.POWER,
        state_class=MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        suggested_display_precision=0,
        value_fn=value_fn,
    )


def _temperature[T](
    key: str, value_fn: Callable[[T], SensorValue], **kwargs: Any
) -> PortalSensorDescription[T]:
    return PortalSensorDescription(
        key=key,
        translation_key=f"jspro_{key}",
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=MEASUREMENT,
        native_unit_of_measurement=CELSIUS,
        suggested_display_precision=1,
        value_fn=value_fn,
        **kwargs,
    )


def _count[T](
    key: str, value_fn: Callable[[T], SensorValue], **kwargs: Any
) -> PortalSensorDescription[T]:
    return PortalSensorDescription(
        key=key,
        translation_key=f"jspro_{key}",
        state_class=MEASUREMENT,
        value_fn=value_fn,
        **kwargs,
    )


def _percentage[T](
    key: str, value_fn: Callable[[T], SensorValue], **kwargs: Any
) -> PortalSensorDescription[T]:
    return PortalSensorDescription(
        key=key,
        translation_key=f"jspro_{key}",
        state_class=MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=1,
        value_fn=value_fn,
        **kwargs,
    )


def _minutes(
    key: str, value_fn: Callable[[BatteryPack], SensorValue]
) -> PortalSensorDescription[BatteryPack]:
    return PortalSensorDescription(
        key=key,
        translation_key=f"jspro_{key}",
        device_class=SensorDeviceClass.DURATION,
        state_class=MEASUREMENT,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        value_fn=value_fn,
    )


def _problem[T](
    key: str, is_on_fn: Callable[[T], bool | None], attrs_fn: Callable[[T], dict[str, Any]]
) -> PortalBinarySensorDescription[T]:
    return PortalBinarySensorDescription(
        key=key,
        translation_key=f"jspro_{key}",
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=is_on_fn,
        attrs_fn=attrs_fn,
    )


def _scc_alarm(group: str) -> PortalBinarySensorDescription[Scc]:
    return _problem(
        f"{group.removesuffix('_status')}_alarm",
        lambda scc: scc.alarm_active(group),
        lambda scc: {"flags": scc.alarm_flags(group)},
    )


SCC_SENSORS: tuple[PortalSensorDescription[Scc], ...] = (
    _voltage("pv_voltage", lambda scc: scc.pv_voltage),
    _current("pv_current", lambda scc: scc.pv_current),
    _power("pv_power", lambda scc: scc.pv_power),
    _voltage("load_voltage", lambda scc: scc.load_voltage),
    _current("load_current", lambda scc: scc.load_current),
    _power("load_power", lambda scc: scc.load_power),
    _temperature("battery_temperature", lambda scc: scc.battery_temperature),
    _temperature("device_temperature", lambda scc: scc.device_temperature),
    PortalSensorDescription(
        key="load_status",
        translation_key="jspro_load_status",
        device_class=SensorDeviceClass.ENUM,
        options=list(LOAD_STATUSES),
        value_fn=lambda scc: scc.load_status,
    ),
    PortalSensorDescription(
        key="heartbeat",
        translation_key="jspro_heartbeat",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda scc: scc.heartbeat,
    ),
)
SCC_BINARY_SENSORS: tuple[PortalBinarySensorDescription[Scc], ...] = (
    _scc_alarm("battery_status"),
    _scc_alarm("charging_status"),
    _scc_alarm("discharging_status"),
)

RELAY_SENSORS: tuple[PortalSensorDescription[RelayConfiguration], ...] = tuple(
    _voltage(key, attrgetter(key), entity_category=EntityCategory.DIAGNOSTIC)
    for key in ("vsat_reconnect", "vsat_cutoff", "bts_reconnect", "bts_cutoff")
)

SITE_SENSORS: tuple[PortalSensorDescription[MonitoringData], ...] = (
    _power("site_pv_power", lambda data: data.pv_power),
    _power("site_load_power", lambda data: data.load_power),
    PortalSensorDescription(
        key="site_state_of_charge",
        translation_key="jspro_site_state_of_charge",
        device_class=SensorDeviceClass.BATTERY,
        state_class=MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=1,
        value_fn=lambda data: data.state_of_charge,
    ),
)

RESOURCE_SENSORS: tuple[PortalSensorDescription[SystemResources], ...] = (
    _percentage("cpu_usage", lambda res: res.cpu_usage, entity_category=EntityCategory.DIAGNOSTIC),
    _percentage(
        "memory_usage", lambda res: res.memory_usage, entity_category=EntityCategory.DIAGNOSTIC
    ),
    _temperature(
        "controller_temperature",
        lambda res: res.temperature,
        entity_category=EntityCategory.DIAGNOSTIC,
    ),
    *(
        PortalSensorDescription[SystemResources](
            key=key,
            translation_key=f"jspro_{key}",
            device_class=SensorDeviceClass.DATA_SIZE,
            state_class=MEASUREMENT,
            native_unit_of_measurement=UnitOfInformation.GIGABYTES,
            suggested_display_precision=1,
            entity_category=EntityCategory.DIAGNOSTIC,
            value_fn=value_fn,
        )
        for key, value_fn in (
            ("disk_used", lambda res: res.disk_used),
            ("disk_free", lambda res: res.disk_free),
        )
    ),
)

SYSTEMD_SENSORS: tuple[PortalSensorDescription[SystemdStatus], ...] = (
    _count("services_active", lambda sd: sd.active, entity_category=EntityCategory.DIAGNOSTIC),
    _count("services_inactive", lambda sd: sd.inactive, entity_category=EntityCategory.DIAGNOSTIC),
    _count("services_failed", lambda sd: sd.failed, entity_category=EntityCategory.DIAGNOSTIC),
    PortalSensorDescription(
        key="uptime",
        translation_key="jspro_uptime",
        device_class=SensorDeviceClass.DURATION,
        state_class=MEASUREMENT,
        native_unit_of_measurement=UnitOfTime.HOURS,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda sd: None if sd.uptime is None else round(sd.uptime / 3600, 2),
    ),
)
SYSTEMD_BINARY_SENSORS: tuple[PortalBinarySensorDescription[SystemdStatus], ...] = (
    _problem(
        "service_failed",
        lambda sd: sd.any_failed,
        lambda sd: {"failed_services": sd.failed_services},
    ),
)

LOGGER_SENSORS: tuple[PortalSensorDescription[LoggerOverview], ...] = (
    _count(
        "logger_records", lambda lo: lo.logger_records, entity_category=EntityCategory.DIAGNOSTIC
    ),
    _count(
        "sqlite_records", lambda lo: lo.sqlite_records, entity_category=EntityCategory.DIAGNOSTIC
    ),
)
ALARM_SENSORS: tuple[PortalSensorDescription[AlarmOverview], ...] = (
    _count("alarm_logs", lambda al: al.total_alarm_logs),
)

CONTROLLER_BUTTONS: tuple[PortalButtonDescription[JsproSystemCoordinator, SystemData], ...] = (
    PortalButtonDescription(
        key="clear_alarm_log",
        translation_key="jspro_clear_alarm_log",
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        press_fn=lambda coordinator, _: coordinator.async_clear_alarm_log(),
    ),
)

PACK_SENSORS: tuple[PortalSensorDescription[BatteryPack], ...] = (
    PortalSensorDescription(
        key="state_of_charge",
        translation_key="jspro_state_of_charge",
        device_class=SensorDeviceClass.BATTERY,
        state_class=MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=1,
        value_fn=lambda pack: pack.soc,
    ),
    _percentage("state_of_health", lambda pack: pack.soh),
    _voltage("pack_voltage", lambda pack: pack.pack_voltage),
    _current("pack_current", lambda pack: pack.pack_current),
    _count(
        "remaining_capacity",
        lambda pack: pack.remaining_capacity,
        native_unit_of_measurement=AMPERE_HOUR,
    ),
    _count(
        "full_capacity",
        lambda pack: pack.full_capacity,
        native_unit_of_measurement=AMPERE_HOUR,
        entity_category=EntityCategory.DIAGNOSTIC,
    ),
    PortalSensorDescription(
        key="cycle_count",
        translation_key="jspro_cycle_count",
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda pack: pack.cycle_count,
    ),
    _voltage("max_cell_voltage", lambda pack: pack.max_cell_voltage, precision=3),
    _voltage("min_cell_voltage", lambda pack: pack.min_cell_voltage, precision=3),
    _voltage("average_cell_voltage", lambda pack: pack.average_cell_voltage, precision=3),
    PortalSensorDescription(
        key="cell_difference",
        translation_key="jspro_cell_difference",
        device_class=SensorDeviceClass.VOLTAGE,
        state_class=MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricPotential.MILLIVOLT,
        suggested_display_precision=0,
        value_fn=lambda pack: pack.cell_difference,
    ),
    _temperature("max_cell_temperature", lambda pack: pack.max_cell_temperature),
    _temperature("min_cell_temperature", lambda pack: pack.min_cell_temperature),
    _temperature("average_cell_temperature", lambda pack: pack.average_cell_temperature),
    _temperature("fet_temperature", lambda pack: pack.fet_temperature),
    _temperature("ambient_temperature", lambda pack: pack.ambient_temperature),
    _temperature("environment_temperature", lambda pack: pack.environment_temperature),
    _minutes("remaining_charge_time", lambda pack: pack.remaining_charge_time),
    _minutes("remaining_discharge_time", lambda pack: pack.remaining_discharge_time),
)
PACK_BINARY_SENSORS: tuple[PortalBinarySensorDescription[BatteryPack], ...] = (
    _problem("pack_warning", lambda pack: pack.warning, lambda p: {"flags": list(p.warning_flags)}),
    _problem(
        "pack_protection",
        lambda pack: pack.protection,
        lambda p: {"flags": list(p.protection_flags)},
    ),
    _problem("pack_fault", lambda pack: pack.fault, lambda p: {"flags": list(p.fault_flags)}),
)
ACTIVE_BINARY_SENSORS: tuple[PortalBinarySensorDescription[ActivePack], ...] = (
    PortalBinarySensorDescription(
        key="active",
        translation_key="jspro_pack_active",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        is_on_fn=lambda pack: pack.active,
    ),
)


def _cell_value(
    values: Callable[[BatteryPack], tuple[float | None, ...]], index: int
) -> Callable[[BatteryPack], float | None]:
    def value(pack: BatteryPack) -> float | None:
        cells = values(pack)
        return cells[index] if index < len(cells) else None

    return value


@cache
def cell_voltage(index: int) -> PortalSensorDescription[BatteryPack]:
    """The voltage of cell `index` (0-based; named from 1), disabled by default."""
    return PortalSensorDescription(
        key=f"cell_voltage_{index + 1}",
        translation_key="jspro_cell_voltage",
        translation_placeholders={"cell": str(index + 1)},
        device_class=SensorDeviceClass.VOLTAGE,
        state_class=MEASUREMENT,
        native_unit_of_measurement=VOLT,
        suggested_display_precision=3,
        entity_registry_enabled_default=False,
        value_fn=_cell_value(lambda pack: pack.cell_voltages, index),
    )


@cache
def cell_temperature(index: int) -> PortalSensorDescription[BatteryPack]:
    """The temperature of cell sensor `index` (0-based; named from 1), disabled by default."""
    return PortalSensorDescription(
        key=f"cell_temperature_{index + 1}",
        translation_key="jspro_cell_temperature",
        translation_placeholders={"sensor": str(index + 1)},
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=MEASUREMENT,
        native_unit_of_measurement=CELSIUS,
        suggested_display_precision=1,
        entity_registry_enabled_default=False,
        value_fn=_cell_value(lambda pack: pack.cell_temperatures, index),
    )
