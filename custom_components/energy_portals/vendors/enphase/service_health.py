"""Which of the Enlighten cloud's call families fail now, and since when (no Home Assistant
imports here): the service status sensor shows it, and repairs follow it (repairs.py).

The status is what everything else hangs on: without it the service is down; with it, any
other family failing makes it degraded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

STATUS: Final = "status"
SUMMARY: Final = "summary"
CHARGE_MODE: Final = "charge_mode"
CHARGER_CONFIG: Final = "charger_config"
SCHEDULES: Final = "schedules"
FIRMWARE: Final = "firmware"
CURRENCY: Final = "currency"
HISTORY: Final = "history"
OPTIONAL: Final = (HISTORY, SCHEDULES, FIRMWARE)
"""Services an owner may live without: their repairs can be silenced (an option)."""

OK: Final = "ok"
DEGRADED: Final = "degraded"
DOWN: Final = "down"
STATES: Final = [OK, DEGRADED, DOWN]


class ServiceHealth:
    """The failing call families of one entry, each with the time its failures began."""

    def __init__(self) -> None:
        self.failing: dict[str, datetime] = {}
        self.changes = 0
        """Counts each time a family starts or stops failing (the sensor follows it)."""

    def failed(self, family: str, now: datetime) -> None:
        """A call of this family failed (the first failure in a row is kept)."""
        if family not in self.failing:
            self.failing[family] = now
            self.changes += 1

    def served(self, family: str) -> None:
        """A call of this family answered (or the cloud does not offer it: no failure)."""
        if self.failing.pop(family, None) is not None:
            self.changes += 1

    def recovered(self, now: datetime) -> None:
        """The status answers again: the others failing count from now (they failed with the
        whole cloud, not on their own)."""
        self.served(STATUS)
        for family in self.failing:
            self.failing[family] = now

    @property
    def state(self) -> str:
        """Down without the status, degraded while another family fails, else ok."""
        if STATUS in self.failing:
            return DOWN
        return DEGRADED if self.failing else OK
