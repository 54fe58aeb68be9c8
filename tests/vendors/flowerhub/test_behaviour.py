"""Cadences, failures and recovery, reauth, backoff, repairs and diagnostics, through HA."""

from __future__ import annotations

import json
import logging
import re

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)

from custom_components.energy_portals.const import DOMAIN
from custom_components.energy_portals.diagnostics import async_get_config_entry_diagnostics
from tests.helpers import advance, known_state
from tests.simulator.flowerhub import ASSET_ID, OWNER_ID, SERIAL, USERNAME, FlowerHubSimulator

ASSET_PATH = f"/asset/{ASSET_ID}"


def counts(sim: FlowerHubSimulator) -> dict[str, int]:
    paths = {
        "asset": ASSET_PATH,
        "owner": f"/asset-owner/{OWNER_ID}",
        "profile": "/profile",
        "agreement": "/electricity-agreement",
        "invoice": "/invoice",
        "consumption": "/consumption",
        "notification": "/system-notification/",
        "months": "-uptime/available-months/",
        "history": "-uptime/bar-chart/history/",
        "pie": "-uptime/pie-chart/",
    }
    result = {name: len(sim.state.calls("GET", path)) for name, path in paths.items()}
    result["owner"] = len(
        [r for r in sim.state.calls("GET") if r.path.endswith(f"/asset-owner/{OWNER_ID}")]
    )
    result["asset"] = asset_reads(sim)
    result["revenue"] = len(sim.state.calls("GET", f"{ASSET_PATH}/revenue"))
    return result


def asset_reads(sim: FlowerHubSimulator) -> int:
    """Reads of the asset's status (not of its revenue)."""
    return len([r for r in sim.state.calls("GET") if r.path.endswith(ASSET_PATH)])


async def test_one_request_per_endpoint_per_refresh_and_cadences(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_flowerhub: MockConfigEntry,
    flowerhub: FlowerHubSimulator,
) -> None:
    """Each endpoint is asked once per refresh, each at its own cadence."""
    start = counts(flowerhub)
    # setup: every endpoint once; uptime on the portal's current (effective) path
    assert start == {
        "asset": 1,
        "owner": 1,
        "profile": 1,
        "revenue": 1,
        "agreement": 1,
        "invoice": 1,
        "consumption": 1,
        "notification": 1,
        "months": 1,
        "history": 1,
        "pie": 1,
    }
    assert len(flowerhub.state.calls("POST", "/auth/login")) == 1
    await advance(hass, freezer, 60)
    after_minute = counts(flowerhub)
    assert after_minute == {**start, "asset": 2}
    for _ in range(59):
        await advance(hass, freezer, 60)
    after_hour = counts(flowerhub)
    assert after_hour["asset"] == 61
    assert (after_hour["months"], after_hour["history"], after_hour["pie"]) == (2, 2, 2)
    assert after_hour["invoice"] == 1
    assert not flowerhub.state.calls("GET", "/asset-uptime/bar-chart")  # remembered path
    await advance(hass, freezer, 2 * 3600)
    late = counts(flowerhub)
    for name in (
        "owner",
        "profile",
        "revenue",
        "agreement",
        "invoice",
        "consumption",
        "notification",
    ):
        assert late[name] == 2, name
    assert len(flowerhub.state.calls("POST", "/auth/login")) == 1


async def test_failure_then_recovery_logged_once_each_way(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_flowerhub: MockConfigEntry,
    flowerhub: FlowerHubSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failing status endpoint makes only its entities unavailable, logged once each way."""
    caplog.set_level(logging.INFO)
    flowerhub.state.faults.status = 500
    flowerhub.state.faults.path = ASSET_PATH
    for _ in range(3):
        await advance(hass, freezer, 60)
    assert known_state(hass, "sensor.flowerhub_status").state == STATE_UNAVAILABLE
    assert known_state(hass, "binary_sensor.flowerhub_connectivity").state == STATE_UNAVAILABLE
    assert known_state(hass, "sensor.flowerhub_installer").state != STATE_UNAVAILABLE
    failures = [r for r in caplog.records if "FlowerHub status" in r.getMessage()]
    assert len([r for r in failures if r.levelno >= logging.ERROR]) == 1
    flowerhub.state.faults.clear()
    await advance(hass, freezer, 60)
    assert known_state(hass, "sensor.flowerhub_status").state == "connected"
    recovered = [r for r in caplog.records if "recovered" in r.getMessage()]
    assert len(recovered) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]


@pytest.mark.parametrize("fault", ["html", "malformed"])
async def test_garbage_answers_make_entities_unavailable_not_crash(
    *,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_flowerhub: MockConfigEntry,
    flowerhub: FlowerHubSimulator,
    fault: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Garbage answers make the entities unavailable, never a crash or a traceback."""
    setattr(flowerhub.state.faults, fault, True)
    flowerhub.state.faults.path = ASSET_PATH
    await advance(hass, freezer, 60)
    assert known_state(hass, "sensor.flowerhub_status").state == STATE_UNAVAILABLE
    assert loaded_flowerhub.state is ConfigEntryState.LOADED
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]


async def test_expired_cookies_recover_without_reauth(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_flowerhub: MockConfigEntry,
    flowerhub: FlowerHubSimulator,
) -> None:
    """Expired access and refresh cookies are renewed by refresh and login, without reauth."""
    flowerhub.expire_access()
    await advance(hass, freezer, 60)
    assert known_state(hass, "sensor.flowerhub_status").state == "connected"
    assert len(flowerhub.state.calls("GET", "/auth/refresh-token")) == 1
    flowerhub.expire_refresh()
    await advance(hass, freezer, 60)
    assert known_state(hass, "sensor.flowerhub_status").state == "connected"
    assert len(flowerhub.state.calls("POST", "/auth/login")) == 2
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)


async def test_refused_login_starts_reauth(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_flowerhub: MockConfigEntry,
    flowerhub: FlowerHubSimulator,
) -> None:
    """A password changed on the portal starts reauth."""
    flowerhub.expire_refresh()
    flowerhub.password = "changed on the portal"
    await advance(hass, freezer, 60)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert flows[0]["step_id"] == "flowerhub_reauth"


async def test_rate_limit_backs_off_for_retry_after(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_flowerhub: MockConfigEntry,
    flowerhub: FlowerHubSimulator,
) -> None:
    """A 429 waits as long as Retry-After asks."""
    flowerhub.state.faults.status = 429
    flowerhub.state.faults.retry_after = 600
    flowerhub.state.faults.path = ASSET_PATH
    await advance(hass, freezer, 60)
    assert asset_reads(flowerhub) == 2
    assert known_state(hass, "sensor.flowerhub_status").state == STATE_UNAVAILABLE
    flowerhub.state.faults.clear()
    for _ in range(5):
        await advance(hass, freezer, 60)
    assert asset_reads(flowerhub) == 2  # still waiting
    await advance(hass, freezer, 600)
    assert asset_reads(flowerhub) == 3
    assert known_state(hass, "sensor.flowerhub_status").state == "connected"


async def test_unknown_status_is_kept_and_connectivity_unknown(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_flowerhub: MockConfigEntry,
    flowerhub: FlowerHubSimulator,
) -> None:
    """A status the portal adds later is kept as an option; connectivity is then unknown."""
    flowerhub.status = "Under Maintenance"
    await advance(hass, freezer, 60)
    status = known_state(hass, "sensor.flowerhub_status")
    assert status.state == "under_maintenance"
    assert status.attributes["options"] == ["connected", "disconnected", "under_maintenance"]
    assert known_state(hass, "binary_sensor.flowerhub_connectivity").state == STATE_UNKNOWN


async def test_long_disconnection_raises_and_clears_a_repair_issue(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_flowerhub: MockConfigEntry,
    flowerhub: FlowerHubSimulator,
) -> None:
    """A disconnection over 24 hours raises a repair issue, cleared when connected again."""
    issues = ir.async_get(hass)
    issue_id = f"flowerhub_disconnected_{loaded_flowerhub.entry_id}"
    flowerhub.status = "Disconnected"
    await advance(hass, freezer, 60)
    assert known_state(hass, "sensor.flowerhub_status").state == "disconnected"
    assert known_state(hass, "binary_sensor.flowerhub_connectivity").state == "off"
    assert issues.async_get_issue(DOMAIN, issue_id) is None
    flowerhub.status = "Something else"  # neither ends nor restarts the disconnection
    await advance(hass, freezer, 12 * 3600)
    flowerhub.status = "Disconnected"
    await advance(hass, freezer, 12 * 3600)
    issue = issues.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "flowerhub_disconnected"
    assert issue.severity is ir.IssueSeverity.WARNING
    assert (issue.translation_placeholders or {}).get("hours") == "24"
    flowerhub.status = "Connected"
    await advance(hass, freezer, 60)
    assert issues.async_get_issue(DOMAIN, issue_id) is None


async def test_unload_clears_the_issue_and_detaches(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_flowerhub: MockConfigEntry,
    flowerhub: FlowerHubSimulator,
) -> None:
    """Unloading clears the repair issue and stops every request."""
    flowerhub.status = "Disconnected"
    await advance(hass, freezer, 60)
    await advance(hass, freezer, 25 * 3600)
    issue_id = f"flowerhub_disconnected_{loaded_flowerhub.entry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    assert await hass.config_entries.async_unload(loaded_flowerhub.entry_id)
    assert loaded_flowerhub.state is ConfigEntryState.NOT_LOADED
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    before = len(flowerhub.state.requests)
    await advance(hass, freezer, 3600)
    assert len(flowerhub.state.requests) == before


async def test_setup_retries_when_the_portal_fails(
    hass: HomeAssistant, flowerhub_entry: MockConfigEntry, flowerhub: FlowerHubSimulator
) -> None:
    """A failing portal at setup retries later."""
    flowerhub.state.faults.status = 503
    flowerhub.state.faults.path = "/asset-owner/"
    await hass.config_entries.async_setup(flowerhub_entry.entry_id)
    assert flowerhub_entry.state is ConfigEntryState.SETUP_RETRY


async def test_setup_with_refused_login_asks_for_reauth(
    hass: HomeAssistant, flowerhub_entry: MockConfigEntry, flowerhub: FlowerHubSimulator
) -> None:
    """A login refused at setup asks for reauth."""
    flowerhub.password = "changed"
    await hass.config_entries.async_setup(flowerhub_entry.entry_id)
    assert flowerhub_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_optional_endpoints_missing(
    hass: HomeAssistant,
    flowerhub_entry: MockConfigEntry,
    flowerhub: FlowerHubSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Missing uptime and consumption endpoints: their sensors unavailable, one WARNING each,
    nothing at ERROR; asked again a day later, not every hour; the rest works."""
    flowerhub.uptime_prefix = "/nowhere"
    flowerhub.state.faults.status = 404
    flowerhub.state.faults.path = "/consumption"
    assert await hass.config_entries.async_setup(flowerhub_entry.entry_id)
    await hass.async_block_till_done()
    # This month's uptime comes from the history or the pie: unknown without both.
    assert known_state(hass, "sensor.flowerhub_uptime_this_month").state == STATE_UNKNOWN
    assert known_state(hass, "sensor.flowerhub_downtime_this_month").state == STATE_UNAVAILABLE
    assert known_state(hass, "sensor.flowerhub_uptime_last_month").state == STATE_UNAVAILABLE
    consumption = known_state(hass, "sensor.flowerhub_last_invoiced_month_consumption")
    assert consumption.state == STATE_UNAVAILABLE
    assert known_state(hass, "sensor.flowerhub_latest_invoice_amount").state == "389.5"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    for name in ("uptime months", "uptime history", "uptime pie"):
        assert len([w for w in warnings if f"does not offer its {name} endpoint" in w]) == 1
    assert len([w for w in warnings if "does not offer its consumption endpoint" in w]) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    asked = len(flowerhub.state.calls("GET", "/consumption"))
    for _ in range(6):
        await advance(hass, freezer, 3 * 3600)
    assert len(flowerhub.state.calls("GET", "/consumption")) == asked
    flowerhub.state.faults.clear()
    for _ in range(2):  # past a day since the 404
        await advance(hass, freezer, 3 * 3600)
    assert known_state(hass, "sensor.flowerhub_last_invoiced_month_consumption").state != (
        STATE_UNAVAILABLE
    )


async def test_diagnostics_redact_identities(
    hass: HomeAssistant, loaded_flowerhub: MockConfigEntry
) -> None:
    """Diagnostics keep the data but no login, name, phone, address, id or serial."""
    diagnostics = await async_get_config_entry_diagnostics(hass, loaded_flowerhub)
    text = json.dumps(diagnostics, default=str)
    for secret in (
        USERNAME,
        "sim-flowerhub-password",
        "Anna",
        "Andersson",
        "+46701234567",
        "Storgatan",
        "Stockholm",
        "111 22",
        "Verkstadsvägen",
        str(OWNER_ID),
        SERIAL,
        "5000212345",
        "token=secret",
    ):
        # Whole tokens only: the owner id 4711 may well be digits of an uptime in seconds.
        assert not re.search(rf"(?<!\w){re.escape(secret)}(?!\w)", text), secret
    assert diagnostics["data"]["uptime_prefix"] == "/asset-effective-uptime"
    assert diagnostics["data"]["asset"]["status"] == "connected"
    assert diagnostics["data"]["account"]["invoices"][1]["total_amount"] == 389.5
    owner = diagnostics["entry"]["data"]["asset_owner_id"]
    assert owner != OWNER_ID
    paths = [answer["path"] for answer in diagnostics["answers"]]
    assert any(path.endswith(f"/asset-owner/{owner}") for path in paths)
