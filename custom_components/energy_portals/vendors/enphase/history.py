"""Finished charging sessions from Enlighten's session history (no Home Assistant imports here).

`POST /service/enho_historical_events_ms/<site>/sessions/<sn>/history` answers
`{data: {result: [...], hasMore, offset, limit}}`; each item carries `sessionId`, `startTime`
and `endTime` (ISO ending in `[UTC]`), `aggEnergyValue` (kWh), `activeChargeTime` (s),
`milesAdded`, `sessionCost` and `avgCostPerUnitEnergy` (field-payloads/enphase/).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ...errors import PortalResponseError
from ...parse import as_bool, as_float, as_object, as_str
from .models import cloud_time

HISTORY_PATH = "/service/enho_historical_events_ms/{site}/sessions/{serial}/history"
PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class FinishedSession:
    """One finished charging session."""

    session_id: str
    start: datetime
    end: datetime
    energy: float
    """kWh."""
    active_charge_time: float | None = None
    """Seconds the car actually charged."""
    miles_added: float | None = None
    cost: float | None = None
    """In the site's currency."""
    cost_per_kwh: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """The stored form (ISO times)."""
        return {
            "session_id": self.session_id,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "energy": self.energy,
            "active_charge_time": self.active_charge_time,
            "miles_added": self.miles_added,
            "cost": self.cost,
            "cost_per_kwh": self.cost_per_kwh,
        }


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """One page of the history."""

    sessions: list[FinishedSession]
    has_more: bool


def parse_session(raw: Any) -> FinishedSession | None:
    """One history item (or a stored session); None when it is not a finished session."""
    item = as_object(raw)
    session_id = as_str(item.get("sessionId")) or as_str(item.get("session_id"))
    start = cloud_time(item.get("startTime", item.get("start")))
    end = cloud_time(item.get("endTime", item.get("end")))
    energy = as_float(item.get("aggEnergyValue", item.get("energy")))
    if session_id is None or start is None or end is None or end < start:
        return None
    if energy is None or energy < 0:
        return None
    cost = as_float(item.get("sessionCost", item.get("cost")))
    if as_bool(item.get("costCalculated")) is False:
        cost = None
    return FinishedSession(
        session_id=session_id,
        start=start,
        end=end,
        energy=energy,
        active_charge_time=as_float(item.get("activeChargeTime", item.get("active_charge_time"))),
        miles_added=as_float(item.get("milesAdded", item.get("miles_added"))),
        cost=cost,
        cost_per_kwh=as_float(item.get("avgCostPerUnitEnergy", item.get("cost_per_kwh"))),
    )


def parse_history(body: Any) -> HistoryPage:
    """The history answer: `data.result[]` and `data.hasMore` (a bare `result` too)."""
    data = as_object(body)
    data = as_object(data.get("data")) or data
    result = data.get("result")
    if not isinstance(result, list):
        raise PortalResponseError("Session history answer has no result list")
    sessions = [session for item in result if (session := parse_session(item)) is not None]
    return HistoryPage(sessions=sessions, has_more=as_bool(data.get("hasMore")) is True)


def history_request(first: date, last: date, time_zone: str, offset: int) -> dict[str, Any]:
    """The history request's body: local dates (DD-MM-YYYY) in the given zone."""
    return {
        "source": "evse",
        "params": {
            "offset": offset,
            "limit": PAGE_SIZE,
            "startDate": first.strftime("%d-%m-%Y"),
            "endDate": last.strftime("%d-%m-%Y"),
            "timezone": time_zone,
        },
    }
