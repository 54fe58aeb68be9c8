"""What a scenario draws: zones, instants weighted toward the moments energy code gets wrong,
and a timeline of events. Everything comes from one `random.Random(seed)`."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

SLACK = 0.01
"""Seconds a drive loop may stop short of its target: frozen time moves in whole
microseconds, so a smaller step would not move it at all."""

ZONES = (
    "UTC",
    "Australia/Adelaide",  # +9:30 / +10:30
    "Australia/Sydney",
    "Asia/Kathmandu",  # +5:45
    "Pacific/Chatham",  # +12:45 / +13:45
    "America/St_Johns",  # -3:30 / -2:30
    "America/Los_Angeles",
    "Europe/Amsterdam",
    "Asia/Kolkata",  # +5:30
)
"""Whole-, half- and quarter-hour zones, with and without daylight saving."""

LANDMARKS = (
    "2026-01-01T00:00:00",  # a year's end
    "2026-03-29T01:00:00",  # Europe springs forward (UTC)
    "2026-04-05T03:00:00",  # Sydney and Adelaide fall back (local)
    "2026-10-04T02:00:00",  # Sydney and Adelaide spring forward (local)
    "2026-10-25T01:00:00",  # Europe falls back (UTC)
    "2026-11-01T00:00:00",  # a month's end
    "2026-12-01T00:00:00",
    "2027-01-01T00:00:00",
    "2026-06-15T12:00:00",  # an ordinary day
)


def seeds(vendor: str, default: int) -> list[int]:
    """The seeds a run covers: ORACLE_SEEDS (how many) from ORACLE_SEED_START, or the
    vendor's fixed set; ORACLE_SEED replays one."""
    if one := os.environ.get("ORACLE_SEED"):
        return [int(one)]
    count = int(os.environ.get("ORACLE_SEEDS", str(default)))
    start = int(os.environ.get("ORACLE_SEED_START", "1"))
    return list(range(start, start + count))


def replay(vendor: str, seed: int) -> str:
    """The one command that replays a seed."""
    return f"scripts/chaos --vendor {vendor} --seed {seed}"


@contextmanager
def replay_on_failure(vendor: str, seed: int | None, scenario: object) -> Iterator[None]:
    """A failed invariant names its scenario and the one command that replays it (a named
    scenario without a seed: its regression test)."""
    try:
        yield
    except AssertionError as err:
        again = replay(vendor, seed) if seed else "its regression test"
        raise AssertionError(f"{err}\n{scenario}\nReplay: {again}") from err


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happens `at` seconds into the scenario, for `seconds`."""

    at: float
    kind: str
    seconds: float = 0.0


def instant(rng: random.Random, zone: str) -> datetime:
    """A moment near a landmark, in `zone` where the landmark is local, to the second; most
    land close to an hour or a 5-minute compile boundary, or local midnight."""
    landmark = datetime.fromisoformat(rng.choice(LANDMARKS)).replace(tzinfo=ZoneInfo(zone))
    moment = landmark + timedelta(hours=rng.randint(-30, 30))
    moment = moment.replace(minute=rng.choice((0, 0, 4, 5, 29, 30, 44, 45, 55, 59)))
    edge = rng.choice((0, 1, 5, 10, 19, 20, 21, 40, 50, 55, 59, rng.randint(0, 59)))
    return moment.replace(second=edge).astimezone(UTC)


def events(rng: random.Random, kinds: tuple[str, ...], span: float, count: int) -> list[Event]:
    """Up to `count` events within the first `span` seconds, in time order."""
    drawn = [
        Event(round(rng.uniform(30, span), 0), rng.choice(kinds), round(rng.uniform(20, 1500)))
        for _ in range(rng.randint(0, count))
    ]
    return sorted(drawn, key=lambda event: event.at)


def variants(seed: int, timeline: list[Event], kinds: Mapping[str, tuple[str, ...]]) -> list[Event]:
    """Some events turned into a variant (a restart that loses its store, for one), drawn from
    a generator of their own so that a kind added later never changes an older seed's
    scenario (the seeds in regressions.py replay as they failed)."""
    rng = random.Random(f"variants-{seed}")
    return [
        Event(event.at, rng.choice(kinds[event.kind]), event.seconds)
        if event.kind in kinds and rng.random() < 0.4
        else event
        for event in timeline
    ]
