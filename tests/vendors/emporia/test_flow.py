"""Every path of the Emporia config flow, the link step and the options, against the simulator."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.config_entries import SOURCE_USER, ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.simulator.emporia import (
    EMAIL,
    EMPORIA_PASSWORD,
    EMPORIA_USERNAME,
    MONITOR_GID,
    PASSWORD,
    EmporiaSimulator,
)

from .conftest import entry_data, unique_id


async def start(hass: HomeAssistant) -> ConfigFlowResult:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert "emporia" in result["menu_options"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "emporia"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "emporia"
    return result


def proxy_input(url: str, password: str = PASSWORD) -> dict[str, Any]:
    return {"url": f"{url}/", "email": f" {EMAIL} ", "password": password}


async def test_user_flow_linked_account(
    hass: HomeAssistant, emporia: EmporiaSimulator, emporia_url: str
) -> None:
    """An account already linked to Emporia creates the entry without the link step."""
    result = await start(hass)
    with patch("custom_components.energy_portals.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], proxy_input(emporia_url)
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == entry_data(emporia_url)
    assert result["result"].unique_id == unique_id(emporia_url)
    assert emporia.state.calls("POST", "/emporia-auth") == []


async def test_simulator_flow_inputs(
    hass: HomeAssistant, emporia: EmporiaSimulator, emporia_url: str
) -> None:
    """The simulator's flow inputs walk the whole flow, link step included."""
    emporia.scenario.linked = False
    menu, account, link = emporia.flow_inputs(emporia_url)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], menu)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], account)
    assert result["step_id"] == "emporia_link"
    with patch("custom_components.energy_portals.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], link)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_link_step_posts_and_does_not_store_emporia_credentials(
    hass: HomeAssistant, emporia: EmporiaSimulator, emporia_url: str
) -> None:
    """The link step posts the Emporia credentials, shows its errors and never stores them."""
    emporia.scenario.linked = False
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], proxy_input(emporia_url)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "emporia_link"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"emporia_username": EMPORIA_USERNAME, "emporia_password": "wrong"}
    )
    assert result["errors"] == {"base": "emporia_auth_failed"}

    emporia.state.faults.status = 503
    emporia.state.faults.path = "/emporia-auth"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"emporia_username": EMPORIA_USERNAME, "emporia_password": EMPORIA_PASSWORD},
    )
    assert result["errors"] == {"base": "cannot_connect"}
    emporia.state.faults.clear()

    with patch("custom_components.energy_portals.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {"emporia_username": EMPORIA_USERNAME, "emporia_password": EMPORIA_PASSWORD},
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == entry_data(emporia_url)
    assert "emporia_password" not in str(result["data"])
    link = emporia.state.calls("POST", "/emporia-auth")[-1]
    assert EMPORIA_PASSWORD in link.body
    assert emporia.scenario.linked


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ({"password": "wrong"}, "invalid_auth"),
        ({"status": 500}, "cannot_connect"),
        ({"malformed": True, "path": "/me"}, "unknown"),
    ],
)
async def test_user_flow_errors_then_recovery(
    hass: HomeAssistant,
    emporia: EmporiaSimulator,
    emporia_url: str,
    fault: dict[str, Any],
    error: str,
) -> None:
    """Each proxy failure shows its error, and the same form then succeeds."""
    password = fault.pop("password", PASSWORD)
    for knob, value in fault.items():
        setattr(emporia.state.faults, knob, value)
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], proxy_input(emporia_url, password)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    emporia.state.faults.clear()
    with patch("custom_components.energy_portals.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], proxy_input(emporia_url)
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_unreachable_proxy(hass: HomeAssistant, socket_enabled: None) -> None:
    """An unreachable proxy shows cannot_connect."""
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], proxy_input("http://127.0.0.1:9")
    )
    assert result["errors"] == {"base": "cannot_connect"}


async def test_unexpected_exception_is_unknown(
    hass: HomeAssistant, emporia: EmporiaSimulator, emporia_url: str
) -> None:
    """An unexpected error shows unknown."""
    result = await start(hass)
    with patch(
        "custom_components.energy_portals.vendors.emporia.api.EmporiaClient.async_login",
        side_effect=RuntimeError("boom"),
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], proxy_input(emporia_url)
        )
    assert result["errors"] == {"base": "unknown"}


async def test_already_configured(
    hass: HomeAssistant, emporia_entry: MockConfigEntry, emporia_url: str
) -> None:
    """The same proxy account cannot be added twice."""
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], proxy_input(emporia_url)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reauth(
    hass: HomeAssistant,
    emporia: EmporiaSimulator,
    emporia_entry: MockConfigEntry,
) -> None:
    """Reauth keeps asking while the password is wrong, then stores the new one."""
    emporia.scenario.password = "new-password"
    result = await emporia_entry.start_reauth_flow(hass)
    assert result["step_id"] == "emporia_reauth"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"email": EMAIL, "password": PASSWORD}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    with patch("custom_components.energy_portals.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"email": EMAIL, "password": "new-password"}
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert emporia_entry.data["password"] == "new-password"


async def test_reauth_other_account_refused(
    hass: HomeAssistant, emporia: EmporiaSimulator, emporia_url: str
) -> None:
    """Reauth with another account aborts."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=f"emporia_{emporia_url.lower()}_999",
        data=entry_data(emporia_url),
    )
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"email": EMAIL, "password": PASSWORD}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"


async def test_reconfigure_new_url(
    hass: HomeAssistant, emporia: EmporiaSimulator, emporia_url: str
) -> None:
    """Reconfigure checks the login at a new URL and stores it."""
    old_url = emporia_url.replace("/emporia", "/old")
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=unique_id(old_url),
        data=entry_data(old_url),
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "emporia_reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], proxy_input(emporia_url, "wrong")
    )
    assert result["errors"] == {"base": "invalid_auth"}
    with patch("custom_components.energy_portals.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], proxy_input(emporia_url)
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.unique_id == unique_id(emporia_url)
    assert entry.data["url"] == emporia_url


async def test_reconfigure_other_user_refused(
    hass: HomeAssistant, emporia: EmporiaSimulator, emporia_url: str
) -> None:
    """Reconfigure to another account aborts."""
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=f"emporia_{emporia_url.lower()}_999", data=entry_data(emporia_url)
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], proxy_input(emporia_url)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"


async def test_reconfigure_same_account(
    hass: HomeAssistant, emporia: EmporiaSimulator, emporia_entry: MockConfigEntry, emporia_url: str
) -> None:
    """Reconfigure with the same account succeeds and keeps the URL."""
    result = await emporia_entry.start_reconfigure_flow(hass)
    with patch("custom_components.energy_portals.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], proxy_input(emporia_url)
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert emporia_entry.data["url"] == emporia_url


async def test_options(hass: HomeAssistant, loaded_emporia: MockConfigEntry) -> None:
    """The options set the state interval, and the reloaded entry uses it; the solar circuits
    offered are those whose channel type runs both ways until the owner chooses."""
    result = await hass.config_entries.options.async_init(loaded_emporia.entry_id)
    assert result["step_id"] == "init"
    data_schema = result["data_schema"]
    assert data_schema is not None
    schema = data_schema.schema
    assert next(iter(schema)).default() == 10
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"state_update_interval": 5.0}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_emporia.options == {
        "state_update_interval": 5,
        "history_days": 7,
        "solar_channels": [f"{MONITOR_GID}:3"],
        "reversed_channels": [],
    }
    await hass.async_block_till_done()
    assert loaded_emporia.runtime_data.push.interval == 5


async def test_plain_http_to_a_public_proxy_is_refused(
    hass: HomeAssistant, emporia: EmporiaSimulator
) -> None:
    """Plain http:// is for the local network; a public proxy needs https://."""
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], proxy_input("http://8.8.8.8:3000")
    )
    assert result["errors"] == {"base": "insecure_public_url"}
    assert emporia.state.requests == []
