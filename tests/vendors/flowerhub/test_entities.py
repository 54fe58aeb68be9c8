"""The FlowerHub battery system's device and entities, read through Home Assistant."""

from __future__ import annotations

import time

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN, EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.helpers import init_integration, known_state
from tests.simulator.flowerhub import SERIAL, FlowerHubSimulator


def state(hass: HomeAssistant, entity_id: str) -> str:
    current = known_state(hass, entity_id)
    assert current is not None, entity_id
    return current.state


async def test_setup_creates_the_battery_system_device(
    hass: HomeAssistant, loaded_flowerhub: MockConfigEntry
) -> None:
    """Setup creates the battery system's device with maker, model, inverter and serial."""
    assert loaded_flowerhub.state is ConfigEntryState.LOADED
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"flowerhub_{SERIAL}"), loaded_flowerhub.entry_id
    )
    assert device is not None
    assert device.name == "FlowerHub"
    assert device.serial_number == SERIAL
    assert device.manufacturer == "Sungrow"
    assert device.model == "SBR096"
    assert device.model_id == "FlowerHub 10"
    assert device.hw_version == "Sungrow SH10RT"
    assert device.configuration_url == "https://portal.flowerhub.se"
    entities = er.async_entries_for_config_entry(er.async_get(hass), loaded_flowerhub.entry_id)
    assert len(entities) == 33
    assert all(e.unique_id.startswith(f"flowerhub_{SERIAL}_") for e in entities)
    assert all(e.device_id == device.id for e in entities)


async def test_status_entities(hass: HomeAssistant, loaded_flowerhub: MockConfigEntry) -> None:
    """The status entities show the asset's status, connection and capacities."""
    status = known_state(hass, "sensor.flowerhub_status")
    assert status is not None
    assert status.state == "connected"
    assert status.attributes["device_class"] == "enum"
    assert status.attributes["options"] == ["connected", "disconnected"]
    assert state(hass, "binary_sensor.flowerhub_connectivity") == "on"
    assert state(hass, "sensor.flowerhub_status_message") == "FlowerHub is connected and working"
    assert state(hass, "binary_sensor.flowerhub_installed") == "on"
    capacity = known_state(hass, "sensor.flowerhub_battery_energy_capacity")
    assert capacity is not None
    assert capacity.state == "9.6"
    assert capacity.attributes["unit_of_measurement"] == "kWh"
    assert state(hass, "sensor.flowerhub_battery_power_capacity") == "5.76"
    assert state(hass, "sensor.flowerhub_inverter_power_capacity") == "10.0"
    fuse = known_state(hass, "sensor.flowerhub_fuse_size")
    assert fuse is not None
    assert fuse.state == "20.0"
    assert fuse.attributes["unit_of_measurement"] == "A"
    assert state(hass, "sensor.flowerhub_inverter_model") == "SH10RT"
    assert state(hass, "sensor.flowerhub_battery_model") == "SBR096"
    assert state(hass, "sensor.flowerhub_battery_stacks_supported") == "1"
    assert state(hass, "sensor.flowerhub_battery_modules_minimum") == "3"
    assert state(hass, "sensor.flowerhub_battery_modules_maximum") == "8"
    registry = er.async_get(hass)
    for entity_id in (
        "sensor.flowerhub_inverter_model",
        "sensor.flowerhub_battery_model",
        "sensor.flowerhub_battery_stacks_supported",
        "sensor.flowerhub_battery_modules_minimum",
        "sensor.flowerhub_battery_modules_maximum",
        "sensor.flowerhub_battery_energy_capacity",
        "sensor.flowerhub_battery_power_capacity",
        "sensor.flowerhub_inverter_power_capacity",
        "sensor.flowerhub_fuse_size",
        "binary_sensor.flowerhub_installed",
    ):
        entry = registry.async_get(entity_id)
        assert entry is not None
        assert entry.entity_category is EntityCategory.DIAGNOSTIC


async def test_a_fuse_nobody_entered_is_unknown(
    hass: HomeAssistant, flowerhub: FlowerHubSimulator, flowerhub_entry: MockConfigEntry
) -> None:
    """The portal says 0 A for a fuse that was never entered: unknown, not "0.0 A"."""
    flowerhub.fuse_size = 0
    await init_integration(hass, flowerhub_entry)
    assert state(hass, "sensor.flowerhub_fuse_size") == "unknown"
    assert state(hass, "binary_sensor.flowerhub_installed") == "on"


async def test_owner_entities(hass: HomeAssistant, loaded_flowerhub: MockConfigEntry) -> None:
    """The owner's entities show compensation status and installer with their attributes."""
    compensation = known_state(hass, "sensor.flowerhub_compensation_status")
    assert compensation is not None
    assert compensation.state == "Qualified"
    assert compensation.attributes["message"] == "Your battery qualifies"
    assert compensation.attributes["start_date"] == "2025-03-01"
    installer = known_state(hass, "sensor.flowerhub_installer")
    assert installer is not None
    assert installer.state == "Solkraft Installation AB"
    assert installer.attributes["distributor"] == "Nordic Distribution AB"


async def test_uptime_entities(
    hass: HomeAssistant,
    flowerhub_entry: MockConfigEntry,
    flowerhub: FlowerHubSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The uptime entities show this month's uptime, downtime and no-data, and last month's."""
    freezer.move_to("2026-12-06T23:00:00+00:00")  # six whole days into December in Stockholm
    flowerhub.clock.now = time.time
    await init_integration(hass, flowerhub_entry)
    uptime = known_state(hass, "sensor.flowerhub_uptime_this_month")
    assert uptime is not None
    assert float(uptime.state) > 0
    assert uptime.attributes["unit_of_measurement"] == "%"
    assert uptime.attributes["period"] == flowerhub.now().strftime("%Y-%m")
    assert float(state(hass, "sensor.flowerhub_uptime_last_month")) > 0
    downtime = known_state(hass, "sensor.flowerhub_downtime_this_month")
    assert downtime is not None
    assert downtime.attributes["device_class"] == "duration"
    assert downtime.attributes["unit_of_measurement"] == "h"
    assert uptime.attributes["period"] == "2026-12"
    assert float(downtime.state) == 6 * 24 * 0.02  # 2 % of six days, in hours
    assert float(state(hass, "sensor.flowerhub_no_data_this_month")) == 6 * 24 * 0.01
    assert float(state(hass, "sensor.flowerhub_uptime_last_month")) == 100.0


async def test_account_entities(hass: HomeAssistant, loaded_flowerhub: MockConfigEntry) -> None:
    """The account's entities show agreements, the latest invoice, unpaid amount and consumption."""
    consumption = known_state(hass, "binary_sensor.flowerhub_consumption_agreement")
    assert consumption is not None
    assert consumption.state == "on"
    assert consumption.attributes["start_date"] == "2025-02-01"
    assert consumption.attributes["termination_date"] is None
    production = known_state(hass, "binary_sensor.flowerhub_production_agreement")
    assert production is not None
    assert production.state == "off"
    assert production.attributes["state"] == "Pending"
    amount = known_state(hass, "sensor.flowerhub_latest_invoice_amount")
    assert amount is not None
    assert amount.state == "389.5"
    assert amount.attributes["unit_of_measurement"] == "SEK"
    assert amount.attributes["device_class"] == "monetary"
    assert state(hass, "sensor.flowerhub_latest_invoice_due_date") == "2025-06-30"
    assert state(hass, "sensor.flowerhub_latest_invoice_status") == "Unpaid"
    assert state(hass, "sensor.flowerhub_latest_invoice_period") == "May 2025"
    assert state(hass, "sensor.flowerhub_unpaid_amount") == "389.5"
    used = known_state(hass, "sensor.flowerhub_last_invoiced_month_consumption")
    assert used is not None
    assert used.state == "388.0"  # the reading, not reading + calculated
    assert used.attributes["state_class"] == "total"
    assert used.attributes["invoiced_month"] == "2025-05-01"
    assert used.attributes["last_reset"].startswith("2025-05-01T00:00:00")
    notification = er.async_get(hass).async_get("sensor.flowerhub_system_notification")
    assert notification is not None
    assert notification.disabled_by is er.RegistryEntryDisabler.INTEGRATION


async def test_notification_entity_when_enabled(
    hass: HomeAssistant, flowerhub_entry: MockConfigEntry, flowerhub: FlowerHubSimulator
) -> None:
    """The notification sensor, once enabled, reads the system notification."""
    registry = er.async_get(hass)
    registry.async_get_or_create(
        "sensor",
        DOMAIN,
        f"flowerhub_{SERIAL}_notification",
        config_entry=flowerhub_entry,
        suggested_object_id="flowerhub_system_notification",
    )
    assert await hass.config_entries.async_setup(flowerhub_entry.entry_id)
    await hass.async_block_till_done()
    assert state(hass, "sensor.flowerhub_system_notification") == STATE_UNKNOWN
    assert flowerhub.state.calls("GET", "/system-notification/active-flower")


async def test_refused_invoices_are_unknown_not_a_reauth(
    hass: HomeAssistant, flowerhub_entry: MockConfigEntry, flowerhub: FlowerHubSimulator
) -> None:
    """A 403 on the invoices refuses that data only: its sensors unavailable, the rest works,
    nobody is asked to log in."""
    flowerhub.state.faults.status = 403
    flowerhub.state.faults.path = "/invoice"
    assert await hass.config_entries.async_setup(flowerhub_entry.entry_id)
    await hass.async_block_till_done()
    assert flowerhub_entry.state is ConfigEntryState.LOADED
    assert not list(flowerhub_entry.async_get_active_flows(hass, {SOURCE_REAUTH}))
    assert state(hass, "sensor.flowerhub_latest_invoice_amount") == STATE_UNAVAILABLE
    assert state(hass, "sensor.flowerhub_unpaid_amount") == STATE_UNAVAILABLE
    assert state(hass, "sensor.flowerhub_status") == "connected"
    assert float(state(hass, "sensor.flowerhub_last_invoiced_month_consumption")) > 0
