"""JSPro devices and entities through Home Assistant, against the spec's example values."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    EntityCategory,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.helpers import advance, known_state
from tests.simulator.jspro import SERIAL, JsproSimulator, PackSimulation

POLL = 10  # the monitoring interval (s)

PACK = "sensor.bakti_tower_pack_usb0_1"
SCC1 = "sensor.bakti_tower_scc_1"
SITE = "sensor.bakti_tower"


def state(hass: HomeAssistant, entity_id: str) -> str:
    current = known_state(hass, entity_id)
    assert current is not None, entity_id
    return current.state


async def test_devices(hass: HomeAssistant, loaded_jspro: MockConfigEntry) -> None:
    """The controller, its SCCs and packs become devices, SCCs and packs under the controller."""
    assert loaded_jspro.state is ConfigEntryState.LOADED
    registry = dr.async_get(hass)
    entry_id = loaded_jspro.entry_id
    controller = registry.async_get_device_by_identifier((DOMAIN, f"jspro_{SERIAL}"), entry_id)
    assert controller is not None
    assert controller.name == "Bakti Tower"
    assert controller.manufacturer == "JSPro"
    assert controller.model == "JSPro MPPT"
    assert controller.model_id == "JP-MPPT-40A"
    assert controller.serial_number == SERIAL
    assert controller.sw_version == "2.0.0"
    assert controller.hw_version == "2.0.0"
    assert controller.via_device_id is None
    scc = registry.async_get_device_by_identifier((DOMAIN, f"jspro_{SERIAL}_scc1"), entry_id)
    assert scc is not None
    assert scc.name == "Bakti Tower SCC 1"
    assert scc.model == "scc-epveper"
    assert scc.via_device_id == controller.id
    pack = registry.async_get_device_by_identifier(
        (DOMAIN, f"jspro_{SERIAL}_pack_usb0_1"), entry_id
    )
    assert pack is not None
    assert pack.name == "Bakti Tower pack usb0 1"
    assert pack.serial_number == "AO67950111"
    assert pack.hw_version == "TBI24032703195"
    assert pack.model == "talis5"
    assert pack.via_device_id == controller.id
    devices = dr.async_entries_for_config_entry(registry, entry_id)
    assert len(devices) == 1 + 2 + 10


async def test_pack_values_match_the_spec(
    hass: HomeAssistant, loaded_jspro: MockConfigEntry
) -> None:
    """A pack's sensors show the spec's values in their units."""
    assert state(hass, f"{PACK}_pack_voltage") == "54.24"
    assert state(hass, f"{PACK}_state_of_charge") == "100.0"
    assert state(hass, f"{PACK}_state_of_health") == "100.0"
    assert state(hass, f"{PACK}_ambient_temperature") == "33.8"
    assert state(hass, f"{PACK}_environment_temperature") == "33.8"
    assert state(hass, f"{PACK}_fet_temperature") == "31.8"
    assert state(hass, f"{PACK}_max_cell_temperature") == "31.8"
    assert state(hass, f"{PACK}_min_cell_temperature") == "31.3"
    assert state(hass, f"{PACK}_average_cell_temperature") == "31.5"
    assert state(hass, f"{PACK}_max_cell_voltage") == "3.396"
    assert state(hass, f"{PACK}_min_cell_voltage") == "3.386"
    assert float(state(hass, f"{PACK}_average_cell_voltage")) == pytest.approx(
        3.390
    )  # rounded to the mV a cell is read in
    assert state(hass, f"{PACK}_cell_difference") == "10.0"
    assert state(hass, f"{PACK}_pack_current") == "35.0"
    assert state(hass, f"{PACK}_remaining_capacity") == "108.0"
    assert state(hass, f"{PACK}_full_capacity") == "108.0"
    assert state(hass, f"{PACK}_cycle_count") == "1"
    assert state(hass, f"{PACK}_remaining_charge_time") == "0.0"
    assert state(hass, f"{PACK}_remaining_discharge_time") == STATE_UNKNOWN  # 65535
    for problem in ("warning", "protection", "fault"):
        assert state(hass, f"binary_sensor.bakti_tower_pack_usb0_1_{problem}") == STATE_OFF
    fault = known_state(hass, "binary_sensor.bakti_tower_pack_usb0_1_fault")
    assert fault is not None
    assert fault.attributes["flags"][1] == "charge Mosfet ON"
    assert fault.attributes["device_class"] == "problem"
    assert state(hass, "binary_sensor.bakti_tower_pack_usb0_1_active") == STATE_ON

    voltage = known_state(hass, f"{PACK}_pack_voltage")
    assert voltage is not None
    assert voltage.attributes["unit_of_measurement"] == "V"
    assert voltage.attributes["device_class"] == "voltage"
    assert voltage.attributes["state_class"] == "measurement"
    soc = known_state(hass, f"{PACK}_state_of_charge")
    assert soc is not None
    assert soc.attributes["device_class"] == "battery"


async def test_scc_site_and_system_values(
    hass: HomeAssistant, loaded_jspro: MockConfigEntry
) -> None:
    """SCC, site and system sensors show the spec's values in their units."""
    assert state(hass, f"{SCC1}_pv_voltage") == "69.9"
    assert state(hass, f"{SCC1}_pv_current") == "3.3"
    assert state(hass, f"{SCC1}_pv_power") == "230.67"
    assert state(hass, f"{SCC1}_load_voltage") == "55.67"
    assert state(hass, f"{SCC1}_load_current") == "1.68"
    assert state(hass, f"{SCC1}_load_power") == "273.0"
    assert state(hass, f"{SCC1}_battery_temperature") == "22.0"
    assert state(hass, f"{SCC1}_device_temperature") == "25.0"
    assert state(hass, f"{SCC1}_load_status") == "running"
    assert state(hass, f"{SCC1}_heartbeat") == "3"
    assert state(hass, "sensor.bakti_tower_scc_2_heartbeat") == STATE_UNKNOWN  # -1
    for group in ("battery", "charging", "discharging"):
        assert state(hass, f"binary_sensor.bakti_tower_scc_1_{group}_alarm") == STATE_OFF
    assert state(hass, f"{SITE}_vsat_reconnect_voltage") == "47.0"
    assert state(hass, f"{SITE}_vsat_cut_off_voltage") == "46.0"
    assert state(hass, f"{SITE}_bts_reconnect_voltage") == "49.0"
    assert state(hass, f"{SITE}_bts_cut_off_voltage") == "48.0"
    assert state(hass, f"{SITE}_site_pv_power") == str(round(69.9 * 3.3 + 71.7 * 3.1, 2))
    assert state(hass, f"{SITE}_site_load_power") == "495.0"
    assert state(hass, f"{SITE}_site_state_of_charge") == "100.0"
    assert state(hass, f"{SITE}_cpu_usage") == "40.0"
    assert state(hass, f"{SITE}_memory_usage") == "50.0"
    assert state(hass, f"{SITE}_controller_temperature") == "27.2"
    assert state(hass, f"{SITE}_disk_used") == "6.1"
    assert state(hass, f"{SITE}_disk_free") == "8.6"
    assert state(hass, f"{SITE}_active_services") == "10"
    assert state(hass, f"{SITE}_inactive_services") == "2"
    assert state(hass, f"{SITE}_failed_services") == "0"
    assert state(hass, "binary_sensor.bakti_tower_service_failed") == STATE_OFF
    assert state(hass, f"{SITE}_uptime") == "50.0"
    assert state(hass, f"{SITE}_logger_records") == "5"
    assert state(hass, f"{SITE}_sqlite_records") == "3"
    assert state(hass, f"{SITE}_scc_alarm_logs") == "1"
    load_status = known_state(hass, f"{SCC1}_load_status")
    assert load_status is not None
    assert load_status.attributes["options"] == ["running", "standby"]


async def test_entity_registry_options(hass: HomeAssistant, loaded_jspro: MockConfigEntry) -> None:
    """Cell sensors are disabled by default, named by cell, one per reported cell."""
    registry = er.async_get(hass)
    cell = registry.async_get(f"{PACK}_cell_1_voltage")
    assert cell is not None
    assert cell.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert cell.translation_key == "jspro_cell_voltage"
    assert cell.unique_id == f"jspro_{SERIAL}_pack_usb0_1_cell_voltage_1"
    assert registry.async_get(f"{PACK}_cell_16_voltage") is not None
    assert registry.async_get(f"{PACK}_cell_17_voltage") is None
    temp = registry.async_get(f"{PACK}_cell_temperature_3")
    assert temp is not None
    assert temp.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    button = registry.async_get("button.bakti_tower_delete_scc_alarm_log")
    assert button is not None
    assert button.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert button.entity_category is EntityCategory.CONFIG
    heartbeat = registry.async_get(f"{SCC1}_heartbeat")
    assert heartbeat is not None
    assert heartbeat.entity_category is EntityCategory.DIAGNOSTIC
    relay = registry.async_get(f"{SITE}_vsat_cutoff_voltage") or registry.async_get(
        f"{SITE}_vsat_cut_off_voltage"
    )
    assert relay is not None
    assert relay.entity_category is EntityCategory.DIAGNOSTIC
    assert relay.unique_id == f"jspro_{SERIAL}_vsat_cutoff"


async def test_enabled_cell_sensor_reads_its_cell(
    hass: HomeAssistant, loaded_jspro: MockConfigEntry
) -> None:
    """An enabled cell sensor reads its own cell."""
    registry = er.async_get(hass)
    registry.async_update_entity(f"{PACK}_cell_3_voltage", disabled_by=None)
    registry.async_update_entity(f"{PACK}_cell_temperature_1", disabled_by=None)
    await hass.config_entries.async_reload(loaded_jspro.entry_id)
    await hass.async_block_till_done()
    assert state(hass, f"{PACK}_cell_3_voltage") == "3.396"
    assert state(hass, f"{PACK}_cell_temperature_1") == "31.8"


async def test_alarms_turn_problem_sensors_on(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_jspro: MockConfigEntry,
    jspro: JsproSimulator,
) -> None:
    """SCC alarms and failed services turn their problem sensors on; states are not alarms."""
    jspro.scc_alarm(1, "battery_status", "battery_condition", "over_voltage")
    jspro.scc_alarm(2, "discharging_status", "discharge_short", "short_circuit")
    jspro.scc_alarm(2, "charging_status", "charging_status", "float")  # a state, not an alarm
    jspro.site.failed_services = ["scc.service"]
    await advance(hass, freezer, 60)
    battery = known_state(hass, "binary_sensor.bakti_tower_scc_1_battery_alarm")
    assert battery is not None
    assert battery.state == STATE_ON
    assert battery.attributes["flags"]["battery_condition"] == "over_voltage"
    assert state(hass, "binary_sensor.bakti_tower_scc_2_discharging_alarm") == STATE_ON
    assert state(hass, "binary_sensor.bakti_tower_scc_2_charging_alarm") == STATE_OFF
    service = known_state(hass, "binary_sensor.bakti_tower_service_failed")
    assert service is not None
    assert service.state == STATE_ON
    assert service.attributes["failed_services"] == ["scc.service"]
    assert state(hass, f"{SITE}_failed_services") == "1"


async def test_pack_alarm_flags(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_jspro: MockConfigEntry,
    jspro: JsproSimulator,
) -> None:
    """Pack warning, protection and fault flags turn their problem sensors on with the flags."""
    original = jspro.pack_body

    def alarmed(pack: PackSimulation) -> dict[str, Any]:
        body = original(pack)
        if pack.slave_id == 1:
            body["warning_flag"] = ["cell over voltage"]
            body["protection_flag"] = ["charge over current"]
            body["fault_status_flag"] = ["cell fault", "charge Mosfet ON"]
        return body

    jspro.pack_body = alarmed  # type: ignore[method-assign]  # one pack raises alarms
    await advance(hass, freezer, POLL)
    warning = known_state(hass, "binary_sensor.bakti_tower_pack_usb0_1_warning")
    assert warning is not None
    assert warning.state == STATE_ON
    assert warning.attributes["flags"] == ["cell over voltage"]
    assert state(hass, "binary_sensor.bakti_tower_pack_usb0_1_protection") == STATE_ON
    assert state(hass, "binary_sensor.bakti_tower_pack_usb0_1_fault") == STATE_ON
    assert state(hass, "binary_sensor.bakti_tower_pack_usb0_2_fault") == STATE_OFF


async def test_failed_pack_shows_disconnected(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_jspro: MockConfigEntry,
    jspro: JsproSimulator,
) -> None:
    """A failed pack shows inactive and unavailable; the others stay."""
    jspro.fail_pack("usb0", 2)
    await advance(hass, freezer, POLL)
    assert state(hass, "binary_sensor.bakti_tower_pack_usb0_2_active") == STATE_OFF
    assert state(hass, "sensor.bakti_tower_pack_usb0_2_state_of_charge") == STATE_UNAVAILABLE
    assert state(hass, f"{PACK}_state_of_charge") == "100.0"
