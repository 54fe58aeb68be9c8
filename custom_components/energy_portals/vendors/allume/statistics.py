"""Every complete hour as external long-term statistics, for the Energy dashboard.

Each metric's sum continues from its last imported row: the first run backfills the option's
days, later runs import only newer hours, and after a restart the import resumes from the last
row in the recorder, so nothing is counted twice and no hour is left out. The import waits at
a missing hour until it is read or known to be missing for good (hours.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_add_external_statistics,
    get_last_statistics,
)
from homeassistant.const import UnitOfEnergy, UnitOfMass
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
from homeassistant.util import slugify
from homeassistant.util.unit_conversion import EnergyConverter, MassConverter

from ...const import DOMAIN
from .const import MAX_HISTORY_DAYS, VENDOR_KEY
from .hours import HourBook
from .models import HOUR, Energy, HourlyEnergy, Property, floor_hour


@dataclass(frozen=True, slots=True)
class Metric:
    """One imported statistic per property."""

    key: str
    name: str
    unit: str
    unit_class: str | None
    value: Callable[[Energy], float]


METRICS: tuple[Metric, ...] = (
    Metric(
        "grid_import",
        "Grid import",
        UnitOfEnergy.KILO_WATT_HOUR,
        EnergyConverter.UNIT_CLASS,
        lambda e: e.grid_import,
    ),
    Metric(
        "solar_consumed",
        "Solar consumed",
        UnitOfEnergy.KILO_WATT_HOUR,
        EnergyConverter.UNIT_CLASS,
        lambda e: e.solar_consumed,
    ),
    Metric(
        "solar_delivered",
        "Solar delivered",
        UnitOfEnergy.KILO_WATT_HOUR,
        EnergyConverter.UNIT_CLASS,
        lambda e: e.solar_delivered,
    ),
    Metric(
        "solar_exported",
        "Solar exported",
        UnitOfEnergy.KILO_WATT_HOUR,
        EnergyConverter.UNIT_CLASS,
        lambda e: e.solar_exported,
    ),
    Metric(
        "energy_demand",
        "Energy demand",
        UnitOfEnergy.KILO_WATT_HOUR,
        EnergyConverter.UNIT_CLASS,
        lambda e: e.demand,
    ),
    Metric(
        "emissions_avoided",
        "Emissions avoided",
        UnitOfMass.KILOGRAMS,
        MassConverter.UNIT_CLASS,
        lambda e: e.emissions_avoided,
    ),
)


def statistic_id(property_id: str, metric: str) -> str:
    """`energy_portals:allume_<property>_<metric>`."""
    return f"{DOMAIN}:{VENDOR_KEY}_{slugify(property_id)}_{metric}"


@dataclass(slots=True)
class Progress:
    """The last imported hour of one statistic and its sum there."""

    start: datetime | None = None
    sum: float = 0.0


def ready_hours(book: HourBook, start: datetime, now: datetime) -> list[HourlyEnergy]:
    """The read hours from `start` to the last closed hour, oldest first.

    A missing hour stops the walk until it is read (the next refresh asks for it again) or is
    missing for good, so a late hour is never skipped and no sum is ever rewritten.
    """
    ready = []
    moment, current = floor_hour(start), floor_hour(now)
    while moment < current and book.settled(moment):
        hour = book.get(moment)
        if hour is not None:
            ready.append(hour)
        moment += HOUR
    return ready


class StatisticsImporter:
    """Imports the hours of an entry's properties; does nothing without the recorder."""

    def __init__(self, hass: HomeAssistant, backfill_days: int) -> None:
        self.hass = hass
        self.backfill_days = backfill_days
        self._progress: dict[str, Progress] = {}

    @property
    def enabled(self) -> bool:
        """Statistics need the recorder."""
        return "recorder" in self.hass.config.components

    async def async_resume(self, prop: Property, now: datetime) -> datetime | None:
        """The first hour to import for the property, None without the recorder."""
        if not self.enabled:
            return None
        oldest = floor_hour(now - timedelta(days=MAX_HISTORY_DAYS + 1))
        # Whole local days before today, and today so far.
        first_day = dt_util.as_local(now).date() - timedelta(days=self.backfill_days)
        backfill = floor_hour(dt_util.as_utc(dt_util.start_of_local_day(first_day)))
        starts = []
        for metric in METRICS:
            progress = await self._async_progress(statistic_id(prop.property_id, metric.key))
            starts.append(backfill if progress.start is None else progress.start + HOUR)
        return max(oldest, min(starts))

    async def _async_progress(self, stat_id: str) -> Progress:
        if stat_id not in self._progress:
            rows = await get_instance(self.hass).async_add_executor_job(
                get_last_statistics, self.hass, 1, stat_id, False, {"sum"}
            )
            progress = Progress()
            if rows.get(stat_id):
                row = rows[stat_id][0]
                progress = Progress(dt_util.utc_from_timestamp(row["start"]), row.get("sum") or 0.0)
            self._progress[stat_id] = progress
        return self._progress[stat_id]

    def import_hours(self, prop: Property, book: HourBook, start: datetime, now: datetime) -> None:
        """Queue the ready hours each statistic has not imported yet."""
        ready = ready_hours(book, start, now)
        for metric in METRICS:
            stat_id = statistic_id(prop.property_id, metric.key)
            progress = self._progress.setdefault(stat_id, Progress())
            rows: list[StatisticData] = []
            for hour in ready:
                if progress.start is not None and hour.start <= progress.start:
                    continue
                value = metric.value(hour.energy)
                progress.sum += value
                progress.start = hour.start
                rows.append(StatisticData(start=hour.start, state=value, sum=progress.sum))
            if rows:
                async_add_external_statistics(self.hass, self._metadata(prop, metric), rows)

    @staticmethod
    def _metadata(prop: Property, metric: Metric) -> StatisticMetaData:
        return StatisticMetaData(
            mean_type=StatisticMeanType.NONE,
            has_sum=True,
            # What it measures first: the Energy dashboard cuts long names at their end.
            name=f"{metric.name} · {prop.unit}",
            source=DOMAIN,
            statistic_id=statistic_id(prop.property_id, metric.key),
            unit_class=metric.unit_class,
            unit_of_measurement=metric.unit,
        )

    def diagnostics(self, prop: Property) -> dict[str, Any]:
        """The last imported hour of each of the property's statistics."""
        result: dict[str, Any] = {}
        for metric in METRICS:
            progress = self._progress.get(statistic_id(prop.property_id, metric.key))
            start = progress.start if progress else None
            result[metric.key] = start.isoformat() if start else None
        return result
