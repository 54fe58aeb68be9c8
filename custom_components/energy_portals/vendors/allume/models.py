"""Allume SolCentre models and the sums built from them (no Home Assistant imports here)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class User:
    """The logged-in consumer."""

    user_id: str
    email: str | None


@dataclass(frozen=True, slots=True)
class Property:
    """One property (apartment) on the account and the SolShare system it belongs to."""

    property_id: str
    address: str
    street: str | None
    """The building's street address (address2), shared by its properties."""
    nmi: str | None
    meter_id: str | None
    project_id: str | None

    @property
    def unit(self) -> str:
        """The property's own part of its address ("Unit 4"), which tells it from the
        building's other properties."""
        return self.address.split(", ")[0]


@dataclass(frozen=True, slots=True)
class Energy:
    """Energy over some period (kWh), and the emissions it avoided (kg CO2)."""

    demand: float = 0.0
    solar_consumed: float = 0.0
    solar_delivered: float = 0.0
    solar_exported: float = 0.0
    emissions_avoided: float = 0.0

    def __add__(self, other: Energy) -> Energy:
        return Energy(
            demand=self.demand + other.demand,
            solar_consumed=self.solar_consumed + other.solar_consumed,
            solar_delivered=self.solar_delivered + other.solar_delivered,
            solar_exported=self.solar_exported + other.solar_exported,
            emissions_avoided=self.emissions_avoided + other.emissions_avoided,
        )

    @property
    def grid_import(self) -> float:
        """Demand not covered by solar (never negative)."""
        return max(0.0, self.demand - self.solar_consumed)

    @property
    def self_consumption_rate(self) -> float | None:
        """Share of the delivered solar that was used (%), None without solar."""
        return percent(self.solar_consumed, self.solar_delivered)

    @property
    def solar_share(self) -> float | None:
        """Share of the demand covered by solar (%), None without demand."""
        return percent(self.solar_consumed, self.demand)


@dataclass(frozen=True, slots=True)
class Interval:
    """One snapshot row: the energy of [start, end)."""

    start: datetime
    end: datetime
    energy: Energy


@dataclass(frozen=True, slots=True)
class HourlyEnergy:
    """The energy of one UTC hour; `complete` once every part of the hour has landed."""

    start: datetime
    energy: Energy
    complete: bool

    @property
    def end(self) -> datetime:
        return self.start + HOUR


def percent(part: float, whole: float) -> float | None:
    """part / whole in %, rounded; None when the whole is zero."""
    if whole <= 0:
        return None
    return round(100 * part / whole, 1)


def floor_hour(moment: datetime) -> datetime:
    """The start of the hour `moment` falls in."""
    return moment.replace(minute=0, second=0, microsecond=0)


def to_hours(intervals: Iterable[Interval], *, settled: datetime) -> list[HourlyEnergy]:
    """Sum rows (hourly, or 5-minute buckets for short windows) into hours, oldest first.

    An hour is complete when its rows cover all of it and it ended before `settled` (the
    current hour's row exists but is partial).
    """
    sums: dict[datetime, Energy] = {}
    covered: dict[datetime, float] = {}
    for interval in intervals:
        hour = floor_hour(interval.start)
        sums[hour] = sums.get(hour, Energy()) + interval.energy
        seconds = (min(interval.end, hour + HOUR) - interval.start).total_seconds()
        covered[hour] = covered.get(hour, 0.0) + seconds
    return [
        HourlyEnergy(
            start=hour,
            energy=sums[hour],
            complete=covered[hour] >= HOUR.total_seconds() and hour + HOUR <= settled,
        )
        for hour in sorted(sums)
    ]


def total(hours: Iterable[HourlyEnergy], start: datetime, end: datetime) -> Energy:
    """The energy of the hours that start in [start, end)."""
    result = Energy()
    for hour in hours:
        if start <= hour.start < end:
            result += hour.energy
    return result
