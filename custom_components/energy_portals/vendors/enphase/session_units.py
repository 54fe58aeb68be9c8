"""The unit of a session's energy (`session_d.e_c`), decided per charger from evidence.

The current status envelope sends Wh (9867); the legacy shape has been seen with kWh (3.52)
and with Wh (140 for 0.14 kWh). One threshold alone is wrong both ways (field payloads'
README), so the unit is decided from what the charger shows, then kept (the entry stores it):

- the current envelope is Wh;
- a value over 200 cannot be kWh, nor one more than the charger's maximum power could deliver
  since the session started;
- the lifetime meter's growth over the session, when the summary offers it, says which of the
  two the session's growth matches.

- between two readings of a running session, growth the charger could not deliver as kWh is
  Wh; growth that as Wh would be too slow for a charging car (under 1 kW) is kWh.

Until the evidence comes (a finished session seen once at setup gives none), the value is
read as kWh, the legacy shape's unit in our spec, and not kept, and charged energy does not
count it; once decided the unit never changes, so a session's energy never jumps by a factor
of 1000 again.
No Home Assistant imports here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .models import Charger

WH = "Wh"
KWH = "kWh"
MAX_KWH_VALUE = 200.0
"""No home charging session delivers more than this: a larger value is Wh."""
MIN_METER_GROWTH = 0.05
"""kWh the meter must grow over a session before its growth is evidence."""
SLACK_KWH = 0.05
"""Rounding allowed above what the charger can deliver before a value is impossible as kWh."""
POWER_TOLERANCE = 1.25
"""Over the nominal power (the grid runs above 230 V)."""
MIN_CHARGING_KW = 1.0
"""A car that charges draws more than this (6 A at 230 V is 1.4 kW)."""


@dataclass(slots=True)
class SessionUnits:
    """The decided unit per charger serial, and what each session showed when last seen."""

    decided: dict[str, str] = field(default_factory=dict)
    _first_seen: dict[str, tuple[datetime, float, float]] = field(default_factory=dict)
    """Serial -> (session start, its energy and the meter when it was first seen)."""
    _last_seen: dict[str, tuple[datetime, float, datetime]] = field(default_factory=dict)
    """Serial -> (session start, its energy, when that energy was first seen)."""

    def kwh(self, charger: Charger, max_power_kw: float, now: datetime) -> float | None:
        """The session's energy in kWh (None while the charger reports none)."""
        value = charger.session_energy_reported
        if value is None or value < 0:
            return None
        serial = charger.serial
        if serial not in self.decided:
            unit = self._evidence(charger, value, max_power_kw * POWER_TOLERANCE, now)
            if unit is not None:
                self.decided[serial] = unit
        return value / 1000 if self.decided.get(serial, KWH) == WH else value

    def _evidence(
        self, charger: Charger, value: float, max_power_kw: float, now: datetime
    ) -> str | None:
        if charger.session_energy_in_wh:
            return WH
        if value > MAX_KWH_VALUE:
            return WH
        start = charger.session_start
        if start is None:
            return None
        if value > max_power_kw * _hours(start, now) + SLACK_KWH:
            return WH
        return self._growth_evidence(charger, value, max_power_kw, now) or self._meter_evidence(
            charger, value
        )

    def _growth_evidence(
        self, charger: Charger, value: float, max_power_kw: float, now: datetime
    ) -> str | None:
        """Between two readings of the same running session: how fast it grew."""
        start, serial = charger.session_start, charger.serial
        assert start is not None
        last = self._last_seen.get(serial)
        if last is None or last[0] != start or value != last[1]:
            # From when a value was first seen: the cloud may update it only every few polls.
            self._last_seen[serial] = (start, value, now)
        if last is None or last[0] != start or value <= last[1]:
            return None
        grown, hours = value - last[1], _hours(last[2], now)
        if grown > max_power_kw * hours + SLACK_KWH:
            return WH
        if charger.charging and hours > 0 and grown / 1000 / hours < MIN_CHARGING_KW:
            return KWH  # as Wh, far too slow for a car that charges
        return None

    def _meter_evidence(self, charger: Charger, value: float) -> str | None:
        """The lifetime meter's growth over the session, when the summary has it."""
        start = charger.session_start
        meter = charger.summary.lifetime_energy if charger.summary is not None else None
        if start is None or meter is None:
            return None
        first = self._first_seen.get(charger.serial)
        if first is None or first[0] != start:
            self._first_seen[charger.serial] = (start, value, meter)
            return None
        grown, session_grown = meter - first[2], value - first[1]
        if grown < MIN_METER_GROWTH or session_grown <= 0:
            return None
        # The session grew by the meter's kWh, or by a thousand times that (Wh).
        return WH if session_grown / grown > 31.6 else KWH  # 31.6: the geometric middle


def _hours(since: datetime, now: datetime) -> float:
    return max((now - since).total_seconds(), 0.0) / 3600
