"""Emporia devices from /devices (smart plugs, EV chargers, connectivity) and the per-channel
options for solar circuits and reversed clamps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.helpers import known_state, settle
from tests.simulator.emporia import CHARGER_GID, MONITOR_GID, PLUG_GID, EmporiaSimulator

from .conftest import add_entry, tick

OUTLET = "binary_sensor.aquarium_outlet"
CHARGER = "binary_sensor.driveway_charger_charger"
CONNECTED = "binary_sensor.home_connectivity"


async def test_plug_charger_and_connectivity(
    hass: HomeAssistant, loaded_emporia: MockConfigEntry, emporia: EmporiaSimulator
) -> None:
    """The plug's outlet, the charger's state and each device's connection, read-only."""
    assert known_state(hass, OUTLET).state == "on"
    assert known_state(hass, CHARGER).state == "on"
    assert known_state(hass, "sensor.driveway_charger_charging_rate").state == "24.0"
    assert known_state(hass, "sensor.driveway_charger_maximum_charging_rate").state == "40.0"
    assert known_state(hass, "sensor.driveway_charger_charger_status").state == "Charging"
    assert known_state(hass, "sensor.driveway_charger_charger_message").state == (
        "Charging your EV"
    )
    assert known_state(hass, "sensor.driveway_charger_charger_fault").state == "unknown"
    assert known_state(hass, CONNECTED).state == "on"
    assert known_state(hass, CONNECTED).attributes["offline_since"] is None
    registry = er.async_get(hass)
    assert (
        registry.async_get_entity_id("binary_sensor", DOMAIN, f"emporia_{MONITOR_GID}_outlet_on")
        is None
    )
    assert (
        registry.async_get_entity_id("binary_sensor", DOMAIN, f"emporia_{CHARGER_GID}_outlet_on")
        is None
    )


async def test_device_states_follow_devices_every_five_minutes(
    hass: HomeAssistant, loaded_emporia: MockConfigEntry, emporia: EmporiaSimulator
) -> None:
    """With a plug or a charger, /devices is read every 5 minutes, and its states follow."""
    runtime = loaded_emporia.runtime_data
    assert runtime.devices.update_interval == timedelta(minutes=5)
    emporia.outlet_on = False
    emporia.charger = {**emporia.charger, "chargerOn": False, "faultText": "Ground fault"}
    emporia.offline[MONITOR_GID] = "2026-05-02T06:11:40Z"
    await runtime.devices.async_refresh()
    await hass.async_block_till_done()
    assert known_state(hass, OUTLET).state == "off"
    assert known_state(hass, CHARGER).state == "off"
    assert known_state(hass, "sensor.driveway_charger_charger_fault").state == "Ground fault"
    connected = known_state(hass, CONNECTED)
    assert connected.state == "off"
    assert connected.attributes["offline_since"] == "2026-05-02T06:11:40+00:00"


async def test_without_plugs_or_chargers_devices_are_read_every_six_hours(
    hass: HomeAssistant, emporia_entry: MockConfigEntry, emporia: EmporiaSimulator
) -> None:
    """Only a monitor: /devices keeps its 6-hour cadence."""

    def monitor_only(body: object) -> object:
        if isinstance(body, dict) and isinstance(body.get("devices"), list):
            for device in body["devices"]:
                device["devices"] = []
        return body

    emporia.state.faults.rewrite = monitor_only
    emporia.state.faults.path = "/devices"
    assert await hass.config_entries.async_setup(emporia_entry.entry_id)
    await settle(hass, lambda: emporia.samples_sent >= 1)
    assert emporia_entry.runtime_data.devices.update_interval == timedelta(hours=6)
    assert hass.states.get(OUTLET) is None


async def test_options_mark_solar_and_reversed_channels(
    hass: HomeAssistant,
    emporia_url: str,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A solar circuit's production is its own enabled energy sensor; a reversed clamp's flow
    is inverted before it is counted."""
    entry = add_entry(
        hass,
        emporia_url,
        options={"solar_channels": [f"{MONITOR_GID}:3"], "reversed_channels": [f"{MONITOR_GID}:1"]},
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass, lambda: emporia.samples_sent >= 1)
    await tick(hass, freezer, emporia, 12)
    assert float(known_state(hass, "sensor.home_kitchen_power").state) < 0  # inverted
    produced = er.async_get(hass).async_get("sensor.home_solar_energy_produced")
    assert produced is not None
    assert produced.disabled_by is None
    assert produced.unique_id == f"emporia_{MONITOR_GID}_channel_3_energy_returned"
    assert float(known_state(hass, "sensor.home_solar_energy_produced").state) > 0
    # The reversed kitchen's flow now counts as returned: nothing as consumed.
    assert float(known_state(hass, "sensor.home_kitchen_energy").state) == 0


async def test_the_options_form_lists_the_circuits(
    hass: HomeAssistant, loaded_emporia: MockConfigEntry
) -> None:
    """The form offers the monitor's circuits by name (not the mains, balance or plugs) and
    stores the choices."""
    result = await hass.config_entries.options.async_init(loaded_emporia.entry_id)
    assert result["type"] is FlowResultType.FORM
    schema = result["data_schema"]
    assert schema is not None
    (solar,) = [key for key in schema.schema if key == "solar_channels"]
    options = schema.schema[solar].config["options"]
    assert [option["label"] for option in options] == [
        "Home: Kitchen",
        "Home: Heat pump",
        "Home: Solar",
    ]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"state_update_interval": 10, "solar_channels": [f"{MONITOR_GID}:3"]},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_emporia.options["solar_channels"] == [f"{MONITOR_GID}:3"]
    assert loaded_emporia.options["reversed_channels"] == []


@pytest.mark.parametrize("listed", ["top", "top_outlet"])
async def test_a_plug_listed_at_the_top_level_hangs_under_its_monitor(
    hass: HomeAssistant, emporia_url: str, emporia: EmporiaSimulator, listed: str
) -> None:
    """Through the real proxy a plug can sit at the top level of /devices and name its monitor
    in `parentDeviceGid` (on the device, or on its outlet in older captures): it hangs under
    the monitor with plug naming, and an entity id an earlier release gave it stays."""
    emporia.scenario.plug_listed = listed
    entry = add_entry(hass, emporia_url)
    registry = er.async_get(hass)
    earlier = registry.async_get_or_create(
        "sensor",
        DOMAIN,
        f"emporia_{PLUG_GID}_mains_power",
        config_entry=entry,
        suggested_object_id="aquarium_mains_power",
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass, lambda: emporia.samples_sent >= 1)
    devices = dr.async_get(hass)
    monitor = devices.async_get_device_by_identifier(
        (DOMAIN, f"emporia_{MONITOR_GID}"), entry.entry_id
    )
    plug = devices.async_get_device_by_identifier((DOMAIN, f"emporia_{PLUG_GID}"), entry.entry_id)
    assert monitor is not None and plug is not None
    assert plug.via_device_id == monitor.id
    assert (
        registry.async_get_entity_id("sensor", DOMAIN, f"emporia_{PLUG_GID}_mains_power")
        == earlier.entity_id
        == "sensor.aquarium_mains_power"
    )
    assert float(known_state(hass, earlier.entity_id).state) == pytest.approx(65, rel=0.1)
    energy = known_state(hass, "sensor.aquarium_energy")
    assert energy.attributes["friendly_name"] == "Aquarium Energy"
    assert known_state(hass, OUTLET).state == "on"


async def test_an_upgrade_keeps_the_solar_circuit_s_entity_id(
    hass: HomeAssistant, emporia_url: str, emporia: EmporiaSimulator
) -> None:
    """An earlier release created the solar circuit's returned energy disabled, as
    `sensor.home_solar_energy_returned`; now that its channel type says it produces, the same
    entity is enabled under the same entity id (a fresh install names it `…_energy_produced`)."""
    entry = add_entry(hass, emporia_url)
    registry = er.async_get(hass)
    earlier = registry.async_get_or_create(
        "sensor",
        DOMAIN,
        f"emporia_{MONITOR_GID}_channel_3_energy_returned",
        config_entry=entry,
        suggested_object_id="home_solar_energy_returned",
        disabled_by=er.RegistryEntryDisabler.INTEGRATION,
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass, lambda: emporia.samples_sent >= 1)
    entity = registry.async_get(earlier.entity_id)
    assert entity is not None
    assert entity.entity_id == "sensor.home_solar_energy_returned"
    assert entity.disabled_by is None
    assert registry.async_get("sensor.home_solar_energy_produced") is None


@pytest.mark.parametrize(
    ("options", "offered"),
    [({}, []), ({"solar_channels": [f"{MONITOR_GID}:2"]}, [f"{MONITOR_GID}:2"])],
)
async def test_the_solar_circuits_offered_when_the_entry_is_not_running(
    hass: HomeAssistant, emporia_url: str, options: dict[str, object], offered: list[str]
) -> None:
    """Without the running entry, no channel types are known: the owner's choice or none."""
    entry = add_entry(hass, emporia_url, options=options)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    schema = result["data_schema"]
    assert schema is not None
    (solar,) = [key for key in schema.schema if key == "solar_channels"]
    assert solar.default() == offered
