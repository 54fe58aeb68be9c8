"""A new energy sensor's past days, from the proxy's history, in its own long-term statistics.

When a circuit's energy sensor is new (first setup, or a circuit that appeared), the past days
(option, default 7, at most 30) before the live counting started are imported into the
sensor's own statistics, so the Energy dashboard shows them from day one.

The import is computed from the history alone, written in one step, and only once the
recorder has compiled the sensor's first rows: the past hours (their sum grows from 0 to the
total) and a move of the recorder's own rows up by that total plus the minutes of the first
hour before the first sample (and what the sensor counted before the recorder's first row of
it, when that row came late: the sensor disabled or stopped before its first compile). Both
are queued in the same callback, so no compile of the recorder can run between them and no
row of the sensor ever steps down. It waits until the history holds the minute before the
first sample (a few minutes); a history that still lacks it is asked again a minute later.
The pending import is part of the sensor's restore data, so a reload or restart while it
waits carries it on; an import already written is not written again (the statistic then has
rows before the first hour).

Past hours are read in hours and split over UTC hours by overlap (a half-hour zone's local
hours straddle two UTC hours); what lies between the last complete hour of the history and
the first sample is read in minutes, so no part of an hour is lost. The hourly history is
net: an hour in which a circuit both drew and returned energy counts only its net.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_import_statistics,
    statistics_during_period,
)
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import UnitOfEnergy
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import EnergyConverter

from ...const import LOGGER
from ...errors import PortalError
from .api import HISTORY_STEP, EmporiaClient, History
from .backfill import MAX_STEP_KWH, PIECE, SETTLE, history_channels, settled
from .live import CONSUMED, Gap
from .usage import ChannelKey

HOUR = 3600.0
MAX_HOUR_KWH = MAX_STEP_KWH * HOUR / HISTORY_STEP
"""More in an hour than any home circuit can carry: junk, not counted."""
FIVE_MINUTES = 300.0
COMPILED = 90.0
"""Seconds after a 5-minute period ends by which the recorder has compiled it."""
RETRY_WAIT = 60.0
MAX_ATTEMPTS = 30
UNSETTLED_ATTEMPTS = 10
"""Reads whose last minutes are still null before those minutes are taken as missing."""


@dataclass(frozen=True, slots=True)
class PastDaysJob:
    """One new energy sensor whose past days are to be imported."""

    entity_id: str
    key: ChannelKey
    direction: str
    live_from: float
    """Unix seconds of the channel's first sample: where the live counting starts."""
    reversed_flow: bool = False


class PastDays:
    """Imports the past days of new energy sensors (does nothing without the recorder)."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, client: EmporiaClient, days: int
    ) -> None:
        self.hass = hass
        self.entry = entry
        self.client = client
        self.days = days
        self.imported: list[str] = []
        """Entities whose past days were imported in this run."""
        self.pending: dict[str, PastDaysJob] = {}
        """Imports not written yet, by entity id (kept in the sensors' restore data)."""
        self._hours: dict[str, History] = {}
        """The hours read for an import still waiting for its last minutes."""
        self._unsettled: dict[str, int] = {}
        """How often an import found its last minutes still missing."""

    @property
    def enabled(self) -> bool:
        """Statistics need the recorder, and the option at least a day."""
        return self.days > 0 and "recorder" in self.hass.config.components

    @callback
    def schedule(self, job: PastDaysJob) -> None:
        """Import the job's past days once the history and the recorder are ready for it."""
        self.pending[job.entity_id] = job
        period_end = math.ceil(job.live_from / FIVE_MINUTES) * FIVE_MINUTES
        ready = max(job.live_from + SETTLE, period_end + COMPILED)
        self._later(ready - _now(), job, 0)

    def _later(self, delay: float, job: PastDaysJob, attempt: int) -> None:
        """Try the import after `delay` seconds; one that is not done is tried again later."""

        async def run() -> None:
            try:
                done = await self._async_import(job)
            except PortalError as err:
                LOGGER.debug("Emporia history not read for %s this time: %s", job.entity_id, err)
                done = False
            except Exception:  # noqa: BLE001  # the recorder's database: try again later
                LOGGER.debug("Past days of %s not written this time", job.entity_id, exc_info=True)
                done = False
            if done:
                self._forget(job)
            elif attempt + 1 < MAX_ATTEMPTS:
                self._later(RETRY_WAIT, job, attempt + 1)
            else:
                self._forget(job)
                LOGGER.warning("Emporia history did not give the past days of %s", job.entity_id)

        @callback
        def start(_now: datetime) -> None:
            self.entry.async_create_background_task(
                self.hass, run(), f"Emporia past days {job.entity_id}"
            )

        self.entry.async_on_unload(async_call_later(self.hass, max(delay, 0.0), start))

    def _forget(self, job: PastDaysJob) -> None:
        self.pending.pop(job.entity_id, None)
        self._hours.pop(job.entity_id, None)
        self._unsettled.pop(job.entity_id, None)

    async def _async_import(self, job: PastDaysJob) -> bool:
        """Read the past hours and write them with the move of the recorder's rows; False
        while the recorder has no rows of the sensor yet or the history is not settled."""
        channels = history_channels(job.key[1])
        hour = _hour(job.live_from)
        first = hour - self.days * 86400.0
        if channels is None or await self._async_has_rows(job.entity_id, first, hour):
            return True  # nothing to do, or written already
        counted_before_rows = await self._async_counted_before_rows(job)
        if counted_before_rows is None:
            return False  # wait for the recorder's first compile
        hours = self._hours.get(job.entity_id)
        if hours is None:
            hours = await self.client.async_get_history(
                job.key[0], channels, first, hour, scale="1H"
            )
        energies, minutes_from = _hourly_energies(hours, first, job)
        minutes, complete = await self._async_minutes(job, channels, minutes_from)
        unsettled = self._unsettled.get(job.entity_id, 0)
        if not complete and unsettled + 1 < UNSETTLED_ATTEMPTS:
            # The history still fills the last minutes before the first sample: they are
            # read again (the hours are kept).
            self._hours[job.entity_id] = hours
            self._unsettled[job.entity_id] = unsettled + 1
            return False
        for moment, energy in minutes.items():
            energies[moment] = energies.get(moment, 0.0) + energy
        # The rows read again right before the write, once the recorder has done what it was
        # given: the owner may have cleared the statistic while the history was read (the
        # import would then sit above the rows counted from 0 again).
        await get_instance(self.hass).async_block_till_done()
        counted_before_rows = await self._async_counted_before_rows(job)
        if counted_before_rows is None:
            return False  # cleared: wait for the recorder's first compile again
        before = energies.pop(hour, 0.0)
        total = 0.0
        rows: list[StatisticData] = []
        moment = first
        while moment < hour:  # every hour, so the statistic shows the import was written
            total += energies.get(moment, 0.0)
            rows.append(StatisticData(start=_utc(moment), sum=total))
            moment += HOUR
        # Both in this callback: no compile of the recorder runs between them.
        async_import_statistics(self.hass, _metadata(job.entity_id), rows)
        get_instance(self.hass).async_adjust_statistics(
            job.entity_id,
            _utc(hour),
            total + before + counted_before_rows,
            UnitOfEnergy.KILO_WATT_HOUR,
        )
        self.imported.append(job.entity_id)
        LOGGER.debug("Emporia: imported %d past hours for %s", len(rows), job.entity_id)
        return True

    async def _async_minutes(
        self, job: PastDaysJob, channels: list[str], start: float
    ) -> tuple[dict[float, float], bool]:
        """The energy by UTC hour of the minutes from `start` to the first sample (the edge
        minute by overlap), and whether the history had every one of them."""
        energies: dict[float, float] = {}
        complete = True
        end = math.ceil(job.live_from / HISTORY_STEP) * HISTORY_STEP
        while start < end:
            piece_end = min(end, start + PIECE)
            minutes = await self.client.async_get_history(job.key[0], channels, start, piece_end)
            asked = Gap(job.key, start, min(piece_end, job.live_from), job.direction)
            complete = complete and settled(asked, minutes, start)
            first = minutes.first if minutes.first is not None else start
            for index, value in enumerate(minutes.values):
                begin = first + index * HISTORY_STEP
                overlap = min(begin + HISTORY_STEP, job.live_from) - max(begin, start)
                if overlap <= 0:
                    continue
                part = _part(value, job, MAX_STEP_KWH) * overlap / HISTORY_STEP
                energies[_hour(begin)] = energies.get(_hour(begin), 0.0) + part
            start = piece_end
        return energies, complete

    async def _async_has_rows(self, entity_id: str, first: float, hour: float) -> bool:
        """The statistic holds hours before the live counting (imported, or its own)."""
        rows = await get_instance(self.hass).async_add_executor_job(
            statistics_during_period,
            self.hass,
            _utc(first),
            _utc(hour),
            {entity_id},
            "hour",
            None,
            {"sum"},
        )
        return bool(rows.get(entity_id))

    async def _async_counted_before_rows(self, job: PastDaysJob) -> float | None:
        """What the sensor had counted when the recorder's first row of it began (None: no
        row yet). It is 0 when that row holds the first sample; a sensor disabled or stopped
        before its first compile starts its rows later, from what it had counted by then,
        and the recorder's sum does not hold that part."""
        rows = await get_instance(self.hass).async_add_executor_job(
            statistics_during_period,
            self.hass,
            _utc(job.live_from - FIVE_MINUTES),
            None,
            {job.entity_id},
            "5minute",
            {"energy": UnitOfEnergy.KILO_WATT_HOUR},
            {"state", "sum"},
        )
        found = rows.get(job.entity_id)
        if not found:
            return None
        return max((found[0].get("state") or 0.0) - (found[0].get("sum") or 0.0), 0.0)


def _part(value: float | None, job: PastDaysJob, limit: float) -> float:
    """The energy of one step in the job's direction (0 for null, junk or the other way)."""
    if value is None or not math.isfinite(value) or abs(value) > limit:
        return 0.0
    if job.reversed_flow:
        value = -value
    return max(value, 0.0) if job.direction == CONSUMED else max(-value, 0.0)


def _hourly_energies(
    hours: History, first: float, job: PastDaysJob
) -> tuple[dict[float, float], float]:
    """The hours of the history from `first`, by UTC hour (an hour that is not a UTC one split
    by overlap), up to where the minutes take over: the start of the last complete hour
    before the first sample (its sum may still lack late minutes; the minutes tell), at most
    a day before the first sample. An older null hour (the device offline) stays missing."""
    start = hours.first if hours.first is not None else first
    begins = [start + index * HOUR for index in range(len(hours.values))]
    complete = [
        begin
        for begin, value in zip(begins, hours.values, strict=True)
        if value is not None and begin + HOUR <= job.live_from
    ]
    minutes_from = max(complete[-1] if complete else start, first)
    if job.live_from - minutes_from > PIECE:
        day_before = job.live_from - PIECE
        minutes_from = next((b for b in begins if b >= day_before), _minute(day_before))
    energies: dict[float, float] = {}
    for begin, value in zip(begins, hours.values, strict=True):
        if begin + HOUR > minutes_from:
            break
        part = _part(value, job, MAX_HOUR_KWH)
        moment = _hour(begin)
        while moment < begin + HOUR:
            overlap = min(moment + HOUR, begin + HOUR) - max(moment, begin, first)
            if overlap > 0:
                energies[moment] = energies.get(moment, 0.0) + part * overlap / HOUR
            moment += HOUR
    return energies, minutes_from


def _minute(seconds: float) -> float:
    return math.ceil(seconds / HISTORY_STEP) * HISTORY_STEP


def _hour(seconds: float) -> float:
    return math.floor(seconds / HOUR) * HOUR


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _now() -> float:
    return dt_util.utcnow().timestamp()


def _metadata(entity_id: str) -> StatisticMetaData:
    """The metadata the recorder gives a total_increasing energy sensor of its own."""
    return StatisticMetaData(
        mean_type=StatisticMeanType.NONE,
        has_sum=True,
        name=None,
        source="recorder",
        statistic_id=entity_id,
        unit_class=EnergyConverter.UNIT_CLASS,
        unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
    )
