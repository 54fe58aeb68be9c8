"""Signing in to Enlighten at runtime: renewals, pauses, refusals, and what the stored session
holds; plus the helpers that read cookies and tokens."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aioresponses import aioresponses
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
from yarl import URL

from custom_components.energy_portals.const import DOMAIN
from custom_components.energy_portals.errors import PortalAuthError, PortalResponseError
from custom_components.energy_portals.vendors.enphase.api import EnphaseClient
from custom_components.energy_portals.vendors.enphase.auth import EnphaseAuth, auth_of
from custom_components.energy_portals.vendors.enphase.credentials import (
    EnphaseInvalidCodeError,
    EnphaseMfaRequiredError,
    EnphaseSignInError,
    Family,
    StoredSession,
    claims_of,
    cookies_of,
)
from tests.conftest import RunningSimulator
from tests.helpers import add_vendor_entry, advance, known_state, reauth_steps, sent
from tests.simulator.enphase import EMAIL, PASSWORD, EnphaseSimulator

PLUG = "binary_sensor.garage_ev_plug"
BASE = "https://enlighten.example"


async def _signed_in_entry(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory
) -> tuple[ConfigEntry, EnphaseSimulator]:
    sim: EnphaseSimulator = simulator["enphase"]
    # Frozen by freezer (freezer().timestamp() would read its naive UTC as local time).
    sim.clock.now = time.time
    entry = hass.config_entries.async_get_known_entry(
        await add_vendor_entry(hass, simulator, "enphase")
    )
    return entry, sim


async def test_too_many_sessions_pauses_a_day_without_reauth(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """A renewal that meets "too many active sessions" waits a day, says why, and never asks
    the user for a password; once the cap is gone, it signs in again by itself."""
    entry, sim = await _signed_in_entry(hass, simulator, freezer)
    sim.expire_tokens()
    sim.knobs.session_cap = True
    await advance(hass, freezer, 15)
    assert known_state(hass, PLUG).state == "unavailable"
    coordinator = entry.runtime_data
    assert coordinator.last_exception.translation_key == "enphase_too_many_sessions"
    assert not reauth_steps(hass)
    attempts = len(sim.state.calls("POST", "/login/login.json"))
    for _ in range(12):
        await advance(hass, freezer, 3600)
    assert len(sim.state.calls("POST", "/login/login.json")) == attempts  # paused
    assert entry.data["session"]["pause_reason"] == "too_many_sessions"
    # A restart keeps the pause: setup waits (retrying) rather than signing in again.
    assert not await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert len(sim.state.calls("POST", "/login/login.json")) == attempts
    sim.knobs.session_cap = False
    for _ in range(13):
        await advance(hass, freezer, 3600)
    assert known_state(hass, PLUG).state == "on"
    assert not reauth_steps(hass)


async def test_a_refused_password_asks_once_and_pauses(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """When the stored password is refused (changed elsewhere), one reauth asks for it."""
    entry, sim = await _signed_in_entry(hass, simulator, freezer)
    hass.config_entries.async_update_entry(entry, data={**entry.data, "password": "old"})
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    sim.expire_tokens()
    await advance(hass, freezer, 15)
    assert reauth_steps(hass) == ["enphase_reauth"]
    await advance(hass, freezer, 15)
    assert len(reauth_steps(hass)) == 1


async def test_an_account_that_now_needs_a_code_asks_for_it(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """An account that turned MFA on: the next sign-in needs a code, so reauth starts (and
    the password form leads on to the code)."""
    _entry, sim = await _signed_in_entry(hass, simulator, freezer)
    sim.knobs.mfa_accounts.add(EMAIL)
    sim.expire_tokens()
    await advance(hass, freezer, 15)
    assert reauth_steps(hass) == ["enphase_reauth"]
    (flow,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {"password": PASSWORD})
    assert result["step_id"] == "enphase_mfa"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": sim.mfa_code}
    )
    assert result["reason"] == "reauth_successful"


async def test_a_login_wall_that_stays_pauses_five_minutes_then_a_day(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """Data that answers the sign-in page even to a fresh token waits 5 minutes; when the
    wall is still there, a day (#528). No reauth: the password is fine."""
    entry, sim = await _signed_in_entry(hass, simulator, freezer)
    sim.knobs.login_wall_always = True
    await advance(hass, freezer, 15)
    coordinator = entry.runtime_data
    assert coordinator.last_exception.translation_key == "enphase_login_wall"
    assert coordinator.last_exception.retry_after == 300
    await advance(hass, freezer, 301)
    assert coordinator.last_exception.retry_after == 86_400
    assert not reauth_steps(hass)
    sim.knobs.login_wall_always = False
    await advance(hass, freezer, 86_401)
    assert known_state(hass, PLUG).state == "on"


def test_pasted_cookies_and_tokens_are_read() -> None:
    """A pasted Cookie header and a JWT's claims (also under `data`) are read; garbage is
    nothing."""
    assert cookies_of(" a=1; b=x=y ;junk; =z") == {"a": "1", "b": "x=y"}
    payload = base64.urlsafe_b64encode(
        json.dumps({"exp": 1767225600, "data": {"session_id": "s1"}}).encode()
    ).decode()
    assert claims_of(f"h.{payload.rstrip('=')}.sig") == {
        "exp": 1767225600,
        "session_id": "s1",
        "data": {"session_id": "s1"},
    }
    assert claims_of("not-a-jwt") == {}
    assert claims_of("a.%%%.c") == {}
    assert claims_of(None) == {}
    assert StoredSession.from_dict({"cookies": {"a": 1}, "token": 5, "expires_at": "x"}) == (
        StoredSession({"a": "1"}, "5", None)
    )
    assert StoredSession.from_dict("garbage") == StoredSession()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def test_sign_in_answers(session: aiohttp.ClientSession) -> None:
    """The sign-in's answers: success false is a refusal, MFA asks for a code, a refused
    form post is an error, and a token that cannot be minted falls back to the manager
    token."""
    auth = EnphaseAuth(session, BASE, email=EMAIL, password=PASSWORD)
    login = f"{BASE}/login/login.json"
    with aioresponses() as mocked:
        mocked.post(login, payload={"success": False})
        with pytest.raises(PortalAuthError):
            await auth.async_sign_in()
        mocked.post(login, payload={"requires_mfa": True})
        assert await auth.async_sign_in() is False
        mocked.post(login, status=406)
        mocked.post(f"{BASE}/login/login", status=406)
        with pytest.raises(PortalResponseError):
            await auth.async_sign_in()
        mocked.post(login, body="{broken", content_type="application/json")
        with pytest.raises(PortalResponseError):
            await auth.async_sign_in()
        exp = base64.urlsafe_b64encode(json.dumps({"exp": 1767225600}).encode()).decode()
        manager = f"h.{exp}.s"
        mocked.post(login, payload={"session_id": "s", "manager_token": manager})
        mocked.get(f"{BASE}/users/self/token", status=500)
        assert await auth.async_sign_in() is True
    assert auth.token == manager
    assert auth.expires_at == 1767225600


async def test_code_answers(session: aiohttp.ClientSession) -> None:
    """A refused code (400/404/409/422 or isValid false) is a wrong code; 429 blocks."""
    auth = EnphaseAuth(session, BASE, email=EMAIL, password=PASSWORD, mfa=True)
    validate = f"{BASE}/app-api/validate_login_otp"
    with aioresponses() as mocked:
        mocked.post(validate, status=422)
        with pytest.raises(EnphaseInvalidCodeError):
            await auth.async_validate_code("1")
        mocked.post(validate, payload={"isValid": False, "isBlocked": False})
        with pytest.raises(EnphaseInvalidCodeError):
            await auth.async_validate_code("1")
        mocked.post(validate, status=429)
        with pytest.raises(EnphaseSignInError) as caught:
            await auth.async_validate_code("1")
    assert caught.value.reason == "account_blocked"


async def test_renewal_of_an_mfa_account_or_pasted_tokens_goes_to_the_owner(
    session: aiohttp.ClientSession,
) -> None:
    """When the session has ended, an MFA account needs a code and pasted tokens need new
    ones: both are refusals only the owner can answer."""
    token_url = f"{BASE}/users/self/token"
    mfa = EnphaseAuth(session, BASE, email=EMAIL, password=PASSWORD, mfa=True)
    pasted = auth_of(
        session,
        {"base_url": BASE, "session": {"cookies": {"_enlighten_4_session": "s"}, "token": "t"}},
    )
    with aioresponses() as mocked:
        mocked.get(token_url, status=401, repeat=True)
        with pytest.raises(EnphaseMfaRequiredError):
            await mfa.async_renew(None)
        with pytest.raises(PortalAuthError) as caught:
            await pasted.async_renew("t")
    assert not isinstance(caught.value, EnphaseMfaRequiredError)
    assert pasted.headers(Family.CONTROL, "1")["Authorization"] == "Bearer t"


async def test_three_refused_sign_ins_pause_a_day(session: aiohttp.ClientSession) -> None:
    """A refused sign-in pauses 5 minutes; the third in a row pauses a day."""
    now = [1000.0]
    auth = EnphaseAuth(session, BASE, email=EMAIL, password="old", now=lambda: now[0])
    with aioresponses() as mocked:
        mocked.get(f"{BASE}/users/self/token", status=401, repeat=True)
        mocked.post(f"{BASE}/login/login.json", status=401, repeat=True)
        for pause in (300, 300, 86_400):
            with pytest.raises(PortalAuthError):
                await auth.async_renew(None)
            with pytest.raises(EnphaseSignInError) as caught:
                await auth.async_renew(None)
            assert caught.value.retry_after == pause
            now[0] += pause


async def test_a_refused_control_call_is_retried_with_the_access_token(
    session: aiohttp.ClientSession,
) -> None:
    """Control calls carry the manager cookie's JWT; when it is refused, the retry after the
    renewal carries the new access token instead (the manager JWT may have expired)."""
    auth = EnphaseAuth.pasted(
        session, BASE, token="old", cookie="enlighten_manager_token_production=manager-jwt"
    )
    client = EnphaseClient(auth)
    start = f"{BASE}/service/evse_controller/1/ev_chargers/SN/start_charging"
    with aioresponses() as mocked:
        mocked.post(start, status=401)
        mocked.get(f"{BASE}/users/self/token", payload={"token": "fresh"})
        mocked.post(start, payload={"status": "accepted"})
        await client.async_start_charging("1", "SN", 16)
        first, second = sent(mocked)[("POST", URL(start))]
    assert first.kwargs["headers"]["Authorization"] == "Bearer manager-jwt"
    assert second.kwargs["headers"]["Authorization"] == "Bearer fresh"
