"""Emporia's energy across the calendar matrix: a restart whose gap spans the instant is
filled from the history once, the totals never go down, whatever Home Assistant's zone."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, State
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache_with_extra_data,
)

from tests.calendar import INSTANTS, Instant
from tests.helpers import numbers, watch_numbers
from tests.simulator.emporia import EmporiaSimulator
from tests.vendors.emporia.test_energy_truth import (
    KITCHEN,
    first_sample,
    let_history_fill,
    total,
)

from .conftest import tick


@pytest.mark.parametrize("instant", INSTANTS, ids=lambda i: i.name)
async def test_energy_across_the_instant(
    hass: HomeAssistant,
    emporia_entry: MockConfigEntry,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
    instant: Instant,
) -> None:
    """Stopped 20 minutes before the instant, started 30 s before it: the 20 minutes come from
    the history, then the samples; the total is the truth and only grows."""
    await hass.config.async_set_time_zone(instant.zone)
    moment = datetime.fromisoformat(instant.moment)
    freezer.move_to(moment - timedelta(seconds=30))
    emporia.clock.now = time.time
    counted_until = emporia.clock.now() - 20 * 60
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(KITCHEN, "3.0"),
                {
                    "native_value": 3.0,
                    "native_unit_of_measurement": "kWh",
                    "counted_until": counted_until,
                    "open_gaps": [],
                },
            )
        ],
    )
    written = watch_numbers(hass, KITCHEN)
    assert await hass.config_entries.async_setup(emporia_entry.entry_id)
    await first_sample(hass, emporia_entry)
    await tick(hass, freezer, emporia, 60)
    await let_history_fill(hass, freezer, emporia)
    kitchen = emporia_entry.runtime_data.live.state.channels[(100123, "1")]
    assert kitchen.wall_at is not None
    truth = emporia.energy("1", counted_until, kitchen.wall_at)
    assert total(hass, KITCHEN) == pytest.approx(3.0 + truth, rel=0.01, abs=0.002)
    values = numbers(written[KITCHEN])
    assert values == sorted(values)
    # The gap across the instant is one history read, in any zone.
    assert len(emporia.state.calls("GET", "/history")) == 1
