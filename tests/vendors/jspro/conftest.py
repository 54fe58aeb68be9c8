"""JSPro fixtures: an entry against the simulated site controller."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.conftest import RunningSimulator
from tests.simulator.jspro import SERIAL, SITE_NAME, TOKEN, JsproSimulator


def entry_data(base_url: str, token: str = TOKEN) -> dict[str, Any]:
    return {"vendor": "jspro", "url": base_url, "api_token": token, "verify_ssl": True}


@pytest.fixture
def jspro(simulator: RunningSimulator) -> JsproSimulator:
    """The simulated controller, serving the spec's example values (no drift)."""
    sim: JsproSimulator = simulator["jspro"]
    sim.drift = False
    return sim


@pytest.fixture
def jspro_entry(hass: HomeAssistant, simulator: RunningSimulator) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=SITE_NAME,
        unique_id=f"jspro_{SERIAL}",
        data=entry_data(simulator.base_url("jspro")),
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def loaded_jspro(
    hass: HomeAssistant, jspro: JsproSimulator, jspro_entry: MockConfigEntry
) -> MockConfigEntry:
    assert await hass.config_entries.async_setup(jspro_entry.entry_id)
    await hass.async_block_till_done()
    return jspro_entry
