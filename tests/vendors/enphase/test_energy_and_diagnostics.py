"""Charged energy across sessions and restarts; session sensors; diagnostics redaction."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from itertools import pairwise
from typing import Any

import aiohttp
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    mock_restore_cache_with_extra_data,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.energy_portals.const import DOMAIN
from custom_components.energy_portals.vendors.enphase.models import parse_status
from tests.conftest import RunningSimulator
from tests.helpers import advance, known_state
from tests.simulator.enphase import (
    COOKIE,
    E_AUTH_TOKEN,
    EMAIL,
    PASSWORD,
    SERIAL,
    SITE_ID,
    EnphaseSimulator,
    charger_list,
)

ENERGY = "sensor.garage_ev_charged_energy"


async def test_charged_energy_grows_while_charging_and_survives_restart(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Charged energy grows while charging and continues from the restored total after a restart."""
    # Frozen by freezer (freezer().timestamp() would read its naive UTC as local time).
    enphase.clock.now = time.time
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(ENERGY, "10.0"),
                {"total": 10.0, "session_start": None, "session_energy": 0.0},
            )
        ],
    )
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    assert known_state(hass, ENERGY).state == "10.0"

    enphase.start(32)
    freezer.tick(timedelta(hours=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    # 32 A x 230 V for one hour.
    assert known_state(hass, ENERGY).state == "17.36"
    assert known_state(hass, "sensor.garage_ev_session_energy").state == "7.36"
    assert known_state(hass, "sensor.garage_ev_session_cost").state == "1.84"
    assert known_state(hass, "sensor.garage_ev_session_start").state != "unknown"

    await hass.config_entries.async_reload(enphase_entry.entry_id)
    await hass.async_block_till_done()
    assert known_state(hass, ENERGY).state == "17.36"


async def test_unknown_connector_status_is_unknown_not_a_crash(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """A connector status the cloud invents shows as unknown."""
    coordinator = loaded_enphase.runtime_data
    body = enphase.status_body()
    charger_list(body)[0]["connectors"][0]["connectorStatusType"] = "OCCUPIED_BY_ALIENS"
    coordinator.async_set_updated_data(parse_status(body))
    assert known_state(hass, "sensor.garage_ev_connector_status").state == "unknown"


async def test_diagnostics_redact_tokens_and_identifiers(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, hass_client: ClientSessionGenerator
) -> None:
    """Diagnostics show the chargers but no token, cookie, site id, serial or name."""
    diagnostics: Any = await get_diagnostics_for_config_entry(hass, hass_client, loaded_enphase)
    text = json.dumps(diagnostics)
    for secret in (E_AUTH_TOKEN, COOKIE, SITE_ID, SERIAL, "Garage EV"):
        assert secret not in text
    assert diagnostics["entry"]["data"]["e_auth_token"] == "**REDACTED**"
    assert diagnostics["data"]["chargers"][0]["plugged_in"] is True


async def test_diagnostics_count_requests_and_the_last_error_per_family(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
) -> None:
    """The requests sent per endpoint as the simulator saw them, and the last failure of each
    call family (a status code, never a secret)."""
    enphase.state.faults.status = 502
    enphase.state.faults.path = "/ev_chargers/status"
    await advance(hass, freezer, 60)
    enphase.state.faults.clear()
    diagnostics: Any = await get_diagnostics_for_config_entry(hass, hass_client, loaded_enphase)
    requests = diagnostics["data"]["requests"]
    seen = enphase.state.calls("GET", "/ev_chargers/status")
    assert requests["status"] == len(seen)
    assert requests["history"] == len(enphase.state.calls("POST", "/history"))
    assert requests["summary"] >= 1
    assert diagnostics["data"]["last_errors"] == {"status": "HTTP 502"}
    text = json.dumps(diagnostics)
    for secret in (E_AUTH_TOKEN, COOKIE, SITE_ID, SERIAL):
        assert secret not in text


async def test_charged_energy_covers_sessions_while_home_assistant_was_down(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The total follows the charger's lifetime meter, so energy charged offline is counted."""
    # Frozen by freezer (freezer().timestamp() would read its naive UTC as local time).
    enphase.clock.now = time.time
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    assert known_state(hass, ENERGY).state == "0.0"
    enphase.start(32)
    await advance(hass, freezer, 3600)
    assert known_state(hass, ENERGY).state == "7.36"

    assert await hass.config_entries.async_unload(enphase_entry.entry_id)
    freezer.tick(timedelta(hours=2))  # Home Assistant is down; the car charges on
    enphase.stop()
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    assert float(known_state(hass, ENERGY).state) == round(enphase.delivered(), 3) == 22.08
    summaries = enphase.state.calls("GET", "/summary")
    assert summaries, "the summary was read"
    # Read at most once a minute while plugged in, whatever the status cadence.
    assert len(summaries) <= 3 + 60


async def test_charged_energy_counts_sessions_once_without_the_summary(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A cloud without the summary: each session counted once across null start times."""
    # Frozen by freezer (freezer().timestamp() would read its naive UTC as local time).
    enphase.clock.now = time.time
    enphase.summary_offered = False
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    for _ in range(2):
        enphase.charger.plugged_in = True
        enphase.start(32)
        for _ in range(4):
            await advance(hass, freezer, 900)
        enphase.unplug()  # the start time turns null between sessions
        for _ in range(3):
            await advance(hass, freezer, 60)
    assert float(known_state(hass, ENERGY).state) == round(enphase.delivered(), 3) == 14.72
    assert len(enphase.state.calls("GET", "/summary")) == 1  # a 404 is not asked again


async def test_each_entry_has_its_own_cookie_jar(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Each entry keeps its cookies itself, and its session keeps none: another account's
    sign-in (here a config flow's) never reaches this entry's requests."""
    session = loaded_enphase.runtime_data.client.auth.session
    assert session is not async_get_clientsession(hass)
    assert isinstance(session.cookie_jar, aiohttp.DummyCookieJar)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "enphase"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "email": EMAIL,
            "password": PASSWORD,
            "advanced": {"base_url": simulator.base_url("enphase")},
        },
    )
    assert result["reason"] == "already_configured"  # it signed in, then found the same site
    assert enphase.logins == 1
    await advance(hass, freezer, 15)
    last = enphase.state.calls("GET", "ev_chargers/status")[-1]
    assert last.headers["Cookie"] == COOKIE


async def test_a_summary_that_stops_answering_never_freezes_charged_energy(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The summary answers, then 404s for two hours (a restart in between), then answers
    again: charged energy keeps counting from the session meanwhile, returns to the meter
    without a jump, and ends at what the charger delivered (36.8 kWh, not the 7.36 it froze
    at before)."""
    # Frozen by freezer (freezer().timestamp() would read its naive UTC as local time).
    enphase.clock.now = time.time
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    before = float(known_state(hass, ENERGY).state)
    delivered_before = enphase.delivered()
    enphase.start(32)
    for _ in range(4):
        await advance(hass, freezer, 900)
    enphase.summary_offered = False  # the summary answers 404 from now on
    for _ in range(4):
        await advance(hass, freezer, 900)
    assert float(known_state(hass, ENERGY).state) > before + 7.36 + 3  # still counting
    assert await hass.config_entries.async_reload(enphase_entry.entry_id)
    await hass.async_block_till_done()
    for _ in range(4):
        await advance(hass, freezer, 900)
    enphase.summary_offered = True
    summaries_before = len(enphase.state.calls("GET", "/summary"))
    values = []
    for _ in range(8):
        await advance(hass, freezer, 900)
        values.append(float(known_state(hass, ENERGY).state))
    assert len(enphase.state.calls("GET", "/summary")) > summaries_before
    steps = [b - a for a, b in pairwise(values)]
    assert max(steps) <= 32 * 230 / 1000 / 4 + 0.02  # no jump: at most 15 minutes' worth
    delivered = enphase.delivered() - delivered_before
    assert delivered == pytest.approx(36.8, abs=0.01)  # five hours at 7.36 kW
    assert float(known_state(hass, ENERGY).state) - before == pytest.approx(delivered, abs=0.05)
