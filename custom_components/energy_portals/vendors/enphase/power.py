"""The charging power, averaged from the energy between two readings that differ.

The status has no live power (section 4 of the field notes): the energy a session reports
is the only measurement. Its average over the time since it last changed is honest; a poll
that sees the same energy brings no news and keeps the last average.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .models import Charger


@dataclass(slots=True)
class AveragePower:
    """One charger's average charging power (W)."""

    watts: float | None = None
    _energy: float | None = None
    _since: datetime | None = None
    _charging: bool = False

    def update(self, charger: Charger, now: datetime, max_kw: float) -> None:
        """Take a reading: 0 W while not charging; once charging, unknown until the energy
        moves, then its average since it last moved."""
        energy = charger.session_energy
        if not charger.charging or not self._charging:
            self.watts = 0.0 if not charger.charging else None
            self._charging = bool(charger.charging)
            self._energy, self._since = energy, now
            return
        if energy is None or self._energy is None or self._since is None or energy < self._energy:
            self.watts = None  # no reading, or a new session: its first average comes next
        elif energy == self._energy or now <= self._since:
            return  # no news, or two readings at one moment: keep the anchor and the average
        else:
            hours = (now - self._since).total_seconds() / 3600
            self.watts = round(min((energy - self._energy) / hours, max_kw) * 1000, 1)
        self._energy, self._since = energy, now
