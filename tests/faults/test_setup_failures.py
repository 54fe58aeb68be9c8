"""Setup that fails (credentials refused, vendor down): the right state, and no secret, e-mail
address or redacted id anywhere in the log, though Home Assistant logs the entry's title."""

from __future__ import annotations

import logging

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant

from tests.conftest import RunningSimulator
from tests.simulator import allume, emporia, enphase, flowerhub, jspro

from .harness import START, make_entry

# What must never reach a log line, beyond each vendor's passwords and tokens.
PERSONAL = {
    "allume": (allume.EMAIL, allume.PASSWORD, "prop-unit-4", allume.PROJECT_ID),
    "flowerhub": (flowerhub.USERNAME, "Anna", "Andersson", str(flowerhub.OWNER_ID)),
    "enphase": (enphase.E_AUTH_TOKEN, enphase.COOKIE, enphase.SITE_ID, enphase.SERIAL),
    "jspro": (jspro.TOKEN, jspro.SERIAL),
    "emporia": (emporia.EMAIL, emporia.PASSWORD, emporia.EMPORIA_USERNAME),
}
FAILURES = {
    "credentials_refused": (401, ConfigEntryState.SETUP_ERROR),
    "vendor_down": (500, ConfigEntryState.SETUP_RETRY),
}


@pytest.mark.parametrize("failure", sorted(FAILURES))
@pytest.mark.parametrize("vendor", sorted(PERSONAL))
async def test_a_failed_setup_leaks_nothing(  # noqa: PLR0917
    hass: HomeAssistant,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    vendor: str,
    failure: str,
) -> None:
    """Refused or unreachable at setup: reauth or retry, and the log holds nothing personal."""
    caplog.set_level(logging.DEBUG)
    freezer.move_to(START)
    status, state = FAILURES[failure]
    sim = simulator[vendor]
    sim.state.faults.status = status
    # Emporia with the title an older release gave it (its e-mail): replaced before setup.
    title = f"Emporia ({emporia.EMAIL})" if vendor == "emporia" else None
    entry = await make_entry(hass, simulator, vendor, title=title)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is state
    reauth = list(entry.async_get_active_flows(hass, {SOURCE_REAUTH}))
    assert bool(reauth) is (state is ConfigEntryState.SETUP_ERROR)
    for secret in PERSONAL[vendor]:
        assert secret not in caplog.text, f"{vendor}: {secret[:4]}... in the log"
    assert "@" not in entry.title
