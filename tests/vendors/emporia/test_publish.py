"""At a 1 s interval with a sample every second, each sample shows the moment it arrives."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.helpers import known_state, settle
from tests.simulator.emporia import EmporiaSimulator

from .conftest import entry_data, tick, unique_id

KITCHEN_POWER = "sensor.home_kitchen_power"


async def test_each_sample_is_written_on_arrival_at_the_socket_pace(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    emporia: EmporiaSimulator,
    emporia_url: str,
) -> None:
    """With a 1 s interval, each sample is written as it arrives, at the socket's pace."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Emporia",
        unique_id=unique_id(emporia_url),
        data=entry_data(emporia_url),
        options={"state_update_interval": 1},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass, lambda: entry.runtime_data.push.authenticated)
    await tick(hass, freezer, emporia, 2)

    for watts in (500.0, 900.0, 1300.0, 100.0, 700.0):
        emporia.scenario.fixed_watts["1"] = watts
        await tick(hass, freezer, emporia, 1)  # one sample, sent with the new value
        current = known_state(hass, KITCHEN_POWER)
        assert current is not None
        assert float(current.state) == watts  # not the sample before it
    await hass.config_entries.async_unload(entry.entry_id)
