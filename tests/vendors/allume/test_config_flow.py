"""Every path of the Allume config flow, reauth, reconfigure and options."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.config_entries import SOURCE_USER, ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.conftest import RunningSimulator
from tests.simulator.allume import EMAIL, PASSWORD, USER_ID, AllumeSimulator
from tests.vendors.allume.conftest import entry_data


async def start(hass: HomeAssistant) -> ConfigFlowResult:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert "allume" in result["menu_options"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "allume"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "allume"
    return result


def login(simulator: RunningSimulator, **changes: Any) -> dict[str, Any]:
    inputs = simulator["allume"].flow_inputs(simulator.base_url("allume"))[1]
    return {**inputs, **changes}


async def test_user_flow_creates_the_entry(
    hass: HomeAssistant, simulator: RunningSimulator, allume: AllumeSimulator
) -> None:
    """The user step creates an entry titled by the street, with the options chosen."""
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login(simulator, email=f" {EMAIL} ", history_days=30)
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "SolCentre 12 Example Street, Marrickville NSW 2204"  # no e-mail
    assert result["data"] == entry_data(simulator.base_url("allume"))
    assert result["options"] == {"history_days": 30}
    entry = result["result"]
    assert entry.unique_id == f"allume_{USER_ID}"
    login_calls = allume.state.calls("POST", "/auth/customer-login")
    assert login_calls
    assert allume.state.calls("GET", "/consumers/me/properties")


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        (lambda sim: setattr(sim.account, "password", "changed"), "invalid_auth"),
        (lambda sim: setattr(sim.state.faults, "status", 503), "cannot_connect"),
        (lambda sim: setattr(sim.account, "properties", 0), "allume_no_properties"),
        (lambda sim: setattr(sim.state.faults, "malformed", True), "unknown"),
    ],
)
async def test_user_flow_errors_then_recovers(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    allume: AllumeSimulator,
    setup: Any,
    error: str,
) -> None:
    """Each login failure shows its error, and the same form then succeeds."""
    result = await start(hass)
    setup(allume)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], login(simulator))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    allume.state.faults.clear()
    allume.account.password = PASSWORD
    allume.account.properties = 2
    result = await hass.config_entries.flow.async_configure(result["flow_id"], login(simulator))
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_unexpected_error_is_unknown_and_logged(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    allume: AllumeSimulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An unexpected error is shown as unknown and logged, without the password."""

    async def boom(self: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(
        "custom_components.energy_portals.vendors.allume.api.AllumeClient.async_login", boom
    )
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], login(simulator))
    assert result["errors"] == {"base": "unknown"}
    assert "Unexpected error while validating" in caplog.text
    assert PASSWORD not in caplog.text


async def test_same_account_aborts(
    hass: HomeAssistant, simulator: RunningSimulator, allume_entry: MockConfigEntry
) -> None:
    """The same account cannot be added twice."""
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], login(simulator))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reauth_takes_a_new_password(
    hass: HomeAssistant, loaded_allume: MockConfigEntry, allume: AllumeSimulator
) -> None:
    """Reauth asks only for the new password and keeps asking while it is wrong."""
    allume.account.password = "new-password"
    result = await loaded_allume.start_reauth_flow(hass)
    assert result["step_id"] == "allume_reauth"
    assert (result["description_placeholders"] or {}).get("email") == EMAIL
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": "still-wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": "new-password"}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert loaded_allume.data["password"] == "new-password"
    assert loaded_allume.data["email"] == EMAIL


async def test_reauth_of_another_account_aborts(
    hass: HomeAssistant, simulator: RunningSimulator, allume: AllumeSimulator
) -> None:
    """Reauth with another account's login aborts and keeps the stored password."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="allume_someone-else",
        data=entry_data(simulator.base_url("allume"), password="old"),
    )
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": PASSWORD}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert entry.data["password"] == "old"


async def test_reconfigure_changes_the_login_and_url(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    loaded_allume: MockConfigEntry,
    allume: AllumeSimulator,
) -> None:
    """Reconfigure checks and stores a new login and base URL."""
    result = await loaded_allume.start_reconfigure_flow(hass)
    assert result["step_id"] == "allume_reconfigure"
    allume.account.password = "rotated"
    url = simulator.base_url("allume") + "/"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"email": EMAIL, "password": "wrong", "advanced": {"base_url": url}},
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"email": EMAIL, "password": "rotated", "advanced": {"base_url": url}},
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert loaded_allume.data == entry_data(simulator.base_url("allume"), password="rotated")


async def test_reconfigure_to_another_account_aborts(
    hass: HomeAssistant, simulator: RunningSimulator, allume: AllumeSimulator
) -> None:
    """Reconfigure to another account aborts."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="allume_someone-else",
        data=entry_data(simulator.base_url("allume")),
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "email": EMAIL,
            "password": PASSWORD,
            "advanced": {"base_url": simulator.base_url("allume")},
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"


async def test_options_set_the_history_days(
    hass: HomeAssistant, loaded_allume: MockConfigEntry
) -> None:
    """The options set the history days, the live readings' interval and the device removal
    delay."""
    result = await hass.config_entries.options.async_init(loaded_allume.entry_id)
    assert result["type"] is FlowResultType.FORM
    data_schema = result["data_schema"]
    assert data_schema is not None
    schema = data_schema.schema
    (key,) = [k for k in schema if k == "history_days"]
    assert key.default() == 7
    (removal,) = [k for k in schema if k == "device_removal_days"]
    assert removal.default() == 7
    (live,) = [k for k in schema if k == "live_interval"]
    assert live.default() == "0"  # this entry has it off
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"history_days": 60, "live_interval": "5", "device_removal_days": 14}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_allume.options == {
        "history_days": 60,
        "live_interval": 5,
        "device_removal_days": 14,
    }
