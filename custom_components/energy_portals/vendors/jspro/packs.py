"""JSPro battery packs: each pack's BMS data and its entry in the active list (no HA imports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...errors import PortalResponseError
from ...parse import as_bool, as_int, as_list, as_object, as_str, clean_name
from ...peer_limits import MAX_DEVICES
from .units import NO_ALARM, PACK_UNKNOWN, scaled, strings

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


def _count(value: Any) -> int | None:
    """A count that only grows (cycles): unknown when the sentinel or negative."""
    count = as_int(value, sentinels=PACK_UNKNOWN)
    return count if count is not None and count >= 0 else None


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
        return round(sum(known) / len(known), 3) if known else None

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
    return scaled(raw.get(key), factor, PACK_UNKNOWN)


def parse_pack(raw: dict[str, Any]) -> BatteryPack | None:
    """One `bms_data` entry; None without a slave id."""
    slave_id = as_int(raw.get("slave_id"))
    if slave_id is None:
        return None
    deci = 0.1
    return BatteryPack(
        port=clean_name(raw.get("port")) or "bus",
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
            scaled(v, 0.001, PACK_UNKNOWN) for v in as_list(raw.get("cell_voltage"))
        ),
        cell_temperatures=tuple(
            scaled(v, deci, PACK_UNKNOWN) for v in as_list(raw.get("cell_temperature"))
        ),
        warning_flags=strings(raw.get("warning_flag")),
        protection_flags=strings(raw.get("protection_flag")),
        fault_flags=strings(raw.get("fault_status_flag")),
        error_messages=strings(raw.get("error_messages")),
    )


def _bounded(items: list[Any]) -> list[Any]:
    """A pack list of a size a site can have: more than MAX_DEVICES entries (a hostile or
    broken controller) is an unusable answer, not hundreds of devices."""
    if len(items) > MAX_DEVICES:
        raise PortalResponseError(f"The pack list has {len(items)} entries, over {MAX_DEVICES}")
    return items


def parse_battery(data: Any) -> dict[str, BatteryPack]:
    """`/api/v1/monitoring/battery`: the packs by their place on the bus."""
    packs = {}
    for raw in _bounded(as_list(as_object(data).get("bms_data"))):
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
    for raw in _bounded(as_list(as_object(data).get("bms_data"))):
        if not isinstance(raw, dict) or (slave_id := as_int(raw.get("slave_id"))) is None:
            continue
        pack = ActivePack(
            port=clean_name(raw.get("port")) or "bus",
            slave_id=slave_id,
            active=as_bool(raw.get("status")),
        )
        packs[pack.key] = pack
    return packs
