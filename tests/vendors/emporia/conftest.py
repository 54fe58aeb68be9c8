"""Emporia fixtures: an entry against the simulated proxy, and helpers to let the socket talk."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.energy_portals.const import DOMAIN
from tests.conftest import RunningSimulator
from tests.helpers import add_mock_entry, settle
from tests.simulator.emporia import EMAIL, PASSWORD, USER_ID, EmporiaSimulator


def entry_data(url: str) -> dict[str, Any]:
    return {"vendor": "emporia", "url": url, "email": EMAIL, "password": PASSWORD}


def unique_id(url: str) -> str:
    return f"emporia_{url.lower()}_{USER_ID}"


def add_entry(
    hass: HomeAssistant,
    url: str,
    *,
    title: str = "Emporia proxy",
    options: dict[str, Any] | None = None,
) -> MockConfigEntry:
    """An entry for the proxy account at `url`, added to Home Assistant (not set up)."""
    return add_mock_entry(
        hass, title=title, unique_id=unique_id(url), data=entry_data(url), options=options
    )


def _listening(hass: HomeAssistant) -> list[Any]:
    """The runtimes of the loaded entries whose socket is authenticated."""
    return [
        entry.runtime_data
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.state is ConfigEntryState.LOADED and entry.runtime_data.push.authenticated
    ]


async def tick(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: EmporiaSimulator, seconds: int = 1
) -> None:
    """Advance frozen time one second at a time; each open socket gets its sample per second."""
    for _ in range(seconds):
        listening = [(rt, rt.live.state.samples) for rt in _listening(hass)]
        freezer.tick(1)
        async_fire_time_changed(hass)
        await settle(
            hass,
            lambda listening=listening: all(  # type: ignore[misc]  # lambda binding the loop's value
                rt.live.state.samples > n or not rt.push.authenticated for rt, n in listening
            ),
        )
        await hass.async_block_till_done()


@pytest.fixture
def emporia(simulator: RunningSimulator) -> EmporiaSimulator:
    sim: EmporiaSimulator = simulator["emporia"]
    return sim


@pytest.fixture
def emporia_url(simulator: RunningSimulator) -> str:
    return simulator.base_url("emporia")


@pytest.fixture
def emporia_entry(hass: HomeAssistant, emporia_url: str) -> MockConfigEntry:
    return add_entry(hass, emporia_url, title="Emporia (owner)")


@pytest.fixture
async def loaded_emporia(
    hass: HomeAssistant, emporia_entry: MockConfigEntry, emporia: EmporiaSimulator
) -> MockConfigEntry:
    assert await hass.config_entries.async_setup(emporia_entry.entry_id)
    await settle(hass, lambda: emporia.samples_sent >= 1)
    return emporia_entry
