"""The unit of a session's energy (`session_d.e_c`), decided per charger from evidence.

The current status envelope sends Wh (9867); the legacy shape has been seen with kWh (3.52)
and with Wh (140 for 0.14 kWh). One threshold alone is wrong both ways (field payloads'
README), so the unit is decided from what the charger shows, then kept (the entry stores it):

- the current envelope is Wh;
- a value over 200 cannot be kWh, nor one more than the charger's maximum power could deliver
  since the session started;
- the lifetime meter's growth over the session, when the summary offers it, says which of the
  two the session's growth matches.

The unit is decided at the charger's first session energy above zero, from the evidence there
is by then (kWh, the legacy shape's unit in our spec, when nothing says Wh), and never changes
afterwards, so a session's energy never jumps by a factor of 1000.
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


@dataclass(slots=True)
class SessionUnits:
    """The decided unit per charger serial, and what the meter showed at each session's start."""

    decided: dict[str, str] = field(default_factory=dict)
    _first_seen: dict[str, tuple[datetime, float, float]] = field(default_factory=dict)
    """Serial -> (session start, its energy and the meter when it was first seen)."""

    def kwh(self, charger: Charger, max_power_kw: float, now: datetime) -> float | None:
        """The session's energy in kWh (None while the charger reports none)."""
        value = charger.session_energy_reported
        if value is None or value < 0:
            return None
        serial = charger.serial
        if serial not in self.decided:
            unit = self._evidence(charger, value, max_power_kw, now)
            if unit is None and value == 0:
                return 0.0  # the same in either unit: wait for evidence
            self.decided[serial] = unit or KWH
        return value / 1000 if self.decided[serial] == WH else value

    def _evidence(
        self, charger: Charger, value: float, max_power_kw: float, now: datetime
    ) -> str | None:
        if charger.session_energy_in_wh:
            return WH
        if value > MAX_KWH_VALUE:
            return WH
        start = charger.session_start
        if (
            start is not None
            and value > max_power_kw * max((now - start).total_seconds(), 0) / 3600
        ):
            return WH
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
