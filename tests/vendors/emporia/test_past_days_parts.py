"""The pieces of the past-days import: one step's value in one direction (nulls, junk and a
reversed clamp), and hourly values that are not UTC hours (a half-hour zone's local hours)."""

from __future__ import annotations

import math

import pytest

from custom_components.energy_portals.vendors.emporia.api import History
from custom_components.energy_portals.vendors.emporia.live import CONSUMED, RETURNED
from custom_components.energy_portals.vendors.emporia.past_days import (
    MAX_HOUR_KWH,
    PastDaysJob,
    _hourly_energies,
    _part,
)

HOUR = 3600.0


@pytest.mark.parametrize(
    ("value", "direction", "reversed_flow", "expected"),
    [
        (None, CONSUMED, False, 0.0),
        (math.inf, CONSUMED, False, 0.0),
        (math.nan, RETURNED, False, 0.0),
        (10_000.0, CONSUMED, False, 0.0),  # more than a home circuit carries in an hour
        (1.5, CONSUMED, False, 1.5),
        (1.5, RETURNED, False, 0.0),
        (-2.0, RETURNED, False, 2.0),
        (-2.0, CONSUMED, True, 2.0),  # a reversed clamp: its return is consumption
    ],
)
def test_one_hour_in_one_direction(
    value: float | None, direction: str, reversed_flow: bool, expected: float
) -> None:
    job = PastDaysJob("sensor.x", (1, "1"), direction, 0.0, reversed_flow=reversed_flow)
    assert _part(value, job, MAX_HOUR_KWH) == expected


def test_local_half_hours_are_split_over_the_utc_hours() -> None:
    """Hours that begin at :30 UTC (Adelaide's local hours) are split in two; only the part
    from the first asked hour is kept; the last complete hour (its sum may lack late
    minutes), the hour still filling (null) and everything after are read in minutes."""
    job = PastDaysJob("sensor.x", (1, "1"), CONSUMED, 10 * HOUR + 100)
    history = History(first=6.5 * HOUR, values=(4.0, 1.0, 2.0, None))
    energies, minutes_from = _hourly_energies(history, 7 * HOUR, job)
    assert energies == {7 * HOUR: 2.5, 8 * HOUR: 0.5}
    assert minutes_from == 8.5 * HOUR


def test_minutes_are_read_for_a_day_at_most() -> None:
    """Null hours long before the first sample (the device offline) stay missing: at most
    the day before the first sample is read in minutes."""
    job = PastDaysJob("sensor.x", (1, "1"), CONSUMED, 30 * HOUR + 100)
    history = History(first=0.0, values=(1.0,) + (None,) * 30)
    energies, minutes_from = _hourly_energies(history, 0.0, job)
    assert energies[0.0] == 1.0
    assert sum(energies.values()) == 1.0
    assert minutes_from == 7 * HOUR
