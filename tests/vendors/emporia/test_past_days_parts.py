"""The pieces of the past-days import: one hour's value in one direction (nulls, junk and a
reversed clamp), and hourly values that are not UTC hours (a half-hour zone's local hours)."""

from __future__ import annotations

import math

import pytest

from custom_components.energy_portals.vendors.emporia.api import History
from custom_components.energy_portals.vendors.emporia.history import (
    PastDaysJob,
    _by_utc_hour,
    _part,
)
from custom_components.energy_portals.vendors.emporia.live import CONSUMED, RETURNED

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
    assert _part(value, direction, reversed_flow) == expected


def test_local_half_hours_are_split_over_the_utc_hours() -> None:
    """Hours that begin at :30 UTC (Adelaide's local hours) are split in two; only the hours
    in the asked window are kept."""
    job = PastDaysJob("sensor.x", (1, "1"), CONSUMED, 10 * HOUR + 100)
    history = History(first=7.5 * HOUR, values=(1.0, 2.0, None))
    energies = _by_utc_hour(history, 7 * HOUR, 10 * HOUR, job)
    assert energies == {7 * HOUR: 0.5, 8 * HOUR: 1.5, 9 * HOUR: 1.0}
