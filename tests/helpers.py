"""Small helpers the tests share."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import web
from aioresponses import aioresponses
from aioresponses.core import RequestCall
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, State, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import restore_state
from homeassistant.helpers.restore_state import StoredState
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from yarl import URL

from custom_components.energy_portals.const import DOMAIN
from tests.conftest import RunningSimulator


async def advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Move frozen time on and let every refresh it starts finish."""
    freezer.tick(seconds)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def tick_to(hass: HomeAssistant, freezer: FrozenDateTimeFactory, when: str) -> None:
    """Move frozen time to `when` (ISO 8601) and let every refresh it starts finish."""
    freezer.move_to(when)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def unhandled_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Records at ERROR that carry a traceback or Home Assistant's "Unexpected error"."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.ERROR and (r.exc_info or "Unexpected error" in r.getMessage())
    ]


def reauth_steps(hass: HomeAssistant) -> list[str]:
    """The step each reauth flow of ours in progress shows."""
    return [
        flow["step_id"]
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_REAUTH
    ]


def known_state(hass: HomeAssistant, entity_id: str) -> State:
    """The entity's state, which the test expects to exist."""
    current = hass.states.get(entity_id)
    assert current is not None, f"{entity_id} has no state"
    return current


def sent(mock: aioresponses) -> dict[tuple[str, URL], list[RequestCall]]:
    """The requests the mocked session saw, by method and URL."""
    assert mock.requests is not None
    return mock.requests


async def add_vendor_entry(hass: HomeAssistant, simulator: RunningSimulator, vendor: str) -> str:
    """Add the vendor's simulated account through the config flow; returns the entry id."""
    inputs = simulator[vendor].flow_inputs(simulator.base_url(vendor))
    result: Any = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    for step in inputs:
        if result["type"] is FlowResultType.MENU:
            result = await hass.config_entries.flow.async_configure(
                result["flow_id"], {"next_step_id": step["next_step_id"]}
            )
            continue
        if result["type"] is FlowResultType.CREATE_ENTRY:
            break
        result = await hass.config_entries.flow.async_configure(result["flow_id"], step)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    entry_id: str = result["result"].entry_id
    if vendor == "emporia":  # channels come with the first samples
        runtime = hass.config_entries.async_get_known_entry(entry_id).runtime_data
        await settle(hass, lambda: runtime.live.state.samples > 0)
        await hass.async_block_till_done()
    return entry_id


async def settle(hass: HomeAssistant, until: Callable[[], bool], rounds: int = 2000) -> None:
    """Let loopback I/O flow (it needs loop turns, not time) until `until()` holds."""
    for _ in range(rounds):
        await hass.async_block_till_done()
        if until():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition not reached")


def add_mock_entry(
    hass: HomeAssistant,
    *,
    title: str,
    unique_id: str,
    data: dict[str, Any],
    options: dict[str, Any] | None = None,
) -> MockConfigEntry:
    """An entry of ours as an earlier flow stored it, added to Home Assistant (not set up)."""
    entry = MockConfigEntry(
        domain=DOMAIN, title=title, unique_id=unique_id, data=data, options=options or {}
    )
    entry.add_to_hass(hass)
    return entry


async def init_integration(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    """Set the entry up and let what its setup started finish."""
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def watch_numbers(hass: HomeAssistant, *entity_ids: str) -> dict[str, list[State]]:
    """The states with a number that each entity writes from now on (unknown and unavailable
    left out), as the recorder sees them."""
    written: dict[str, list[State]] = {entity_id: [] for entity_id in entity_ids}

    @callback
    def note(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if new is not None and new.entity_id in written and new.state[:1].isdigit():
            written[new.entity_id].append(new)

    hass.bus.async_listen(EVENT_STATE_CHANGED, note)
    return written


def numbers(states: list[State]) -> list[float]:
    """The values of states that hold numbers."""
    return [float(state.state) for state in states]


def _restore_places(
    hass: HomeAssistant, entity_id: str
) -> list[tuple[dict[str, StoredState], str]]:
    """Where Home Assistant keeps an entity's restore data: by entity id, and since 2026.11
    by its registry entry's id once the entry exists (the entity id alone finds nothing)."""
    data = restore_state.async_get(hass)
    places = [(data.last_states, entity_id)]
    by_registry_id: dict[str, StoredState] | None = getattr(
        data, "last_states_by_entity_registry_id", None
    )
    registry_entry = er.async_get(hass).async_get(entity_id)
    if by_registry_id is not None and registry_entry is not None:
        places.append((by_registry_id, registry_entry.id))
    return places


def stored_restore_data(hass: HomeAssistant, entity_id: str) -> StoredState | None:
    """What the entity would restore, on every Home Assistant release we test."""
    for stored, key in _restore_places(hass, entity_id):
        if key in stored:
            return stored[key]
    return None


def replace_restore_data(hass: HomeAssistant, entity_id: str, replacement: StoredState) -> None:
    """Make the entity restore `replacement` instead of what it stored."""
    for stored, key in _restore_places(hass, entity_id):
        if key in stored:
            stored[key] = replacement


def forget_restore_data(hass: HomeAssistant, entity_id: str | None = None) -> StoredState | None:
    """Lose one entity's restore data (None: the whole store, as if its file were gone); what
    the entity had stored."""
    if entity_id is None:
        data = restore_state.async_get(hass)
        data.last_states.clear()
        getattr(data, "last_states_by_entity_registry_id", {}).clear()
        return None
    forgotten = stored_restore_data(hass, entity_id)
    for stored, key in _restore_places(hass, entity_id):
        stored.pop(key, None)
    return forgotten


@asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[str]:
    """An aiohttp app on a loopback port for as long as the context lasts; its base URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()
