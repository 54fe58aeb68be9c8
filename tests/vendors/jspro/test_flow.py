"""Every path of the JSPro config flow, reauth, reconfigure and options."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

import pytest
import voluptuous as vol
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from custom_components.energy_portals.vendors.jspro.flow import InvalidUrlError, normalise_url
from tests.conftest import RunningSimulator
from tests.simulator.jspro import SERIAL, SITE_NAME, TOKEN, JsproSimulator

from .conftest import entry_data


async def _user_step(hass: HomeAssistant) -> str:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert "jspro" in result["menu_options"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "jspro"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "jspro"
    return str(result["flow_id"])


async def test_user_flow_creates_entry(
    hass: HomeAssistant, simulator: RunningSimulator, jspro: JsproSimulator
) -> None:
    """The user step creates the entry titled by the site name."""
    inputs = jspro.flow_inputs(simulator.base_url("jspro") + "/")
    flow_id = await _user_step(hass)
    with patch("custom_components.energy_portals.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(flow_id, inputs[1])
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == SITE_NAME
    assert result["result"].unique_id == f"jspro_{SERIAL}"
    assert result["data"] == entry_data(simulator.base_url("jspro"))
    (call,) = jspro.state.calls("GET", "/device/information")
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"


async def test_user_flow_without_token(
    hass: HomeAssistant, simulator: RunningSimulator, jspro: JsproSimulator
) -> None:
    """A controller without a token is added without one."""
    jspro.token = None
    flow_id = await _user_step(hass)
    with patch("custom_components.energy_portals.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            flow_id, {"url": simulator.base_url("jspro"), "verify_ssl": False}
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["api_token"] == ""
    assert result["data"]["verify_ssl"] is False
    assert "Authorization" not in jspro.state.calls("GET", "/device/information")[0].headers


@pytest.mark.parametrize(
    ("setup", "url", "error"),
    [
        ("wrong_token", None, "invalid_auth"),
        ("none", "http://127.0.0.1:9", "cannot_connect"),
        ("none", "ftp://example.invalid", "jspro_invalid_url"),
        ("none", "http://", "jspro_invalid_url"),
        ("elsewhere", None, "not_jspro"),
        ("html", None, "not_jspro"),
        ("malformed", None, "not_jspro"),
        ("error_500", None, "cannot_connect"),
        ("error_400", None, "unknown"),
        ("crash", None, "unknown"),
    ],
)
async def test_user_flow_errors_then_recovers(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    jspro: JsproSimulator,
    *,
    setup: str,
    url: str | None,
    error: str,
) -> None:
    """Each failure (token, address, HTML, errors) shows its error; the form then succeeds."""
    base = simulator.base_url("jspro")
    user_input: dict[str, Any] = {"url": url or base, "api_token": TOKEN, "verify_ssl": True}
    if setup == "wrong_token":
        user_input["api_token"] = "wrong"
    elif setup == "elsewhere":
        user_input["url"] = f"{simulator.url}/not-a-powerdesk"
    elif setup == "html":
        jspro.state.faults.html = True
    elif setup == "malformed":
        jspro.state.faults.malformed = True
    elif setup == "error_500":
        jspro.error = (500, 500)
    elif setup == "error_400":
        jspro.error = (200, 400)
    flow_id = await _user_step(hass)
    if setup == "crash":
        with patch(
            "custom_components.energy_portals.vendors.jspro.flow.JsproClient.async_get_information",
            side_effect=RuntimeError("boom"),
        ):
            result = await hass.config_entries.flow.async_configure(flow_id, user_input)
    else:
        result = await hass.config_entries.flow.async_configure(flow_id, user_input)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}

    jspro.state.faults.clear()
    jspro.error = None
    with patch("custom_components.energy_portals.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            flow_id, {"url": base, "api_token": TOKEN, "verify_ssl": True}
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_flow_already_configured(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    jspro: JsproSimulator,
    jspro_entry: MockConfigEntry,
) -> None:
    """The same controller cannot be added twice."""
    flow_id = await _user_step(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, jspro.flow_inputs(simulator.base_url("jspro"))[1]
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


def test_normalise_url() -> None:
    """Addresses are normalised to a base URL; an invalid one is refused."""
    assert normalise_url(" 192.168.1.50/ ") == "http://192.168.1.50"
    assert normalise_url("https://powerdesk.local:8443/") == "https://powerdesk.local:8443"
    with pytest.raises(InvalidUrlError):
        normalise_url("http://[::1")


async def test_reauth_success(
    hass: HomeAssistant, simulator: RunningSimulator, jspro: JsproSimulator
) -> None:
    """Reauth keeps asking while the token is refused, then stores the new one."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=f"jspro_{SERIAL}",
        data=entry_data(simulator.base_url("jspro"), token="expired"),
    )
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "jspro_reauth"
    assert (result["description_placeholders"] or {}).get("url") == simulator.base_url("jspro")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_token": "still-wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"api_token": TOKEN})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data["api_token"] == TOKEN
    await hass.async_block_till_done()


async def test_reauth_other_device(
    hass: HomeAssistant, simulator: RunningSimulator, jspro: JsproSimulator
) -> None:
    """Reauth that reaches another controller aborts and keeps the stored token."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="jspro_OTHER",
        data=entry_data(simulator.base_url("jspro"), token="expired"),
    )
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"api_token": TOKEN})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert entry.data["api_token"] == "expired"


async def test_reconfigure_new_address(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    jspro: JsproSimulator,
    jspro_entry: MockConfigEntry,
) -> None:
    """Reconfigure checks and stores a new address."""
    result = await jspro_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "jspro_reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"url": "http://127.0.0.1:9", "api_token": TOKEN, "verify_ssl": True}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    new_url = simulator.base_url("jspro") + "/"
    with patch("custom_components.energy_portals.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"url": new_url, "api_token": TOKEN, "verify_ssl": False}
        )
        await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert jspro_entry.data["verify_ssl"] is False


async def test_reconfigure_refuses_another_device(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    jspro: JsproSimulator,
    jspro_entry: MockConfigEntry,
) -> None:
    """Reconfigure to another controller aborts."""
    jspro.serial = "SN-OTHER"
    result = await jspro_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"url": simulator.base_url("jspro"), "api_token": TOKEN, "verify_ssl": True},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"


async def test_options_flow(hass: HomeAssistant, loaded_jspro: MockConfigEntry) -> None:
    """The options set the intervals and the removal delay, with their defaults."""
    result = await hass.config_entries.options.async_init(loaded_jspro.entry_id)
    assert result["type"] is FlowResultType.FORM
    data_schema = result["data_schema"]
    assert data_schema is not None
    schema = data_schema.schema
    defaults = {str(key): key.default() for key in schema}
    assert defaults == {
        "monitoring_interval": 10,
        "system_interval": 60,
        "device_removal_days": 7,
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"monitoring_interval": 30, "system_interval": 300}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert loaded_jspro.options == {
        "monitoring_interval": 30,
        "system_interval": 300,
        "device_removal_days": 7,
    }
    runtime = loaded_jspro.runtime_data
    assert runtime.monitoring.update_interval.total_seconds() == 30
    assert runtime.system.update_interval.total_seconds() == 300


async def test_reconfigure_never_shows_the_token_and_keeps_it_when_left_empty(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    jspro: JsproSimulator,
    jspro_entry: MockConfigEntry,
) -> None:
    """The stored token is never put into the form; an empty field keeps it."""

    def token_shown(form: Any) -> bool:
        (field,) = [f for f in form["data_schema"].schema if str(f) == "api_token"]
        suggested = (field.description or {}).get("suggested_value")
        return bool(suggested) or field.default is not vol.UNDEFINED

    result = await jspro_entry.start_reconfigure_flow(hass)
    assert not token_shown(result)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"url": "http://8.8.8.8", "verify_ssl": True}
    )
    assert result["errors"] == {"base": "insecure_public_url"}
    assert not token_shown(result)
    with patch("custom_components.energy_portals.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"url": simulator.base_url("jspro"), "verify_ssl": True}
        )
        await hass.async_block_till_done()
    assert result["reason"] == "reconfigure_successful"
    assert jspro_entry.data["api_token"] == TOKEN
