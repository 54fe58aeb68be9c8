"""Entry titles name the thing, never a person or an id; old automatic titles are replaced once."""

from __future__ import annotations

import time

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.conftest import RunningSimulator
from tests.helpers import settle
from tests.simulator import emporia as emporia_sim
from tests.simulator import jspro as jspro_sim

from .harness import START, make_entry

NEW_TITLES = {
    "allume": "SolCentre 12 Example Street, Marrickville NSW 2204",
    "flowerhub": "FlowerHub battery",
    "enphase": "Enphase site",
    "jspro": jspro_sim.SITE_NAME,
}
OLD_TITLES = {
    "allume": "SolCentre resident@example.com",
    "flowerhub": "FlowerHub Anna Andersson",
    "enphase": "Enphase site 3381244",
    "jspro": f"JSPro {jspro_sim.SITE_ID}",
}


async def _setup(
    hass: HomeAssistant, simulator: RunningSimulator, vendor: str, title: str
) -> MockConfigEntry:
    entry = await make_entry(hass, simulator, vendor, title=title)
    if vendor == "jspro":  # a controller without a site name got its id as title
        simulator["jspro"].site_name = None
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.mark.parametrize("vendor", sorted(OLD_TITLES))
async def test_an_old_automatic_title_is_replaced(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory, vendor: str
) -> None:
    """An entry an older release titled with an e-mail, a name or an id gets the new title."""
    freezer.move_to(START)
    simulator.clock.now = time.time
    entry = await _setup(hass, simulator, vendor, OLD_TITLES[vendor])
    expected = "JSPro site controller" if vendor == "jspro" else NEW_TITLES[vendor]
    assert entry.title == expected


@pytest.mark.parametrize("vendor", sorted(OLD_TITLES))
async def test_a_title_the_user_chose_is_kept(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory, vendor: str
) -> None:
    """A title the user typed is never touched."""
    freezer.move_to(START)
    simulator.clock.now = time.time
    entry = await _setup(hass, simulator, vendor, "Our place")
    assert entry.title == "Our place"


async def test_emporia_is_titled_by_its_proxy(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """The Emporia entry names the proxy's host, not the proxy account's e-mail."""
    url = simulator.base_url("emporia")
    entry = await make_entry(hass, simulator, "emporia", title=f"Emporia ({emporia_sim.EMAIL})")
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass, lambda: entry.runtime_data.live.state.samples > 0)
    port = url.split(":")[2].split("/")[0]
    assert entry.title == f"Emporia proxy 127.0.0.1:{port}"
    assert emporia_sim.EMAIL not in entry.title
