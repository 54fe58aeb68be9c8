"""A new energy sensor's past days, from the proxy's history, in its own long-term statistics.

When a circuit's energy sensor is new (first setup, or a circuit that appeared), the past days
(option, default 7, at most 30) are read from `/devices/:id/history` in hours as soon as the
live counting starts, and imported into the sensor's own statistics, so the Energy dashboard
shows them from day one. Their sum grows from 0; the hour the counting started also gets its
minutes before the first sample (read in minutes). The recorder's own rows for the sensor
must continue from that sum: before it has compiled any, a 5-minute row holding the sum (and
the sensor's starting value 0) is written where its first compile will look for it; once it
has (setup right at a 5-minute boundary), its rows are moved up by the sum instead. A few
minutes later, when the history surely holds the last minute before the first sample, the
minutes are read again and what they add is moved in as well. The import is skipped when the
statistic already has rows before that hour, so no hour is counted twice and no step goes down.

The hourly history is net: an hour in which a circuit both drew and returned energy counts
only its net, in its direction.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from homeassistant.components.recorder.db_schema import StatisticsShortTerm
from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_import_statistics,
    get_last_short_term_statistics,
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
from .backfill import MAX_STEP_KWH, SETTLE, gap_energy, history_channels
from .live import CONSUMED, Gap, in_direction
from .usage import ChannelKey

HOUR = 3600.0
MAX_HOUR_KWH = MAX_STEP_KWH * HOUR / HISTORY_STEP
"""More in an hour than any home circuit can carry: junk, not counted."""
FIVE_MINUTES = 300.0
MARGIN = 20.0
"""Seconds before a 5-minute period ends after which the seed row might come too late."""
COMPILED = 90.0
"""Seconds after a 5-minute period ends by which the recorder has compiled it."""
RETRY_WAIT = 60.0
MAX_ATTEMPTS = 30


def _part(value: float | None, direction: str, reversed_flow: bool) -> float:
    """The energy of one hour in one direction (0 for null, junk or the other way)."""
    if value is None or not math.isfinite(value) or abs(value) > MAX_HOUR_KWH:
        return 0.0
    if reversed_flow:
        value = -value
    return max(value, 0.0) if direction == CONSUMED else max(-value, 0.0)


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@dataclass(frozen=True, slots=True)
class PastDaysJob:
    """One new energy sensor whose past days are to be imported."""

    entity_id: str
    key: ChannelKey
    direction: str
    live_from: float
    """Unix seconds of the channel's first sample: where the live counting starts."""
    reversed_flow: bool = False
    total: float = 0.0
    """kWh of the imported hours."""
    moved: float = 0.0
    """kWh the recorder's own rows continue from already (the seed row)."""
    last_hour: float = 0.0
    """kWh imported for the hour before the counting's (read early, it may have lacked its
    last minutes)."""


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

    @property
    def enabled(self) -> bool:
        """Statistics need the recorder, and the option at least a day."""
        return self.days > 0 and "recorder" in self.hass.config.components

    @callback
    def schedule(self, job: PastDaysJob) -> None:
        """Import the job's past days now; settle its first hour's minutes later."""
        self._later(0.0, self._async_import, job, 0)

    def _later(
        self,
        delay: float,
        step: Callable[[PastDaysJob, int], Coroutine[Any, Any, bool]],
        job: PastDaysJob,
        attempt: int,
    ) -> None:
        """Run a step after `delay` seconds; a step that is not done is tried again later."""

        async def run() -> None:
            try:
                done = await step(job, attempt)
            except PortalError as err:
                LOGGER.debug("Emporia history not read for %s this time: %s", job.entity_id, err)
                done = False
            if done:
                return
            if attempt + 1 < MAX_ATTEMPTS:
                self._later(RETRY_WAIT, step, job, attempt + 1)
            else:
                LOGGER.warning("Emporia history did not give the past days of %s", job.entity_id)

        @callback
        def start(_now: datetime) -> None:
            self.entry.async_create_background_task(
                self.hass, run(), f"Emporia past days {job.entity_id}"
            )

        self.entry.async_on_unload(async_call_later(self.hass, max(delay, 0.0), start))

    async def _async_import(self, job: PastDaysJob, attempt: int) -> bool:
        """Import the past hours and have the recorder's rows continue from their sum: by a
        seed row before its first compile, else (its first compile is due, or the seed would
        land in the hour before) by moving its rows once it has compiled."""
        channels = history_channels(job.key[1])
        hour = _hour(job.live_from)
        first = hour - self.days * 86400.0
        if channels is None or await self._async_has_rows(job.entity_id, first, hour):
            return True  # nothing to do
        first_period = math.floor(job.live_from / FIVE_MINUTES) * FIVE_MINUTES
        compiled = await self._async_compiled(job)
        seed = (
            not compiled
            and first_period > hour  # the seed row stays in the hour the counting started
            and _now() < first_period + FIVE_MINUTES - MARGIN
        )
        if not compiled and not seed:
            return False  # wait for the recorder's first compile
        gid = job.key[0]
        hours = await self.client.async_get_history(gid, channels, first, hour, scale="1H")
        before = await self._async_minutes_before(job, channels)
        energies = _by_utc_hour(hours, first, hour, job)
        total = 0.0
        rows: list[StatisticData] = []
        for moment in sorted(energies):
            total += energies[moment]
            rows.append(StatisticData(start=_utc(moment), sum=total))
        metadata = _metadata(job.entity_id)
        async_import_statistics(self.hass, metadata, rows)
        recorder = get_instance(self.hass)
        if seed:
            # The first compile (queued after this period ends, so after this row) continues
            # from here.
            row = StatisticData(
                start=_utc(first_period - FIVE_MINUTES), state=0.0, sum=total + before
            )
            recorder.async_import_statistics(metadata, [row], StatisticsShortTerm)
        else:
            recorder.async_adjust_statistics(
                job.entity_id, _utc(hour), total + before, UnitOfEnergy.KILO_WATT_HOUR
            )
        self.imported.append(job.entity_id)
        LOGGER.debug("Emporia: imported %d past hours for %s", len(rows), job.entity_id)
        last_hour = energies.get(hour - HOUR, 0.0)
        settled = replace(job, moved=total + before, total=total, last_hour=last_hour)
        ready = max(job.live_from + SETTLE, first_period + FIVE_MINUTES + COMPILED)
        self._later(ready - _now(), self._async_settle, settled, 0)
        return True

    async def _async_settle(self, job: PastDaysJob, attempt: int) -> bool:
        """Take up what the history did not hold yet at the import: the last minutes of the
        hour before (its row and every row after move up) and the minutes before the first
        sample."""
        if not await self._async_compiled(job):
            return False
        channels = history_channels(job.key[1]) or []
        hour = _hour(job.live_from)
        read = await self.client.async_get_history(
            job.key[0], channels, hour - HOUR, hour, scale="1H"
        )
        late = max(_by_utc_hour(read, hour - HOUR, hour, job).get(hour - HOUR, 0.0), 0.0)
        late = max(late - job.last_hour, 0.0)
        if late > 0:  # the hour before gets its last minutes, and every row after moves up
            row = StatisticData(start=_utc(hour - HOUR), sum=job.total + late)
            async_import_statistics(self.hass, _metadata(job.entity_id), [row])
        before = await self._async_minutes_before(job, channels)
        missing = job.total + late + before - job.moved
        if missing > 0:
            get_instance(self.hass).async_adjust_statistics(
                job.entity_id, _utc(hour), missing, UnitOfEnergy.KILO_WATT_HOUR
            )
        return True

    async def _async_minutes_before(self, job: PastDaysJob, channels: list[str]) -> float:
        """The energy of the first hour before the first sample (edge minute by overlap)."""
        hour = _hour(job.live_from)
        if job.live_from <= hour:
            return 0.0
        minute = math.ceil(job.live_from / HISTORY_STEP) * HISTORY_STEP
        minutes = await self.client.async_get_history(job.key[0], channels, hour, minute)
        consumed, returned = gap_energy(
            Gap(job.key, hour, job.live_from, job.direction), minutes, hour
        )
        return in_direction(consumed, returned, job.direction, reversed_flow=job.reversed_flow)

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

    async def _async_compiled(self, job: PastDaysJob) -> bool:
        """The recorder has compiled 5-minute rows of the sensor since it started counting."""
        rows = await get_instance(self.hass).async_add_executor_job(
            get_last_short_term_statistics, self.hass, 1, job.entity_id, False, {"sum"}
        )
        return any(
            row["start"] >= job.live_from - FIVE_MINUTES for row in rows.get(job.entity_id, [])
        )


def _by_utc_hour(hours: History, first: float, hour: float, job: PastDaysJob) -> dict[float, float]:
    """The history's hourly values in one direction, by UTC hour in [first, hour): a value
    whose hour is not a UTC one (a half-hour zone's local hours) is split by overlap."""
    start = hours.first if hours.first is not None else first
    energies: dict[float, float] = {}
    for index, value in enumerate(hours.values):
        begin = start + index * HOUR
        part = _part(value, job.direction, job.reversed_flow)
        moment = _hour(begin)
        while moment < begin + HOUR:
            overlap = min(moment + HOUR, begin + HOUR) - max(moment, begin)
            if first <= moment < hour and overlap > 0:
                energies[moment] = energies.get(moment, 0.0) + part * overlap / HOUR
            moment += HOUR
    return energies


def _hour(seconds: float) -> float:
    return math.floor(seconds / HOUR) * HOUR


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
