"""The charger's charging schedules (`SCHEDULED_CHARGING` slots) and the PATCH that writes
them back (no Home Assistant imports here; enphase-cloud-more.md, section 6).

A write sends every slot with the server time stamp of the read: a slot left out may be
deleted, and each slot's unknown fields go back unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

from ...errors import PortalResponseError
from ...parse import as_bool, as_object, as_str

SCHEDULES_PATH = (
    "/service/evse_scheduler/api/v1/iqevc/charging-mode/SCHEDULED_CHARGING/{site}/{serial}"
    "/schedules"
)
OFF_PEAK = "OFF_PEAK"


@dataclass(frozen=True, slots=True)
class Schedule:
    """One slot: its times (local `HH:MM`; none for an off-peak slot) and whether it is on."""

    slot_id: str
    kind: str | None
    start: time | None
    end: time | None
    enabled: bool


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
    ) -> dict[str, Any]:
        """The PATCH body with one slot changed: every slot, each as it was read."""
        changes: dict[str, Any] = {}
        if enabled is not None:
            changes["enabled"] = enabled
        if start is not None:
            changes["startTime"] = start.strftime("%H:%M")
        if end is not None:
            changes["endTime"] = end.strftime("%H:%M")
        data = [
            {**raw, **changes} if as_str(as_object(raw).get("id")) == slot_id else raw
            for raw in self.raw_slots
        ]
        return {"meta": {"serverTimeStamp": self.stamp, "rowCount": len(data)}, "data": data}

    def written(self, body: dict[str, Any]) -> Schedules:
        """The schedules as a `patch` body wrote them (until the next read)."""
        return parse_schedules({"meta": body["meta"], "data": {"slots": body["data"]}})


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
            )
        )
    return Schedules(
        stamp=as_object(answer.get("meta")).get("serverTimeStamp"),
        slots=tuple(slots),
        raw_slots=tuple(data["slots"]),
    )
