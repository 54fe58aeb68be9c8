"""FlowerHub fixtures: an entry against the simulator."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.conftest import RunningSimulator
from tests.simulator.flowerhub import OWNER_ID, PASSWORD, USERNAME, FlowerHubSimulator


def entry_data(base_url: str) -> dict[str, Any]:
    return {
        "vendor": "flowerhub",
        "username": USERNAME,
        "password": PASSWORD,
        "base_url": base_url,
        "asset_owner_id": str(OWNER_ID),
    }


@pytest.fixture
def flowerhub(simulator: RunningSimulator) -> FlowerHubSimulator:
    sim: FlowerHubSimulator = simulator["flowerhub"]
    return sim


@pytest.fixture
def flowerhub_entry(hass: HomeAssistant, simulator: RunningSimulator) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="FlowerHub Anna Andersson",
        unique_id=f"flowerhub_{OWNER_ID}",
        data=entry_data(simulator.base_url("flowerhub")),
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def loaded_flowerhub(
    hass: HomeAssistant, flowerhub_entry: MockConfigEntry
) -> MockConfigEntry:
    assert await hass.config_entries.async_setup(flowerhub_entry.entry_id)
    await hass.async_block_till_done()
    return flowerhub_entry
