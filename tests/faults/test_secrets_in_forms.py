"""No form is ever filled with a stored secret; leaving a secret field empty keeps it."""

from __future__ import annotations

import time
from typing import Any

import pytest
import voluptuous as vol
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_RECONFIGURE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.energy_portals.const import DOMAIN
from tests.conftest import RunningSimulator
from tests.simulator import allume, emporia, flowerhub

from .harness import START, make_entry

SECRETS = {
    "allume": ("password",),
    "flowerhub": ("password",),
    "enphase": ("password",),
    "emporia": ("password",),
}


def _kept_fields(vendor: str, base_url: str) -> dict[str, Any]:
    """What a user leaves as it is in the reconfigure form, secrets left empty."""
    kept: dict[str, dict[str, Any]] = {
        "allume": {"email": allume.EMAIL, "advanced": {"base_url": base_url}},
        "flowerhub": {"username": flowerhub.USERNAME, "advanced": {"base_url": base_url}},
        "enphase": {"advanced": {"base_url": base_url}},
        "emporia": {"url": base_url, "email": emporia.EMAIL},
    }
    return kept[vendor]


def _shown(form: Any, stored: dict[str, Any]) -> list[str]:
    """The stored secrets the form would show, as a default or a suggested value."""
    shown = []
    for field in form["data_schema"].schema:
        default = field.default() if field.default is not vol.UNDEFINED else None
        suggested = (field.description or {}).get("suggested_value")
        for value in (default, suggested):
            if value and value in stored.values() and str(field) in SECRETS_ANY:
                shown.append(str(field))
    return shown


SECRETS_ANY = {name for names in SECRETS.values() for name in names}


@pytest.mark.parametrize("vendor", sorted(SECRETS))
async def test_reconfigure_never_shows_a_secret_and_empty_keeps_it(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory, vendor: str
) -> None:
    """The reconfigure form shows no stored secret; submitted empty, the stored one stays."""
    freezer.move_to(START)
    simulator.clock.now = time.time
    entry = await make_entry(hass, simulator, vendor)
    stored = dict(entry.data)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    result: Any = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": entry.entry_id}
    )
    assert result["type"] is FlowResultType.FORM
    assert _shown(result, stored) == []
    base_url = stored.get("base_url") or stored["url"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _kept_fields(vendor, base_url)
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT, result
    assert result["reason"] == "reconfigure_successful"
    for secret in SECRETS[vendor]:
        assert entry.data[secret] == stored[secret]
