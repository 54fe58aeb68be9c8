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

    def update(self, charger: Charger, now: datetime, max_kw: float) -> None:
        """Take a reading: 0 W while not charging, the average once the energy moves."""
        energy = charger.session_energy
        if not charger.charging:
            self.watts = 0.0
        elif energy is not None and self._energy is not None and self._since is not None:
            hours = (now - self._since).total_seconds() / 3600
            if energy < self._energy:  # a new session: its first average comes next time
                self.watts = None
            elif energy > self._energy and hours > 0:
                self.watts = round(min((energy - self._energy) / hours, max_kw) * 1000, 1)
            else:
                return  # the same energy: no news, keep the anchor and the last average
        if energy != self._energy or not charger.charging:
            self._energy, self._since = energy, now
