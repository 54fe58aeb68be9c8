"""Every FlowerHub config-flow path, against the simulator; and the options flow."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.config_entries import SOURCE_USER, ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.conftest import RunningSimulator
from tests.simulator.flowerhub import OWNER_ID, PASSWORD, USERNAME, FlowerHubSimulator

CLIENT = "custom_components.energy_portals.vendors.flowerhub.flow.FlowerHubClient"


async def start(hass: HomeAssistant) -> ConfigFlowResult:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert "flowerhub" in result["menu_options"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "flowerhub"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "flowerhub"
    return result


def user_input(base_url: str, password: str = PASSWORD) -> dict[str, Any]:
    return {"username": USERNAME, "password": password, "advanced": {"base_url": base_url}}


async def test_user_flow_creates_entry(
    hass: HomeAssistant, simulator: RunningSimulator, flowerhub: FlowerHubSimulator
) -> None:
    """The user step logs in and creates the entry titled "FlowerHub battery"."""
    base_url = simulator.base_url("flowerhub")
    inputs = flowerhub.flow_inputs(base_url)
    result = await start(hass)
    with patch(
        "custom_components.energy_portals.async_setup_entry", return_value=True
    ) as setup_entry:
        result = await hass.config_entries.flow.async_configure(result["flow_id"], inputs[1])
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "FlowerHub battery"  # the battery, never its owner's name
    assert result["result"].unique_id == f"flowerhub_{OWNER_ID}"
    assert result["data"] == {
        "vendor": "flowerhub",
        "username": USERNAME,
        "password": PASSWORD,
        "base_url": base_url,
        "asset_owner_id": str(OWNER_ID),
    }
    assert len(setup_entry.mock_calls) == 1
    (login,) = flowerhub.state.calls("POST", "/auth/login")
    assert login.headers["Origin"] == "https://portal.flowerhub.se"


@pytest.mark.parametrize(
    ("fault", "error"),
    [({"status": 500}, "cannot_connect"), ({"malformed": True}, "unknown")],
)
async def test_user_flow_service_errors_then_recovery(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    flowerhub: FlowerHubSimulator,
    fault: dict[str, Any],
    error: str,
) -> None:
    """Each portal failure shows its error, and the same form then succeeds."""
    base_url = simulator.base_url("flowerhub")
    result = await start(hass)
    for knob, value in fault.items():
        setattr(flowerhub.state.faults, knob, value)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(base_url))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    flowerhub.state.faults.clear()
    with patch("custom_components.energy_portals.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], user_input(base_url)
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_flow_wrong_password(
    hass: HomeAssistant, simulator: RunningSimulator, flowerhub: FlowerHubSimulator
) -> None:
    """A wrong password shows invalid_auth and tries no refresh."""
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(simulator.base_url("flowerhub"), "wrong")
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert not flowerhub.state.calls("GET", "/auth/refresh-token")


async def test_user_flow_unreachable(hass: HomeAssistant, socket_enabled: None) -> None:
    """An unreachable portal shows cannot_connect."""
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input("http://127.0.0.1:9")
    )
    assert result["errors"] == {"base": "cannot_connect"}


async def test_user_flow_unexpected_error(hass: HomeAssistant) -> None:
    """An unexpected error shows unknown."""
    result = await start(hass)
    with patch(f"{CLIENT}.async_login", side_effect=RuntimeError("boom")):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], user_input("http://127.0.0.1:9")
        )
    assert result["errors"] == {"base": "unknown"}


async def test_user_flow_already_configured(
    hass: HomeAssistant, simulator: RunningSimulator, flowerhub_entry: MockConfigEntry
) -> None:
    """The same account cannot be added twice."""
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(simulator.base_url("flowerhub"))
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reauth_success(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    flowerhub: FlowerHubSimulator,
    flowerhub_entry: MockConfigEntry,
) -> None:
    """Reauth keeps asking while the password is wrong, then stores the new one."""
    hass.config_entries.async_update_entry(
        flowerhub_entry, data={**flowerhub_entry.data, "password": "old"}
    )
    result = await flowerhub_entry.start_reauth_flow(hass)
    assert result["step_id"] == "flowerhub_reauth"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"username": USERNAME, "password": "still wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    with patch("custom_components.energy_portals.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"username": USERNAME, "password": PASSWORD}
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert flowerhub_entry.data["password"] == PASSWORD


async def test_reauth_other_account_aborts(
    hass: HomeAssistant, simulator: RunningSimulator, flowerhub: FlowerHubSimulator
) -> None:
    """Reauth with another account aborts."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="flowerhub_999",
        data={
            "vendor": "flowerhub",
            "username": USERNAME,
            "password": "x",
            "base_url": simulator.base_url("flowerhub"),
            "asset_owner_id": "999",
        },
    )
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"username": USERNAME, "password": PASSWORD}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert entry.data["password"] == "x"


async def test_reconfigure_changes_base_url(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    flowerhub: FlowerHubSimulator,
    flowerhub_entry: MockConfigEntry,
) -> None:
    """Reconfigure checks and stores a new base URL."""
    base_url = simulator.base_url("flowerhub")
    hass.config_entries.async_update_entry(
        flowerhub_entry, data={**flowerhub_entry.data, "base_url": "http://127.0.0.1:9"}
    )
    result = await flowerhub_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "flowerhub_reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input("http://127.0.0.1:9")
    )
    assert result["errors"] == {"base": "cannot_connect"}
    with patch("custom_components.energy_portals.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], user_input(base_url)
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert flowerhub_entry.data["base_url"] == base_url


async def test_reconfigure_other_account_aborts(
    hass: HomeAssistant, simulator: RunningSimulator, flowerhub: FlowerHubSimulator
) -> None:
    """Reconfigure to another account aborts."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="flowerhub_999",
        data={
            "vendor": "flowerhub",
            "username": "other@example.se",
            "password": "x",
            "base_url": simulator.base_url("flowerhub"),
            "asset_owner_id": "999",
        },
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(simulator.base_url("flowerhub"))
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"


async def test_options_flow_sets_status_interval(
    hass: HomeAssistant, loaded_flowerhub: MockConfigEntry
) -> None:
    """The options set the status interval, and the reloaded entry uses it."""
    result = await hass.config_entries.options.async_init(loaded_flowerhub.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"status_interval": 120}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert loaded_flowerhub.options == {"status_interval": 120}
    runtime = loaded_flowerhub.runtime_data
    assert runtime.status.update_interval is not None
    assert runtime.status.update_interval.total_seconds() == 120


async def test_a_plain_http_base_url_is_refused(
    hass: HomeAssistant, flowerhub: FlowerHubSimulator
) -> None:
    """Credentials to the cloud travel encrypted: http:// to a public host is refused."""
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input("http://portal.flowerhub.se")
    )
    assert result["errors"] == {"base": "https_required"}
    assert flowerhub.state.requests == []
