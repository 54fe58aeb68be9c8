"""The Enphase charger's entities, read through Home Assistant."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.helpers import known_state
from tests.simulator.enphase import SERIAL, EnphaseSimulator


async def test_setup_creates_charger_device_and_entities(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """Setup creates the charger's device and its entities with the simulator's states."""
    assert loaded_enphase.state is ConfigEntryState.LOADED
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"enphase_{SERIAL}"), loaded_enphase.entry_id
    )
    assert device is not None
    assert device.name == "Garage EV"
    assert device.serial_number == SERIAL
    assert device.manufacturer == "Enphase Energy"

    assert known_state(hass, "binary_sensor.garage_ev_plug").state == "on"
    assert known_state(hass, "binary_sensor.garage_ev_charging").state == "off"
    assert known_state(hass, "binary_sensor.garage_ev_connectivity").state == "on"
    assert known_state(hass, "binary_sensor.garage_ev_problem").state == "off"
    assert known_state(hass, "sensor.garage_ev_connector_status").state == "suspended"
    assert known_state(hass, "switch.garage_ev_charging").state == "off"
    assert known_state(hass, "number.garage_ev_charging_current").state == "32"
    energy = known_state(hass, "sensor.garage_ev_charged_energy")
    assert energy.attributes["state_class"] == "total_increasing"
    assert energy.attributes["unit_of_measurement"] == "kWh"
    entity = er.async_get(hass).async_get("button.garage_ev_start_live_stream")
    assert entity is not None
    assert entity.disabled_by is er.RegistryEntryDisabler.INTEGRATION
