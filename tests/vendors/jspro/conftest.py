"""JSPro fixtures: an entry against the simulated site controller."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.conftest import RunningSimulator
from tests.helpers import add_mock_entry, init_integration
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
    return add_mock_entry(
        hass,
        title=SITE_NAME,
        unique_id=f"jspro_{SERIAL}",
        data=entry_data(simulator.base_url("jspro")),
    )


@pytest.fixture
async def loaded_jspro(
    hass: HomeAssistant, jspro: JsproSimulator, jspro_entry: MockConfigEntry
) -> MockConfigEntry:
    return await init_integration(hass, jspro_entry)
