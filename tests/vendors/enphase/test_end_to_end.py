"""A user's whole path over real loopback HTTP: sign in, charge, stop, live through outages
and a week of expiring tokens and sessions; no secret logged."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant import config_entries
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.energy_portals.const import DOMAIN
from tests.conftest import RunningSimulator
from tests.helpers import advance, known_state, reauth_steps
from tests.long_runs import enable_event_loop_debug  # noqa: F401 (hours of frozen time)
from tests.simulator.enphase import (
    EMAIL,
    MFA_EMAIL,
    PASSWORD,
    SESSION_LIFETIME,
    EnphaseSimulator,
)

PLUG = "binary_sensor.garage_ev_plug"


async def _sign_in(hass: HomeAssistant, simulator: RunningSimulator, email: str) -> ConfigEntry:
    """Add the account through the config flow (with the code when it asks for one)."""
    sim: EnphaseSimulator = simulator["enphase"]
    flow = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    flow = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {"next_step_id": "enphase"}
    )
    flow = await hass.config_entries.flow.async_configure(
        flow["flow_id"],
        {
            "email": email,
            "password": PASSWORD,
            "advanced": {"base_url": simulator.base_url("enphase")},
        },
    )
    if flow["type"] is FlowResultType.FORM and flow["step_id"] == "enphase_mfa":
        flow = await hass.config_entries.flow.async_configure(
            flow["flow_id"], {"code": sim.mfa_code}
        )
    assert flow["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry: ConfigEntry = flow["result"]
    return entry


async def test_sign_in_charge_stop_and_survive_an_outage(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Sign in, charge, stop and live through an outage: states and energy stay right, and
    no e-mail, password, token or cookie reaches the log."""
    caplog.set_level(logging.DEBUG)
    enphase: EnphaseSimulator = simulator["enphase"]
    # Frozen by freezer (freezer().timestamp() would read its naive UTC as local time).
    enphase.clock.now = time.time
    await _sign_in(hass, simulator, EMAIL)

    await hass.services.async_call(
        "switch", "turn_on", {ATTR_ENTITY_ID: "switch.garage_ev_charging"}, blocking=True
    )
    freezer.tick(timedelta(minutes=30))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert known_state(hass, "sensor.garage_ev_charged_energy").state == "3.68"

    enphase.state.faults.status = 502
    await advance(hass, freezer, 15)
    assert known_state(hass, "switch.garage_ev_charging").state == "unavailable"
    enphase.state.faults.clear()
    await advance(hass, freezer, 15)

    await hass.services.async_call(
        "switch", "turn_off", {ATTR_ENTITY_ID: "switch.garage_ev_charging"}, blocking=True
    )
    assert enphase.charger.charging is False
    assert known_state(hass, "switch.garage_ev_charging").state == "off"
    assert float(known_state(hass, "sensor.garage_ev_charged_energy").state) >= 3.68
    secrets = [EMAIL, PASSWORD, *enphase.tokens, *enphase.sessions]
    assert not [secret for secret in secrets if secret in caplog.text]


async def test_a_week_of_expiring_tokens_and_sessions_needs_no_reauth(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """Over a simulated week, tokens expire every 6 hours and sessions every 3 days: the
    client renews the token from the session cookie and signs in again with the stored
    password, by itself; a restart uses the stored session without signing in."""
    enphase: EnphaseSimulator = simulator["enphase"]
    # Frozen by freezer (freezer().timestamp() would read its naive UTC as local time).
    enphase.clock.now = time.time
    enphase.unplug()
    entry = await _sign_in(hass, simulator, EMAIL)
    assert enphase.logins == 1

    for hour in range(7 * 24):
        await advance(hass, freezer, 3600)
        assert known_state(hass, PLUG).state == "off", f"hour {hour}"
        if hour == 30:
            logins = enphase.logins
            assert await hass.config_entries.async_reload(entry.entry_id)
            await hass.async_block_till_done()
            assert enphase.logins == logins  # the stored session was used
    assert not reauth_steps(hass)
    assert enphase.logins == 1 + (7 * 24 * 3600) // SESSION_LIFETIME
    assert enphase.token_mints >= 7 * 24 // 6
    assert entry.data["session"]["token"] in enphase.tokens


async def test_an_mfa_account_renews_its_token_and_asks_only_for_a_code(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """An MFA account renews its token from the session cookie while the session lives; once
    the session ends, reauth keeps the stored password and asks only for a new code, and
    charging data comes back."""
    enphase: EnphaseSimulator = simulator["enphase"]
    # Frozen by freezer (freezer().timestamp() would read its naive UTC as local time).
    enphase.clock.now = time.time
    entry = await _sign_in(hass, simulator, MFA_EMAIL)
    for _ in range(SESSION_LIFETIME // 3600 - 1):
        await advance(hass, freezer, 3600)
    assert known_state(hass, PLUG).state == "on"
    assert not reauth_steps(hass)
    assert enphase.logins == 1

    await advance(hass, freezer, 7200)
    assert known_state(hass, PLUG).state == "unavailable"
    assert reauth_steps(hass) == ["enphase_reauth"]
    (flow,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["step_id"] == "enphase_mfa"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": enphase.mfa_code}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.state is config_entries.ConfigEntryState.LOADED
    assert known_state(hass, PLUG).state == "on"
