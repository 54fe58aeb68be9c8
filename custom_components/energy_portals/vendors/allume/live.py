"""Allume live readings: the latest closed 5-minute interval of each property.

A one-hour window of the current hour answers its 5-minute rows (FIELD-NOTES.md); the newest
closed one is the reading. This is an option (off, or every 5 to 30 minutes) beside the
hourly path, which it never touches: statistics and today's totals come from closed hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ...const import LOGGER
from ...coordinator import PortalCoordinator
from ...errors import PortalNotFoundError
from .api import AccessDeniedError, AllumeClient, SnapshotSource
from .const import LANDING_DELAY
from .models import HOUR, Energy, floor_hour

if TYPE_CHECKING:
    from .coordinator import AllumeConfigEntry, AllumeCoordinator

FIVE_MINUTES = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class LiveReading:
    """The energy of one closed 5-minute interval, and the average power it means."""

    start: datetime
    end: datetime
    energy: Energy

    def average_watts(self, kwh: float) -> float:
        """W on average over the interval for `kwh` in it."""
        hours = (self.end - self.start) / timedelta(hours=1)
        return round(kwh / hours * 1000, 1)

    @property
    def surplus(self) -> bool:
        """The interval exported solar: there was more than the property used."""
        return self.energy.solar_exported > 0


def live_window(now: datetime) -> tuple[datetime, datetime]:
    """The hour holding the newest interval that has landed (the previous hour until the
    first interval of this hour has)."""
    start = floor_hour(now - LANDING_DELAY - FIVE_MINUTES)
    return start, start + HOUR


class AllumeLiveCoordinator(PortalCoordinator[dict[str, LiveReading]]):
    """One one-hour window per property at the chosen interval; the newest closed row."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: AllumeConfigEntry,
        *,
        client: AllumeClient,
        hourly: AllumeCoordinator,
        interval: timedelta,
    ) -> None:
        super().__init__(hass, entry, name="Allume SolCentre live", update_interval=interval)
        self.client = client
        self.hourly = hourly
        self.interval = interval

    async def _async_fetch(self) -> dict[str, LiveReading]:
        now = dt_util.utcnow()
        start, end = live_window(now)
        # A reading older than two intervals no longer says what happens now: dropped.
        oldest = now - 2 * self.interval - LANDING_DELAY - FIVE_MINUTES
        readings = {key: old for key, old in (self.data or {}).items() if old.end >= oldest}
        for prop in self.hourly.properties:
            try:
                intervals = await self.client.async_get_snapshots(
                    SnapshotSource.PROPERTY, prop.property_id, start, end
                )
            except (AccessDeniedError, PortalNotFoundError) as err:
                LOGGER.debug("No live reading of a property this time: %s", err)
                continue
            closed = [
                row
                for row in intervals
                if row.end - row.start <= FIVE_MINUTES and row.end <= now - LANDING_DELAY
            ]
            if closed:
                newest = max(closed, key=lambda row: row.end)
                readings[prop.property_id] = LiveReading(newest.start, newest.end, newest.energy)
        return readings

    def reading(self, property_id: str) -> LiveReading | None:
        """The property's newest reading (None when there is none recent)."""
        return (self.data or {}).get(property_id)
