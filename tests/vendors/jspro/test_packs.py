"""Packs that come and go, and a large site: dynamic and stale devices."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.conftest import RemoveDevice
from tests.helpers import advance, known_state
from tests.simulator.jspro import SERIAL, JsproSimulator

POLL = 10  # the monitoring interval (s)


def pack_device(hass: HomeAssistant, entry: MockConfigEntry, key: str) -> dr.DeviceEntry | None:
    return dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"jspro_{SERIAL}_pack_{key}"), entry.entry_id
    )


async def test_new_pack_is_added(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_jspro: MockConfigEntry,
    jspro: JsproSimulator,
) -> None:
    """A new pack gets its device (under the controller) and entities, cells disabled."""
    assert hass.states.get("sensor.bakti_tower_pack_usb1_11_state_of_charge") is None
    jspro.add_pack("usb1", 11)
    await advance(hass, freezer, POLL)
    assert known_state(hass, "sensor.bakti_tower_pack_usb1_11_state_of_charge").state == "100.0"
    assert known_state(hass, "binary_sensor.bakti_tower_pack_usb1_11_active").state == "on"
    device = pack_device(hass, loaded_jspro, "usb1_11")
    assert device is not None
    assert device.via_device_id == loaded_jspro.runtime_data.controller_id
    cell = er.async_get(hass).async_get("sensor.bakti_tower_pack_usb1_11_cell_16_voltage")
    assert cell is not None
    assert cell.disabled_by is er.RegistryEntryDisabler.INTEGRATION


async def test_pack_only_in_active_list_gets_bms_entities_later(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_jspro: MockConfigEntry,
    jspro: JsproSimulator,
) -> None:
    """A pack only in the active list gets its BMS values and cells once the BMS answers."""
    jspro.add_pack("usb0", 12)
    jspro.fail_pack("usb0", 12)
    await advance(hass, freezer, POLL)
    assert known_state(hass, "binary_sensor.bakti_tower_pack_usb0_12_active").state == "off"
    soc = "sensor.bakti_tower_pack_usb0_12_state_of_charge"
    assert known_state(hass, soc).state == "unavailable"
    jspro.fail_pack("usb0", 12, active=True)
    await advance(hass, freezer, POLL)
    assert known_state(hass, soc).state == "100.0"
    assert er.async_get(hass).async_get("sensor.bakti_tower_pack_usb0_12_cell_1_voltage")


async def test_pack_gone_for_good_is_removed(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_jspro: MockConfigEntry,
    jspro: JsproSimulator,
) -> None:
    """A pack gone for seven days is removed with its device, not earlier."""
    soc = "sensor.bakti_tower_pack_usb0_3_state_of_charge"
    jspro.remove_pack("usb0", 3)
    await advance(hass, freezer, POLL)
    assert known_state(hass, soc).state == "unavailable"
    assert pack_device(hass, loaded_jspro, "usb0_3") is not None
    await advance(hass, freezer, 6 * 24 * 3600)
    assert pack_device(hass, loaded_jspro, "usb0_3") is not None  # not gone for good yet
    await advance(hass, freezer, 24 * 3600 + 60)  # seven days by default
    assert pack_device(hass, loaded_jspro, "usb0_3") is None
    assert hass.states.get(soc) is None
    assert er.async_get(hass).async_get(soc) is None
    assert pack_device(hass, loaded_jspro, "usb0_4") is not None

    jspro.add_pack("usb0", 3)
    await advance(hass, freezer, POLL)
    assert pack_device(hass, loaded_jspro, "usb0_3") is not None
    assert known_state(hass, soc).state == "100.0"


async def test_pack_gone_while_home_assistant_was_off(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    jspro: JsproSimulator,
    jspro_entry: MockConfigEntry,
) -> None:
    """A pack gone while Home Assistant was off is removed seven days after the start."""
    assert await hass.config_entries.async_setup(jspro_entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(jspro_entry.entry_id)
    jspro.remove_pack("usb1", 10)
    assert await hass.config_entries.async_setup(jspro_entry.entry_id)
    await hass.async_block_till_done()
    assert pack_device(hass, jspro_entry, "usb1_10") is not None
    await advance(hass, freezer, 7 * 24 * 3600 + 60)
    await advance(hass, freezer, POLL)
    assert pack_device(hass, jspro_entry, "usb1_10") is None
    assert pack_device(hass, jspro_entry, "usb1_9") is not None


async def test_unknown_presence_never_removes_packs(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_jspro: MockConfigEntry,
    jspro: JsproSimulator,
) -> None:
    """Without either pack list, presence is unknown and no pack is removed."""
    jspro.missing |= {"/api/v1/monitoring/battery", "/api/v1/monitoring/battery/active"}
    await advance(hass, freezer, 2 * 3600)
    await advance(hass, freezer, POLL)
    assert pack_device(hass, loaded_jspro, "usb0_1") is not None
    assert (
        known_state(hass, "sensor.bakti_tower_pack_usb0_1_state_of_charge").state == "unavailable"
    )
    assert known_state(hass, "sensor.bakti_tower_scc_1_pv_voltage").state == "69.9"


async def test_site_of_32_packs_with_16_cells(
    hass: HomeAssistant,
    jspro: JsproSimulator,
    jspro_entry: MockConfigEntry,
) -> None:
    """A site of 32 packs with 16 cells gets all its devices and disabled cell sensors."""
    jspro.configure(packs=32, cells=16)
    assert await hass.config_entries.async_setup(jspro_entry.entry_id)
    await hass.async_block_till_done()
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), jspro_entry.entry_id)
    assert len(devices) == 1 + 2 + 32
    entities = er.async_entries_for_config_entry(er.async_get(hass), jspro_entry.entry_id)
    cells = [e for e in entities if "_cell_" in e.unique_id and "voltage_" in e.unique_id]
    assert len(cells) == 32 * 16
    assert all(e.disabled_by is er.RegistryEntryDisabler.INTEGRATION for e in cells)
    assert known_state(hass, "sensor.bakti_tower_pack_usb1_32_pack_voltage").state == "54.21"
    assert known_state(hass, "sensor.bakti_tower_pack_usb0_2_pack_voltage").state == "54.24"
    assert known_state(hass, "sensor.bakti_tower_site_state_of_charge").state == "100.0"
    # one request per endpoint for the first cycle, whatever the number of packs
    assert len(jspro.state.calls("GET", "/monitoring/battery/active")) == 1
    assert len([c for c in jspro.state.calls("GET") if c.path.endswith("/monitoring/battery")]) == 1


async def test_user_may_delete_a_gone_pack_but_not_the_controller(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_jspro: MockConfigEntry,
    jspro: JsproSimulator,
    remove_device: RemoveDevice,
) -> None:
    """A user may delete a gone pack, never the controller or a reported pack."""
    controller = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"jspro_{SERIAL}"), loaded_jspro.entry_id
    )
    assert controller is not None
    assert not await remove_device(controller.id)
    pack = pack_device(hass, loaded_jspro, "usb0_3")
    assert pack is not None
    assert not await remove_device(pack.id)

    jspro.remove_pack("usb0", 3)
    await advance(hass, freezer, POLL)
    assert await remove_device(pack.id)
    assert pack_device(hass, loaded_jspro, "usb0_3") is None
    assert hass.states.get("sensor.bakti_tower_pack_usb0_3_state_of_charge") is None
