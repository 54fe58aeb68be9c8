"""The Allume devices and sensors, read through Home Assistant against the simulator."""

from __future__ import annotations

from datetime import datetime

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.helpers import known_state
from tests.simulator.allume import PROJECT_ID, PROPERTIES, AllumeSimulator

UNIT4 = "sensor.unit_4_12_example_street_marrickville_nsw_2204"
BUILDING = "sensor.solshare_12_example_street_marrickville_nsw_2204"


def day_energy(sim: AllumeSimulator, units: list[int], start: str, end: str) -> dict[str, float]:
    """The simulator's energy of the whole hours [start, end) that it serves by now.

    A late hour (no 5-minute rows until its roll-up, 48 hours on) is not in today's sums.
    """
    first = int(datetime.fromisoformat(start).timestamp())
    last = int(datetime.fromisoformat(end).timestamp())
    total: dict[str, float] = {}
    for hour in range(first, last, 3600):
        if sim.is_late(hour):
            continue
        for key, value in sim.hour_energy(units, hour).items():
            total[key] = total.get(key, 0.0) + value
    return total


async def test_setup_creates_property_and_building_devices(
    hass: HomeAssistant, loaded_allume: MockConfigEntry, allume: AllumeSimulator
) -> None:
    """Setup creates a device per property and one for the building."""
    assert loaded_allume.state is ConfigEntryState.LOADED
    registry = dr.async_get(hass)
    for prop in PROPERTIES:
        device = registry.async_get_device_by_identifier(
            (DOMAIN, f"allume_{prop.property_id}"), loaded_allume.entry_id
        )
        assert device is not None
        assert device.name == f"{prop.unit}, 12 Example Street, Marrickville NSW 2204"
        assert device.serial_number == prop.nmi
        assert device.manufacturer == "Allume Energy"
    building = registry.async_get_device_by_identifier(
        (DOMAIN, f"allume_project_{PROJECT_ID}"), loaded_allume.entry_id
    )
    assert building is not None
    assert building.name == "SolShare 12 Example Street, Marrickville NSW 2204"


async def test_today_sensors_follow_the_local_day(
    hass: HomeAssistant, loaded_allume: MockConfigEntry, allume: AllumeSimulator
) -> None:
    """Today's sums are the closed hours since local midnight that the API served."""
    # 14:37 in Sydney: the local day began at 13:00 UTC the day before; the 14:00 hour is
    # still open and not counted.
    whole = day_energy(allume, [0], "2026-02-24T13:00:00+00:00", "2026-02-25T03:00:00+00:00")
    demand = float(known_state(hass, f"{UNIT4}_energy_demand_today").state)
    assert demand == pytest.approx(whole["energyDemand"], abs=0.001)
    state = known_state(hass, f"{UNIT4}_solar_delivered_today")
    assert state.attributes["device_class"] == "energy"
    assert state.attributes["state_class"] == "total_increasing"
    assert state.attributes["unit_of_measurement"] == "kWh"
    delivered = float(state.state)
    assert delivered == pytest.approx(whole["solarDelivered"], abs=0.001)
    consumed = float(known_state(hass, f"{UNIT4}_solar_consumed_today").state)
    exported = float(known_state(hass, f"{UNIT4}_solar_exported_today").state)
    grid = float(known_state(hass, f"{UNIT4}_grid_import_today").state)
    assert grid == pytest.approx(demand - consumed, abs=0.002)
    assert exported == pytest.approx(delivered - consumed, abs=0.002)
    emissions = known_state(hass, f"{UNIT4}_emissions_avoided_today")
    assert emissions.attributes["unit_of_measurement"] == "kg"
    assert float(emissions.state) == pytest.approx(consumed * 0.79, abs=0.002)
    rate = float(known_state(hass, f"{UNIT4}_solar_self_consumption_today").state)
    assert rate == pytest.approx(100 * consumed / delivered, abs=0.1)
    share = float(known_state(hass, f"{UNIT4}_solar_share_of_demand_today").state)
    assert share == pytest.approx(100 * consumed / demand, abs=0.1)
    # The property receives one eighth of the building's solar.
    building_share = known_state(hass, f"{UNIT4}_share_of_the_building_s_solar_today")
    assert float(building_share.state) == pytest.approx(12.5, abs=0.1)


async def test_last_hour_sensors(
    hass: HomeAssistant, loaded_allume: MockConfigEntry, allume: AllumeSimulator
) -> None:
    """The last-hour sensors show the last closed hour's energy, without a state class."""
    hour = allume.hour_energy([0], int(datetime.fromisoformat("2026-02-25T02:00Z").timestamp()))
    demand = known_state(hass, f"{UNIT4}_energy_demand_last_hour")
    assert float(demand.state) == pytest.approx(hour["energyDemand"], abs=0.001)
    assert demand.attributes["hour_start"] == "2026-02-25T02:00:00+00:00"
    assert "state_class" not in demand.attributes
    consumed = float(known_state(hass, f"{UNIT4}_solar_consumed_last_hour").state)
    assert consumed == pytest.approx(hour["solarConsumed"], abs=0.001)
    grid = float(known_state(hass, f"{UNIT4}_grid_import_last_hour").state)
    assert grid == pytest.approx(max(0, hour["energyDemand"] - hour["solarConsumed"]), abs=0.001)


async def test_building_sensors(
    hass: HomeAssistant, loaded_allume: MockConfigEntry, allume: AllumeSimulator
) -> None:
    """The building's day totals match the simulator, read once for both properties."""
    units = list(range(8))
    whole = day_energy(allume, units, "2026-02-24T13:00:00+00:00", "2026-02-25T03:00:00+00:00")
    delivered = float(known_state(hass, f"{BUILDING}_solar_delivered_today").state)
    assert delivered == pytest.approx(whole["solarDelivered"], abs=0.001)
    for key in ("solar_consumed_today", "solar_exported_today", "energy_demand_today"):
        state = known_state(hass, f"{BUILDING}_{key}")
        assert float(state.state) > 0
        assert state.attributes["state_class"] == "total_increasing"
    # Read once for both properties of the building: one window per closed hour of today.
    assert len(allume.state.calls("GET", "/projects/")) == 14
    assert len(allume.state.calls("GET", "/properties/")) == 2 * 14


async def test_every_property_gets_its_entities(
    hass: HomeAssistant, loaded_allume: MockConfigEntry, allume: AllumeSimulator
) -> None:
    """Every property gets its entities, and the building its four."""
    entities = er.async_entries_for_config_entry(er.async_get(hass), loaded_allume.entry_id)
    unique_ids = {entity.unique_id for entity in entities}
    for prop in PROPERTIES:
        assert f"allume_{prop.property_id}_energy_demand_today" in unique_ids
        assert f"allume_{prop.property_id}_building_solar_share" in unique_ids
    assert f"allume_project_{PROJECT_ID}_solar_delivered_today" in unique_ids
    assert len(entities) == 2 * 14 + 4


async def test_only_sensors_are_offered(
    hass: HomeAssistant, loaded_allume: MockConfigEntry
) -> None:
    """An Allume entry sets up the sensor platform and no other."""
    platforms = {
        entry.domain
        for entry in er.async_entries_for_config_entry(er.async_get(hass), loaded_allume.entry_id)
    }
    assert platforms == {"sensor"}
