"""What users chart, read back from the recorder: every row of a statistic, and the invariants
that hold for any energy statistic whatever happened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise

from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a statistic: its start (Unix seconds), sum and state."""

    start: float
    sum: float
    state: float | None


async def rows(hass: HomeAssistant, statistic_id: str, period: str) -> list[Row]:
    """Every row of the statistic in a table ("hour" or "5minute"), oldest first."""
    found = await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        datetime(2000, 1, 1, tzinfo=UTC),
        None,
        {statistic_id},
        period,
        None,
        {"sum", "state"},
    )
    return [
        Row(float(row["start"]), float(row["sum"] or 0.0), row.get("state"))
        for row in found.get(statistic_id, [])
    ]


def steps_down(table: list[Row]) -> list[str]:
    """Where the sum goes down from one row to the next (it never may)."""
    return [
        f"{datetime.fromtimestamp(b.start, UTC)}: {a.sum:.6f} -> {b.sum:.6f}"
        for a, b in pairwise(table)
        if b.sum < a.sum - 1e-9
    ]


def changes(table: list[Row]) -> dict[float, float]:
    """Each row's change from the row before (the first from 0), by start."""
    result: dict[float, float] = {}
    previous = 0.0
    for row in table:
        result[row.start] = row.sum - previous
        previous = row.sum
    return result
