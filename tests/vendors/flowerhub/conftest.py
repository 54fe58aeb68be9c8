"""FlowerHub fixtures: an entry against the simulator."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.conftest import RunningSimulator
from tests.helpers import add_mock_entry, init_integration
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
    return add_mock_entry(
        hass,
        title="FlowerHub Anna Andersson",
        unique_id=f"flowerhub_{OWNER_ID}",
        data=entry_data(simulator.base_url("flowerhub")),
    )


@pytest.fixture
async def loaded_flowerhub(
    hass: HomeAssistant, flowerhub_entry: MockConfigEntry
) -> MockConfigEntry:
    return await init_integration(hass, flowerhub_entry)
