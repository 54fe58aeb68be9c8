"""Allume fixtures: the simulator on frozen time, and an entry against it."""

from __future__ import annotations

import time
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.conftest import RunningSimulator
from tests.helpers import add_mock_entry, init_integration
from tests.simulator.allume import EMAIL, PASSWORD, USER_ID, AllumeSimulator

# A Wednesday afternoon in Sydney (UTC+11 in February): 14:37:20 local.
START = "2026-02-25T03:37:20+00:00"


def entry_data(base_url: str, password: str = PASSWORD) -> dict[str, Any]:
    return {"vendor": "allume", "email": EMAIL, "password": password, "base_url": base_url}


@pytest.fixture
async def sydney(hass: HomeAssistant) -> None:
    await hass.config.async_set_time_zone("Australia/Sydney")


@pytest.fixture
def allume(
    simulator: RunningSimulator, freezer: FrozenDateTimeFactory, sydney: None
) -> AllumeSimulator:
    freezer.move_to(START)
    sim: AllumeSimulator = simulator["allume"]
    sim.clock.now = time.time  # frozen by freezer while the test runs
    return sim


@pytest.fixture
def allume_entry(
    hass: HomeAssistant, simulator: RunningSimulator, allume: AllumeSimulator
) -> MockConfigEntry:
    return add_mock_entry(
        hass,
        title=f"SolCentre {EMAIL}",
        unique_id=f"allume_{USER_ID}",
        data=entry_data(simulator.base_url("allume")),
        # The hourly path's tests count its requests exactly; live readings (on by default
        # for new entries) have their own tests in test_live.py.
        options={"live_interval": 0},
    )


@pytest.fixture
async def loaded_allume(hass: HomeAssistant, allume_entry: MockConfigEntry) -> MockConfigEntry:
    return await init_integration(hass, allume_entry)
