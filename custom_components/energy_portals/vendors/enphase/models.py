"""What the Enlighten cloud answers, normalised (no Home Assistant imports here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from ...errors import PortalResponseError
from ...parse import (
    as_bool,
    as_datetime,
    as_epoch,
    as_float,
    as_int,
    as_list,
    as_object,
    as_str,
    clean_name,
)


@dataclass(frozen=True, slots=True)
class Site:
    """An Enlighten site the account can see."""

    site_id: str
    name: str | None


class ChargeMode(StrEnum):
    """The charge modes of the scheduler's preference (the value is what the cloud writes)."""

    MANUAL = "MANUAL_CHARGING"
    SCHEDULED = "SCHEDULED_CHARGING"
    GREEN = "GREEN_CHARGING"
    SMART = "SMART_CHARGING"

    @property
    def takes_amps(self) -> bool:
        """Green and Smart decide the current themselves: a start must not send one (#165)."""
        return self in (ChargeMode.MANUAL, ChargeMode.SCHEDULED)


CHARGE_MODE_STATES = {
    ChargeMode.MANUAL: "manual",
    ChargeMode.SCHEDULED: "scheduled",
    ChargeMode.GREEN: "green",
    ChargeMode.SMART: "smart",
}
"""The state of each mode in Home Assistant (translated as `enphase_charge_mode` states)."""


@dataclass(frozen=True, slots=True)
class ChargeModes:
    """The charger's charge mode and the modes it offers."""

    mode: ChargeMode | None
    offered: tuple[ChargeMode, ...]


@dataclass(frozen=True, slots=True)
class ChargerSummary:
    """What the charger summary (v2) tells beyond the status."""

    serial: str
    lifetime_energy: float | None
    """kWh, from the charger's own meter (`lifeTimeConsumption`, Wh)."""
    min_current: int | None
    max_current: int | None
    current_step: int | None
    operating_voltage: float | None
    phase_mode: int | None
    firmware_version: str | None
    last_reported: datetime | None = None
    supports_use_battery: bool = False

    @property
    def max_power(self) -> float | None:
        """kW the charger can deliver at most, when the summary tells enough."""
        if self.max_current is None or self.operating_voltage is None:
            return None
        return self.max_current * self.operating_voltage * (self.phase_mode or 1) / 1000


@dataclass(frozen=True, slots=True)
class Charger:
    """One charger's status, normalised."""

    serial: str
    name: str | None
    connected: bool | None
    plugged_in: bool | None
    charging: bool | None
    faulted: bool | None
    connector_status: str | None
    session_energy: float | None
    """kWh, once the coordinator has read `session_energy_reported` in its unit
    (session_units.py); None until then."""
    session_cost: float | None
    session_start: datetime | None
    charging_level: int | None
    schedule_enabled: bool | None
    green_in_status: bool = False
    """The status says Green charging (`sch_d.info[].type`), for when the preference is empty."""
    status_mode: int | None = None
    """The `mode` the cloud sets itself (0 manual, 1 green): when it moves, the settings are
    read again (a manual override while the preference still says Green, #640)."""
    plugged_in_at: datetime | None = None
    plugged_out_at: datetime | None = None
    range_added: float | None = None
    """Miles the session added (`session_d.miles`)."""
    status_reason: str | None = None
    """`connectorStatusReason`, when the cloud gives one (empty is none)."""
    status_info: str | None = None
    load_balancing: bool | None = None
    """Dynamic load balancing is limiting the charger now (`dlbActive`)."""
    safe_limit: bool | None = None
    """The charger fell back to its safe current (`safeLimitState` 1: 8 A or its minimum)."""
    last_reported: datetime | None = None
    offline_since: datetime | None = None
    connectors: tuple[int, ...] = (1,)
    """The ids of the charger's connectors (`connectors[].connectorId`; 1 when none is told)."""
    summary: ChargerSummary | None = None
    """The charger's summary (v2), when the cloud offers it."""
    modes: ChargeModes | None = None
    """The scheduler's charge mode, when it answered."""
    use_battery: bool | None = None
    """Green charging may use the home battery (None: the charger has no such setting)."""
    average_power: float | None = None
    """W, averaged from the session energy between two readings (the status has no power)."""
    session_energy_reported: float | None = None
    """`session_d.e_c` as the cloud sent it: Wh or kWh (session_units.py decides)."""
    session_energy_in_wh: bool = False
    """The answer's shape says the unit: the current envelope sends Wh."""
    session_unit_known: bool = False
    """`session_energy`'s unit was decided from evidence (else it is read as kWh for now,
    and charged energy waits for the evidence)."""

    @property
    def active(self) -> bool:
        """A car is plugged in or a session is running: poll fast."""
        return bool(self.plugged_in or self.charging)

    @property
    def effective_mode(self) -> ChargeMode | None:
        """The mode the charger charges in now. The status's own `mode` (0 manual, 1 green)
        overrules the chosen one where the two disagree as the field saw: 0 while Green is
        chosen is a manual override till the next plug-out (#640), and 1 while Manual is
        chosen is Green. Scheduled and Smart stay as chosen (the status may lag a change)."""
        chosen = self.charge_mode
        if self.status_mode == 0 and chosen is ChargeMode.GREEN:
            return ChargeMode.MANUAL
        if self.status_mode == 1 and chosen in (None, ChargeMode.MANUAL):
            return ChargeMode.GREEN
        return chosen

    @property
    def charge_mode(self) -> ChargeMode | None:
        """The preference's mode, else Green when the status says so (#424)."""
        if self.modes is not None and self.modes.mode is not None:
            return self.modes.mode
        return ChargeMode.GREEN if self.green_in_status else None


@dataclass(frozen=True, slots=True)
class EvseStatus:
    """The status of every charger on the site."""

    chargers: dict[str, Charger]
    timestamp: datetime | None


def cloud_time(value: Any) -> datetime | None:
    """A moment as the cloud writes it: ISO ending in `[UTC]` (or Z), or epoch s or ms."""
    if isinstance(value, str) and not value.replace(".", "", 1).isdigit():
        moment = as_datetime(value.removesuffix("[UTC]"))
        return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment
    return as_epoch(value)


def kwh_from_wh(value: Any) -> float | None:
    """kWh from a Wh reading."""
    energy = as_float(value)
    return None if energy is None else energy / 1000


class _Serial(Protocol):
    @property
    def serial(self) -> str: ...


def _by_serial[T: _Serial](
    items: list[Any], parse: Callable[[dict[str, Any]], T | None]
) -> dict[str, T]:
    """The parsed entries of a list by serial; entries that are not objects or have no
    serial are skipped."""
    parsed = (parse(raw) for raw in items if isinstance(raw, dict))
    return {item.serial: item for item in parsed if item is not None}


def parse_charger(raw: dict[str, Any]) -> Charger | None:
    """One charger of the status (legacy `evChargerData` entry or current `chargers[]` entry,
    whose connector fields sit in `connectors[]`); None when it has no serial."""
    serial = as_str(raw.get("sn"))
    if serial is None:
        return None
    session = as_object(raw.get("session_d"))
    schedule = as_object(raw.get("sch_d"))
    connector = as_object(next(iter(as_list(raw.get("connectors"))), None))
    status = as_str(raw.get("connectorStatusType", connector.get("connectorStatusType")))
    safe_limit = as_int(connector.get("safeLimitState", raw.get("safeLimitState")))
    green = any(
        as_str(as_object(info).get("type")) == "greencharging"
        for info in as_list(schedule.get("info"))
    )
    return Charger(
        serial=serial,
        name=clean_name(raw.get("name")),
        connected=as_bool(raw.get("connected")),
        plugged_in=as_bool(raw.get("pluggedIn", connector.get("pluggedIn"))),
        charging=as_bool(raw.get("charging")),
        faulted=as_bool(raw.get("faulted")),
        connector_status=status.lower() if status else None,
        session_energy=None,
        session_energy_reported=as_float(session.get("e_c")),
        session_cost=as_float(
            next(
                (session[key] for key in ("session_cost", "sessionCost", "cost") if key in session),
                None,
            )
        ),
        session_start=as_epoch(session.get("strt_chrg", session.get("start_time"))),
        charging_level=as_int(
            next(
                (
                    holder[key]
                    for holder, key in (
                        (raw, "chargingLevel"),
                        (session, "chargingLevel"),
                        (session, "charge_level"),
                    )
                    if holder.get(key) is not None
                ),
                None,
            )
        ),
        schedule_enabled=as_bool(schedule.get("enabled")),
        green_in_status=green,
        status_mode=as_int(raw.get("mode")),
        plugged_in_at=cloud_time(session.get("plg_in_at")),
        plugged_out_at=cloud_time(session.get("plg_out_at")),
        range_added=as_float(session.get("miles")),
        status_reason=as_str(connector.get("connectorStatusReason")),  # "" is none
        status_info=as_str(connector.get("connectorStatusInfo")),
        load_balancing=as_bool(connector.get("dlbActive", raw.get("dlbActive"))),
        safe_limit=None if safe_limit is None else safe_limit == 1,
        last_reported=cloud_time(raw.get("lst_rpt_at")),
        offline_since=cloud_time(raw.get("offlineAt")),
        connectors=_connector_ids(raw.get("connectors")),
    )


def _connector_ids(connectors: Any) -> tuple[int, ...]:
    ids = (as_int(as_object(item).get("connectorId")) for item in as_list(connectors))
    return tuple(sorted({i for i in ids if i is not None and i >= 1})) or (1,)


def parse_status(body: Any) -> EvseStatus:
    """The /status answer, in any shape the cloud sends (field-payloads/enphase/):

    - current: `{"meta": {"serverTimeStamp": ms}, "data": {"chargers": [...]}, "error": {}}`;
    - legacy (the spec's): `{"evChargerData": [...], "ts": s}`;
    - the api/v2 alias: `{"data": {<serial>: {...}}}`.
    """
    if isinstance(body, dict) and isinstance(body.get("evChargerData"), list):
        chargers = _by_serial(body["evChargerData"], parse_charger)
        return EvseStatus(chargers=chargers, timestamp=as_epoch(body.get("ts")))
    data = body.get("data") if isinstance(body, dict) else None
    stamp = as_epoch(as_object(body.get("meta")).get("serverTimeStamp")) if data else None
    if isinstance(data, dict) and isinstance(data.get("chargers"), list):
        chargers = _by_serial(data["chargers"], parse_charger)
        chargers = {sn: replace(c, session_energy_in_wh=True) for sn, c in chargers.items()}
        return EvseStatus(chargers=chargers, timestamp=stamp)
    if isinstance(data, dict) and data and all(isinstance(v, dict) for v in data.values()):
        entries = [{"sn": serial, **entry} for serial, entry in data.items()]
        return EvseStatus(chargers=_by_serial(entries, parse_charger), timestamp=stamp)
    raise PortalResponseError("Status answer in a shape we do not know")


def parse_summary(raw: dict[str, Any]) -> ChargerSummary | None:
    """One charger of the summary (v2); None when it has no serial."""
    serial = as_str(raw.get("serialNumber"))
    if serial is None:
        return None
    levels = as_object(raw.get("chargeLevelDetails"))
    phase_mode = as_int(raw.get("phaseMode"))
    return ChargerSummary(
        serial=serial,
        lifetime_energy=kwh_from_wh(raw.get("lifeTimeConsumption")),
        min_current=as_int(levels.get("min")),
        max_current=as_int(levels.get("max", raw.get("maxCurrent"))),
        current_step=as_int(levels.get("granularity")),
        operating_voltage=as_float(raw.get("operatingVoltage")),
        phase_mode=phase_mode if phase_mode in (1, 3) else None,
        firmware_version=as_str(raw.get("firmwareVersion")),
        last_reported=cloud_time(raw.get("lastReportedAt")),
        supports_use_battery=as_bool(raw.get("supportsUseBattery")) is True,
    )


def parse_summaries(body: Any) -> dict[str, ChargerSummary]:
    """The summary (v2) answer: `data` is a list of chargers."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise PortalResponseError("Summary answer has no data list")
    return _by_serial(data, parse_summary)


def parse_currency(body: Any) -> str | None:
    """The site's currency (ISO 4217) from the currency-conversion answer, when it states one."""
    unit = as_str(as_object(as_object(body).get("currency_conversion")).get("currency_unit"))
    unit = unit.strip().upper() if unit else None
    return unit if unit and len(unit) == 3 and unit.isalpha() else None


def parse_sites(body: Any) -> list[Site]:
    """A site list or search answer: bare, or under `sites`, `data`, `items` or `systems`."""
    if isinstance(body, dict):
        body = next(
            (body[key] for key in ("sites", "data", "items", "systems") if key in body), None
        )
    if not isinstance(body, list):
        raise PortalResponseError("Site list answer is not a list")
    sites = []
    for raw in body:
        if not isinstance(raw, dict):
            continue
        site_id = as_str(raw.get("site_id", raw.get("siteId", raw.get("id"))))
        if site_id is not None:
            name = clean_name(raw.get("name", raw.get("title")))
            sites.append(Site(site_id=site_id, name=name))
    return sites


def parse_charge_modes(body: Any) -> ChargeModes:
    """The charge-mode preference: the mode is the one `enabled`; none when it is empty."""
    modes = as_object(as_object(as_object(body).get("data")).get("modes"))
    offered: list[ChargeMode] = []
    current: ChargeMode | None = None
    for raw in modes.values():
        try:
            mode = ChargeMode(str(as_object(raw).get("chargingMode")))
        except ValueError:
            continue
        offered.append(mode)
        if as_bool(as_object(raw).get("enabled")):
            current = mode
    return ChargeModes(mode=current, offered=tuple(offered))


USE_BATTERY_SETTING = "USE_BATTERY_FOR_SELF_CONSUMPTION"


def parse_use_battery(body: Any) -> bool | None:
    """Whether Green charging may use the battery; None when the charger has no such setting."""
    for raw in as_list(as_object(body).get("data")):
        setting = as_object(raw)
        if setting.get("chargerSettingName") == USE_BATTERY_SETTING:
            return as_bool(setting.get("enabled"))
    return None


def live_stream_seconds(body: Any) -> float | None:
    """How long the live stream runs: `data.liveStreamDuration`, else the legacy `duration_s`."""
    answer = as_object(body)
    return as_float(as_object(answer.get("data")).get("liveStreamDuration")) or as_float(
        answer.get("duration_s")
    )
