"""Emporia's own day and month buckets per channel: the numbers the Emporia app shows as energy
today and this month, read through the proxy's /devices/instant with scale 1D and 1MON.

One coordinator per scale, so that a proxy failing one scale keeps the other's sensors. One
request per top-level device, every 15 minutes and just after the device's local midnight, so
a new day starts from its own bucket within seconds. When a bucket is first read (at setup, or
after its period turned), the bucket before it is read once more for its final value: the
sensors show that first, so the day's last minutes are in the statistics before the reset. A
proxy without the buckets (404) is asked again daily, and their sensors are not created.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import partial
from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ...coordinator import PortalCoordinator
from ...optional_endpoints import OptionalEndpoints
from .api import EmporiaClient, EmporiaDevice
from .usage import ChannelKey

if TYPE_CHECKING:
    from .coordinator import EmporiaConfigEntry

DAY = "1D"
MONTH = "1MON"
SCALES = (DAY, MONTH)
SCALE_NAMES = {DAY: "day", MONTH: "month"}
PERIODS_INTERVAL = timedelta(minutes=15)
AFTER_BOUNDARY = timedelta(seconds=10)
"""How long after a local midnight the new day's bucket is asked for."""


@dataclass(frozen=True, slots=True)
class PeriodReading:
    """A channel's energy (kWh, negative: net production) in one bucket so far."""

    energy: float | None
    start: datetime
    end: datetime
    closed: PeriodReading | None = None
    """The bucket before, read once more after it ended (its final value), when this bucket
    was first read: its last minutes would otherwise never reach the statistics."""


type PeriodData = dict[tuple[str, ChannelKey], PeriodReading]
"""(scale, channel) -> its bucket."""


def period_bounds(at: datetime, zone: tzinfo, scale: str) -> tuple[datetime, datetime]:
    """The local day (1D) or calendar month (1MON) that `at` falls in, as aware datetimes."""
    local = at.astimezone(zone).date()
    if scale == DAY:
        first, after = local, local + timedelta(days=1)
    else:
        first = local.replace(day=1)
        after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return _midnight(first, zone), _midnight(after, zone)


async def _zone(name: str | None) -> tzinfo | None:
    """The device's zone (None when it names none Home Assistant knows)."""
    if not name:
        return None
    try:
        return await dt_util.async_get_time_zone(name)
    except ValueError:  # not a zone name at all
        return None


def _midnight(day: date, zone: tzinfo) -> datetime:
    """The day's first moment in the zone (normalised through UTC, so a gap at midnight moves
    it to the first existing time)."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC).astimezone(zone)


class EmporiaPeriodsCoordinator(PortalCoordinator[PeriodData]):
    """Every channel's bucket of one scale (day or month), read every 15 minutes and after
    the period turns."""

    endpoints: OptionalEndpoints

    def __init__(
        self,
        hass: HomeAssistant,
        entry: EmporiaConfigEntry,
        client: EmporiaClient,
        devices: Callable[[], dict[int, EmporiaDevice]],
        scale: str,
    ) -> None:
        super().__init__(
            hass, entry, name=f"Emporia {SCALE_NAMES[scale]}", update_interval=PERIODS_INTERVAL
        )
        self.client = client
        self.scale = scale
        self._devices = devices
        self._endpoint = f"{SCALE_NAMES[scale]} buckets"
        self.endpoints = OptionalEndpoints(
            "The Emporia proxy",
            "update the proxy to see the Emporia app's totals; the energy sensors keep "
            "counting without them",
        )

    async def _async_fetch(self) -> PeriodData:
        data: PeriodData = {}
        now = dt_util.utcnow()
        next_boundary = now + PERIODS_INTERVAL
        self.update_interval = PERIODS_INTERVAL  # a failed read is tried again in 15 minutes
        scale = self.scale
        for device in self._devices().values():
            if not device.top_level:
                continue
            zone = await _zone(device.time_zone) or dt_util.get_default_time_zone()
            sample = await self.endpoints.fetch(
                self._endpoint,
                partial(self.client.async_get_period_usage, device.gid, scale),
                key=device.gid,
            )
            if sample is None:
                continue
            start, end = period_bounds(sample.instant or now, zone, scale)
            next_boundary = min(next_boundary, end + AFTER_BOUNDARY)
            closed = await self._async_closed(device.gid, start, zone)
            for key, reading in sample.readings.items():
                data[scale, key] = PeriodReading(reading.energy, start, end, closed.get(key))
        self.update_interval = max(next_boundary - now, AFTER_BOUNDARY)
        return data

    async def _async_closed(
        self, gid: int, start: datetime, zone: tzinfo
    ) -> dict[ChannelKey, PeriodReading]:
        """The final buckets of the period before `start`, when `start`'s is read first."""
        scale = self.scale
        if any(
            key[0] == gid and reading.start == start
            for (_, key), reading in (self.data or {}).items()
        ):
            return {}
        before = start - timedelta(seconds=1)
        sample = await self.client.async_get_period_usage(gid, scale, at=before.timestamp())
        first, end = period_bounds(before, zone, scale)
        return {
            key: PeriodReading(reading.energy, first, end)
            for key, reading in sample.readings.items()
        }
