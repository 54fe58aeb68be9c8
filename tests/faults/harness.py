"""What the fault matrix needs to know about each vendor, and how to drive time and faults.

Per vendor: how its entry is made against the loopback simulator, one probe entity that must be
available, how long one poll cycle of the probe's coordinator is, how many requests one poll
may cost at most, whether its client logs in again by itself, and the secrets the simulator
issues (which must never reach the logs or the diagnostics).

Timeouts under frozen time: the event loop's clock is frozen too, so a request held by
`faults.delay` stays in flight until the test moves time past the client's timeout
(`http.DEFAULT_TIMEOUT`); `poll(..., stalled=sim)` does that, and the simulator's own sleep
ends on a later tick. Only the probe's coordinator is stalled (`probe_path`): a request of
another coordinator held meanwhile would keep `async_block_till_done` waiting for ever.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.energy_portals.const import DOMAIN
from custom_components.energy_portals.http import DEFAULT_TIMEOUT
from tests.conftest import RunningSimulator
from tests.simulator import allume, enphase, flowerhub, jspro
from tests.vendors.emporia.conftest import add_entry as add_emporia_entry

# A Wednesday afternoon in Sydney (Allume's energy follows the sun there).
START = "2026-02-25T03:37:20+00:00"


@dataclass
class Running:
    """One vendor's entry against the simulator, and the secrets issued so far."""

    entry: MockConfigEntry
    sim: Any
    issued: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class VendorCase:
    """How the matrix drives one vendor."""

    key: str
    probe: str
    """An entity fed by the coordinator that polls every `poll` seconds."""
    poll: float
    probe_path: str | None
    """Part of the path the probe's coordinator reads (to stall only that one)."""
    steady: bool
    """The probe's value does not change with time (numbers as strings must read the same)."""
    max_per_poll: int
    """Requests one poll may cost, re-login and retry included."""
    relogin: bool
    """The client logs in again (or refreshes its session) by itself."""
    secrets: tuple[str, ...]
    make: Callable[[HomeAssistant, RunningSimulator], Awaitable[Running]]
    expire_session: Callable[[Any], None]
    """Make the session or token stop working mid-session (the vendor's own way)."""
    renew_session: Callable[[Any], None] = lambda sim: None
    """Undo expire_session where only the user could (a new token on the device)."""
    login_path: str = "/auth/"
    """Part of the path of the requests that renew the session (when `relogin`)."""

    def all_secrets(self, running: Running) -> list[str]:
        return [*self.secrets, *running.issued]


def _entry(
    hass: HomeAssistant,
    title: str,
    unique_id: str,
    data: dict[str, Any],
    options: dict[str, Any] | None = None,
) -> MockConfigEntry:
    """An entry as the vendor's config flow makes it (the same title)."""
    entry = MockConfigEntry(
        domain=DOMAIN, title=title, unique_id=unique_id, data=data, options=options or {}
    )
    entry.add_to_hass(hass)
    return entry


async def _allume(hass: HomeAssistant, simulator: RunningSimulator) -> Running:
    await hass.config.async_set_time_zone("Australia/Sydney")
    sim: allume.AllumeSimulator = simulator["allume"]
    data = {
        "vendor": "allume",
        "email": allume.EMAIL,
        "password": allume.PASSWORD,
        "base_url": simulator.base_url("allume"),
    }
    # The hourly path alone: its requests per poll are counted exactly. The live readings'
    # failures are their own coordinator's (tests/vendors/allume/test_live.py).
    options = {"live_interval": 0}
    running = Running(
        _entry(hass, f"SolCentre {allume.STREET}", f"allume_{allume.USER_ID}", data, options),
        sim,
    )
    issue = sim.issue_token

    def recording_issue(lifetime: float = allume.TOKEN_LIFETIME) -> str:
        token = issue(lifetime)
        running.issued.append(token)
        return token

    sim.issue_token = recording_issue  # type: ignore[method-assign]  # records every token
    return running


async def _flowerhub(hass: HomeAssistant, simulator: RunningSimulator) -> Running:
    sim: flowerhub.FlowerHubSimulator = simulator["flowerhub"]
    data = {
        "vendor": "flowerhub",
        "username": flowerhub.USERNAME,
        "password": flowerhub.PASSWORD,
        "base_url": simulator.base_url("flowerhub"),
        "asset_owner_id": str(flowerhub.OWNER_ID),
    }
    running = Running(
        _entry(hass, "FlowerHub battery", f"flowerhub_{flowerhub.OWNER_ID}", data), sim
    )
    set_cookies = sim._set_cookies

    def recording_set_cookies(request: Any, response: Any, *, refresh: bool) -> None:
        set_cookies(request, response, refresh=refresh)
        running.issued += [sim.access_token, sim.refresh_token]

    sim._set_cookies = recording_set_cookies  # type: ignore[method-assign]  # records cookies
    return running


async def _enphase(hass: HomeAssistant, simulator: RunningSimulator) -> Running:
    sim: enphase.EnphaseSimulator = simulator["enphase"]
    data = {
        "vendor": "enphase",
        "email": enphase.EMAIL,
        "password": enphase.PASSWORD,
        "mfa": False,
        "base_url": simulator.base_url("enphase"),
        "site_id": enphase.SITE_ID,
    }
    running = Running(_entry(hass, "Home", f"enphase_{enphase.SITE_ID}", data), sim)
    signed_in, mint = sim._signed_in, sim._mint_token

    def record() -> None:
        running.issued += [*sim.tokens, *sim.sessions, *(f"sim-manager-{s}" for s in sim.sessions)]

    def recording_signed_in(email: str, body: dict[str, Any]) -> Any:
        response = signed_in(email, body)
        record()
        return response

    async def recording_mint(request: Any) -> Any:
        response = await mint(request)
        record()
        return response

    sim._signed_in = recording_signed_in  # type: ignore[method-assign]  # records secrets
    sim._mint_token = recording_mint  # type: ignore[method-assign]  # records secrets
    return running


async def _jspro(hass: HomeAssistant, simulator: RunningSimulator) -> Running:
    sim: jspro.JsproSimulator = simulator["jspro"]
    sim.drift = False
    data = {
        "vendor": "jspro",
        "url": simulator.base_url("jspro"),
        "api_token": jspro.TOKEN,
        "verify_ssl": True,
    }
    return Running(_entry(hass, jspro.SITE_NAME, f"jspro_{jspro.SERIAL}", data), sim)


def _enphase_session_expires(sim: enphase.EnphaseSimulator) -> None:
    # Enlighten answers its login page with HTTP 200 once the session has expired.
    sim.expire_tokens()
    sim.knobs.login_wall = True


def _jspro_token_rotated(sim: jspro.JsproSimulator) -> None:
    sim.token = "sim-jspro-rotated-token"


def _jspro_token_restored(sim: jspro.JsproSimulator) -> None:
    sim.token = jspro.TOKEN


VENDORS: dict[str, VendorCase] = {
    case.key: case
    for case in (
        VendorCase(
            key="allume",
            probe="sensor.unit_4_12_example_street_marrickville_nsw_2204_energy_demand_today",
            poll=3600,
            probe_path=None,
            steady=False,
            # Two properties and their building: the new hour, and now and then a late hour
            # asked once more, plus a re-login and the refused read asked once more.
            max_per_poll=8,
            relogin=True,
            secrets=(allume.EMAIL, allume.PASSWORD),
            make=_allume,
            expire_session=lambda sim: sim.revoke_tokens(),
        ),
        VendorCase(
            key="flowerhub",
            probe="sensor.flowerhub_battery_power_capacity",
            poll=60,
            probe_path="/asset/",
            steady=True,
            max_per_poll=5,
            relogin=True,
            secrets=(flowerhub.USERNAME, flowerhub.PASSWORD),
            make=_flowerhub,
            expire_session=lambda sim: sim.expire_refresh(),
        ),
        VendorCase(
            key="enphase",
            probe="sensor.garage_ev_charging_level",
            poll=15,
            probe_path=None,
            steady=True,
            # The refused status, a refused token renewal, the sign-in and its token, the
            # status again, and the summary, charge mode and green-battery reads when due.
            max_per_poll=8,
            relogin=True,
            login_path="/users/self/token",
            secrets=(enphase.EMAIL, enphase.PASSWORD),
            make=_enphase,
            expire_session=_enphase_session_expires,
        ),
        VendorCase(
            key="jspro",
            probe="sensor.bakti_tower_pack_usb0_1_pack_voltage",
            poll=10,
            probe_path="/monitoring/",
            steady=True,
            max_per_poll=4,  # three reads, one of them asked once more when refused
            relogin=False,
            secrets=(jspro.TOKEN,),
            make=_jspro,
            expire_session=_jspro_token_rotated,
            renew_session=_jspro_token_restored,
        ),
    )
}


async def setup(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory, vendor: str
) -> Running:
    """Freeze the clock (the simulator's too), then add and set up the vendor's entry."""
    freezer.move_to(START)
    simulator.clock.now = time.time  # frozen by freezer while the test runs
    running = await VENDORS[vendor].make(hass, simulator)
    assert await hass.config_entries.async_setup(running.entry.entry_id)
    await hass.async_block_till_done()
    return running


async def poll(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    seconds: float,
    *,
    stalled: Any = None,
) -> None:
    """Move time on by one poll cycle and let every refresh it starts finish.

    `stalled`: the vendor simulator that holds its answers (faults.delay); once its request
    has arrived, time moves past the client's timeout so the request fails.
    """
    freezer.tick(seconds)
    async_fire_time_changed(hass)
    if stalled is not None:
        seen = len(stalled.state.requests)
        for _ in range(200):
            if len(stalled.state.requests) > seen:
                break
            await asyncio.sleep(0)
        freezer.tick(DEFAULT_TIMEOUT + 1)
        async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


# Body rewrites for the data scenarios (applied to every JSON answer while set).


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def nulls(body: Any) -> Any:
    """Every number becomes null."""
    if isinstance(body, dict):
        return {key: nulls(value) for key, value in body.items()}
    if isinstance(body, list):
        return [nulls(value) for value in body]
    return None if _is_number(body) else body


def strings(body: Any) -> Any:
    """Every number becomes its text."""
    if isinstance(body, dict):
        return {key: strings(value) for key, value in body.items()}
    if isinstance(body, list):
        return [strings(value) for value in body]
    return str(body) if _is_number(body) else body


def missing(body: Any) -> Any:
    """Every key that holds a number is left out."""
    if isinstance(body, dict):
        return {key: missing(value) for key, value in body.items() if not _is_number(value)}
    if isinstance(body, list):
        return [missing(value) for value in body]
    return body


def _numbers(body: Any, value: Callable[[float], Any]) -> Any:
    if isinstance(body, dict):
        return {key: _numbers(item, value) for key, item in body.items()}
    if isinstance(body, list):
        return [_numbers(item, value) for item in body]
    return value(body) if _is_number(body) else body


def non_finite(body: Any) -> Any:
    """Every number becomes NaN (JSON's non-standard NaN, which Python's parser takes)."""
    return _numbers(body, lambda number: math.nan)


def absurd(body: Any) -> Any:
    """Every number becomes 1e300: far beyond anything a home can measure."""
    return _numbers(body, lambda number: 1e300)


async def make_entry(
    hass: HomeAssistant, simulator: RunningSimulator, vendor: str, *, title: str | None = None
) -> MockConfigEntry:
    """Any vendor's entry against the simulator (Emporia too), with the flow's title or
    `title`; added, not set up."""
    if vendor == "emporia":
        url = simulator.base_url("emporia")
        return add_emporia_entry(hass, url, title=title or "Emporia proxy")
    entry = (await VENDORS[vendor].make(hass, simulator)).entry
    if title is not None:
        hass.config_entries.async_update_entry(entry, title=title)
    return entry
