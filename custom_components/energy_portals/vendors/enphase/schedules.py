"""The charger's charging schedules (`SCHEDULED_CHARGING` slots), the PATCH that writes
them back and the body of a new one (no Home Assistant imports here;
enphase-cloud-more.md, section 6).

A write sends every slot with the server time stamp of the read: a slot left out may be
deleted, and each slot's unknown fields go back unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

from ...errors import PortalResponseError
from ...parse import as_bool, as_int, as_list, as_object, as_str

SCHEDULER_PATH = (
    "/service/evse_scheduler/api/v1/iqevc/charging-mode/SCHEDULED_CHARGING/{site}/{serial}"
)
SCHEDULES_PATH = SCHEDULER_PATH + "/schedules"
NEW_SCHEDULE_PATH = SCHEDULER_PATH + "/schedule"
"""POST creates one slot."""
SCHEDULE_PATH = SCHEDULER_PATH + "/schedule/{slot}"
"""DELETE removes one slot."""
OFF_PEAK = "OFF_PEAK"
WEEKDAYS = (1, 2, 3, 4, 5, 6, 7)
"""`days` numbers: 1 is Monday, 7 Sunday."""


@dataclass(frozen=True, slots=True)
class Schedule:
    """One slot: its times (local `HH:MM`; none for an off-peak slot) and whether it is on."""

    slot_id: str
    kind: str | None
    start: time | None
    end: time | None
    enabled: bool
    days: tuple[int, ...] | None = None
    """The weekdays it runs on (1 Monday ... 7 Sunday); None when the answer does not say."""


@dataclass(frozen=True, slots=True)
class Schedules:
    """A charger's slots, and the read's server time stamp (the write sends it back)."""

    stamp: Any
    slots: tuple[Schedule, ...]
    raw_slots: tuple[Any, ...] = ()
    """Every slot as read, those without an id too: a write sends them all back, each
    unchanged but for the change (a slot left out may be deleted)."""

    def slot(self, slot_id: str) -> Schedule | None:
        """The slot with this id, if the charger still has it."""
        return next((slot for slot in self.slots if slot.slot_id == slot_id), None)

    def patch(
        self,
        slot_id: str,
        *,
        enabled: bool | None = None,
        start: time | None = None,
        end: time | None = None,
        days: tuple[int, ...] | None = None,
        level: int | None = None,
    ) -> dict[str, Any]:
        """The PATCH body with one slot changed: every slot, each as it was read."""
        changes: dict[str, Any] = {}
        if enabled is not None:
            changes["enabled"] = enabled
        if start is not None:
            changes["startTime"] = start.strftime("%H:%M")
        if end is not None:
            changes["endTime"] = end.strftime("%H:%M")
        if days is not None:
            changes["days"] = sorted(days)
        if level is not None:
            changes["chargingLevel"] = changes["chargingLevelAmp"] = level
        data = [
            {**raw, **changes} if as_str(as_object(raw).get("id")) == slot_id else raw
            for raw in self.raw_slots
        ]
        return {"meta": {"serverTimeStamp": self.stamp, "rowCount": len(data)}, "data": data}

    def without(self, slot_id: str) -> Schedules:
        """The schedules once this slot is deleted (until the next read)."""
        return Schedules(
            stamp=self.stamp,
            slots=tuple(slot for slot in self.slots if slot.slot_id != slot_id),
            raw_slots=tuple(
                raw for raw in self.raw_slots if as_str(as_object(raw).get("id")) != slot_id
            ),
        )

    def written(self, body: dict[str, Any]) -> Schedules:
        """The schedules as a `patch` body wrote them (until the next read)."""
        return parse_schedules({"meta": body["meta"], "data": {"slots": body["data"]}})


ENTITY_KEYS = ("enabled", "start", "end", *(f"day_{day}" for day in WEEKDAYS))
"""The keys that end a schedule entity's unique id (`<charger>_schedule_<slot id>_<key>`)."""


def slot_in_unique_id(prefix: str, unique_id: str) -> str | None:
    """The slot id in a schedule entity's unique id that starts with `prefix`
    (`<charger>_schedule_`), else None (not a schedule entity's)."""
    if not unique_id.startswith(prefix):
        return None
    rest = unique_id.removeprefix(prefix)
    for key in ENTITY_KEYS:
        if rest.endswith(f"_{key}") and len(rest) > len(key) + 1:
            return rest.removesuffix(f"_{key}")
    return None


def new_slot(
    start: time, end: time, days: tuple[int, ...], level: int, *, enabled: bool
) -> dict[str, Any]:
    """The body of a new slot, in the shape the field records slots in."""
    return {
        "startTime": start.strftime("%H:%M"),
        "endTime": end.strftime("%H:%M"),
        "chargingLevel": level,
        "chargingLevelAmp": level,
        "scheduleType": "CUSTOM",
        "days": sorted(days),
        "remindTime": 10,
        "remindFlag": False,
        "enabled": enabled,
        "recurringKind": "Recurring",
        "chargeLevelType": "Weekly",
        "sourceType": "SYSTEM",
        "reminderTimeUtc": None,
        "serializedDays": None,
    }


def _days(value: Any) -> tuple[int, ...] | None:
    if not isinstance(value, list):
        return None
    days = {as_int(day) for day in as_list(value)}
    return tuple(sorted(day for day in days if day in WEEKDAYS))


def _clock_time(value: Any) -> time | None:
    text = as_str(value)
    if text is None:
        return None
    try:
        hours, minutes = (int(part) for part in text.split(":")[:2])
        return time(hours, minutes)
    except ValueError:
        return None


def parse_schedules(body: Any) -> Schedules:
    """The schedules answer: `data.slots[]`; slots without an id are skipped."""
    answer = as_object(body)
    data = answer.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("slots"), list):
        raise PortalResponseError("Schedules answer has no slots")
    slots = []
    for raw in data["slots"]:
        item = as_object(raw)
        slot_id = as_str(item.get("id"))
        if slot_id is None:
            continue
        slots.append(
            Schedule(
                slot_id=slot_id,
                kind=as_str(item.get("scheduleType")),
                start=_clock_time(item.get("startTime")),
                end=_clock_time(item.get("endTime")),
                enabled=as_bool(item.get("enabled")) is True,
                days=_days(item.get("days")),
            )
        )
    return Schedules(
        stamp=as_object(answer.get("meta")).get("serverTimeStamp"),
        slots=tuple(slots),
        raw_slots=tuple(data["slots"]),
    )
