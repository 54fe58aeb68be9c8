"""Polling: cadence, failures and recovery, reauth, rate limits."""

from __future__ import annotations

import logging

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.helpers import advance, known_state
from tests.simulator.enphase import EnphaseSimulator

STATUS = "ev_chargers/status"
PLUG = "binary_sensor.garage_ev_plug"


async def test_polls_fast_while_plugged_in_and_slow_when_idle(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The status is polled every 15 s while a car is plugged in and every minute when idle."""
    assert len(enphase.state.calls("GET", STATUS)) == 1
    await advance(hass, freezer, 15)
    assert len(enphase.state.calls("GET", STATUS)) == 2

    enphase.unplug()
    await advance(hass, freezer, 15)
    assert known_state(hass, PLUG).state == "off"
    polls = len(enphase.state.calls("GET", STATUS))
    await advance(hass, freezer, 30)
    await advance(hass, freezer, 25)
    assert len(enphase.state.calls("GET", STATUS)) == polls
    await advance(hass, freezer, 6)
    assert len(enphase.state.calls("GET", STATUS)) == polls + 1

    enphase.charger.plugged_in = True
    await advance(hass, freezer, 60)
    assert known_state(hass, PLUG).state == "on"
    await advance(hass, freezer, 15)
    assert len(enphase.state.calls("GET", STATUS)) == polls + 3


async def test_failure_makes_entities_unavailable_and_logs_once_each_way(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failing cloud makes entities unavailable, logged once, its recovery once."""
    caplog.set_level(logging.INFO)
    enphase.state.faults.status = 500
    for _ in range(3):
        await advance(hass, freezer, 15)
    assert known_state(hass, PLUG).state == "unavailable"
    # The status's failure (the session history, read every 30 minutes, logs its own once).
    failures = [r for r in caplog.records if "Error fetching Enphase site" in r.getMessage()]
    assert len(failures) == 1
    assert failures[0].levelno == logging.ERROR

    enphase.state.faults.clear()
    for _ in range(2):
        await advance(hass, freezer, 15)
    assert known_state(hass, PLUG).state == "on"
    assert len([r for r in caplog.records if "recovered" in r.getMessage()]) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]


@pytest.mark.parametrize("fault", ["malformed", "empty"])
async def test_garbage_and_timeouts_are_update_failures(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
    fault: str,
) -> None:
    """Malformed and empty answers are update failures, never reauth."""
    if fault == "malformed":
        enphase.state.faults.malformed = True
    else:
        enphase.state.faults.empty = True
    await advance(hass, freezer, 15)
    assert known_state(hass, PLUG).state == "unavailable"
    assert loaded_enphase.state is ConfigEntryState.LOADED
    assert not hass.config_entries.flow.async_progress_by_handler("energy_portals")


@pytest.mark.parametrize("fault", ["unauthorized", "html"])
async def test_expired_session_starts_reauth_without_a_reload_loop(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
    fault: str,
) -> None:
    """An expired pasted session (401, or the login wall) starts one reauth when its token
    cannot be renewed, without a reload loop."""
    enphase.expire_tokens()
    enphase.knobs.login_wall = fault == "html"
    await advance(hass, freezer, 15)
    flows = hass.config_entries.flow.async_progress_by_handler("energy_portals")
    assert len(flows) == 1
    assert flows[0]["context"]["source"] == SOURCE_REAUTH
    assert known_state(hass, PLUG).state == "unavailable"
    polls = len(enphase.state.calls("GET", STATUS))
    await advance(hass, freezer, 15)
    assert len(hass.config_entries.flow.async_progress_by_handler("energy_portals")) == 1
    assert len(enphase.state.calls("GET", STATUS)) <= polls + 1


async def test_rate_limit_waits_for_retry_after(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 429 waits as long as Retry-After asks."""
    enphase.state.faults.status = 429
    enphase.state.faults.retry_after = 120
    await advance(hass, freezer, 15)
    polls = len(enphase.state.calls("GET", STATUS))
    enphase.state.faults.clear()
    for _ in range(7):
        await advance(hass, freezer, 15)
    assert len(enphase.state.calls("GET", STATUS)) == polls
    await advance(hass, freezer, 20)
    assert len(enphase.state.calls("GET", STATUS)) == polls + 1
    assert known_state(hass, PLUG).state == "on"


@pytest.mark.parametrize("status", [400, 429])
async def test_refusals_without_retry_after_back_off_growing(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
    status: int,
) -> None:
    """A 429, or the 400 the cloud answers when polled too hard (#64), without Retry-After
    waits 60 s, then 120 s, and the normal cadence returns after a success."""
    enphase.state.faults.status = status
    await advance(hass, freezer, 15)
    polls = len(enphase.state.calls("GET", STATUS))
    await advance(hass, freezer, 55)
    assert len(enphase.state.calls("GET", STATUS)) == polls
    await advance(hass, freezer, 10)
    assert len(enphase.state.calls("GET", STATUS)) == polls + 1
    await advance(hass, freezer, 110)
    assert len(enphase.state.calls("GET", STATUS)) == polls + 1
    enphase.state.faults.clear()
    await advance(hass, freezer, 15)
    assert len(enphase.state.calls("GET", STATUS)) == polls + 2
    assert known_state(hass, PLUG).state == "on"
    await advance(hass, freezer, 15)
    assert len(enphase.state.calls("GET", STATUS)) == polls + 3


async def test_setup_retries_when_the_cloud_is_down(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """A cloud that is down at setup retries later."""
    enphase.state.faults.status = 503
    await hass.config_entries.async_setup(enphase_entry.entry_id)
    assert enphase_entry.state is ConfigEntryState.SETUP_RETRY


async def test_setup_with_refused_tokens_asks_for_new_ones(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """Tokens refused at setup ask for new ones through reauth."""
    enphase.state.faults.status = 401
    await hass.config_entries.async_setup(enphase_entry.entry_id)
    assert enphase_entry.state is ConfigEntryState.SETUP_ERROR
    (flow,) = hass.config_entries.flow.async_progress_by_handler("energy_portals")
    assert flow["context"]["source"] == SOURCE_REAUTH


async def test_unload(hass: HomeAssistant, loaded_enphase: MockConfigEntry) -> None:
    """The entry unloads and its entities become unavailable."""
    assert await hass.config_entries.async_unload(loaded_enphase.entry_id)
    assert loaded_enphase.state is ConfigEntryState.NOT_LOADED
    assert known_state(hass, PLUG).state == "unavailable"
