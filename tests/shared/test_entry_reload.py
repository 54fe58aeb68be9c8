"""Reauth, reconfigure and options reload a *loaded* entry, for every vendor, with nothing
logged at WARNING or above (Home Assistant 2026.12 refuses a reload scheduled by an update
listener beside `async_update_reload_and_abort`: we have no listener)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigEntryState,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.energy_portals.const import DOMAIN
from tests.conftest import RunningSimulator
from tests.helpers import add_vendor_entry
from tests.simulator import allume, emporia, enphase, flowerhub

NEW_SECRET = "a-new-secret-0815"


def change_secret(simulator: RunningSimulator, vendor: str) -> str:
    """Change the account's password (JSPro: the controller's token) as its owner would;
    returns the entry data key that holds it."""
    sim = simulator[vendor]
    match vendor:
        case "allume":
            sim.account.password = NEW_SECRET
        case "emporia":
            sim.scenario.password = NEW_SECRET
        case "jspro":
            sim.token = NEW_SECRET
            return "api_token"
        case _:
            sim.password = NEW_SECRET
    return "password"


def reauth_input(vendor: str) -> dict[str, Any]:
    """What the owner types into the vendor's reauth form."""
    match vendor:
        case "emporia":
            return {"email": emporia.EMAIL, "password": NEW_SECRET}
        case "flowerhub":
            return {"username": flowerhub.USERNAME, "password": NEW_SECRET}
        case "jspro":
            return {"api_token": NEW_SECRET}
        case _:
            return {"password": NEW_SECRET}


def reconfigure_input(vendor: str, base_url: str) -> dict[str, Any]:
    """What the owner types into the vendor's reconfigure form."""
    advanced = {"advanced": {"base_url": base_url}}
    match vendor:
        case "allume":
            return {"email": allume.EMAIL, "password": NEW_SECRET, **advanced}
        case "enphase":
            return {"email": enphase.EMAIL, "password": NEW_SECRET, **advanced}
        case "flowerhub":
            return {"username": flowerhub.USERNAME, "password": NEW_SECRET, **advanced}
        case "emporia":
            return {"url": base_url, "email": emporia.EMAIL, "password": NEW_SECRET}
        case _:
            return {"url": base_url, "api_token": NEW_SECRET, "verify_ssl": True}


def warnings_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Lines at WARNING or above, but asyncio's debug-mode notes on slow steps (the test
    loop runs in debug mode; how slow a step is depends on the machine, not on us)."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name != "asyncio"
    ]


async def assert_reloaded_with(
    hass: HomeAssistant, entry: ConfigEntry, before: object, key: str
) -> None:
    """The entry runs again, on new runtime data built from the new secret."""
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data is not before
    assert entry.data[key] == NEW_SECRET


VENDORS = ["allume", "emporia", "enphase", "flowerhub", "jspro"]


async def submit(
    hass: HomeAssistant, entry: ConfigEntry, source: str, user_input: dict[str, Any]
) -> Any:
    """Start the entry's reauth or reconfigure flow as Home Assistant does, and submit its form."""
    data = entry.data if source == SOURCE_REAUTH else None
    result: Any = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": source, "entry_id": entry.entry_id}, data=data
    )
    assert result["type"] is FlowResultType.FORM
    return await hass.config_entries.flow.async_configure(result["flow_id"], user_input)


@pytest.mark.parametrize(
    ("source", "reason"),
    [(SOURCE_REAUTH, "reauth_successful"), (SOURCE_RECONFIGURE, "reconfigure_successful")],
)
@pytest.mark.parametrize("vendor", VENDORS)
async def test_reauth_and_reconfigure_reload_the_loaded_entry(  # noqa: PLR0917
    hass: HomeAssistant,
    simulator: RunningSimulator,
    caplog: pytest.LogCaptureFixture,
    vendor: str,
    source: str,
    reason: str,
) -> None:
    """The owner's new password (JSPro: token) in the reauth or reconfigure form: the flow
    finishes and the running entry is set up again with it, nothing logged at WARNING."""
    entry = hass.config_entries.async_get_known_entry(
        await add_vendor_entry(hass, simulator, vendor)
    )
    before = entry.runtime_data
    key = change_secret(simulator, vendor)
    caplog.clear()
    user_input = (
        reauth_input(vendor)
        if source == SOURCE_REAUTH
        else reconfigure_input(vendor, simulator.base_url(vendor))
    )
    result = await submit(hass, entry, source, user_input)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == reason
    await assert_reloaded_with(hass, entry, before, key)
    assert warnings_logged(caplog) == []


OPTION_CHANGES = {
    "allume": {"device_removal_days": 3},
    "emporia": {"history_days": 2},
    "enphase": {"device_removal_days": 3},
    "flowerhub": {"status_interval": 120},
    "jspro": {"device_removal_days": 3},
}


async def save_options(hass: HomeAssistant, entry: ConfigEntry, changes: dict[str, Any]) -> None:
    """Open the options form and save it with `changes` over what it shows."""
    result: Any = await hass.config_entries.options.async_init(entry.entry_id)
    shown = {
        str(field): field.default()
        for field in result["data_schema"].schema
        if callable(getattr(field, "default", None))
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**shown, **changes}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


@pytest.mark.parametrize("vendor", VENDORS)
async def test_changed_options_reload_and_unchanged_do_not(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    caplog: pytest.LogCaptureFixture,
    vendor: str,
) -> None:
    """Saving the options with a change reloads the entry; saving them again unchanged does not."""
    entry = hass.config_entries.async_get_known_entry(
        await add_vendor_entry(hass, simulator, vendor)
    )
    caplog.clear()
    before = entry.runtime_data
    await save_options(hass, entry, OPTION_CHANGES[vendor])
    assert entry.options.items() >= OPTION_CHANGES[vendor].items()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data is not before, "changed options did not reload the entry"

    before = entry.runtime_data
    await save_options(hass, entry, {})
    assert entry.runtime_data is before, "unchanged options reloaded the entry"
    assert warnings_logged(caplog) == []
