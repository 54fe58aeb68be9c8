"""Every path of the Enphase config flow, against the simulator."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from homeassistant import config_entries
from homeassistant.config_entries import ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.conftest import RunningSimulator
from tests.helpers import known_state
from tests.simulator.enphase import COOKIE, E_AUTH_TOKEN, SITE_ID, EnphaseSimulator

SITES_PATH = "/service/evse_controller/sites"


def _tokens(simulator: RunningSimulator, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "e_auth_token": E_AUTH_TOKEN,
        "cookie": COOKIE,
        "advanced": {"base_url": simulator.base_url("enphase")},
    }
    data.update(overrides)
    return data


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


async def test_user_flow_creates_entry(hass: HomeAssistant, simulator: RunningSimulator) -> None:
    """Pasted token and cookie (trimmed) create the entry titled by the site."""
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _tokens(simulator, e_auth_token=f"  {E_AUTH_TOKEN} ")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Home"
    assert result["result"].unique_id == f"enphase_{SITE_ID}"
    assert result["data"] == {
        "vendor": "enphase",
        "e_auth_token": E_AUTH_TOKEN,
        "cookie": COOKIE,
        "base_url": simulator.base_url("enphase"),
        "site_id": SITE_ID,
    }


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
            result["flow_id"], _tokens(simulator)
        )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "enphase_site"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"site_id": SITE_ID})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Enphase site"  # a site without a name: never its id
    assert result["data"]["site_id"] == SITE_ID


async def test_user_flow_errors_then_recovers(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """Wrong tokens, the login wall and an unreachable URL show their errors; the form then
    succeeds.
    """
    sim: EnphaseSimulator = simulator["enphase"]
    result = await _start(hass)
    flow_id = result["flow_id"]

    result = await hass.config_entries.flow.async_configure(
        flow_id, _tokens(simulator, e_auth_token="wrong")
    )
    assert result["errors"] == {"base": "invalid_auth"}

    sim.state.faults.html = True
    result = await hass.config_entries.flow.async_configure(flow_id, _tokens(simulator))
    assert result["errors"] == {"base": "invalid_auth"}
    sim.state.faults.clear()

    result = await hass.config_entries.flow.async_configure(
        flow_id, _tokens(simulator, advanced={"base_url": "http://127.0.0.1:1"})
    )
    assert result["errors"] == {"base": "cannot_connect"}

    with patch("tests.simulator.enphase.EnphaseSimulator.sites_body", return_value=[]):
        result = await hass.config_entries.flow.async_configure(flow_id, _tokens(simulator))
    assert result["errors"] == {"base": "no_sites"}

    sim.state.faults.malformed = True
    result = await hass.config_entries.flow.async_configure(flow_id, _tokens(simulator))
    assert result["errors"] == {"base": "unknown"}
    sim.state.faults.clear()

    with patch(
        "custom_components.energy_portals.vendors.enphase.flow.EnphaseClient.async_get_sites",
        side_effect=RuntimeError("boom"),
    ):
        result = await hass.config_entries.flow.async_configure(flow_id, _tokens(simulator))
    assert result["errors"] == {"base": "unknown"}

    result = await hass.config_entries.flow.async_configure(flow_id, _tokens(simulator))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_flow_aborts_when_site_configured(
    hass: HomeAssistant, simulator: RunningSimulator, enphase_entry: MockConfigEntry
) -> None:
    """A site already configured cannot be added again."""
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _tokens(simulator))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reauth_stores_fresh_tokens(
    hass: HomeAssistant, simulator: RunningSimulator, enphase_entry: MockConfigEntry
) -> None:
    """Reauth keeps asking while the tokens are refused, then stores the fresh ones."""
    hass.config_entries.async_update_entry(
        enphase_entry, data={**enphase_entry.data, "e_auth_token": "expired"}
    )
    result = await enphase_entry.start_reauth_flow(hass)
    assert result["step_id"] == "enphase_reauth"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"e_auth_token": "still-wrong", "cookie": COOKIE}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"e_auth_token": E_AUTH_TOKEN, "cookie": COOKIE}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert enphase_entry.data["e_auth_token"] == E_AUTH_TOKEN
    assert enphase_entry.data["base_url"] == simulator.base_url("enphase")


async def test_reauth_refuses_tokens_of_another_site(
    hass: HomeAssistant, simulator: RunningSimulator, enphase_entry: MockConfigEntry
) -> None:
    """Reauth with tokens of another site aborts."""
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


async def test_reconfigure_changes_tokens_and_site(
    hass: HomeAssistant, simulator: RunningSimulator, enphase_entry: MockConfigEntry
) -> None:
    """Reconfigure checks the tokens and may move the entry to another site."""
    result = await enphase_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "enphase_reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _tokens(simulator, cookie="bad")
    )
    assert result["errors"] == {"base": "invalid_auth"}
    with patch(
        "tests.simulator.enphase.EnphaseSimulator.sites_body",
        return_value={"sites": [{"site_id": "555", "name": "Barn"}]},
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], _tokens(simulator)
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert enphase_entry.unique_id == "enphase_555"
    assert enphase_entry.data["site_id"] == "555"
    assert enphase_entry.title == "Barn"


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
            result["flow_id"], _tokens(simulator)
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_options_flow(hass: HomeAssistant, loaded_enphase: MockConfigEntry) -> None:
    """The options set the intervals, the default current and the removal delay."""
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
    }
    assert known_state(hass, "number.garage_ev_charging_current").state == "16"
