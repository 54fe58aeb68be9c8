"""Repair issues for what blocks an Enphase owner: a refused sign-in (fixable: it starts the
re-authentication), too many active sessions, and rate limiting that lasts over an hour.
Each says what to do and goes once its cause is gone."""

from __future__ import annotations

import time

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.conftest import RunningSimulator
from tests.helpers import add_vendor_entry, advance, known_state, reauth_steps
from tests.simulator.enphase import EMAIL, PASSWORD, EnphaseSimulator

PLUG = "binary_sensor.garage_ev_plug"


@pytest.fixture
async def signed_in(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory
) -> tuple[ConfigEntry, EnphaseSimulator]:
    """An e-mail and password entry, with the repairs component set up."""
    assert await async_setup_component(hass, "repairs", {})
    sim: EnphaseSimulator = simulator["enphase"]
    sim.clock.now = time.time
    entry = hass.config_entries.async_get_known_entry(
        await add_vendor_entry(hass, simulator, "enphase")
    )
    return entry, sim


def _issue(hass: HomeAssistant, kind: str, entry: ConfigEntry) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"{kind}_{entry.entry_id}")


async def test_a_refused_password_is_a_fixable_issue(
    hass: HomeAssistant,
    signed_in: tuple[ConfigEntry, EnphaseSimulator],
    freezer: FrozenDateTimeFactory,
) -> None:
    """The issue names the cause; its fix starts the re-authentication; a new password
    clears it."""
    entry, sim = signed_in
    hass.config_entries.async_update_entry(entry, data={**entry.data, "password": "old"})
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    sim.expire_tokens()
    await advance(hass, freezer, 15)
    issue = _issue(hass, "enphase_sign_in_refused", entry)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_key == "enphase_sign_in_refused_password"
    assert issue.translation_placeholders == {"reason": "password", "title": entry.title}

    # The reauth Home Assistant started is dismissed; the repair's fix starts it again.
    for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN):
        hass.config_entries.flow.async_abort(flow["flow_id"])
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": issue.issue_id})
    assert result["step_id"] == "confirm"
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()
    assert reauth_steps(hass) == ["enphase_reauth"]

    (flow,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    reauth = await hass.config_entries.flow.async_configure(flow["flow_id"], {"password": PASSWORD})
    assert reauth["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert known_state(hass, PLUG).state == "on"
    assert _issue(hass, "enphase_sign_in_refused", entry) is None


async def test_an_account_that_now_needs_a_code(
    hass: HomeAssistant,
    signed_in: tuple[ConfigEntry, EnphaseSimulator],
    freezer: FrozenDateTimeFactory,
) -> None:
    """MFA turned on elsewhere: the issue says a code is needed."""
    entry, sim = signed_in
    sim.knobs.mfa_accounts.add(EMAIL)
    sim.expire_tokens()
    await advance(hass, freezer, 15)
    issue = _issue(hass, "enphase_sign_in_refused", entry)
    assert issue is not None
    assert issue.translation_key == "enphase_sign_in_refused_mfa"


async def test_too_many_sessions_says_so_until_the_sign_in_works(
    hass: HomeAssistant,
    signed_in: tuple[ConfigEntry, EnphaseSimulator],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Not fixable here: sign out elsewhere. Sign-ins wait hours (a day), and the issue goes
    once the next sign-in works."""
    entry, sim = signed_in
    sim.expire_tokens()
    sim.knobs.session_cap = True
    await advance(hass, freezer, 15)
    issue = _issue(hass, "enphase_too_many_sessions", entry)
    assert issue is not None
    assert not issue.is_fixable
    assert issue.translation_placeholders == {"hours": "24", "title": entry.title}
    assert not reauth_steps(hass)
    logins = len(sim.state.calls("POST", "/login/login.json"))
    for _ in range(6):
        await advance(hass, freezer, 3600)
    assert len(sim.state.calls("POST", "/login/login.json")) == logins
    sim.knobs.session_cap = False
    for _ in range(20):
        await advance(hass, freezer, 3600)
    assert known_state(hass, PLUG).state == "on"
    assert _issue(hass, "enphase_too_many_sessions", entry) is None


async def test_rate_limiting_over_an_hour_is_an_issue(
    hass: HomeAssistant,
    signed_in: tuple[ConfigEntry, EnphaseSimulator],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Short rate limiting is only backed off; after an hour the owner is told; the issue
    goes at the first answer."""
    entry, sim = signed_in
    sim.state.faults.path = "/status"
    sim.state.faults.status = 429
    for _ in range(4):
        await advance(hass, freezer, 900)
    assert known_state(hass, PLUG).state == "unavailable"
    assert _issue(hass, "enphase_rate_limited", entry) is None
    for _ in range(2):
        await advance(hass, freezer, 900)
    issue = _issue(hass, "enphase_rate_limited", entry)
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert int(issue.translation_placeholders["hours"]) >= 1
    sim.state.faults.clear()
    await advance(hass, freezer, 900)
    assert known_state(hass, PLUG).state == "on"
    assert _issue(hass, "enphase_rate_limited", entry) is None


async def test_removing_the_entry_removes_its_issues(
    hass: HomeAssistant,
    signed_in: tuple[ConfigEntry, EnphaseSimulator],
    freezer: FrozenDateTimeFactory,
) -> None:
    """An issue of a removed entry does not stay behind."""
    entry, sim = signed_in
    sim.expire_tokens()
    sim.knobs.session_cap = True
    await advance(hass, freezer, 15)
    assert _issue(hass, "enphase_too_many_sessions", entry) is not None
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert _issue(hass, "enphase_too_many_sessions", entry) is None


async def test_a_pasted_session_that_ends(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No password to sign in with: the issue asks for a new sign-in, not a password."""
    enphase.expire_tokens()
    await advance(hass, freezer, 15)
    issue = _issue(hass, "enphase_sign_in_refused", loaded_enphase)
    assert issue is not None
    assert issue.translation_key == "enphase_sign_in_refused_session"
