"""JSPro Powerdesk models: every unit and sentinel is normalised here, once (no HA imports).

Units on the wire (QUIRKS.md): cell voltages in mV, pack voltage and relay thresholds in 10 mV,
temperatures in 0.1 degC, SOC/SOH in 0.01 %. `remaining_*_time` and other pack registers use
65535 for "not known"; SCC values use -1 for "missing".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ...parse import as_bool, as_float, as_int, as_list, as_object, as_str

PACK_UNKNOWN = (65535.0,)


def _count(value: Any) -> int | None:
    """A count that only grows (cycles): unknown when the sentinel or negative."""
    count = as_int(value, sentinels=PACK_UNKNOWN)
    return count if count is not None and count >= 0 else None


SCC_MISSING = (-1.0,)
NO_ALARM = "no alarm detected"
ALARM_GROUPS = ("battery_status", "charging_status", "discharging_status")
# Alarm-group entries that report a state, not a condition: they are never "normal".
SCC_STATE_FLAGS = frozenset(
    {"charging_state", "charging_status", "discharging_state", "output_power"}
)
# fault_status_flag mixes status bits with faults; these are the status bits.
PACK_STATUS_FLAGS = frozenset(
    {
        NO_ALARM,
        "state of charge",
        "charge mosfet on",
        "discharge mosfet on",
        "charge limit current function is on",
    }
)
LOAD_STATUSES = ("running", "standby")
_DISK_UNITS = {"KB": 1e-6, "MB": 1e-3, "GB": 1.0, "TB": 1e3}
_UPTIME_PART = re.compile(r"(\d+)\s*(w|d|h|m|s)[a-z]*", re.IGNORECASE)
_UPTIME_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}


def _scaled(value: Any, factor: float, sentinels: tuple[float, ...] = ()) -> float | None:
    number = as_float(value, sentinels=sentinels)
    return None if number is None else round(number * factor, 4)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(text for item in as_list(value) if (text := as_str(item)) is not None)


def parse_local_time(value: Any) -> datetime | None:
    """`last_update`: a naive local time `YYYY-MM-DD HH:MM:SS` (a `T` is accepted too)."""
    text = as_str(value)
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.replace(" ", "T", 1)).replace(tzinfo=None)
    except ValueError:
        return None


def parse_uptime(value: Any) -> int | None:
    """Seconds from an uptime like "2d 2h", "3 days, 4 hours" or a number of seconds."""
    number = as_float(value)
    if number is not None:
        return round(number) if number >= 0 else None
    text = as_str(value)
    if text is None:
        return None
    parts = _UPTIME_PART.findall(text)
    if not parts:
        return None
    return sum(int(amount) * _UPTIME_SECONDS[unit.lower()] for amount, unit in parts)


@dataclass(frozen=True, slots=True)
class DeviceInformation:
    """The site controller: `/api/v1/device/information`."""

    site_id: str | None
    site_name: str | None
    address: str | None
    model: str | None
    part_number: str | None
    serial_number: str | None
    software_version: str | None
    hardware_version: str | None
    scc_type: str | None
    battery_type: str | None
    scc_ids: tuple[int, ...]
    last_update: datetime | None

    @property
    def account_id(self) -> str | None:
        """What identifies the device: its serial number, else its site id."""
        return self.serial_number or self.site_id


def parse_information(data: Any) -> DeviceInformation | None:
    """The device information; None when it carries neither a serial nor a site id."""
    data = as_object(data)
    site = as_object(data.get("site_information"))
    version = as_object(data.get("device_version"))
    model = as_object(data.get("device_model"))
    info = DeviceInformation(
        site_id=as_str(site.get("site_id")),
        site_name=as_str(site.get("site_name")),
        address=as_str(site.get("address")),
        model=as_str(model.get("model")),
        part_number=as_str(model.get("part_number")),
        serial_number=as_str(model.get("serial_number")),
        software_version=as_str(model.get("software_version")),
        hardware_version=as_str(model.get("hardware_version")),
        scc_type=as_str(version.get("scc_type")),
        battery_type=as_str(version.get("battery_type")),
        scc_ids=tuple(
            sorted(i for v in as_list(version.get("scc_id")) if (i := as_int(v)) is not None)
        ),
        last_update=parse_local_time(data.get("last_update")),
    )
    return info if info.account_id else None


@dataclass(frozen=True, slots=True)
class SystemResources:
    """CPU, memory, temperature and disk of the controller (percent, degC, GB)."""

    cpu_usage: float | None
    memory_usage: float | None
    temperature: float | None
    disk_free: float | None
    disk_used: float | None
    disk_total: float | None
    last_update: datetime | None


def parse_resources(data: Any) -> SystemResources:
    """`/api/v1/device/system-resources`."""
    data = as_object(data)
    disk = as_object(data.get("disk_usage"))
    factor = _DISK_UNITS.get((as_str(disk.get("unit")) or "GB").upper())
    return SystemResources(
        cpu_usage=as_float(data.get("cpu_usage")),
        memory_usage=as_float(data.get("memory_usage")),
        temperature=as_float(data.get("temperature")),
        disk_free=None if factor is None else _scaled(disk.get("free"), factor),
        disk_used=None if factor is None else _scaled(disk.get("used"), factor),
        disk_total=None if factor is None else _scaled(disk.get("total"), factor),
        last_update=parse_local_time(data.get("last_update")),
    )


@dataclass(frozen=True, slots=True)
class SystemdStatus:
    """The controller's services."""

    active: int | None
    inactive: int | None
    failed: int | None
    services: dict[str, str]
    uptime: int | None
    """Seconds."""
    last_update: datetime | None

    @property
    def failed_services(self) -> list[str]:
        """Names of the services in the failed state."""
        return sorted(name for name, state in self.services.items() if state == "failed")

    @property
    def any_failed(self) -> bool | None:
        """A service failed, by the count or by the list."""
        if self.failed_services:
            return True
        return None if self.failed is None else self.failed > 0


def parse_systemd(data: Any) -> SystemdStatus:
    """`/api/v1/device/systemd-status` (or its drifted paths)."""
    data = as_object(data)
    services = {
        str(name): state.lower()
        for name, value in as_object(data.get("services_status")).items()
        if (state := as_str(value)) is not None
    }
    return SystemdStatus(
        active=as_int(data.get("active_service")),
        inactive=as_int(data.get("inactive_service")),
        failed=as_int(data.get("failed_service")),
        services=services,
        uptime=parse_uptime(data.get("system_uptime")),
        last_update=parse_local_time(data.get("last_update")),
    )


@dataclass(frozen=True, slots=True)
class LoggerOverview:
    """`/api/v1/loggers/data/overview`: how much the data logger holds."""

    logger_records: int | None
    sqlite_records: int | None
    redis_storage: float | None
    sqlite_storage: float | None
    last_update: datetime | None


def parse_logger_overview(data: Any) -> LoggerOverview:
    """The storage overview."""
    data = as_object(data)
    storage = as_object(data.get("storage_overview"))
    stats = as_object(data.get("data_statistics"))
    return LoggerOverview(
        logger_records=as_int(stats.get("logger_records")),
        sqlite_records=as_int(stats.get("sqlite_records")),
        redis_storage=as_float(storage.get("redis_storage")),
        sqlite_storage=as_float(storage.get("sqlite_storage")),
        last_update=parse_local_time(data.get("last_update")),
    )


@dataclass(frozen=True, slots=True)
class AlarmOverview:
    """`/api/v1/loggers/scc-alarm/overview`."""

    total_alarm_logs: int | None
    last_update: datetime | None


def parse_alarm_overview(data: Any) -> AlarmOverview:
    """The SCC alarm log overview."""
    stats = as_object(as_object(data).get("data_statistics"))
    return AlarmOverview(
        total_alarm_logs=as_int(stats.get("total_alarm_logs")),
        last_update=parse_local_time(stats.get("last_update")),
    )


@dataclass(frozen=True, slots=True)
class Scc:
    """One solar charge controller (plain V, A, W, degC)."""

    key: str
    number: int
    pv_voltage: float | None
    pv_current: float | None
    load_voltage: float | None
    load_current: float | None
    load_power: float | None
    battery_temperature: float | None
    device_temperature: float | None
    heartbeat: int | None
    load_status: str | None
    alarms: dict[str, dict[str, str]]

    @property
    def pv_power(self) -> float | None:
        """PV power: the device reports voltage and current only."""
        if self.pv_voltage is None or self.pv_current is None:
            return None
        return round(self.pv_voltage * self.pv_current, 2)

    def alarm_flags(self, group: str) -> dict[str, str]:
        """The flags of one alarm group."""
        return self.alarms.get(group, {})

    def alarm_active(self, group: str) -> bool | None:
        """Any condition flag of the group is not "normal"; None when the group is missing."""
        flags = self.alarms.get(group)
        if flags is None:
            return None
        return any(
            state != "normal" for name, state in flags.items() if name not in SCC_STATE_FLAGS
        )


@dataclass(frozen=True, slots=True)
class RelayConfiguration:
    """Relay thresholds (V)."""

    vsat_reconnect: float | None
    vsat_cutoff: float | None
    bts_reconnect: float | None
    bts_cutoff: float | None


@dataclass(frozen=True, slots=True)
class SccData:
    """`/api/v1/monitoring/scc`: every SCC and the relay thresholds."""

    sccs: dict[str, Scc]
    relays: RelayConfiguration
    last_update: datetime | None


def _load_status(value: Any) -> str | None:
    text = as_str(value)
    if text is None:
        return None
    status = text.lower().removeprefix("is ").strip().replace(" ", "_")
    return status if status in LOAD_STATUSES else None


def parse_scc(key: str, raw: dict[str, Any]) -> Scc | None:
    """One `sccN` object; None when its key carries no number."""
    number = as_int(raw.get("scc_id")) or as_int(key.removeprefix("scc"))
    if number is None:
        return None
    alarm_status = as_object(raw.get("alarm_status"))
    alarms = {
        group: {
            str(name): state.lower()
            for name, value in as_object(alarm_status[group]).items()
            if (state := as_str(value)) is not None
        }
        for group in ALARM_GROUPS
        if isinstance(alarm_status.get(group), dict)
    }
    return Scc(
        key=f"scc{number}",
        number=number,
        pv_voltage=as_float(raw.get("pv_voltage"), sentinels=SCC_MISSING),
        pv_current=as_float(raw.get("pv_current"), sentinels=SCC_MISSING),
        load_voltage=as_float(raw.get("load_voltage"), sentinels=SCC_MISSING),
        load_current=as_float(raw.get("load_current"), sentinels=SCC_MISSING),
        load_power=as_float(raw.get("load_power"), sentinels=SCC_MISSING),
        battery_temperature=as_float(raw.get("battery_temperature"), sentinels=SCC_MISSING),
        device_temperature=as_float(raw.get("device_temperature"), sentinels=SCC_MISSING),
        heartbeat=as_int(raw.get("counter_heartbeat"), sentinels=SCC_MISSING),
        load_status=_load_status(raw.get("load_status")),
        alarms=alarms,
    )


def parse_scc_data(data: Any) -> SccData:
    """The SCC answer: `scc1`, `scc2`, ... plus `relay_configuration`."""
    data = as_object(data)
    sccs = {}
    for key, raw in data.items():
        if str(key).startswith("scc") and isinstance(raw, dict):
            scc = parse_scc(str(key), raw)
            if scc is not None:
                sccs[scc.key] = scc
    relays = as_object(data.get("relay_configuration"))
    return SccData(
        sccs=dict(sorted(sccs.items(), key=lambda item: item[1].number)),
        relays=RelayConfiguration(
            vsat_reconnect=_scaled(relays.get("vsat_reconnect"), 0.01, SCC_MISSING),
            vsat_cutoff=_scaled(relays.get("vsat_cutoff"), 0.01, SCC_MISSING),
            bts_reconnect=_scaled(relays.get("bts_reconnect"), 0.01, SCC_MISSING),
            bts_cutoff=_scaled(relays.get("bts_cutoff"), 0.01, SCC_MISSING),
        ),
        last_update=parse_local_time(data.get("last_update")),
    )


def pack_key(port: str, slave_id: int) -> str:
    """A pack's place on the bus, which is what identifies it."""
    return f"{port}_{slave_id}"


@dataclass(frozen=True, slots=True)
class BatteryPack:
    """One pack's BMS data in V, A, Ah, %, degC and minutes (cell difference in mV)."""

    port: str
    slave_id: int
    pcb_code: str | None
    serial_code: str | None
    soc: float | None
    soh: float | None
    pack_voltage: float | None
    pack_current: float | None
    remaining_capacity: float | None
    full_capacity: float | None
    cycle_count: int | None
    max_cell_voltage: float | None
    min_cell_voltage: float | None
    cell_difference: float | None
    max_cell_temperature: float | None
    min_cell_temperature: float | None
    average_cell_temperature: float | None
    fet_temperature: float | None
    ambient_temperature: float | None
    environment_temperature: float | None
    remaining_charge_time: float | None
    remaining_discharge_time: float | None
    cell_voltages: tuple[float | None, ...]
    cell_temperatures: tuple[float | None, ...]
    warning_flags: tuple[str, ...]
    protection_flags: tuple[str, ...]
    fault_flags: tuple[str, ...]
    error_messages: tuple[str, ...] = field(default=())

    @property
    def key(self) -> str:
        return pack_key(self.port, self.slave_id)

    @property
    def average_cell_voltage(self) -> float | None:
        """The mean of the cells that answered."""
        known = [v for v in self.cell_voltages if v is not None]
        return round(sum(known) / len(known), 4) if known else None

    @property
    def warning(self) -> bool:
        return _has_alarm(self.warning_flags, frozenset({NO_ALARM}))

    @property
    def protection(self) -> bool:
        return _has_alarm(self.protection_flags, frozenset({NO_ALARM}))

    @property
    def fault(self) -> bool:
        return _has_alarm(self.fault_flags, PACK_STATUS_FLAGS)


def _has_alarm(flags: tuple[str, ...], benign: frozenset[str]) -> bool:
    return any(flag.lower() not in benign for flag in flags)


def _pack_number(raw: dict[str, Any], key: str, factor: float = 1.0) -> float | None:
    return _scaled(raw.get(key), factor, PACK_UNKNOWN)


def parse_pack(raw: dict[str, Any]) -> BatteryPack | None:
    """One `bms_data` entry; None without a slave id."""
    slave_id = as_int(raw.get("slave_id"))
    if slave_id is None:
        return None
    deci = 0.1
    return BatteryPack(
        port=as_str(raw.get("port")) or "bus",
        slave_id=slave_id,
        pcb_code=as_str(raw.get("pcb_code")),
        serial_code=as_str(raw.get("sn1_code")),
        soc=_pack_number(raw, "soc", 0.01),
        soh=_pack_number(raw, "soh", 0.01),
        pack_voltage=_pack_number(raw, "pack_voltage", 0.01),
        pack_current=_pack_number(raw, "pack_current"),
        remaining_capacity=_pack_number(raw, "remaining_capacity"),
        full_capacity=_pack_number(raw, "full_charged_capacity"),
        cycle_count=_count(raw.get("cycle_count")),
        max_cell_voltage=_pack_number(raw, "max_cell_voltage", 0.001),
        min_cell_voltage=_pack_number(raw, "min_cell_voltage", 0.001),
        cell_difference=_pack_number(raw, "cell_difference"),
        max_cell_temperature=_pack_number(raw, "max_cell_temperature", deci),
        min_cell_temperature=_pack_number(raw, "min_cell_temperature", deci),
        average_cell_temperature=_pack_number(raw, "average_cell_temperature", deci),
        fet_temperature=_pack_number(raw, "fet_temperature", deci),
        ambient_temperature=_pack_number(raw, "ambient_temperature", deci),
        environment_temperature=_pack_number(raw, "environment_temperature", deci),
        remaining_charge_time=_pack_number(raw, "remaining_charge_time"),
        remaining_discharge_time=_pack_number(raw, "remaining_discharge_time"),
        cell_voltages=tuple(
            _scaled(v, 0.001, PACK_UNKNOWN) for v in as_list(raw.get("cell_voltage"))
        ),
        cell_temperatures=tuple(
            _scaled(v, deci, PACK_UNKNOWN) for v in as_list(raw.get("cell_temperature"))
        ),
        warning_flags=_strings(raw.get("warning_flag")),
        protection_flags=_strings(raw.get("protection_flag")),
        fault_flags=_strings(raw.get("fault_status_flag")),
        error_messages=_strings(raw.get("error_messages")),
    )


def parse_battery(data: Any) -> dict[str, BatteryPack]:
    """`/api/v1/monitoring/battery`: the packs by their place on the bus."""
    packs = {}
    for raw in as_list(as_object(data).get("bms_data")):
        if isinstance(raw, dict) and (pack := parse_pack(raw)) is not None:
            packs[pack.key] = pack
    return packs


@dataclass(frozen=True, slots=True)
class ActivePack:
    """A pack the controller polls, and whether it answers."""

    port: str
    slave_id: int
    active: bool | None

    @property
    def key(self) -> str:
        return pack_key(self.port, self.slave_id)


def parse_active(data: Any) -> dict[str, ActivePack]:
    """`/api/v1/monitoring/battery/active`."""
    packs = {}
    for raw in as_list(as_object(data).get("bms_data")):
        if not isinstance(raw, dict) or (slave_id := as_int(raw.get("slave_id"))) is None:
            continue
        pack = ActivePack(
            port=as_str(raw.get("port")) or "bus",
            slave_id=slave_id,
            active=as_bool(raw.get("status")),
        )
        packs[pack.key] = pack
    return packs


@dataclass(frozen=True, slots=True)
class MonitoringData:
    """One monitoring cycle; a group is None while its endpoint is not offered (404)."""

    scc: SccData | None
    battery: dict[str, BatteryPack] | None
    active: dict[str, ActivePack] | None

    @property
    def pack_keys(self) -> set[str]:
        """Every pack either list names."""
        return set(self.battery or {}) | set(self.active or {})

    @property
    def pv_power(self) -> float | None:
        """Site PV power: the sum over the SCCs that report it."""
        return _sum(scc.pv_power for scc in self.scc.sccs.values()) if self.scc else None

    @property
    def load_power(self) -> float | None:
        """Site load power: the sum over the SCCs that report it."""
        return _sum(scc.load_power for scc in self.scc.sccs.values()) if self.scc else None

    @property
    def state_of_charge(self) -> float | None:
        """The packs' SOC weighted by their full capacity."""
        weighted = [
            (pack.soc, pack.full_capacity)
            for pack in (self.battery or {}).values()
            if pack.soc is not None and pack.full_capacity
        ]
        capacity = sum(cap for _, cap in weighted)
        if not capacity:
            return None
        return round(sum(soc * cap for soc, cap in weighted) / capacity, 2)


def _sum(values: Any) -> float | None:
    known = [value for value in values if value is not None]
    return round(sum(known), 2) if known else None


@dataclass(frozen=True, slots=True)
class SystemData:
    """One system cycle; a group is None while its endpoint is not offered (404)."""

    resources: SystemResources | None
    systemd: SystemdStatus | None
    logger: LoggerOverview | None
    alarms: AlarmOverview | None
