"""Every vendor through every fault: survive it, say so once each way, never leak a secret.

Each case sets an entry up against the loopback simulator, injects one fault for a few poll
cycles, then takes it away, and checks what the user and the vendor would see:
- nothing unhandled: no record at ERROR carrying a traceback or "Unexpected error";
- the probe entity unavailable while the fault breaks its data and available again after, with
  exactly one "Error fetching" line and one "recovered" line (none when nothing broke);
- a reauth flow exactly where the credentials are refused (after the client's own re-login);
- the requests during the fault bounded by a small constant per poll (no retry storm);
- no secret (passwords, e-mails, tokens, cookies) in the captured log or the diagnostics.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant

from custom_components.energy_portals.diagnostics import async_get_config_entry_diagnostics
from custom_components.energy_portals.http import DEFAULT_TIMEOUT
from tests.conftest import RunningSimulator
from tests.helpers import unhandled_errors

from .harness import (
    VENDORS,
    Running,
    VendorCase,
    absurd,
    missing,
    non_finite,
    nulls,
    poll,
    setup,
    strings,
)

CYCLES = 3
"""Poll cycles each fault lasts."""


class Outcome(Enum):
    OK = "the probe stays available, nothing is logged at ERROR"
    DOWN = "unavailable while it lasts, one line each way, no reauth"
    REAUTH = "credentials refused: a reauth flow, polling stops until the entry is reloaded"


Action = Callable[[VendorCase, Running, RunningSimulator], Awaitable[None]]


@dataclass(frozen=True)
class Scenario:
    apply: Action
    clear: Action
    stalled: bool = False
    """The simulator holds its answers past the client's timeout."""
    says: str = ""
    """What the one "Error fetching" line must tell the user."""


def knobs(**values: Any) -> Action:
    async def apply(case: VendorCase, running: Running, simulator: RunningSimulator) -> None:
        for name, value in values.items():
            setattr(running.sim.state.faults, name, value)

    return apply


def call(what: Callable[[VendorCase, Running, RunningSimulator], Any]) -> Action:
    async def action(case: VendorCase, running: Running, simulator: RunningSimulator) -> None:
        result = what(case, running, simulator)
        if isinstance(result, Awaitable):
            await result

    return action


async def stall(case: VendorCase, running: Running, simulator: RunningSimulator) -> None:
    running.sim.state.faults.delay = DEFAULT_TIMEOUT + 5
    running.sim.state.faults.path = case.probe_path


async def trickle(case: VendorCase, running: Running, simulator: RunningSimulator) -> None:
    running.sim.state.faults.trickle = DEFAULT_TIMEOUT + 5
    running.sim.state.faults.path = case.probe_path


DATA_PATHS = {
    "allume": "/snapshots",
    "flowerhub": "/asset/",
    "enphase": "/status",
    "jspro": "/monitoring/",
}
"""A data endpoint of each vendor (its login, where it has one, still works)."""


async def refuse_data(case: VendorCase, running: Running, simulator: RunningSimulator) -> None:
    running.sim.state.faults.status = 403
    running.sim.state.faults.path = DATA_PATHS[case.key]


async def clear_faults(case: VendorCase, running: Running, simulator: RunningSimulator) -> None:
    running.sim.state.faults.clear()


async def renew(case: VendorCase, running: Running, simulator: RunningSimulator) -> None:
    running.sim.state.faults.clear()
    case.renew_session(running.sim)


SCENARIOS: dict[str, Scenario] = {
    "single_401": Scenario(knobs(unauthorized_after=0, times=1), clear_faults),
    "persistent_401": Scenario(knobs(unauthorized_after=0), clear_faults),
    "403": Scenario(knobs(status=403), clear_faults),
    "403_on_data_only": Scenario(refuse_data, clear_faults),
    "429_retry_after": Scenario(knobs(status=429), clear_faults),  # Retry-After set per vendor
    "500": Scenario(knobs(status=500), clear_faults),
    "timeout": Scenario(stall, clear_faults, stalled=True),
    "connection_refused": Scenario(call(lambda c, r, s: s.stop()), call(lambda c, r, s: s.start())),
    "malformed_json": Scenario(knobs(malformed=True), clear_faults),
    "html_200": Scenario(knobs(html=True), clear_faults),
    "empty_body": Scenario(knobs(empty=True), clear_faults),
    "nulls": Scenario(knobs(rewrite=nulls), clear_faults),
    "numbers_as_strings": Scenario(knobs(rewrite=strings), clear_faults),
    "missing_keys": Scenario(knobs(rewrite=missing), clear_faults),
    "session_expires": Scenario(call(lambda c, r, s: c.expire_session(r.sim)), renew),
    "non_finite_numbers": Scenario(knobs(rewrite=non_finite), clear_faults),
    "absurd_numbers": Scenario(knobs(rewrite=absurd), clear_faults),
    "10_mib_body": Scenario(knobs(huge=True), clear_faults),
    "deeply_nested_json": Scenario(knobs(deep=True), clear_faults),
    "trickle_past_timeout": Scenario(trickle, clear_faults, stalled=True),
    "charset_hex": Scenario(knobs(charset="hex"), clear_faults),
    "charset_rot13": Scenario(knobs(charset="rot13"), clear_faults),
}

OK, DOWN, REAUTH = Outcome.OK, Outcome.DOWN, Outcome.REAUTH
# Where vendors differ: Allume, FlowerHub and Enphase log in again by themselves; JSPro (a
# token set on the device) cannot: it asks once more, so a single 401 passes unnoticed, and a
# second refusal is a refusal. Enlighten's expired session answers its login page with HTTP
# 200.
# A number that is null or missing reads as unknown; Allume's energy rows without any number
# are no measurement, so such an answer is unusable (not a day of zeros); JSPro packs without a
# slave id cannot be told apart, so such a pack list is unusable (not "every pack is gone").
# A 403 on FlowerHub's data refuses that data only (its cookies work): no reauth; Allume logs
# in again on a 403, and it is that refused login that asks the user.
# Non-finite numbers read as unknown, like nulls (so Allume's rows and JSPro's packs are
# unusable again); an absurd number is shown as it came (JSPro cannot tell such packs apart),
# but never reaches an energy total (the accumulators' physical bounds, their own tests).
EXPECTED: dict[str, dict[str, Outcome]] = {
    "allume": {
        "single_401": OK,
        "session_expires": OK,
        "nulls": DOWN,
        "missing_keys": DOWN,
        "non_finite_numbers": DOWN,
    },
    "flowerhub": {"single_401": OK, "session_expires": OK, "403": DOWN},
    # Enphase renews its token from the session cookie and signs in again with the stored
    # password; a read still refused after that is refused data, not a refused account (only
    # a refused sign-in asks the user). Its login wall is the sign-in page; any other HTML is
    # an unusable answer.
    "enphase": {
        "single_401": OK,
        "session_expires": OK,
    },
    # JSPro (a static device token) has no login of its own: a read refused twice is the
    # credential check, so it asks for a new token.
    "jspro": {
        "single_401": OK,
        "session_expires": REAUTH,
        "nulls": DOWN,
        "missing_keys": DOWN,
        "non_finite_numbers": DOWN,
        "absurd_numbers": DOWN,
        "403_on_data_only": REAUTH,
    },
}
DEFAULTS: dict[str, Outcome] = {
    "nulls": OK,
    "missing_keys": OK,
    "non_finite_numbers": OK,
    "absurd_numbers": OK,
    "persistent_401": REAUTH,
    "403": REAUTH,
    "numbers_as_strings": OK,
}


def expected(vendor: str, scenario: str) -> Outcome:
    return EXPECTED[vendor].get(scenario, DEFAULTS.get(scenario, DOWN))


CASES = [
    pytest.param(vendor, scenario, id=f"{vendor}-{scenario}")
    for vendor in VENDORS
    for scenario in SCENARIOS
]


def messages(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if text in r.getMessage()]


def reauth_flows(hass: HomeAssistant, running: Running) -> list[Any]:
    return list(running.entry.async_get_active_flows(hass, {SOURCE_REAUTH}))


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


def available(hass: HomeAssistant, entity_id: str) -> bool:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state != STATE_UNAVAILABLE


def assert_log(caplog: pytest.LogCaptureFixture, outcome: Outcome, fault: Scenario) -> None:
    """One line each way when data broke, none otherwise; never a traceback at ERROR."""
    failures = messages(caplog, "Error fetching")
    recoveries = messages(caplog, "recovered")
    if outcome is DOWN:
        assert len(failures) == 1, failures
        assert fault.says in failures[0]
        assert len(recoveries) == 1, recoveries
    else:
        assert failures == []
        assert recoveries == []
    assert unhandled_errors(caplog) == []


async def assert_no_secrets(
    hass: HomeAssistant,
    caplog: pytest.LogCaptureFixture,
    case: VendorCase,
    running: Running,
) -> None:
    # Called directly: under frozen time Home Assistant's HTTP API refuses the test's access
    # token (issued at real time, "not yet valid"), and the answer is this function's result.
    diagnostics = json.dumps(
        await async_get_config_entry_diagnostics(hass, running.entry), default=str
    )
    secrets = case.all_secrets(running)
    assert secrets
    for secret in secrets:
        assert secret not in caplog.text, f"secret in the log: {secret[:6]}..."
        assert secret not in diagnostics, f"secret in the diagnostics: {secret[:6]}..."


@pytest.mark.parametrize(("vendor", "scenario"), CASES)
async def test_fault(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    *,
    vendor: str,
    scenario: str,
) -> None:
    """Each fault of the matrix, per polled vendor: the expected outcome, no crash, one log line
    each way, no secret logged.
    """
    caplog.set_level(logging.DEBUG)
    case, fault, outcome = VENDORS[vendor], SCENARIOS[scenario], expected(vendor, scenario)
    running = await setup(hass, simulator, freezer, vendor)
    assert available(hass, case.probe)
    sim = running.sim
    if scenario == "429_retry_after":
        sim.state.faults.retry_after = int(CYCLES * case.poll)
    before = len(sim.state.requests)
    value = state_of(hass, case.probe)

    await fault.apply(case, running, simulator)
    for _ in range(CYCLES):
        await poll(hass, freezer, case.poll, stalled=sim if fault.stalled else None)
        assert available(hass, case.probe) is (outcome is OK)
        if outcome is OK and scenario in ("nulls", "missing_keys", "non_finite_numbers"):
            assert state_of(hass, case.probe) == STATE_UNKNOWN  # not a made-up number
        if scenario == "numbers_as_strings":
            float(state_of(hass, case.probe))
            assert state_of(hass, case.probe) == value or not case.steady
    during = len(sim.state.requests) - before
    polls = 1 if scenario == "429_retry_after" else CYCLES  # Retry-After is honoured
    assert during <= polls * case.max_per_poll, f"{during} requests in {CYCLES} polls"
    if scenario == "single_401":
        assert sim.state.faults.times == 0  # the one 401 was answered
    if case.relogin and scenario in ("single_401", "session_expires"):
        # The client renewed its session by itself (and that is why nothing broke).
        assert any(case.login_path in r.path for r in sim.state.requests[before:])
    await fault.clear(case, running, simulator)

    if outcome is REAUTH:
        assert len(reauth_flows(hass, running)) == 1
        assert messages(caplog, "Authentication failed while fetching")
        # Nothing recovers by itself; the user's new credentials reload the entry (and replace
        # a stored session, with the pause a refused sign-in left in it).
        await poll(hass, freezer, case.poll)
        assert not available(hass, case.probe)
        data = {k: v for k, v in running.entry.data.items() if k != "session"}
        hass.config_entries.async_update_entry(running.entry, data=data)
        assert await hass.config_entries.async_reload(running.entry.entry_id)
        await hass.async_block_till_done()
        assert running.entry.state is ConfigEntryState.LOADED
    else:
        await poll(hass, freezer, case.poll)
        assert not reauth_flows(hass, running)
        assert not messages(caplog, "Authentication failed")
    assert available(hass, case.probe)
    await poll(hass, freezer, case.poll)
    assert available(hass, case.probe)

    assert_log(caplog, outcome, fault)
    await assert_no_secrets(hass, caplog, case, running)


async def test_jspro_huge_site(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A site grows to 32 packs of 16 cells: one answer each, every pack shown, no error."""
    caplog.set_level(logging.DEBUG)
    case = VENDORS["jspro"]
    running = await setup(hass, simulator, freezer, "jspro")
    sim = running.sim
    sim.configure(packs=32, cells=16)
    before = len(sim.state.requests)
    for _ in range(CYCLES):
        await poll(hass, freezer, case.poll)
        assert available(hass, case.probe)
    assert len(sim.state.requests) - before <= CYCLES * case.max_per_poll
    for port, slave_id in (("usb0", 16), ("usb1", 17), ("usb1", 32)):
        pack = f"sensor.bakti_tower_pack_{port}_{slave_id}"
        assert available(hass, f"{pack}_pack_voltage"), pack
        assert available(hass, f"{pack}_state_of_charge"), pack
    assert not messages(caplog, "Error fetching")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    await assert_no_secrets(hass, caplog, case, running)
