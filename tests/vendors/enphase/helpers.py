"""Helpers of the Enphase tests: the charger's device, and whether the simulated one charges."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from custom_components.energy_portals.vendors.enphase.const import SETTINGS_INTERVAL
from tests.simulator.enphase import SERIAL, EnphaseSimulator


def charger_device(hass: HomeAssistant, entry: MockConfigEntry) -> dr.DeviceEntry:
    """The simulated charger's device."""
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"enphase_{SERIAL}"), entry.entry_id
    )
    assert device is not None
    return device


def charging(sim: EnphaseSimulator) -> bool:
    """Whether the simulated charger charges now."""
    return sim.charger.charging


SETTINGS_READ = SETTINGS_INTERVAL.total_seconds() + 1
"""Seconds after which the settings are read again (an hour and a second)."""
