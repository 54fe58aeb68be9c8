"""Filling gaps from the proxy's history, against the simulated proxy over loopback."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import aiohttp
import pytest

from custom_components.energy_portals.vendors.emporia.api import EmporiaClient
from custom_components.energy_portals.vendors.emporia.backfill import (
    MAX_ATTEMPTS,
    RETRY_WAIT,
    SETTLE,
    Backfill,
    history_channels,
)
from custom_components.energy_portals.vendors.emporia.live import CONSUMED, Gap, LiveState
from tests.conftest import RunningSimulator
from tests.simulator.emporia import EMAIL, MONITOR_GID, PASSWORD, EmporiaSimulator


@pytest.fixture
async def client(simulator: RunningSimulator) -> AsyncIterator[EmporiaClient]:
    async with aiohttp.ClientSession() as session:
        yield EmporiaClient(
            session, url=simulator.base_url("emporia"), email=EMAIL, password=PASSWORD
        )


def test_history_channels() -> None:
    """The mains is asked as its three circuits; the Balance cannot be asked."""
    assert history_channels("1,2,3") == ["1", "2", "3"]
    assert history_channels("4") == ["4"]
    assert history_channels("Balance") is None


async def test_a_gap_is_filled_with_what_flowed(
    simulator: RunningSimulator, client: EmporiaClient
) -> None:
    """Almost two days of the mains, asked a day at a time: the truth, once."""
    emporia: EmporiaSimulator = simulator["emporia"]
    now = emporia.clock.now()
    state = LiveState(max_gap=30)
    gap = Gap((MONITOR_GID, "1,2,3"), now - 2 * 86400 - 30, now - 600, CONSUMED)
    state.note_gap(gap)
    backfill = Backfill(client, state, lambda: now)
    assert await backfill.async_fill_due()
    consumed = state.channels[gap.key].consumed
    assert consumed == pytest.approx(emporia.energy("1,2,3", gap.start, gap.end), rel=1e-4)
    assert len(emporia.state.calls("GET", "/history")) == 2  # a day per request
    assert not await backfill.async_fill_due()  # nothing left to fill


async def test_the_balance_and_unsettled_gaps(
    simulator: RunningSimulator, client: EmporiaClient
) -> None:
    """The Balance is dropped as unfillable; a gap that just ended waits for its minutes."""
    emporia: EmporiaSimulator = simulator["emporia"]
    now = emporia.clock.now()
    state = LiveState(max_gap=30)
    state.note_gap(Gap((MONITOR_GID, "Balance"), now - 900, now - 600, CONSUMED))
    fresh = Gap((MONITOR_GID, "1"), now - 300, now - SETTLE / 2, CONSUMED)
    state.note_gap(fresh)
    backfill = Backfill(client, state, lambda: now)
    assert not await backfill.async_fill_due()
    assert backfill.unfillable == 1
    assert state.gaps == [fresh]
    assert emporia.state.calls("GET", "/history") == []


async def test_a_failing_history_is_tried_again_then_given_up(
    simulator: RunningSimulator, client: EmporiaClient, caplog: pytest.LogCaptureFixture
) -> None:
    """A refused history read waits and tries again; after an hour of failures it gives up."""
    emporia: EmporiaSimulator = simulator["emporia"]
    emporia.scenario.history_served = False
    now = [emporia.clock.now()]
    state = LiveState(max_gap=30)
    gap = Gap((MONITOR_GID, "1"), now[0] - 900, now[0] - 600, CONSUMED)
    state.note_gap(gap)
    backfill = Backfill(client, state, lambda: now[0])
    assert not await backfill.async_fill_due()
    assert backfill.due() == []  # waiting
    for _ in range(MAX_ATTEMPTS - 1):
        now[0] += RETRY_WAIT
        with caplog.at_level(logging.WARNING):
            await backfill.async_fill_due()
    assert state.gaps == []
    assert backfill.unfillable == 1
    assert len(emporia.state.calls("GET", "/history")) == MAX_ATTEMPTS
    assert sum("did not fill a gap" in r.message for r in caplog.records) == 1
