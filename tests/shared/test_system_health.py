"""The bundle on Home Assistant's system health page: for each entry of every vendor, when
it last worked, until when it waits on its vendor, and whether its address answers; never
an account's name, address or secret."""

from __future__ import annotations

import re
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import get_system_health_info

from custom_components.energy_portals.const import DOMAIN
from tests.conftest import RunningSimulator
from tests.helpers import add_vendor_entry, advance
from tests.simulator import enphase

VENDORS = ("allume", "flowerhub", "enphase", "emporia", "jspro")


async def _info(hass: HomeAssistant) -> dict[str, Any]:
    info = await get_system_health_info(hass, DOMAIN)
    for key, value in info.items():
        if hasattr(value, "__await__"):
            info[key] = await value
    return info


async def test_every_entry_shows_its_last_success_and_reachability(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """Five vendors loaded: each has a last success, nothing waits, all answer. The labels
    are the vendor and a number, never a title, e-mail or address."""
    assert await async_setup_component(hass, "system_health", {})
    for vendor in VENDORS:
        await add_vendor_entry(hass, simulator, vendor)
    info = await _info(hass)
    assert info["entries_loaded"] == "5/5"
    assert info["backoff_until"] == "none"
    assert info["reachable"] == "ok"
    now = dt_util.utcnow().isoformat(timespec="seconds")
    assert info["last_success"] == "; ".join(f"{vendor} 1: {now}" for vendor in VENDORS)
    text = str(info)
    assert "127.0.0.1" not in text
    assert enphase.EMAIL not in text
    assert not re.search(r"@|password|token", text)


async def test_a_rate_limit_shows_until_when_and_a_peer_gone_is_unreachable(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """Enphase rate limited (429, Retry-After 600): its wait shows; the last success stays
    the last one. With the simulator stopped, its entries are unreachable."""
    assert await async_setup_component(hass, "system_health", {})
    await add_vendor_entry(hass, simulator, "enphase")
    loaded_at = dt_util.utcnow().isoformat(timespec="seconds")
    sim: enphase.EnphaseSimulator = simulator["enphase"]
    sim.state.faults.path = "/ev_chargers/status"
    sim.state.faults.status = 429
    sim.state.faults.retry_after = 600
    await advance(hass, freezer, 61)
    info = await _info(hass)
    until = (dt_util.utcnow().replace(microsecond=0)).timestamp() + 600
    assert info["backoff_until"].startswith("enphase 1: ")
    waits = dt_util.parse_datetime(info["backoff_until"].removeprefix("enphase 1: "))
    assert waits is not None
    assert abs(waits.timestamp() - until) <= 1
    assert info["last_success"] == f"enphase 1: {loaded_at}"

    await simulator.stop()
    info = await _info(hass)
    assert info["reachable"] == {"type": "failed", "error": "unreachable: enphase 1"}


async def test_no_entry_no_information(hass: HomeAssistant) -> None:
    """Without an entry the bundle shows nothing."""
    assert await async_setup_component(hass, "system_health", {})
    assert await async_setup_component(hass, DOMAIN, {})
    assert await _info(hass) == {}
