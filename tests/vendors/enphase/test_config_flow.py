"""Every path of the Enphase config flow, against the simulator: e-mail and password, MFA,
pasted tokens, sites, reauth, reconfigure and options."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant import config_entries
from homeassistant.config_entries import ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.conftest import RunningSimulator
from tests.helpers import add_vendor_entry, known_state
from tests.simulator.enphase import (
    COOKIE,
    E_AUTH_TOKEN,
    EMAIL,
    MFA_EMAIL,
    PASSWORD,
    SITE_ID,
    EnphaseSimulator,
)


def _password(simulator: RunningSimulator, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "email": EMAIL,
        "password": PASSWORD,
        "advanced": {"base_url": simulator.base_url("enphase")},
    }
    data.update(overrides)
    return data


def _pasted(simulator: RunningSimulator, **overrides: Any) -> dict[str, Any]:
    advanced = {"base_url": simulator.base_url("enphase"), "e_auth_token": E_AUTH_TOKEN}
    advanced["cookie"] = COOKIE
    advanced.update(overrides)
    return {"advanced": advanced}


async def _reauth(hass: HomeAssistant, entry: config_entries.ConfigEntry) -> ConfigFlowResult:
    return await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": config_entries.SOURCE_REAUTH, "entry_id": entry.entry_id},
        data=entry.data,
    )


async def _start(hass: HomeAssistant) -> ConfigFlowResult:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    assert "enphase" in result["menu_options"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "enphase"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "enphase"
    return result


async def test_password_sign_in_creates_entry(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """E-mail and password (no MFA) sign in, find the site and create the entry with the
    session it keeps; nothing pasted is stored."""
    sim: EnphaseSimulator = simulator["enphase"]
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _password(simulator, email=f" {EMAIL} ")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Home"
    assert result["result"].unique_id == f"enphase_{SITE_ID}"
    data = result["data"]
    assert {key: data[key] for key in ("email", "password", "mfa", "site_id")} == {
        "email": EMAIL,
        "password": PASSWORD,
        "mfa": False,
        "site_id": SITE_ID,
    }
    assert "e_auth_token" not in data
    assert data["session"]["token"] in sim.tokens
    assert data["session"]["cookies"]["_enlighten_4_session"] in sim.sessions
    assert sim.logins == 1
    assert sim.state.calls("GET", "search_sites")  # the site search is asked first
    assert not sim.state.calls("GET", "/service/evse_controller/sites")


async def test_mfa_asks_for_the_code_resends_and_creates_entry(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """An MFA account gets a code on entering the step; a wrong code and a resend too soon
    show their errors; a resend later sends a new code, which signs in."""
    sim: EnphaseSimulator = simulator["enphase"]
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _password(simulator, email=MFA_EMAIL)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "enphase_mfa"
    assert sim.codes_sent == 1
    flow_id = result["flow_id"]

    result = await hass.config_entries.flow.async_configure(flow_id, {"code": "999999"})
    assert result["errors"] == {"base": "enphase_invalid_code"}
    result = await hass.config_entries.flow.async_configure(flow_id, {"resend": True})
    assert result["errors"] == {"base": "enphase_resend_wait"}
    assert sim.codes_sent == 1

    freezer.tick(31)
    first_code = sim.mfa_code
    result = await hass.config_entries.flow.async_configure(flow_id, {"resend": True})
    assert result["errors"] == {}
    assert sim.codes_sent == 2
    if sim.mfa_code != first_code:  # the old code no longer works
        result = await hass.config_entries.flow.async_configure(flow_id, {"code": first_code})
        assert result["errors"] == {"base": "enphase_invalid_code"}
    result = await hass.config_entries.flow.async_configure(flow_id, {"code": sim.mfa_code})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["mfa"] is True
    assert result["data"]["email"] == MFA_EMAIL


async def test_mfa_blocked_account_shows_its_error(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """Five wrong codes block the account; the form says so."""
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _password(simulator, email=MFA_EMAIL)
    )
    for _ in range(5):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"code": "wrong"}
        )
        assert result["errors"] == {"base": "enphase_invalid_code"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"code": "x"})
    assert result["errors"] == {"base": "enphase_account_blocked"}


async def test_sign_in_errors_then_recovers(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """A missing field, a wrong password, a blocked account, the session cap and a public
    http URL each show their own error; the form then succeeds."""
    sim: EnphaseSimulator = simulator["enphase"]
    result = await _start(hass)
    flow_id = result["flow_id"]
    cases: list[tuple[dict[str, Any], str]] = [
        (_password(simulator, password=""), "enphase_credentials_missing"),
        (_password(simulator, password="wrong"), "invalid_auth"),
        (_password(simulator, advanced={"base_url": "http://example.com"}), "https_required"),
    ]
    for user_input, error in cases:
        result = await hass.config_entries.flow.async_configure(flow_id, user_input)
        assert result["errors"] == {"base": error}, error
    sim.knobs.blocked = True
    result = await hass.config_entries.flow.async_configure(flow_id, _password(simulator))
    assert result["errors"] == {"base": "enphase_account_blocked"}
    sim.knobs.blocked = False
    sim.knobs.session_cap = True
    result = await hass.config_entries.flow.async_configure(flow_id, _password(simulator))
    assert result["errors"] == {"base": "enphase_too_many_sessions"}
    sim.knobs.session_cap = False
    result = await hass.config_entries.flow.async_configure(flow_id, _password(simulator))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_the_form_post_is_used_when_the_json_sign_in_is_refused(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """A cloud that answers 406 to the JSON sign-in takes the HTML form, whose redirect sets
    the cookies (kept across the redirect); its page is no MFA request."""
    sim: EnphaseSimulator = simulator["enphase"]
    sim.knobs.login_json_refused = True
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _password(simulator))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert sim.state.calls("POST", "/login/login.json")[0].status == 406
    assert sim.state.calls("POST", "/login/login")[-1].status == 302
    assert result["data"]["mfa"] is False


async def test_pasted_tokens_create_entry(hass: HomeAssistant, simulator: RunningSimulator) -> None:
    """Pasted token and cookie (trimmed) under Advanced create the entry, as before."""
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _pasted(simulator, e_auth_token=f"  {E_AUTH_TOKEN} ")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    data = dict(result["data"])
    session = data.pop("session")
    assert data == {
        "vendor": "enphase",
        "e_auth_token": E_AUTH_TOKEN,
        "cookie": COOKIE,
        "base_url": simulator.base_url("enphase"),
        "site_id": SITE_ID,
    }
    assert session["cookies"]["_enlighten_4_session"] == "sim-enphase-session-cookie"


async def test_user_flow_picks_one_of_several_sites(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """With several sites the user picks one; a site without a name is never titled by its id."""
    sites = [{"site_id": "1", "name": "Cabin"}, {"site_id": SITE_ID}]
    with patch(
        "tests.simulator.enphase.EnphaseSimulator.sites_body", return_value={"sites": sites}
    ):
        result = await _start(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], _password(simulator)
        )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "enphase_site"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"site_id": SITE_ID})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Enphase site"  # a site without a name: never its id
    assert result["data"]["site_id"] == SITE_ID


async def test_pasted_tokens_errors_then_recovers(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """An ended session, the login wall, an unreachable URL, no sites and garbage show their
    errors; the form then succeeds. (A wrong token with a live cookie is simply renewed.)"""
    sim: EnphaseSimulator = simulator["enphase"]
    result = await _start(hass)
    flow_id = result["flow_id"]

    result = await hass.config_entries.flow.async_configure(
        flow_id, _pasted(simulator, cookie="_enlighten_4_session=ended")
    )
    assert result["errors"] == {"base": "invalid_auth"}

    sim.knobs.login_wall = True
    result = await hass.config_entries.flow.async_configure(
        flow_id, _pasted(simulator, cookie="_enlighten_4_session=ended")
    )
    assert result["errors"] == {"base": "invalid_auth"}
    sim.knobs.login_wall = False

    result = await hass.config_entries.flow.async_configure(
        flow_id, _pasted(simulator, base_url="http://127.0.0.1:1")
    )
    assert result["errors"] == {"base": "cannot_connect"}

    with patch("tests.simulator.enphase.EnphaseSimulator.sites_body", return_value=[]):
        result = await hass.config_entries.flow.async_configure(flow_id, _pasted(simulator))
    assert result["errors"] == {"base": "no_sites"}

    sim.state.faults.malformed = True
    result = await hass.config_entries.flow.async_configure(flow_id, _pasted(simulator))
    assert result["errors"] == {"base": "unknown"}
    sim.state.faults.clear()

    with patch(
        "custom_components.energy_portals.vendors.enphase.flow.EnphaseClient.async_get_sites",
        side_effect=RuntimeError("boom"),
    ):
        result = await hass.config_entries.flow.async_configure(flow_id, _pasted(simulator))
    assert result["errors"] == {"base": "unknown"}

    result = await hass.config_entries.flow.async_configure(flow_id, _pasted(simulator))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_flow_aborts_when_site_configured(
    hass: HomeAssistant, simulator: RunningSimulator, enphase_entry: MockConfigEntry
) -> None:
    """A site already configured cannot be added again."""
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _password(simulator))
    assert result["type"] is FlowResultType.ABORT, result.get("errors")
    assert result["reason"] == "already_configured"


async def test_reauth_of_a_password_entry_asks_only_the_password(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """A password entry's reauth asks for the password alone, keeps asking while it is
    refused, then stores it with the new session."""
    sim: EnphaseSimulator = simulator["enphase"]
    entry = hass.config_entries.async_get_known_entry(
        await add_vendor_entry(hass, simulator, "enphase")
    )
    result = await _reauth(hass, entry)
    assert result["step_id"] == "enphase_reauth"
    schema = result["data_schema"]
    assert schema is not None
    assert list(schema.schema) == ["password"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": PASSWORD}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data["session"]["token"] in sim.tokens
    assert entry.data["email"] == EMAIL


async def test_reauth_of_an_mfa_entry_asks_only_the_code(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """An MFA entry's reauth may keep the stored password (the field may stay empty) and then
    asks only for the code; no code is sent before the owner submits."""
    sim: EnphaseSimulator = simulator["enphase"]
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _password(simulator, email=MFA_EMAIL)
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": sim.mfa_code}
    )
    entry = result["result"]
    await hass.async_block_till_done()
    result = await _reauth(hass, entry)
    assert result["step_id"] == "enphase_reauth"
    assert sim.codes_sent == 1  # no code is sent before the owner is there to type it
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["step_id"] == "enphase_mfa"
    assert sim.codes_sent == 2
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": sim.mfa_code}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"


async def test_reauth_of_an_mfa_entry_whose_password_changed(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """When the stored password no longer works, the MFA entry's reauth asks for it first."""
    sim: EnphaseSimulator = simulator["enphase"]
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _password(simulator, email=MFA_EMAIL)
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": sim.mfa_code}
    )
    entry = result["result"]
    await hass.async_block_till_done()
    hass.config_entries.async_update_entry(entry, data={**entry.data, "password": "old"})
    result = await _reauth(hass, entry)
    assert result["step_id"] == "enphase_reauth"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["errors"] == {"base": "invalid_auth"}  # the stored one no longer works
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": PASSWORD}
    )
    assert result["step_id"] == "enphase_mfa"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": sim.mfa_code}
    )
    assert result["reason"] == "reauth_successful"
    assert entry.data["password"] == PASSWORD


async def test_reauth_of_a_pasted_entry_stores_fresh_tokens(
    hass: HomeAssistant, simulator: RunningSimulator, enphase_entry: MockConfigEntry
) -> None:
    """Reauth of pasted tokens keeps asking while they are refused, then stores the fresh
    ones."""
    hass.config_entries.async_update_entry(
        enphase_entry, data={**enphase_entry.data, "e_auth_token": "expired"}
    )
    result = await enphase_entry.start_reauth_flow(hass)
    assert result["step_id"] == "enphase_reauth"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"e_auth_token": "still-wrong", "cookie": "x=1"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"e_auth_token": E_AUTH_TOKEN, "cookie": COOKIE}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert enphase_entry.data["e_auth_token"] == E_AUTH_TOKEN
    assert enphase_entry.data["base_url"] == simulator.base_url("enphase")


async def test_reauth_refuses_another_site(
    hass: HomeAssistant, simulator: RunningSimulator, enphase_entry: MockConfigEntry
) -> None:
    """Reauth with tokens that do not see the entry's site aborts."""
    result = await enphase_entry.start_reauth_flow(hass)
    with patch(
        "tests.simulator.enphase.EnphaseSimulator.sites_body",
        return_value={"sites": [{"site_id": "999"}]},
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"e_auth_token": E_AUTH_TOKEN, "cookie": COOKIE}
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"


async def test_reconfigure_moves_pasted_tokens_to_a_password_and_another_site(
    hass: HomeAssistant, simulator: RunningSimulator, enphase_entry: MockConfigEntry
) -> None:
    """Reconfigure checks the credentials, may switch from pasted tokens to e-mail and
    password, and may move the entry to another site."""
    result = await enphase_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "enphase_reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _password(simulator, password="bad")
    )
    assert result["errors"] == {"base": "invalid_auth"}
    with patch(
        "tests.simulator.enphase.EnphaseSimulator.sites_body",
        return_value={"sites": [{"site_id": "555", "name": "Barn"}]},
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], _password(simulator)
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert enphase_entry.unique_id == "enphase_555"
    assert enphase_entry.data["site_id"] == "555"
    assert enphase_entry.data["email"] == EMAIL
    assert "e_auth_token" not in enphase_entry.data
    assert enphase_entry.title == "Barn"


async def test_reconfigure_with_empty_fields_keeps_the_stored_credentials(
    hass: HomeAssistant, simulator: RunningSimulator, enphase_entry: MockConfigEntry
) -> None:
    """Empty fields keep what is stored: pasted tokens stay pasted tokens."""
    result = await enphase_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"advanced": {"base_url": simulator.base_url("enphase")}}
    )
    assert result["reason"] == "reconfigure_successful"
    assert enphase_entry.data["e_auth_token"] == E_AUTH_TOKEN
    assert "session" in enphase_entry.data  # the session renewed since the paste is kept


async def test_reconfigure_refuses_a_site_configured_elsewhere(
    hass: HomeAssistant, simulator: RunningSimulator, enphase_entry: MockConfigEntry
) -> None:
    """Reconfigure to a site another entry has aborts."""
    MockConfigEntry(domain=DOMAIN, unique_id="enphase_555", data={"vendor": "enphase"}).add_to_hass(
        hass
    )
    result = await enphase_entry.start_reconfigure_flow(hass)
    with patch(
        "tests.simulator.enphase.EnphaseSimulator.sites_body",
        return_value={"sites": [{"site_id": "555"}]},
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], _pasted(simulator)
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_options_flow(hass: HomeAssistant, loaded_enphase: MockConfigEntry) -> None:
    """The options set the intervals, the default current, the removal delay, and whether
    repairs about optional services are silenced (not by default)."""
    assert loaded_enphase.supports_options
    result = await hass.config_entries.options.async_init(loaded_enphase.entry_id)
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"status_interval": 20, "idle_interval": 120, "charging_current": 16},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert loaded_enphase.options == {
        "status_interval": 20,
        "idle_interval": 120,
        "charging_current": 16,
        "device_removal_days": 7,
        "silence_optional_repairs": False,
    }
    assert known_state(hass, "number.garage_ev_charging_current").state == "16"
