"""An energy total as the recorder holds it, for a sensor whose restore data is gone (Home
Assistant's restore store lost or corrupt, or dropped 7 days after the sensor was last seen):
it goes on from there, never from 0, which the Energy dashboard would read as a reset and
count everything again."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import partial

from homeassistant.components.recorder.history import (
    get_last_state_changes,
    state_changes_during_period,
)
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers.recorder import get_instance

from .parse import as_float

SEARCHED = 10
"""States searched for a total (some are unavailable or unknown)."""


async def async_last_total(hass: HomeAssistant, entity_id: str) -> tuple[float, datetime] | None:
    """The newest total the recorder holds of the sensor, and when it was written."""
    if "recorder" not in hass.config.components:
        return None
    newest = await get_instance(hass).async_add_executor_job(
        get_last_state_changes, hass, SEARCHED, entity_id
    )
    return _first_total(reversed(newest.get(entity_id, [])))


async def async_first_total(
    hass: HomeAssistant, entity_id: str, since: datetime
) -> tuple[float, datetime] | None:
    """The first total the recorder holds of the sensor since `since`, and when (asked after
    `async_last_total` found one: the recorder is there)."""
    oldest = await get_instance(hass).async_add_executor_job(
        partial(
            state_changes_during_period,
            hass,
            since,
            entity_id=entity_id,
            limit=SEARCHED,
            include_start_time_state=False,
        )
    )
    return _first_total(oldest.get(entity_id, []))


def _first_total(states: Iterable[State]) -> tuple[float, datetime] | None:
    for state in states:
        total = as_float(state.state)
        if total is not None and total >= 0:
            return total, state.last_updated
    return None
