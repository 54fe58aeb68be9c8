"""Which local month each session's energy and cost count in, for the month sensors.

A session counts in the month it ended in, when it is known before that month closes. One
that becomes known only after (it ended in the last minutes before the month turned, and the
history lists it at its next read), and a cost the cloud calculates after the month turned,
count in the month they became known: each once, in a month whose sensor can still show it
(a closed month's total is history in the recorder). At the entry's first read, and for the
sessions an older version stored, every session counts in the month it ended in.

A book that is lost (Home Assistant's storage lost or corrupt) is written again the same way;
a month sensor that showed more this month than the new book gives it carries the difference
(`carried`), so its total never falls.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from homeassistant.util import dt as dt_util

from ...parse import as_float
from .history import FinishedSession


def month_key(moment: datetime) -> str:
    """The local month `moment` falls in, as "YYYY-MM"."""
    return dt_util.as_local(moment).strftime("%Y-%m")


@dataclass(slots=True)
class MonthBook:
    """Session id -> the month its energy counts in, and the month its cost counts in."""

    energy: dict[str, str] = field(default_factory=dict)
    cost: dict[str, str] = field(default_factory=dict)
    carried: dict[str, float] = field(default_factory=dict)
    """What a month sensor showed beyond its sessions when the book was lost, by
    `carried_key(serial, metric, month)`."""

    def carry(self, serial: str, metric: str, month: str, amount: float) -> None:
        """Keep what a month sensor showed beyond the book written again (once)."""
        self.carried.setdefault(carried_key(serial, metric, month), amount)

    def carried_in(self, serial: str, metric: str, month: str) -> float:
        """What the month sensor carries beyond its sessions in `month`."""
        return self.carried.get(carried_key(serial, metric, month), 0.0)

    def book(self, sessions: Iterable[FinishedSession], now: datetime, *, by_end: bool) -> None:
        """Give each session not booked yet (and each cost new since) its month."""
        current = month_key(now)
        for session in sessions:
            ended = month_key(session.end)
            month = ended if by_end or ended >= current else current
            self.energy.setdefault(session.session_id, month)
            if session.cost is not None:
                self.cost.setdefault(session.session_id, month)

    def energy_in(self, sessions: Iterable[FinishedSession], month: str) -> float:
        """kWh of the sessions whose energy counts in `month`."""
        return sum(s.energy for s in sessions if self.energy.get(s.session_id) == month)

    def cost_in(self, sessions: Iterable[FinishedSession], month: str) -> float:
        """What the sessions whose cost counts in `month` cost."""
        return sum(s.cost or 0.0 for s in sessions if self.cost.get(s.session_id) == month)

    def as_dict(self) -> dict[str, Any]:
        """The stored form."""
        return {"energy": self.energy, "cost": self.cost, "carried": self.carried}

    @classmethod
    def from_dict(cls, data: Any) -> MonthBook | None:
        """The stored book; None when there is none (stored by an older version)."""
        if not isinstance(data, dict):
            return None
        return cls(
            energy={str(k): str(v) for k, v in (data.get("energy") or {}).items()},
            cost={str(k): str(v) for k, v in (data.get("cost") or {}).items()},
            carried={
                str(k): amount
                for k, v in (data.get("carried") or {}).items()
                if (amount := as_float(v)) is not None and amount > 0
            },
        )


def carried_key(serial: str, metric: str, month: str) -> str:
    return f"{serial} {metric} {month}"
