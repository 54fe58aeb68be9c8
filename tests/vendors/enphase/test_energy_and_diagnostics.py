"""Charged energy across sessions and restarts; session sensors; diagnostics redaction."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, State
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    mock_restore_cache_with_extra_data,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.energy_portals.vendors.enphase.api import Charger, parse_status
from custom_components.energy_portals.vendors.enphase.charged_energy import ChargedEnergyState
from tests.helpers import known_state
from tests.simulator.enphase import COOKIE, E_AUTH_TOKEN, SERIAL, SITE_ID, EnphaseSimulator

ENERGY = "sensor.garage_ev_charged_energy"


def _charger(energy: float | None, start: int | None) -> Charger:
    return Charger(
        serial="1",
        name=None,
        connected=True,
        plugged_in=True,
        charging=True,
        faulted=False,
        connector_status="charging",
        session_energy=energy,
        session_cost=None,
        session_start=datetime.fromtimestamp(start, UTC) if start else None,
        charging_level=None,
        schedule_enabled=None,
    )


def test_charged_energy_counts_each_session_once() -> None:
    state = ChargedEnergyState()
    state.count(_charger(1.0, 1000))
    state.count(_charger(2.5, 1000))
    state.count(_charger(None, 1000))
    state.count(_charger(2.5, 1000))
    assert state.total == 2.5
    state.count(_charger(0.5, 9000))  # a new session
    assert state.total == 3.0
    state.count(_charger(0.2, None))  # start unknown: new session by the drop
    state.count(_charger(0.1, None))  # energy went down: a new session again
    assert round(state.total, 3) == 3.3
    assert ChargedEnergyState.from_dict(state.as_dict()) == state
    assert ChargedEnergyState.from_dict({"total": "x"}) == ChargedEnergyState()


async def test_charged_energy_grows_while_charging_and_survives_restart(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    enphase.clock.now = lambda: freezer().timestamp()
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
    coordinator = loaded_enphase.runtime_data.coordinator
    body = enphase.status_body()
    body["evChargerData"][0]["connectorStatusType"] = "OCCUPIED_BY_ALIENS"
    coordinator.async_set_updated_data(parse_status(body))
    assert known_state(hass, "sensor.garage_ev_connector_status").state == "unknown"


async def test_diagnostics_redact_tokens_and_identifiers(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, hass_client: ClientSessionGenerator
) -> None:
    diagnostics: Any = await get_diagnostics_for_config_entry(hass, hass_client, loaded_enphase)
    text = json.dumps(diagnostics)
    for secret in (E_AUTH_TOKEN, COOKIE, SITE_ID, SERIAL, "Garage EV"):
        assert secret not in text
    assert diagnostics["entry"]["data"]["e_auth_token"] == "**REDACTED**"
    assert diagnostics["data"]["chargers"][0]["plugged_in"] is True
