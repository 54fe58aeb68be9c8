"""Charged energy: the running total across sessions, and how each reading adds to it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from homeassistant.helpers.restore_state import ExtraStoredData

from ...parse import as_datetime, as_float, as_str
from .const import MAX_CHARGER_POWER_KW
from .models import Charger

# kWh of rounding allowed above the physical bound of one step.
BOUND_SLACK = 0.01
POWER_TOLERANCE = 1.25
"""The bound allows this much over the charger's nominal power: the grid's voltage runs above
the stated 230 V (240 V and more), and a step refused as impossible is never counted."""


@dataclass(slots=True)
class ChargedEnergyState(ExtraStoredData):
    """The running total and where each source was last read.

    The total follows the charger's own lifetime meter when the summary offers it (it also
    covers sessions that ran while Home Assistant was down); while the meter is missing (a
    cloud without the summary, or the summary failing for a while) it adds each session's
    growth. Switching to the sessions anchors at the first reading that names its session,
    without counting (the meter may have counted part of it); when the meter comes back, its
    step counts only what the sessions did not (`meter_total` is the total at the last meter
    reading), so each stretch is counted once, by whichever source saw it. A reading never
    lowers the total, and a step larger than the charger can deliver since the last counted
    reading is not counted.
    """

    total: float = 0.0
    session_start: str | None = None
    session_energy: float = 0.0
    meter: float | None = None
    """The lifetime meter (kWh) at the last counted reading; None while sessions are counted."""
    counted_at: datetime | None = None
    meter_total: float | None = None
    """The total at the last meter reading (None: as `total`, for older stored states)."""
    meter_at: datetime | None = None
    """When the meter was last read (None: `counted_at`, for older stored states)."""
    from_meter: bool = False
    """The last count was the meter's: the sessions anchor before they count."""

    def as_dict(self) -> dict[str, Any]:
        """The stored form (the restore cache keeps it across restarts)."""
        return {
            "total": self.total,
            "session_start": self.session_start,
            "session_energy": self.session_energy,
            "meter": self.meter,
            "counted_at": self.counted_at.isoformat() if self.counted_at else None,
            "meter_total": self.meter_total,
            "meter_at": self.meter_at.isoformat() if self.meter_at else None,
            "from_meter": self.from_meter,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """The state from its stored form; unreadable or negative values start from zero."""
        total = max(as_float(data.get("total")) or 0.0, 0.0)
        meter = as_float(data.get("meter"))
        meter = meter if meter is not None and meter >= 0 else None
        meter_total = as_float(data.get("meter_total"))
        if meter is None:
            meter_total = None
        elif meter_total is None or not 0 <= meter_total <= total:
            meter_total = total
        counted_at = as_datetime(data.get("counted_at"))
        return cls(
            total=total,
            session_start=as_str(data.get("session_start")),
            session_energy=max(as_float(data.get("session_energy")) or 0.0, 0.0),
            meter=meter,
            counted_at=counted_at,
            meter_total=meter_total,
            meter_at=as_datetime(data.get("meter_at")) or counted_at,
            from_meter=bool(data.get("from_meter", meter is not None)),
        )

    def count(self, charger: Charger, now: datetime) -> None:
        """Add what the charger delivered since the last counted reading."""
        summary = charger.summary
        meter = summary.lifetime_energy if summary is not None else None
        max_power = (summary.max_power if summary is not None else None) or MAX_CHARGER_POWER_KW
        if meter is not None and meter >= 0:
            self._count_meter(meter, max_power, now)
            self.from_meter = True
        elif self.from_meter:
            self._anchor_session(charger, now)
        else:
            self._count_session(charger, max_power, now)

    def _count_meter(self, meter: float, max_power: float, now: datetime) -> None:
        if self.meter is None:  # first reading of the meter: from here on it is the source
            self.meter, self.meter_at, self.meter_total = meter, now, self.total
            return
        step = meter - self.meter
        # A drop (the cloud's rounding, a glitch) keeps the higher anchor: nothing is counted
        # until the meter passes it again.
        if step <= 0 or step > _bound(max_power, self.meter_at, now):
            return
        # What the sessions counted while the meter was missing is in the step already.
        by_sessions = max(self.total - (self.meter_total or 0.0), 0.0)
        self.total += max(step - by_sessions, 0.0)
        # Sessions ahead of a (stale) meter stay ahead until the meter catches up.
        ahead = max(by_sessions - step, 0.0)
        self.meter, self.meter_at, self.meter_total = meter, now, self.total - ahead

    def _anchor_session(self, charger: Charger, now: datetime) -> None:
        """The meter went missing: the first reading that names its session is where the
        sessions count from (what the meter missed before it, the meter's return counts)."""
        energy = charger.session_energy
        if energy is None or energy < 0 or charger.session_start is None:
            return
        if not charger.session_unit_known:
            return
        self.session_start = charger.session_start.replace(microsecond=0).isoformat()
        self.session_energy = energy
        self.counted_at = now
        self.from_meter = False

    def _count_session(self, charger: Charger, max_power: float, now: datetime) -> None:
        """Count a session's growth; only a new start time begins a new session.

        While the start time is null (between sessions) nothing is counted: the session's
        energy is cumulative, so what it gained meanwhile is counted once the start is back.
        A drop under the same start time is a glitch, not a new session. A new session is
        bounded from its start or from the last counted reading, whichever is later, so
        sessions that claim to overlap never count more than the charger can deliver.
        """
        energy = charger.session_energy
        if energy is None or energy < 0 or charger.session_start is None:
            return
        if not charger.session_unit_known:
            return  # counted once its unit is known, from the session's start
        # Whole seconds: the same start arrives in seconds and in milliseconds.
        start = charger.session_start.replace(microsecond=0).isoformat()
        since: datetime | None
        if start != self.session_start:
            # One connector charges one session at a time: what was counted up to the last
            # reading is not delivered again by a session that claims to overlap it.
            step, since = energy, charger.session_start
            if self.counted_at is not None and self.counted_at > since:
                since = self.counted_at
        else:
            step, since = energy - self.session_energy, self.counted_at
        if step < 0 or step > _bound(max_power, since, now):
            return
        self.total += step
        self.session_start = start
        self.session_energy = energy
        self.counted_at = now


def _bound(max_power: float, since: datetime | None, now: datetime) -> float:
    """kWh a charger can deliver from `since` to `now` (slack for rounding)."""
    if since is None:
        return math.inf
    hours = max((now - since).total_seconds(), 0.0) / 3600
    return max_power * POWER_TOLERANCE * hours + BOUND_SLACK
