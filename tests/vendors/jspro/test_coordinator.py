"""JSPro cadences, failures and recovery, 404 groups, drifted paths, reauth and setup."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.helpers import advance, known_state
from tests.simulator.jspro import SERIAL, JsproSimulator

POLL = 10  # the monitoring interval (s)

PV = "sensor.bakti_tower_scc_1_pv_voltage"
CPU = "sensor.bakti_tower_cpu_usage"
SERVICES = "sensor.bakti_tower_active_services"


def value(hass: HomeAssistant, entity_id: str) -> str:
    state = known_state(hass, entity_id)
    assert state is not None
    return state.state


def count(sim: JsproSimulator, suffix: str) -> int:
    return len([c for c in sim.state.calls("GET") if c.path.endswith(suffix)])


async def test_cadence_one_request_per_endpoint(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_jspro: MockConfigEntry,
    jspro: JsproSimulator,
) -> None:
    """Monitoring asks each endpoint once per cycle, the system group once a minute, information
    rarely.
    """
    jspro.state.requests.clear()
    for _ in range(6):
        await advance(hass, freezer, POLL)
    for suffix in ("/monitoring/scc", "/monitoring/battery", "/monitoring/battery/active"):
        assert count(jspro, suffix) == 6
    for suffix in (
        "/device/system-resources",
        "/device/systemd-status",
        "/loggers/data/overview",
        "/loggers/scc-alarm/overview",
    ):
        assert count(jspro, suffix) == 1
    assert count(jspro, "/device/information") == 0
    await advance(hass, freezer, 6 * 3600)
    assert count(jspro, "/device/information") == 1


async def test_error_envelope_then_recovery_logs_once_each_way(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_jspro: MockConfigEntry,
    jspro: JsproSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A device error makes monitoring entities unavailable, logged once each way."""
    caplog.set_level(logging.INFO)
    jspro.error = (500, 500)  # HTTP 500 with {"status_code": 500, "data": null}
    await advance(hass, freezer, POLL)
    assert value(hass, PV) == "unavailable"
    assert value(hass, CPU) == "40.0"  # the system coordinator has not run yet
    await advance(hass, freezer, POLL)
    failures = [r for r in caplog.records if "simulated device error" in r.getMessage()]
    assert len(failures) == 1
    assert failures[0].levelno == logging.ERROR
    assert "Device error 500" in failures[0].getMessage()
    jspro.error = None
    await advance(hass, freezer, POLL)
    assert value(hass, PV) == "69.9"
    recovered = [
        r for r in caplog.records if "Fetching JSPro monitoring data recovered" in r.getMessage()
    ]
    assert len(recovered) == 1
    assert not [r for r in caplog.records if r.exc_info and r.levelno >= logging.ERROR]


@pytest.mark.parametrize("fault", ["malformed", "html", "empty", "status_200_error"])
async def test_unusable_answers_are_update_errors(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_jspro: MockConfigEntry,
    jspro: JsproSimulator,
    caplog: pytest.LogCaptureFixture,
    *,
    fault: str,
) -> None:
    """Unusable answers are update errors, never crashes, and recovery follows."""
    if fault == "status_200_error":
        jspro.error = (200, 400)
    else:
        setattr(jspro.state.faults, fault, True)
    await advance(hass, freezer, POLL)
    assert value(hass, PV) == "unavailable"
    assert loaded_jspro.state is ConfigEntryState.LOADED
    assert not [r for r in caplog.records if "Unexpected error" in r.getMessage()]
    jspro.state.faults.clear()
    jspro.error = None
    await advance(hass, freezer, POLL)
    assert value(hass, PV) == "69.9"


async def test_missing_endpoint_disables_only_its_group(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    jspro: JsproSimulator,
    jspro_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A missing endpoint makes only its group's entities unavailable."""
    jspro.missing |= {"/api/v1/loggers/data/overview", "/api/v1/monitoring/scc"}
    assert await hass.config_entries.async_setup(jspro_entry.entry_id)
    await hass.async_block_till_done()
    assert jspro_entry.state is ConfigEntryState.LOADED
    assert value(hass, "sensor.bakti_tower_logger_records") == "unavailable"
    assert value(hass, "sensor.bakti_tower_vsat_cut_off_voltage") == "unavailable"
    assert value(hass, "sensor.bakti_tower_site_pv_power") == "unknown"
    assert value(hass, CPU) == "40.0"
    assert value(hass, "sensor.bakti_tower_scc_alarm_logs") == "1"
    assert value(hass, "sensor.bakti_tower_pack_usb0_1_pack_voltage") == "54.24"
    for _ in range(7):
        await advance(hass, freezer, POLL)
    warnings = [r for r in caplog.records if "HTTP 404" in r.getMessage()]
    assert len(warnings) == 2
    assert all(r.levelno == logging.WARNING for r in warnings)
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("custom_components")]
    assert not [m for m in ours if "127.0.0.1" in m]  # the address is redacted elsewhere
    assert count(jspro, "/loggers/data/overview") == 1  # not asked again every cycle
    assert count(jspro, "/monitoring/scc") == 1
    assert value(hass, "sensor.bakti_tower_pack_usb0_1_pack_voltage") == "54.24"

    # A firmware update brings the endpoint back: found at the next information read.
    jspro.missing.clear()
    await advance(hass, freezer, 6 * 3600)
    await advance(hass, freezer, 60)
    assert value(hass, "sensor.bakti_tower_logger_records") == "5"
    assert value(hass, "sensor.bakti_tower_vsat_cut_off_voltage") == "46.0"
    assert value(hass, "sensor.bakti_tower_scc_1_pv_voltage") == "69.9"
    assert [r for r in caplog.records if "offers its logger endpoint again" in r.getMessage()]


async def test_systemd_served_under_drifted_path(
    hass: HomeAssistant, jspro: JsproSimulator, jspro_entry: MockConfigEntry
) -> None:
    """The services overview served under a drifted path still feeds its sensors."""
    jspro.systemd_path = "/api/v1/service/systemd"
    assert await hass.config_entries.async_setup(jspro_entry.entry_id)
    await hass.async_block_till_done()
    assert value(hass, SERVICES) == "10"
    assert jspro_entry.runtime_data.client.path_of("systemd") == "/api/v1/service/systemd"


async def test_rejected_token_starts_reauth(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_jspro: MockConfigEntry,
    jspro: JsproSimulator,
) -> None:
    """A rotated token starts reauth."""
    jspro.token = "rotated-token"
    await advance(hass, freezer, POLL)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]
    assert flows[0]["step_id"] == "jspro_reauth"
    assert value(hass, PV) == "unavailable"


async def test_rate_limit_backs_off(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_jspro: MockConfigEntry,
    jspro: JsproSimulator,
) -> None:
    """A 429 waits as long as Retry-After asks."""
    jspro.state.faults.status = 429
    jspro.state.faults.retry_after = 120
    jspro.state.faults.path = "/monitoring"
    await advance(hass, freezer, POLL)
    assert value(hass, PV) == "unavailable"
    jspro.state.faults.clear()
    before = count(jspro, "/monitoring/scc")
    await advance(hass, freezer, POLL)
    await advance(hass, freezer, POLL)
    assert count(jspro, "/monitoring/scc") == before  # still waiting
    await advance(hass, freezer, 120)
    assert count(jspro, "/monitoring/scc") == before + 1
    assert value(hass, PV) == "69.9"


async def test_information_refresh_updates_the_controller(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_jspro: MockConfigEntry,
    jspro: JsproSimulator,
) -> None:
    """New firmware reported by the information refresh updates the controller's device."""
    original = jspro.information_body

    def upgraded() -> dict[str, Any]:
        body = original()
        body["device_model"]["software_version"] = "2.1.0"
        return body

    jspro.information_body = upgraded  # type: ignore[method-assign]  # a newer firmware
    await advance(hass, freezer, 6 * 3600)
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"jspro_{SERIAL}"), loaded_jspro.entry_id
    )
    assert device is not None
    assert device.sw_version == "2.1.0"


async def test_setup_retries_when_unreachable(
    hass: HomeAssistant, jspro: JsproSimulator, jspro_entry: MockConfigEntry
) -> None:
    """An unreachable controller at setup retries later."""
    jspro.state.faults.status = 503
    assert not await hass.config_entries.async_setup(jspro_entry.entry_id)
    assert jspro_entry.state is ConfigEntryState.SETUP_RETRY


async def test_setup_refuses_another_device(
    hass: HomeAssistant, jspro: JsproSimulator, jspro_entry: MockConfigEntry
) -> None:
    """Another controller at the entry's address is refused with a reason."""
    jspro.serial = "SN-REPLACED"
    assert not await hass.config_entries.async_setup(jspro_entry.entry_id)
    assert jspro_entry.state is ConfigEntryState.SETUP_ERROR
    assert jspro_entry.reason is not None


async def test_setup_with_rejected_token_asks_for_reauth(
    hass: HomeAssistant, jspro: JsproSimulator, jspro_entry: MockConfigEntry
) -> None:
    """A token rejected at setup asks for reauth."""
    jspro.token = "other"
    assert not await hass.config_entries.async_setup(jspro_entry.entry_id)
    assert jspro_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]


async def test_unload(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_jspro: MockConfigEntry,
    jspro: JsproSimulator,
) -> None:
    """Unloading stops every request and makes the entities unavailable."""
    assert await hass.config_entries.async_unload(loaded_jspro.entry_id)
    assert loaded_jspro.state is ConfigEntryState.NOT_LOADED
    assert value(hass, PV) == "unavailable"
    before = len(jspro.state.requests)
    await advance(hass, freezer, 120)
    assert len(jspro.state.requests) == before
