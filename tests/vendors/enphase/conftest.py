"""Enphase fixtures: an entry against the simulator."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.conftest import RunningSimulator
from tests.helpers import add_mock_entry, init_integration
from tests.simulator.enphase import COOKIE, E_AUTH_TOKEN, SITE_ID, EnphaseSimulator


def entry_data(base_url: str) -> dict[str, Any]:
    return {
        "vendor": "enphase",
        "e_auth_token": E_AUTH_TOKEN,
        "cookie": COOKIE,
        "base_url": base_url,
        "site_id": SITE_ID,
    }


@pytest.fixture(autouse=True)
def no_command_check_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    """The second status read after a start or stop comes at once (not 10 s later)."""
    monkeypatch.setattr(
        "custom_components.energy_portals.vendors.enphase.commands.COMMAND_CHECK_DELAY", 0
    )


@pytest.fixture
def enphase(simulator: RunningSimulator) -> EnphaseSimulator:
    sim: EnphaseSimulator = simulator["enphase"]
    return sim


@pytest.fixture
def enphase_entry(hass: HomeAssistant, simulator: RunningSimulator) -> MockConfigEntry:
    return add_mock_entry(
        hass,
        title="Home",
        unique_id=f"enphase_{SITE_ID}",
        data=entry_data(simulator.base_url("enphase")),
    )


@pytest.fixture
async def loaded_enphase(hass: HomeAssistant, enphase_entry: MockConfigEntry) -> MockConfigEntry:
    return await init_integration(hass, enphase_entry)
