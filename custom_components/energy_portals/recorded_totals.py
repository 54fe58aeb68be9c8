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
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT, UnitOfEnergy
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers.recorder import get_instance
from homeassistant.util.unit_conversion import EnergyConverter

from .const import LOGGER
from .parse import as_float

SEARCHED = 50
"""States searched for a total (restarts while the setup failed write unavailable ones)."""


async def async_last_total(
    hass: HomeAssistant, entity_id: str, unit: str | None = UnitOfEnergy.KILO_WATT_HOUR
) -> tuple[float, datetime] | None:
    """The newest total the recorder holds of the sensor (in `unit`, whatever unit the user
    shows it in; None: as recorded), and when it was last written."""
    if "recorder" not in hass.config.components:
        return None
    try:
        newest = await get_instance(hass).async_add_executor_job(
            get_last_state_changes, hass, SEARCHED, entity_id
        )
    except Exception:  # noqa: BLE001  # the database busy or migrating: start as new
        LOGGER.debug("No recorded total of %s", entity_id, exc_info=True)
        return None
    return _first_total(reversed(newest.get(entity_id, [])), unit)


async def async_first_total(
    hass: HomeAssistant, entity_id: str, since: datetime
) -> tuple[float, datetime] | None:
    """The first total in kWh the recorder holds of the sensor since `since`, and when it
    was first written (asked after `async_last_total` found one: the recorder is there)."""
    try:
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
    except Exception:  # noqa: BLE001  # as above
        LOGGER.debug("No recorded total of %s", entity_id, exc_info=True)
        return None
    return _first_total(oldest.get(entity_id, []), UnitOfEnergy.KILO_WATT_HOUR, written=True)


def _first_total(
    states: Iterable[State], unit: str | None, *, written: bool = False
) -> tuple[float, datetime] | None:
    """The first state that is a total, in `unit`, with when it was last reported (or, with
    `written`, when it was written: a total that stays the same is reported again)."""
    for state in states:
        total = as_float(state.state)
        shown = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT)
        if total is None or total < 0:
            continue
        if unit is not None and shown != unit:
            if shown not in EnergyConverter.VALID_UNITS:
                continue
            total = EnergyConverter.convert(total, shown, unit)
        return total, state.last_updated if written else state.last_reported
    return None
