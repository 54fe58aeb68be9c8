"""The power management group of newer firmware: disk usage, the last boot, the controller's
own reboot when its disk fills, and a warning before it does. The recorded answers
(../shared/specs/field-payloads/jspro/, copied into tests/fixtures/jspro/) parse; a firmware
without the group has none of these entities and says so once."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.vendors.jspro.models import parse_power
from tests.helpers import advance, init_integration, known_state
from tests.simulator.jspro import JsproSimulator

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "jspro"
NOW = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)
DISK = "sensor.bakti_tower_disk_usage"
LAST_BOOT = "sensor.bakti_tower_last_boot"
THRESHOLD = "sensor.bakti_tower_auto_reboot_disk_threshold"
MONTH = "sensor.bakti_tower_auto_reboots_this_month"
TOTAL = "sensor.bakti_tower_auto_reboots"
LAST_REBOOT = "sensor.bakti_tower_last_auto_reboot"
AUTO_REBOOT = "binary_sensor.bakti_tower_auto_reboot"
NEAR = "binary_sensor.bakti_tower_disk_near_auto_reboot"
POWER_PATHS = {
    "/api/v1/power/overview",
    "/api/v1/power/auto-reboot-stats",
    "/api/v1/power/settings",
}


def payload(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())["data"]


def test_the_recorded_answers_parse() -> None:
    """Both envelopes (the overview's older one, the others' `success`) give the values."""
    power = parse_power(
        payload("power-overview.json"),
        payload("auto-reboot-stats.json"),
        payload("power-settings.json"),
    )
    assert power.disk_usage == pytest.approx(13.6)  # 1.8 of 13.2 GB
    assert power.uptime == 86400 + 20 * 60  # "1 day, 20 minutes"
    assert (power.auto_reboot, power.disk_threshold) == (True, 85)
    assert (power.reboots_this_month, power.reboots_total) == (3, 15)
    assert power.last_reboot == datetime(2025, 8, 15, 8, 30)  # the device's local time
    assert power.disk_near_threshold is False
    assert len(list(FIXTURES.glob("*.json"))) == 4  # the history is served, not read
    assert payload("auto-reboot-history.json")[0]["action"] == "auto_reboot"


def test_only_the_overview_is_needed() -> None:
    """Without the statistics and settings the rest is unknown, never 0."""
    power = parse_power(payload("power-overview.json"), None, None)
    assert power.auto_reboot is True  # the overview's own `auto_reboot`
    assert power.disk_threshold is None and power.reboots_total is None
    assert power.disk_near_threshold is None


async def test_the_controller_shows_its_power_management(
    hass: HomeAssistant,
    jspro: JsproSimulator,
    jspro_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Disk usage, the last boot (steady from read to read), the threshold, the reboots and
    the last one in Home Assistant's zone; a disk within 5 points of the threshold warns."""
    await hass.config.async_set_time_zone("Asia/Jakarta")
    freezer.move_to(NOW)
    jspro.clock.now = NOW.timestamp
    jspro.power.booted_at = (NOW - timedelta(days=1, minutes=20, seconds=30)).timestamp()
    await init_integration(hass, jspro_entry)
    assert float(known_state(hass, DISK).state) == pytest.approx(13.6)
    boot = known_state(hass, LAST_BOOT)
    assert boot.state == "2026-12-01T03:40:00+00:00"  # to the minute the uptime tells
    assert known_state(hass, THRESHOLD).state == "85.0"
    assert known_state(hass, MONTH).state == "3"
    assert known_state(hass, TOTAL).state == "15"
    assert known_state(hass, LAST_REBOOT).state == "2025-08-15T01:30:00+00:00"  # 08:30 WIB
    assert known_state(hass, AUTO_REBOOT).state == "on"
    assert known_state(hass, NEAR).state == "off"
    registry = er.async_get(hass)
    disk = registry.async_get(DISK)
    assert disk is not None
    assert disk.entity_category == "diagnostic"

    jspro.clock.now = lambda: NOW.timestamp() + 90  # the uptime text moved on one minute
    jspro.power.disk_used = 10.6  # 80.3 %: within 5 points of 85
    await advance(hass, freezer, 90)
    assert known_state(hass, LAST_BOOT).last_changed == boot.last_changed
    assert known_state(hass, NEAR).state == "on"


async def test_a_reboot_moves_the_last_boot(
    hass: HomeAssistant,
    jspro: JsproSimulator,
    jspro_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The controller rebooted between two reads: the last boot follows."""
    freezer.move_to(NOW)
    jspro.clock.now = time.time
    await init_integration(hass, jspro_entry)
    assert known_state(hass, LAST_BOOT).state == "2026-12-01T03:40:00+00:00"
    jspro.power.booted_at = NOW.timestamp() - 60  # a minute before the first read
    await advance(hass, freezer, 60)
    assert known_state(hass, LAST_BOOT).state == "2026-12-02T03:59:00+00:00"


async def test_a_firmware_without_the_group_has_none_of_these(
    hass: HomeAssistant,
    jspro: JsproSimulator,
    jspro_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """404 for the group: no entities, one log line; a firmware update brings them (the
    device information read every few hours asks again)."""
    jspro.missing |= POWER_PATHS
    await init_integration(hass, jspro_entry)
    await advance(hass, freezer, 60)
    registry = er.async_get(hass)
    assert registry.async_get(DISK) is None
    assert registry.async_get(NEAR) is None
    assert caplog.text.count("does not offer its power endpoint") == 1
    jspro.missing -= POWER_PATHS
    await advance(hass, freezer, 6 * 3600)
    assert known_state(hass, DISK).state != "unavailable"
    assert registry.async_get(NEAR) is not None


async def test_without_statistics_and_settings_only_the_overview_shows(
    hass: HomeAssistant, jspro: JsproSimulator, jspro_entry: MockConfigEntry
) -> None:
    jspro.missing |= {"/api/v1/power/auto-reboot-stats", "/api/v1/power/settings"}
    await init_integration(hass, jspro_entry)
    assert known_state(hass, DISK).state != "unknown"
    assert known_state(hass, TOTAL).state == "unknown"
    assert known_state(hass, NEAR).state == "unknown"


async def test_a_refused_setting_read_leaves_only_its_values_unknown(
    hass: HomeAssistant, jspro: JsproSimulator, jspro_entry: MockConfigEntry
) -> None:
    """`{"success": false}` is the group's error envelope: its values are unknown, the rest
    shows."""
    jspro.state.faults.path = "/api/v1/power/settings"
    jspro.state.faults.rewrite = lambda body: {"success": False, "message": "Admin only"}
    await init_integration(hass, jspro_entry)
    assert known_state(hass, THRESHOLD).state == "unknown"
    assert known_state(hass, AUTO_REBOOT).state == "on"  # the overview still says so
    assert known_state(hass, TOTAL).state == "15"
