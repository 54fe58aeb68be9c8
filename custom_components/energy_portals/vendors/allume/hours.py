"""Which snapshot windows to ask for, and the complete hours read so far (no HA imports).

The API answers a window of more than an hour that touches the last 48 hours with `[]`, and
keeps 5-minute rows only about 48 hours (FIELD-NOTES.md). So recent hours are read one
hour-aligned hour at a time (twelve 5-minute rows), older ones in day windows (hourly rows).
An empty answer is "no data yet": the hour stays missing and is asked again at the next
refresh, never counted as zero.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from .models import HOUR, Energy, HourlyEnergy, floor_hour

ENERGY_FIELDS = tuple(f.name for f in fields(Energy))

RECENT = timedelta(hours=48)
"""5-minute rows live this long; a longer window over them answers []."""
DAY_WINDOW = timedelta(hours=24)
OLD_HOUR_ATTEMPTS = 2
"""Day-window reads of an old hour before it is taken as missing for good."""
RETRY_WAIT = timedelta(hours=3)
"""A recent hour that did not come is asked once more this much later, then only when it is
old enough for the day windows (its hourly roll-up): at most one extra request a day."""


@dataclass(frozen=True, slots=True)
class Window:
    """One snapshot request: [start, end)."""

    start: datetime
    end: datetime


def recent_boundary(now: datetime) -> datetime:
    """Hours ending after this are recent: only one-hour windows return them."""
    return now - RECENT


def plan_windows(missing: list[datetime], now: datetime) -> list[Window]:
    """One-hour windows for recent missing hours, day windows (runs of old hours) for older."""
    boundary = recent_boundary(now)
    windows: list[Window] = []
    run_start: datetime | None = None
    run_end: datetime | None = None
    for hour in sorted(missing):
        if hour + HOUR > boundary:
            windows.append(Window(hour, hour + HOUR))
            continue
        if run_start is not None and run_end == hour and hour + HOUR - run_start <= DAY_WINDOW:
            run_end = hour + HOUR
            continue
        if run_start is not None and run_end is not None:
            windows.append(Window(run_start, run_end))
        run_start, run_end = hour, hour + HOUR
    if run_start is not None and run_end is not None:
        windows.append(Window(run_start, run_end))
    return sorted(windows, key=lambda window: window.start)


@dataclass(slots=True)
class HourBook:
    """The complete hours of one source (a property or a building), and the ones given up.

    A complete hour is never replaced or removed while it may still be asked for, so sums
    built from the book only grow.
    """

    hours: dict[datetime, Energy] = field(default_factory=dict)
    given_up: set[datetime] = field(default_factory=set)
    old_attempts: dict[datetime, int] = field(default_factory=dict)
    recent_misses: dict[datetime, tuple[int, datetime]] = field(default_factory=dict)
    """Recent hours asked for in vain: how often, and when last."""
    kept_from: datetime | None = None
    """What is older was dropped (`forget_before`): read again, it is no news."""

    def missing(self, start: datetime, end: datetime, now: datetime) -> list[datetime]:
        """The hours of [start, end) to ask for now: not read, not given up, not waiting.

        A closed hour normally lands within a minute; one that did not is asked once more
        RETRY_WAIT later, and then comes with the hourly roll-up once it is 48 hours old.
        """
        result = []
        moment = floor_hour(start)
        while moment < end:
            if moment not in self.hours and moment not in self.given_up:
                misses, tried = self.recent_misses.get(moment, (0, moment))
                old = moment + HOUR <= recent_boundary(now)
                if old or not misses or (misses == 1 and now - tried >= RETRY_WAIT):
                    result.append(moment)
            moment += HOUR
        return result

    def record(self, window: Window, hours: list[HourlyEnergy], now: datetime) -> list[datetime]:
        """Keep the complete hours a window answered; count the hours it lacked.

        Returns the hours new to the book.
        """
        new = []
        for hour in hours:
            if hour.complete and window.start <= hour.start < window.end:
                if hour.start not in self.hours:
                    new.append(hour.start)
                self.hours.setdefault(hour.start, hour.energy)
        if window.end > recent_boundary(now):
            if window.start not in self.hours:
                misses = self.recent_misses.get(window.start, (0, now))[0]
                self.recent_misses[window.start] = (misses + 1, now)
            return new
        moment = window.start
        while moment < window.end:
            if moment not in self.hours:
                attempts = self.old_attempts.get(moment, 0) + 1
                self.old_attempts[moment] = attempts
                if attempts >= OLD_HOUR_ATTEMPTS:
                    self.given_up.add(moment)
            moment += HOUR
        return new

    def settled(self, hour: datetime) -> bool:
        """Read, or missing for good: statistics may pass it."""
        return hour in self.hours or hour in self.given_up

    def get(self, hour: datetime) -> HourlyEnergy | None:
        """The hour, when read."""
        energy = self.hours.get(hour)
        return None if energy is None else HourlyEnergy(hour, energy, complete=True)

    def total(self, start: datetime, end: datetime) -> Energy:
        """The energy of the read hours that start in [start, end)."""
        result = Energy()
        for hour in sorted(self.hours):
            if start <= hour < end:
                result += self.hours[hour]
        return result

    def to_stored(self) -> dict[str, Any]:
        """The book as JSON-ready data (Home Assistant's Store keeps it across restarts)."""
        return {
            "hours": {hour.isoformat(): asdict(energy) for hour, energy in self.hours.items()},
            "given_up": [hour.isoformat() for hour in self.given_up],
            "old_attempts": {hour.isoformat(): n for hour, n in self.old_attempts.items()},
            "recent_misses": {
                hour.isoformat(): [misses, tried.isoformat()]
                for hour, (misses, tried) in self.recent_misses.items()
            },
            "kept_from": self.kept_from.isoformat() if self.kept_from else None,
        }

    @staticmethod
    def energy_from_stored(data: Any) -> Energy:
        """Energy from `asdict` data; KeyError, TypeError or ValueError for anything else."""
        return Energy(**{name: _number(data[name]) for name in ENERGY_FIELDS})

    @classmethod
    def from_stored(cls, data: Any) -> HourBook:
        """A book from `to_stored` data; ValueError for anything else (a corrupt store)."""
        try:
            return cls(
                hours={
                    _hour(start): cls.energy_from_stored(energy)
                    for start, energy in data["hours"].items()
                },
                given_up={_hour(start) for start in data["given_up"]},
                old_attempts={_hour(s): int(n) for s, n in data["old_attempts"].items()},
                recent_misses={
                    _hour(start): (int(misses), stored_moment(tried))
                    for start, (misses, tried) in data["recent_misses"].items()
                },
                kept_from=stored_moment(data["kept_from"]) if data.get("kept_from") else None,
            )
        except (AttributeError, KeyError, TypeError, ValueError) as err:
            raise ValueError(f"not a stored hour book: {err}") from err

    def forget_before(self, moment: datetime) -> None:
        """Drop what is older than `moment` (nothing will ask for it again)."""
        self.kept_from = moment if self.kept_from is None else max(self.kept_from, moment)
        self.hours = {h: e for h, e in self.hours.items() if h >= moment}
        self.given_up = {h for h in self.given_up if h >= moment}
        self.old_attempts = {h: n for h, n in self.old_attempts.items() if h >= moment}
        self.recent_misses = {h: m for h, m in self.recent_misses.items() if h >= moment}


def stored_moment(text: Any) -> datetime:
    """A moment from its stored ISO form; ValueError without a zone."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("a stored moment without its zone")
    return moment


def _hour(text: Any) -> datetime:
    hour = stored_moment(text)
    if hour != floor_hour(hour):
        raise ValueError("a stored hour that does not start on the hour")
    return hour


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("a stored energy that is not a number")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError("a stored energy that is not finite")
    return number
