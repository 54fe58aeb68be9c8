"""The sensors of a JSPro site: the controller's, each SCC's and each pack's (with its cells)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from operator import attrgetter
from typing import Any, NamedTuple

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
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
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from .coordinator import JsproConfigEntry
from .entity import (
    JsproControllerEntity,
    JsproPackEntity,
    JsproSccEntity,
    add_pack_entities,
    add_power_entities,
    add_scc_entities,
)
from .models import LOAD_STATUSES, MonitoringData, PowerManagement, Scc
from .packs import BatteryPack


@dataclass(frozen=True, kw_only=True)
class JsproSensorEntityDescription[PartT](SensorEntityDescription):
    """A sensor read from one part of the site's data."""

    value_fn: Callable[[PartT], StateType | datetime]
    part_fn: Callable[[Any], PartT | None] = lambda data: data
    """The controller's sensors: which part of their coordinator's data they read."""


def _of_part[PartT](
    part_fn: Callable[[Any], PartT | None],
    descriptions: tuple[JsproSensorEntityDescription[PartT], ...],
) -> tuple[JsproSensorEntityDescription[PartT], ...]:
    """The controller's sensors that read one part (None while its endpoint is missing)."""
    return tuple(replace(description, part_fn=part_fn) for description in descriptions)


MEASUREMENT = SensorStateClass.MEASUREMENT
AMPERE_HOUR = "Ah"

# What a measurement of each kind shows: device class, unit, precision.
VOLTAGE: dict[str, Any] = {
    "device_class": SensorDeviceClass.VOLTAGE,
    "native_unit_of_measurement": UnitOfElectricPotential.VOLT,
    "suggested_display_precision": 2,
}
CURRENT: dict[str, Any] = {
    "device_class": SensorDeviceClass.CURRENT,
    "native_unit_of_measurement": UnitOfElectricCurrent.AMPERE,
    "suggested_display_precision": 2,
}
POWER: dict[str, Any] = {
    "device_class": SensorDeviceClass.POWER,
    "native_unit_of_measurement": UnitOfPower.WATT,
    "suggested_display_precision": 0,
}
TEMPERATURE: dict[str, Any] = {
    "device_class": SensorDeviceClass.TEMPERATURE,
    "native_unit_of_measurement": UnitOfTemperature.CELSIUS,
    "suggested_display_precision": 1,
}
BATTERY: dict[str, Any] = {
    "device_class": SensorDeviceClass.BATTERY,
    "native_unit_of_measurement": PERCENTAGE,
    "suggested_display_precision": 1,
}
PERCENT: dict[str, Any] = {
    "native_unit_of_measurement": PERCENTAGE,
    "suggested_display_precision": 1,
}
MINUTES: dict[str, Any] = {
    "device_class": SensorDeviceClass.DURATION,
    "native_unit_of_measurement": UnitOfTime.MINUTES,
}
COUNT: dict[str, Any] = {}
DATA_SIZE: dict[str, Any] = {
    "device_class": SensorDeviceClass.DATA_SIZE,
    "native_unit_of_measurement": UnitOfInformation.GIGABYTES,
    "suggested_display_precision": 1,
}
DIAGNOSTIC: dict[str, Any] = {"entity_category": EntityCategory.DIAGNOSTIC}


def _measured[T](
    key: str, value_fn: Callable[[T], StateType], kind: dict[str, Any], **extra: Any
) -> JsproSensorEntityDescription[T]:
    """A measurement of one kind, named by the translation key `jspro_<key>`."""
    return JsproSensorEntityDescription(
        key=key,
        translation_key=f"jspro_{key}",
        state_class=MEASUREMENT,
        value_fn=value_fn,
        **(kind | extra),
    )


SCC_SENSORS: tuple[JsproSensorEntityDescription[Scc], ...] = (
    _measured("pv_voltage", lambda scc: scc.pv_voltage, VOLTAGE),
    _measured("pv_current", lambda scc: scc.pv_current, CURRENT),
    _measured("pv_power", lambda scc: scc.pv_power, POWER),
    _measured("load_voltage", lambda scc: scc.load_voltage, VOLTAGE),
    _measured("load_current", lambda scc: scc.load_current, CURRENT),
    _measured("load_power", lambda scc: scc.load_power, POWER),
    _measured("battery_temperature", lambda scc: scc.battery_temperature, TEMPERATURE),
    _measured("device_temperature", lambda scc: scc.device_temperature, TEMPERATURE),
    JsproSensorEntityDescription(
        key="load_status",
        translation_key="jspro_load_status",
        device_class=SensorDeviceClass.ENUM,
        options=list(LOAD_STATUSES),
        value_fn=lambda scc: scc.load_status,
    ),
    JsproSensorEntityDescription(
        key="heartbeat",
        translation_key="jspro_heartbeat",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda scc: scc.heartbeat,
    ),
)

SITE_SENSORS: tuple[JsproSensorEntityDescription[MonitoringData], ...] = (
    _measured("site_pv_power", lambda data: data.pv_power, POWER),
    _measured("site_load_power", lambda data: data.load_power, POWER),
    _measured("site_state_of_charge", lambda data: data.state_of_charge, BATTERY),
)

RELAY_SENSORS = _of_part(
    lambda data: data.scc.relays if data.scc else None,
    tuple(
        _measured(key, attrgetter(key), VOLTAGE | DIAGNOSTIC)
        for key in ("vsat_reconnect", "vsat_cutoff", "bts_reconnect", "bts_cutoff")
    ),
)

RESOURCE_SENSORS = _of_part(
    attrgetter("resources"),
    (
        _measured("cpu_usage", lambda res: res.cpu_usage, PERCENT | DIAGNOSTIC),
        _measured("memory_usage", lambda res: res.memory_usage, PERCENT | DIAGNOSTIC),
        _measured("controller_temperature", lambda res: res.temperature, TEMPERATURE | DIAGNOSTIC),
        _measured("disk_used", lambda res: res.disk_used, DATA_SIZE | DIAGNOSTIC),
        _measured("disk_free", lambda res: res.disk_free, DATA_SIZE | DIAGNOSTIC),
    ),
)

SYSTEMD_SENSORS = _of_part(
    attrgetter("systemd"),
    (
        _measured("services_active", lambda sd: sd.active, COUNT | DIAGNOSTIC),
        _measured("services_inactive", lambda sd: sd.inactive, COUNT | DIAGNOSTIC),
        _measured("services_failed", lambda sd: sd.failed, COUNT | DIAGNOSTIC),
        JsproSensorEntityDescription(
            key="uptime",
            translation_key="jspro_uptime",
            device_class=SensorDeviceClass.DURATION,
            state_class=MEASUREMENT,
            native_unit_of_measurement=UnitOfTime.HOURS,
            suggested_display_precision=0,
            entity_category=EntityCategory.DIAGNOSTIC,
            value_fn=lambda sd: None if sd.uptime is None else round(sd.uptime / 3600, 2),
        ),
    ),
)

LOGGER_SENSORS = _of_part(
    attrgetter("logger"),
    (
        _measured("logger_records", lambda lo: lo.logger_records, COUNT | DIAGNOSTIC),
        _measured("sqlite_records", lambda lo: lo.sqlite_records, COUNT | DIAGNOSTIC),
    ),
)


def _device_time(moment: datetime | None) -> datetime | None:
    """A naive time the controller wrote, in its (Home Assistant's) time zone."""
    if moment is None:
        return None
    return moment.replace(tzinfo=dt_util.get_default_time_zone())


def _timestamp(
    key: str, value_fn: Callable[[PowerManagement], datetime | None]
) -> JsproSensorEntityDescription[PowerManagement]:
    return JsproSensorEntityDescription(
        key=key,
        translation_key=f"jspro_{key}",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=value_fn,
    )


def _reboots(
    key: str, value_fn: Callable[[PowerManagement], int | None]
) -> JsproSensorEntityDescription[PowerManagement]:
    return JsproSensorEntityDescription(
        key=key,
        translation_key=f"jspro_{key}",
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=value_fn,
    )


POWER_SENSORS = _of_part(
    attrgetter("power"),
    (
        _measured("disk_usage", lambda power: power.disk_usage, PERCENT | DIAGNOSTIC),
        _timestamp("last_boot", lambda power: power.last_boot),
        _measured(
            "auto_reboot_disk_threshold", lambda power: power.disk_threshold, PERCENT | DIAGNOSTIC
        ),
        _reboots("auto_reboots_this_month", lambda power: power.reboots_this_month),
        _reboots("auto_reboots", lambda power: power.reboots_total),
        _timestamp("last_auto_reboot", lambda power: _device_time(power.last_reboot)),
    ),
)

ALARM_SENSORS = _of_part(
    attrgetter("alarms"),
    (_measured("alarm_logs", lambda al: al.total_alarm_logs, COUNT),),
)

PACK_SENSORS: tuple[JsproSensorEntityDescription[BatteryPack], ...] = (
    _measured("state_of_charge", lambda pack: pack.soc, BATTERY),
    _measured("state_of_health", lambda pack: pack.soh, PERCENT),
    _measured("pack_voltage", lambda pack: pack.pack_voltage, VOLTAGE),
    _measured("pack_current", lambda pack: pack.pack_current, CURRENT),
    _measured(
        "remaining_capacity",
        lambda pack: pack.remaining_capacity,
        COUNT,
        native_unit_of_measurement=AMPERE_HOUR,
    ),
    _measured(
        "full_capacity",
        lambda pack: pack.full_capacity,
        COUNT,
        native_unit_of_measurement=AMPERE_HOUR,
        entity_category=EntityCategory.DIAGNOSTIC,
    ),
    JsproSensorEntityDescription(
        key="cycle_count",
        translation_key="jspro_cycle_count",
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda pack: pack.cycle_count,
    ),
    _measured(
        "max_cell_voltage",
        lambda pack: pack.max_cell_voltage,
        VOLTAGE,
        suggested_display_precision=3,
    ),
    _measured(
        "min_cell_voltage",
        lambda pack: pack.min_cell_voltage,
        VOLTAGE,
        suggested_display_precision=3,
    ),
    _measured(
        "average_cell_voltage",
        lambda pack: pack.average_cell_voltage,
        VOLTAGE,
        suggested_display_precision=3,
    ),
    JsproSensorEntityDescription(
        key="cell_difference",
        translation_key="jspro_cell_difference",
        device_class=SensorDeviceClass.VOLTAGE,
        state_class=MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricPotential.MILLIVOLT,
        suggested_display_precision=0,
        value_fn=lambda pack: pack.cell_difference,
    ),
    _measured("max_cell_temperature", lambda pack: pack.max_cell_temperature, TEMPERATURE),
    _measured("min_cell_temperature", lambda pack: pack.min_cell_temperature, TEMPERATURE),
    _measured("average_cell_temperature", lambda pack: pack.average_cell_temperature, TEMPERATURE),
    _measured("fet_temperature", lambda pack: pack.fet_temperature, TEMPERATURE),
    _measured("ambient_temperature", lambda pack: pack.ambient_temperature, TEMPERATURE),
    _measured("environment_temperature", lambda pack: pack.environment_temperature, TEMPERATURE),
    _measured("remaining_charge_time", lambda pack: pack.remaining_charge_time, MINUTES),
    _measured("remaining_discharge_time", lambda pack: pack.remaining_discharge_time, MINUTES),
)


def _cell_value(
    values: Callable[[BatteryPack], tuple[float | None, ...]], index: int
) -> Callable[[BatteryPack], float | None]:
    def value(pack: BatteryPack) -> float | None:
        cells = values(pack)
        return cells[index] if index < len(cells) else None

    return value


@cache
def cell_voltage(index: int) -> JsproSensorEntityDescription[BatteryPack]:
    """The voltage of cell `index` (0-based; named from 1), disabled by default."""
    return JsproSensorEntityDescription(
        key=f"cell_voltage_{index + 1}",
        translation_key="jspro_cell_voltage",
        translation_placeholders={"cell": str(index + 1)},
        state_class=MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=_cell_value(lambda pack: pack.cell_voltages, index),
        **(VOLTAGE | {"suggested_display_precision": 3}),
    )


@cache
def cell_temperature(index: int) -> JsproSensorEntityDescription[BatteryPack]:
    """The temperature of cell sensor `index` (0-based; named from 1), disabled by default."""
    return JsproSensorEntityDescription(
        key=f"cell_temperature_{index + 1}",
        translation_key="jspro_cell_temperature",
        translation_placeholders={"sensor": str(index + 1)},
        state_class=MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=_cell_value(lambda pack: pack.cell_temperatures, index),
        **TEMPERATURE,
    )


async def async_setup_entry(
    hass: HomeAssistant,
    entry: JsproConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the controller's sensors, and each SCC's, pack's and cell's as they appear."""
    data = entry.runtime_data
    monitoring, system = data.monitoring, data.system
    entities: list[Entity] = [
        JsproControllerSensor(data, monitoring, description)
        for description in (*SITE_SENSORS, *RELAY_SENSORS)
    ]
    entities += [
        JsproControllerSensor(data, system, description)
        for description in (*RESOURCE_SENSORS, *SYSTEMD_SENSORS, *LOGGER_SENSORS, *ALARM_SENSORS)
    ]
    async_add_entities(entities)
    add_power_entities(
        entry,
        async_add_entities,
        lambda: [JsproControllerSensor(data, system, d) for d in POWER_SENSORS],
    )
    add_scc_entities(
        entry,
        async_add_entities,
        lambda scc: [JsproSccSensor(data, d, scc) for d in SCC_SENSORS],
    )
    add_pack_entities(
        entry,
        async_add_entities,
        lambda pack: [JsproPackSensor(data, d, pack) for d in PACK_SENSORS],
    )
    monitoring.packs.add_entities(
        (monitoring,),
        async_add_entities,
        keys=lambda: _cells(monitoring.data),
        entities_for=lambda cell: [
            JsproPackSensor(data, cell.description(cell.position), cell.pack)
        ],
        device_key=lambda cell: monitoring.pack_key(cell.pack),
    )


class Cell(NamedTuple):
    """One cell sensor of a pack: its description's maker and the cell's position (from 0)."""

    pack: str
    description: Callable[[int], JsproSensorEntityDescription[BatteryPack]]
    position: int


def _cells(data: MonitoringData) -> list[Cell]:
    """Each reported cell voltage and temperature sensor, by pack (a BMS may report them late)."""
    return [
        Cell(pack_key, description, index)
        for pack_key, pack in (data.battery or {}).items()
        for description, count in (
            (cell_voltage, len(pack.cell_voltages)),
            (cell_temperature, len(pack.cell_temperatures)),
        )
        for index in range(count)
    ]


class JsproControllerSensor(JsproControllerEntity[Any], SensorEntity):
    """A sensor of the controller."""

    entity_description: JsproSensorEntityDescription[Any]

    @property
    def native_value(self) -> StateType | datetime:
        """The description's reading of its part."""
        part = self.part
        return None if part is None else self.entity_description.value_fn(part)


class JsproSccSensor(JsproSccEntity, SensorEntity):
    """A sensor of an SCC."""

    entity_description: JsproSensorEntityDescription[Scc]

    @property
    def native_value(self) -> StateType | datetime:
        """The description's reading of the SCC's data."""
        scc = self.scc
        return None if scc is None else self.entity_description.value_fn(scc)


class JsproPackSensor(JsproPackEntity, SensorEntity):
    """A sensor of a pack (or of one of its cells), read from its BMS data."""

    entity_description: JsproSensorEntityDescription[BatteryPack]

    @property
    def native_value(self) -> StateType | datetime:
        """The description's reading of the pack's BMS data."""
        pack = self.pack
        return None if pack is None else self.entity_description.value_fn(pack)

    @property
    def available(self) -> bool:
        """Available while the pack's BMS answers."""
        return super().available and self.pack is not None
