"""Enphase fixtures: an entry against the simulator."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.conftest import RunningSimulator
from tests.simulator.enphase import COOKIE, E_AUTH_TOKEN, SITE_ID, EnphaseSimulator


def entry_data(base_url: str) -> dict[str, Any]:
    return {
        "vendor": "enphase",
        "e_auth_token": E_AUTH_TOKEN,
        "cookie": COOKIE,
        "base_url": base_url,
        "site_id": SITE_ID,
    }


@pytest.fixture
def enphase(simulator: RunningSimulator) -> EnphaseSimulator:
    sim: EnphaseSimulator = simulator["enphase"]
    return sim


@pytest.fixture
def enphase_entry(hass: HomeAssistant, simulator: RunningSimulator) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        unique_id=f"enphase_{SITE_ID}",
        data=entry_data(simulator.base_url("enphase")),
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def loaded_enphase(hass: HomeAssistant, enphase_entry: MockConfigEntry) -> MockConfigEntry:
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    return enphase_entry
