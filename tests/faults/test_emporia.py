"""Emporia through every fault: its data comes over one WebSocket, its REST calls at reconnects.

The proxy's REST API is used to log in (and for the device list and /devices/instant); so each
REST fault is served while the client must log in again: the token expires on the working
socket ("Invalid or expired token") and the proxy misbehaves until the fault is taken away.
Data faults are served on the socket's deviceData as well as on REST. Each case checks what
the matrix checks for the polling vendors (test_matrix.py): nothing unhandled, the probe
unavailable only while its data is broken with one log line each way, a reauth flow only where
the credentials are refused, requests and sockets bounded, no secret in logs or diagnostics.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from custom_components.energy_portals.diagnostics import async_get_config_entry_diagnostics
from custom_components.energy_portals.http import DEFAULT_TIMEOUT
from custom_components.energy_portals.vendors.emporia.coordinator import EmporiaData
from tests.conftest import RunningSimulator
from tests.helpers import known_state, settle, unhandled_errors
from tests.simulator.emporia import EMAIL, INVALID_TOKEN, PASSWORD, EmporiaSimulator
from tests.vendors.emporia.conftest import entry_data, tick, unique_id

from .harness import START, missing, nulls, strings

PROBE = "sensor.home_kitchen_power"
FAULT_SECONDS = 60
"""How long each fault lasts: twice the time without data after which entities go stale."""
RECOVERY_SECONDS = 130
"""Enough for the longest backoff reached in FAULT_SECONDS (64 s) or a Retry-After of 120 s."""
RETRY_AFTER = 120


class Outcome(Enum):
    OK = "the probe stays available and nothing is logged at WARNING or above"
    RECONNECT = "the probe stays available; the socket's loss and return logged once each"
    DOWN = "unavailable while it lasts, one line each way, no reauth"
    REAUTH = "the credentials are refused: a reauth flow, no reconnect until it is done"


OK, RECONNECT, DOWN, REAUTH = Outcome.OK, Outcome.RECONNECT, Outcome.DOWN, Outcome.REAUTH

Action = Callable[[EmporiaSimulator, RunningSimulator], Awaitable[None]]


@dataclass(frozen=True)
class Case:
    apply: Action
    clear: Action
    outcome: Outcome
    data: Callable[[Any], Any] | None = None
    """A rewrite of the socket's deviceData while the fault lasts."""


def rest(**values: Any) -> Action:
    """REST faults, then the token expires on the socket: the client must log in again."""

    async def apply(sim: EmporiaSimulator, simulator: RunningSimulator) -> None:
        for name, value in values.items():
            setattr(sim.state.faults, name, value)
        await sim.revoke_tokens()

    return apply


async def clear(sim: EmporiaSimulator, simulator: RunningSimulator) -> None:
    sim.state.faults.clear()


async def nothing(sim: EmporiaSimulator, simulator: RunningSimulator) -> None:
    return None


async def stop(sim: EmporiaSimulator, simulator: RunningSimulator) -> None:
    await simulator.stop()


async def start(sim: EmporiaSimulator, simulator: RunningSimulator) -> None:
    await simulator.start()


async def drop(sim: EmporiaSimulator, simulator: RunningSimulator) -> None:
    await sim.drop_sockets()


async def token_error_on_socket(sim: EmporiaSimulator, simulator: RunningSimulator) -> None:
    await sim.broadcast(json.dumps({"type": "error", "message": INVALID_TOKEN}))


def rewrite(body: Callable[[Any], Any]) -> Action:
    async def apply(sim: EmporiaSimulator, simulator: RunningSimulator) -> None:
        sim.state.faults.rewrite = body

    return apply


CASES: dict[str, Case] = {
    "single_401": Case(rest(unauthorized_after=0, times=1), clear, OK),
    "persistent_401": Case(rest(unauthorized_after=0), clear, REAUTH),
    "403": Case(rest(status=403), clear, REAUTH),
    "429_retry_after": Case(rest(status=429, retry_after=RETRY_AFTER), clear, DOWN),
    "500": Case(rest(status=500), clear, DOWN),
    "timeout": Case(rest(delay=DEFAULT_TIMEOUT + 5), clear, DOWN),
    "connection_refused": Case(stop, start, DOWN),
    "malformed_json": Case(rest(malformed=True), clear, DOWN),
    "html_200": Case(rest(html=True), clear, DOWN),
    "empty_body": Case(rest(empty=True), clear, DOWN),
    "nulls": Case(rewrite(nulls), clear, OK, data=nulls),
    "numbers_as_strings": Case(rewrite(strings), clear, OK, data=strings),
    "missing_keys": Case(rewrite(missing), clear, OK, data=missing),
    "session_expires": Case(rest(), nothing, OK),
    "dropped_socket": Case(drop, nothing, RECONNECT),
    "socket_auth_error": Case(token_error_on_socket, nothing, OK),
}


@dataclass
class Running:
    entry: MockConfigEntry
    sim: EmporiaSimulator
    issued: list[str]

    @property
    def runtime(self) -> EmporiaData:
        runtime = self.entry.runtime_data
        assert isinstance(runtime, EmporiaData)
        return runtime


async def setup(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory
) -> Running:
    freezer.move_to(START)
    simulator.clock.now = time.time  # frozen by freezer while the test runs
    sim: EmporiaSimulator = simulator["emporia"]
    issued: list[str] = []
    issue = sim.issue_token

    def recording_issue() -> str:
        token = issue()
        issued.append(token)
        return token

    sim.issue_token = recording_issue  # type: ignore[method-assign]  # records every token
    url = simulator.base_url("emporia")
    entry = MockConfigEntry(
        domain=DOMAIN, title="Emporia", unique_id=unique_id(url), data=entry_data(url)
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    running = Running(entry, sim, issued)
    await settle(hass, lambda: running.runtime.push.authenticated)
    running.runtime.push._rand = lambda: 0.5  # no jitter: exact backoff delays
    await tick(hass, freezer, sim, 2)
    return running


def available(hass: HomeAssistant) -> bool:
    state = hass.states.get(PROBE)
    assert state is not None
    return state.state != STATE_UNAVAILABLE


def messages(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if text in r.getMessage()]


def assert_log(caplog: pytest.LogCaptureFixture, outcome: Outcome) -> None:
    """The socket's loss and return once each where it was lost; never a traceback."""
    lost = messages(caplog, "connection lost")
    back = messages(caplog, "connection is back")
    if outcome in (DOWN, RECONNECT):
        assert len(lost) == 1, lost
        assert len(back) == 1, back
    elif outcome is OK:
        ours = [
            r.getMessage()
            for r in caplog.records
            if r.name.startswith("custom_components.energy_portals")
            and r.levelno >= logging.WARNING
        ]
        assert ours == []
    assert unhandled_errors(caplog) == []


async def assert_no_secrets(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture, running: Running
) -> None:
    diagnostics = json.dumps(
        await async_get_config_entry_diagnostics(hass, running.entry), default=str
    )
    for secret in (EMAIL, PASSWORD, *running.issued):
        assert secret not in caplog.text, f"secret in the log: {secret[:6]}..."
        assert secret not in diagnostics, f"secret in the diagnostics: {secret[:6]}..."


@pytest.mark.parametrize("scenario", list(CASES))
async def test_emporia_fault(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    scenario: str,
) -> None:
    """Each Emporia fault: entities go unavailable or keep their value as the case says, logged
    once, totals intact, and all recovers.
    """
    caplog.set_level(logging.DEBUG)
    case = CASES[scenario]
    running = await setup(hass, simulator, freezer)
    sim = running.sim
    assert available(hass)
    before, connections = len(sim.state.requests), sim.connections
    usage_body = sim.usage_body
    if case.data is not None:
        data = case.data

        def bad(
            scale: str | None = None, gids: list[int] | None = None, at: float | None = None
        ) -> dict[str, Any]:
            return data(usage_body(scale, gids, at))  # type: ignore[no-any-return]  # bad data

        sim.usage_body = bad  # type: ignore[method-assign]  # bad socket data

    await case.apply(sim, simulator)
    await tick(hass, freezer, sim, FAULT_SECONDS)
    assert available(hass) is (case.outcome in (OK, RECONNECT))
    if case.data in (nulls, missing):
        assert known_state(hass, PROBE).state == STATE_UNKNOWN
    if case.data is strings:
        float(known_state(hass, PROBE).state)
    # Bounded: backoff 1, 2, 4, 8, 16, 32 s gives at most 7 attempts in a minute, each a
    # login (asked twice when refused) and a socket; /devices/instant at most every 10 s.
    requests = len(sim.state.requests) - before
    assert requests <= 7 * 2 + FAULT_SECONDS // 10 + 1, requests
    assert sim.connections - connections <= 7
    if scenario == "429_retry_after":
        logins = [r for r in sim.state.requests[before:] if r.path.endswith("/login")]
        assert len(logins) == 1  # then it waits as asked, /devices/instant included
        assert len(sim.state.requests) - before == 1
        assert running.runtime.push.last_delay == RETRY_AFTER

    sim.usage_body = usage_body  # type: ignore[method-assign]  # good data again
    await case.clear(sim, simulator)

    if case.outcome is REAUTH:
        flows = list(running.entry.async_get_active_flows(hass, {SOURCE_REAUTH}))
        assert len(flows) == 1
        assert messages(caplog, "refused the stored credentials")
        connections = sim.connections
        await tick(hass, freezer, sim, 30)
        assert sim.connections == connections  # no reconnect with refused credentials
        assert await hass.config_entries.async_reload(running.entry.entry_id)
        await settle(hass, lambda: running.runtime.push.authenticated)
        assert running.entry.state is ConfigEntryState.LOADED
    else:
        await tick(hass, freezer, sim, RECOVERY_SECONDS)
        assert running.runtime.push.authenticated
        assert not list(running.entry.async_get_active_flows(hass, {SOURCE_REAUTH}))
    await tick(hass, freezer, sim, 2)
    assert available(hass)
    assert len(sim.open_sockets) == 1  # exactly one socket, whatever happened

    assert_log(caplog, case.outcome)
    await assert_no_secrets(hass, caplog, running)
    await hass.config_entries.async_unload(running.entry.entry_id)
