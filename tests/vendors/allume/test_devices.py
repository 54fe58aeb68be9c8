"""Properties that join or leave the account: read once a day, followed by a reload."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.helpers import known_state, tick_to
from tests.simulator.allume import AllumeSimulator

UNIT7_DEMAND = "sensor.unit_7_12_example_street_marrickville_nsw_2204_energy_demand_today"
UNIT4_DEMAND = "sensor.unit_4_12_example_street_marrickville_nsw_2204_energy_demand_today"
# Sydney's midnight is 13:00 UTC in February; refreshes run five minutes after the hour.
SAME_DAY = "2026-02-25T05:05:02+00:00"
NEXT_DAY = "2026-02-25T13:05:02+00:00"


def property_device(
    hass: HomeAssistant, entry: MockConfigEntry, ident: str
) -> dr.DeviceEntry | None:
    return dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"allume_{ident}"), entry.entry_id
    )


def property_list_calls(sim: AllumeSimulator) -> int:
    return len(sim.state.calls("GET", "/consumers/me/properties"))


async def test_property_added_to_the_account_appears_the_next_day(
    hass: HomeAssistant,
    allume: AllumeSimulator,
    allume_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A property added to the account appears at the next day's list read."""
    allume.account.properties = 1
    assert await hass.config_entries.async_setup(allume_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(UNIT4_DEMAND) is not None
    assert hass.states.get(UNIT7_DEMAND) is None

    allume.account.properties = 2
    await tick_to(hass, freezer, SAME_DAY)
    assert property_list_calls(allume) == 1  # the list is read once a day, not every hour

    await tick_to(hass, freezer, NEXT_DAY)
    assert property_list_calls(allume) >= 2
    assert allume_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(UNIT7_DEMAND) is not None
    assert property_device(hass, allume_entry, "prop-unit-7") is not None


async def test_unchanged_properties_do_not_reload(
    hass: HomeAssistant,
    loaded_allume: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Unchanged properties do not reload the entry."""
    logins = len(allume.state.calls("POST"))
    await tick_to(hass, freezer, NEXT_DAY)
    assert property_list_calls(allume) == 2
    assert len(allume.state.calls("POST")) == logins  # no reload: no new login
    assert known_state(hass, UNIT4_DEMAND).state != "unavailable"


async def test_property_gone_from_the_account_is_removed(
    hass: HomeAssistant,
    loaded_allume: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With the option at one day: the property the account lost is removed a day later."""
    hass.config_entries.async_update_entry(loaded_allume, options={"device_removal_days": 1})
    await hass.config_entries.async_reload(loaded_allume.entry_id)
    await hass.async_block_till_done()
    assert property_device(hass, loaded_allume, "prop-unit-7") is not None
    allume.account.properties = 1
    await tick_to(hass, freezer, NEXT_DAY)
    assert hass.states.get(UNIT7_DEMAND) is None or (
        known_state(hass, UNIT7_DEMAND).state == "unavailable"
    )
    assert property_device(hass, loaded_allume, "prop-unit-7") is not None  # not for good yet

    await tick_to(hass, freezer, "2026-02-26T15:05:02+00:00")
    await tick_to(hass, freezer, "2026-02-27T15:05:02+00:00")
    assert property_device(hass, loaded_allume, "prop-unit-7") is None
    assert hass.states.get(UNIT7_DEMAND) is None
    assert property_device(hass, loaded_allume, "prop-unit-4") is not None
    assert known_state(hass, UNIT4_DEMAND).state != "unavailable"
