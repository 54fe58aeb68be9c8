"""JSPro Powerdesk models: the controller, its SCCs and its system (no HA imports).

Units and sentinels are normalised once, with units.py; the battery packs are in packs.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...parse import as_bool, as_float, as_int, as_list, as_object, as_str, clean_name
from .packs import ActivePack, BatteryPack
from .units import SCC_MISSING, scaled

ALARM_GROUPS = ("battery_status", "charging_status", "discharging_status")
# Alarm-group entries that report a state, not a condition: they are never "normal".
SCC_STATE_FLAGS = frozenset(
    {"charging_state", "charging_status", "discharging_state", "output_power"}
)
LOAD_STATUSES = ("running", "standby")
_DISK_UNITS = {"KB": 1e-6, "MB": 1e-3, "GB": 1.0, "TB": 1e3}
_UPTIME_PART = re.compile(r"(\d+)\s*(w|d|h|m|s)[a-z]*", re.IGNORECASE)
_UPTIME_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}


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
        site_name=clean_name(site.get("site_name")),
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
        disk_free=None if factor is None else scaled(disk.get("free"), factor),
        disk_used=None if factor is None else scaled(disk.get("used"), factor),
        disk_total=None if factor is None else scaled(disk.get("total"), factor),
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
            vsat_reconnect=scaled(relays.get("vsat_reconnect"), 0.01, SCC_MISSING),
            vsat_cutoff=scaled(relays.get("vsat_cutoff"), 0.01, SCC_MISSING),
            bts_reconnect=scaled(relays.get("bts_reconnect"), 0.01, SCC_MISSING),
            bts_cutoff=scaled(relays.get("bts_cutoff"), 0.01, SCC_MISSING),
        ),
        last_update=parse_local_time(data.get("last_update")),
    )


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
class PowerManagement:
    """The power management group of newer firmware (field-payloads/jspro/): the disk, the
    uptime and the controller's own reboot when its disk fills."""

    disk_usage: float | None
    """% of the disk in use."""
    uptime: int | None
    """Seconds since the controller booted."""
    auto_reboot: bool | None
    disk_threshold: float | None
    """% of disk use at which the controller reboots itself."""
    reboots_this_month: int | None
    reboots_total: int | None
    last_reboot: datetime | None
    """Naive local time, as the controller writes it."""
    last_boot: datetime | None = None
    """When the controller booted (set by the coordinator from the uptime)."""

    @property
    def disk_near_threshold(self) -> bool | None:
        """The disk is within 5 points of the reboot threshold."""
        if self.disk_usage is None or self.disk_threshold is None:
            return None
        return self.disk_usage >= self.disk_threshold - 5


def parse_power(overview: Any, stats: Any, settings: Any) -> PowerManagement:
    """`/api/v1/power/overview`, with `auto-reboot-stats` and `settings` (each may be absent:
    None)."""
    overview, stats, settings = as_object(overview), as_object(stats), as_object(settings)
    disk = as_object(overview.get("disk_usage"))
    used, total = as_float(disk.get("used")), as_float(disk.get("total"))
    usage = round(used / total * 100, 1) if used is not None and total else None
    enabled = settings.get("auto_reboot_enabled", overview.get("auto_reboot"))
    return PowerManagement(
        disk_usage=usage,
        uptime=parse_uptime(overview.get("uptime")),
        auto_reboot=as_bool(enabled),
        disk_threshold=as_float(settings.get("disk_threshold")),
        reboots_this_month=as_int(stats.get("monthly_count")),
        reboots_total=as_int(stats.get("total_count")),
        last_reboot=parse_local_time(as_object(stats.get("last_reboot")).get("timestamp")),
    )


@dataclass(frozen=True, slots=True)
class SystemData:
    """One system cycle; a group is None while its endpoint is not offered (404)."""

    resources: SystemResources | None
    systemd: SystemdStatus | None
    logger: LoggerOverview | None
    alarms: AlarmOverview | None
    power: PowerManagement | None = None
