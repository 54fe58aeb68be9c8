"""Small helpers the tests share."""

from __future__ import annotations

import logging

import pytest
from aioresponses import aioresponses
from aioresponses.core import RequestCall
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, State
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from yarl import URL


async def advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Move frozen time on and let every refresh it starts finish."""
    freezer.tick(seconds)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def unhandled_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Records at ERROR that carry a traceback or Home Assistant's "Unexpected error"."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.ERROR and (r.exc_info or "Unexpected error" in r.getMessage())
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
