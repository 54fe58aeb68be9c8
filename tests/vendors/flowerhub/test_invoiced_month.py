"""The last invoiced month's consumption: a total per month (`last_reset`) that never goes
back to an older month, so the recorder never counts a month twice; the month seen is kept
across restarts, also when the sensor was unavailable as Home Assistant stopped."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, State
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache_with_extra_data,
)

from tests.helpers import advance, init_integration, known_state
from tests.simulator.flowerhub import CONSUMPTION, FlowerHubSimulator

SENSOR = "sensor.flowerhub_last_invoiced_month_consumption"
APRIL_ONLY = [row for row in CONSUMPTION if row["invoiced_month"] == "2025-04-01"]


def shown(hass: HomeAssistant) -> tuple[str, object]:
    state = known_state(hass, SENSOR)
    return state.state, state.attributes.get("invoiced_month")


async def test_an_answer_lacking_the_newest_month_keeps_it(
    hass: HomeAssistant,
    flowerhub_entry: MockConfigEntry,
    flowerhub: FlowerHubSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """May shown; the portal lists only April for a while: May stays, through a restart
    taken while the sensor was unavailable (no attributes then); a month after the current
    one (garbage) is not taken."""
    await init_integration(hass, flowerhub_entry)
    assert shown(hass) == ("388.0", "2025-05-01")
    flowerhub.state.faults.status = 503
    flowerhub.state.faults.path = "/consumption"
    await advance(hass, freezer, 3 * 3600 + 1)
    assert known_state(hass, SENSOR).state == "unavailable"
    assert await hass.config_entries.async_unload(flowerhub_entry.entry_id)
    flowerhub.state.faults.clear()
    flowerhub.consumption = copy.deepcopy(APRIL_ONLY)
    assert await hass.config_entries.async_setup(flowerhub_entry.entry_id)
    await hass.async_block_till_done()
    assert shown(hass) == ("388.0", "2025-05-01")
    future = {**APRIL_ONLY[0], "invoiced_month": "2099-01-01", "volume": "999"}
    flowerhub.consumption = [*copy.deepcopy(APRIL_ONLY), future]
    await advance(hass, freezer, 3 * 3600 + 1)
    assert shown(hass) == ("388.0", "2025-05-01")
    june = {**APRIL_ONLY[0], "invoiced_month": "2025-06-01", "volume": "401.5"}
    flowerhub.consumption = [*copy.deepcopy(APRIL_ONLY), june]
    await advance(hass, freezer, 3 * 3600 + 1)
    assert shown(hass) == ("401.5", "2025-06-01")


@pytest.mark.parametrize("stored", [["garbage"], {"month": "May", "value": "x"}])
async def test_garbage_restore_data_is_nothing_seen(
    hass: HomeAssistant,
    flowerhub_entry: MockConfigEntry,
    flowerhub: FlowerHubSimulator,
    stored: Any,
) -> None:
    """Restore data that is no object, or holds no month, is nothing seen: the portal's
    newest month is shown."""
    mock_restore_cache_with_extra_data(hass, [(State(SENSOR, "999"), stored)])
    await init_integration(hass, flowerhub_entry)
    assert shown(hass) == ("388.0", "2025-05-01")


async def test_no_month_yet_and_a_month_without_a_volume(
    hass: HomeAssistant,
    flowerhub_entry: MockConfigEntry,
    flowerhub: FlowerHubSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Nothing invoiced yet: unknown, without a last reset. The newest month listed again
    without a volume keeps the value shown."""
    flowerhub.consumption = []
    await init_integration(hass, flowerhub_entry)
    state = known_state(hass, SENSOR)
    assert state.state == "unknown"
    assert "last_reset" not in state.attributes or state.attributes["last_reset"] is None
    flowerhub.consumption = copy.deepcopy(APRIL_ONLY)
    await advance(hass, freezer, 3 * 3600 + 1)
    assert shown(hass) == ("412.5", "2025-04-01")
    flowerhub.consumption = [{**APRIL_ONLY[0], "volume": None}]
    await advance(hass, freezer, 3 * 3600 + 1)
    assert shown(hass) == ("412.5", "2025-04-01")
