"""The sensors of a JSPro site: the controller's, each SCC's and each pack's (with its cells)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from operator import attrgetter
from typing import Any

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

from .coordinator import JsproConfigEntry
from .entity import (
    JsproControllerEntity,
    JsproPackEntity,
    JsproSccEntity,
    add_pack_entities,
    add_scc_entities,
)
from .models import LOAD_STATUSES, MonitoringData, Scc, SystemResources
from .packs import BatteryPack

type SensorValue = StateType


@dataclass(frozen=True, kw_only=True)
class JsproSensorEntityDescription[PartT](SensorEntityDescription):
    """A sensor read from one part of the site's data."""

    value_fn: Callable[[PartT], SensorValue]
    part_fn: Callable[[Any], PartT | None] = lambda data: data
    """The controller's sensors: which part of their coordinator's data they read."""


def _of_part[PartT](
    part_fn: Callable[[Any], PartT | None],
    descriptions: tuple[JsproSensorEntityDescription[PartT], ...],
) -> tuple[JsproSensorEntityDescription[PartT], ...]:
    """The controller's sensors that read one part (None while its endpoint is missing)."""
    return tuple(replace(description, part_fn=part_fn) for description in descriptions)


AMPERE = UnitOfElectricCurrent.AMPERE
VOLT = UnitOfElectricPotential.VOLT
CELSIUS = UnitOfTemperature.CELSIUS
MEASUREMENT = SensorStateClass.MEASUREMENT
AMPERE_HOUR = "Ah"


def _voltage[T](
    key: str, value_fn: Callable[[T], SensorValue], precision: int = 2, **kwargs: Any
) -> JsproSensorEntityDescription[T]:
    return JsproSensorEntityDescription(
        key=key,
        translation_key=f"jspro_{key}",
        device_class=SensorDeviceClass.VOLTAGE,
        state_class=MEASUREMENT,
        native_unit_of_measurement=VOLT,
        suggested_display_precision=precision,
        value_fn=value_fn,
        **kwargs,
    )


def _current[T](key: str, value_fn: Callable[[T], SensorValue]) -> JsproSensorEntityDescription[T]:
    return JsproSensorEntityDescription(
        key=key,
        translation_key=f"jspro_{key}",
        device_class=SensorDeviceClass.CURRENT,
        state_class=MEASUREMENT,
        native_unit_of_measurement=AMPERE,
        suggested_display_precision=2,
        value_fn=value_fn,
    )


def _power[T](key: str, value_fn: Callable[[T], SensorValue]) -> JsproSensorEntityDescription[T]:
    return JsproSensorEntityDescription(
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
) -> JsproSensorEntityDescription[T]:
    return JsproSensorEntityDescription(
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
) -> JsproSensorEntityDescription[T]:
    return JsproSensorEntityDescription(
        key=key,
        translation_key=f"jspro_{key}",
        state_class=MEASUREMENT,
        value_fn=value_fn,
        **kwargs,
    )


def _percentage[T](
    key: str, value_fn: Callable[[T], SensorValue], **kwargs: Any
) -> JsproSensorEntityDescription[T]:
    return JsproSensorEntityDescription(
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
) -> JsproSensorEntityDescription[BatteryPack]:
    return JsproSensorEntityDescription(
        key=key,
        translation_key=f"jspro_{key}",
        device_class=SensorDeviceClass.DURATION,
        state_class=MEASUREMENT,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        value_fn=value_fn,
    )


SCC_SENSORS: tuple[JsproSensorEntityDescription[Scc], ...] = (
    _voltage("pv_voltage", lambda scc: scc.pv_voltage),
    _current("pv_current", lambda scc: scc.pv_current),
    _power("pv_power", lambda scc: scc.pv_power),
    _voltage("load_voltage", lambda scc: scc.load_voltage),
    _current("load_current", lambda scc: scc.load_current),
    _power("load_power", lambda scc: scc.load_power),
    _temperature("battery_temperature", lambda scc: scc.battery_temperature),
    _temperature("device_temperature", lambda scc: scc.device_temperature),
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
    _power("site_pv_power", lambda data: data.pv_power),
    _power("site_load_power", lambda data: data.load_power),
    JsproSensorEntityDescription(
        key="site_state_of_charge",
        translation_key="jspro_site_state_of_charge",
        device_class=SensorDeviceClass.BATTERY,
        state_class=MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=1,
        value_fn=lambda data: data.state_of_charge,
    ),
)

RELAY_SENSORS = _of_part(
    lambda data: data.scc.relays if data.scc else None,
    tuple(
        _voltage(key, attrgetter(key), entity_category=EntityCategory.DIAGNOSTIC)
        for key in ("vsat_reconnect", "vsat_cutoff", "bts_reconnect", "bts_cutoff")
    ),
)

RESOURCE_SENSORS = _of_part(
    attrgetter("resources"),
    (
        _percentage(
            "cpu_usage", lambda res: res.cpu_usage, entity_category=EntityCategory.DIAGNOSTIC
        ),
        _percentage(
            "memory_usage", lambda res: res.memory_usage, entity_category=EntityCategory.DIAGNOSTIC
        ),
        _temperature(
            "controller_temperature",
            lambda res: res.temperature,
            entity_category=EntityCategory.DIAGNOSTIC,
        ),
        *(
            JsproSensorEntityDescription[SystemResources](
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
    ),
)

SYSTEMD_SENSORS = _of_part(
    attrgetter("systemd"),
    (
        _count("services_active", lambda sd: sd.active, entity_category=EntityCategory.DIAGNOSTIC),
        _count(
            "services_inactive", lambda sd: sd.inactive, entity_category=EntityCategory.DIAGNOSTIC
        ),
        _count("services_failed", lambda sd: sd.failed, entity_category=EntityCategory.DIAGNOSTIC),
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
        _count(
            "logger_records",
            lambda lo: lo.logger_records,
            entity_category=EntityCategory.DIAGNOSTIC,
        ),
        _count(
            "sqlite_records",
            lambda lo: lo.sqlite_records,
            entity_category=EntityCategory.DIAGNOSTIC,
        ),
    ),
)

ALARM_SENSORS = _of_part(
    attrgetter("alarms"),
    (_count("alarm_logs", lambda al: al.total_alarm_logs),),
)

PACK_SENSORS: tuple[JsproSensorEntityDescription[BatteryPack], ...] = (
    JsproSensorEntityDescription(
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
    JsproSensorEntityDescription(
        key="cycle_count",
        translation_key="jspro_cycle_count",
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda pack: pack.cycle_count,
    ),
    _voltage("max_cell_voltage", lambda pack: pack.max_cell_voltage, precision=3),
    _voltage("min_cell_voltage", lambda pack: pack.min_cell_voltage, precision=3),
    _voltage("average_cell_voltage", lambda pack: pack.average_cell_voltage, precision=3),
    JsproSensorEntityDescription(
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
        device_class=SensorDeviceClass.VOLTAGE,
        state_class=MEASUREMENT,
        native_unit_of_measurement=VOLT,
        suggested_display_precision=3,
        entity_registry_enabled_default=False,
        value_fn=_cell_value(lambda pack: pack.cell_voltages, index),
    )


@cache
def cell_temperature(index: int) -> JsproSensorEntityDescription[BatteryPack]:
    """The temperature of cell sensor `index` (0-based; named from 1), disabled by default."""
    return JsproSensorEntityDescription(
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
            JsproPackSensor(
                data,
                cell_voltage(cell[2]) if cell[1] == "voltage" else cell_temperature(cell[2]),
                cell[0],
            )
        ],
        device_key=lambda cell: monitoring.pack_key(cell[0]),
    )


def _cells(data: MonitoringData) -> list[tuple[str, str, int]]:
    """Each reported cell voltage and temperature sensor, by pack (a BMS may report them late)."""
    return [
        (pack_key, kind, index)
        for pack_key, pack in (data.battery or {}).items()
        for kind, count in (
            ("voltage", len(pack.cell_voltages)),
            ("temperature", len(pack.cell_temperatures)),
        )
        for index in range(count)
    ]


class JsproControllerSensor(JsproControllerEntity[Any], SensorEntity):
    """A sensor of the controller."""

    entity_description: JsproSensorEntityDescription[Any]

    @property
    def native_value(self) -> SensorValue:
        """The description's reading of its part."""
        part = self.part
        return None if part is None else self.entity_description.value_fn(part)


class JsproSccSensor(JsproSccEntity, SensorEntity):
    """A sensor of an SCC."""

    entity_description: JsproSensorEntityDescription[Scc]

    @property
    def native_value(self) -> SensorValue:
        """The description's reading of the SCC's data."""
        scc = self.scc
        return None if scc is None else self.entity_description.value_fn(scc)


class JsproPackSensor(JsproPackEntity, SensorEntity):
    """A sensor of a pack (or of one of its cells), read from its BMS data."""

    entity_description: JsproSensorEntityDescription[BatteryPack]

    @property
    def native_value(self) -> SensorValue:
        """The description's reading of the pack's BMS data."""
        pack = self.pack
        return None if pack is None else self.entity_description.value_fn(pack)

    @property
    def available(self) -> bool:
        """Available while the pack's BMS answers."""
        return super().available and self.pack is not None
