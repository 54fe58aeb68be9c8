"""The benchmark of hostile peers (scripts/bench): what each attack of tests/hostile/ costs Home
Assistant while it is refused or bounded, on real time.

For each attack: the largest event-loop block (the most a 5 ms ticker was late while the attack
was handled), the peak of memory allocated meanwhile (tracemalloc) and the lines logged at
WARNING or above. The rows go into docs/benchmarks.md with the other measures.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import tracemalloc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from homeassistant.core import HomeAssistant

from tests.bench.bench_portals import record
from tests.conftest import RunningSimulator, _serve
from tests.helpers import settle
from tests.hostile.frames import chain, device, frame
from tests.simulator import all_simulators
from tests.simulator.clock import Clock
from tests.simulator.emporia import EmporiaSimulator
from tests.vendors.emporia.conftest import add_entry

BLOCK_TARGET_MS = 250.0
"""The most an attack may hold the event loop (Home Assistant's own slow-step warning is
at 100 ms for a single callback; an attack is refused or bounded well within this)."""
MEMORY_TARGET_MIB = 64.0


@dataclass
class Cost:
    block_ms: float = 0.0
    peak_mib: float = 0.0
    log_lines: int = 0


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.name != "asyncio":
            self.lines += 1


@asynccontextmanager
async def measured(*, memory: bool) -> AsyncIterator[Cost]:
    """Measure the loop's largest block and the log lines of the block; with `memory`, its
    memory peak instead of the block (tracing allocations slows every step down)."""
    cost = Cost()
    stop = asyncio.Event()

    async def ticker() -> None:
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            late = (time.perf_counter() - before - 0.005) * 1000
            cost.block_ms = max(cost.block_ms, late)

    counter = _Counter()
    logging.getLogger().addHandler(counter)
    if memory:
        tracemalloc.start()
    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    try:
        yield cost
    finally:
        await asyncio.sleep(0.02)
        stop.set()
        await task
        logging.getLogger().removeHandler(counter)
        cost.log_lines = counter.lines
        if memory:
            cost.peak_mib = tracemalloc.get_traced_memory()[1] / 1024 / 1024
            tracemalloc.stop()


ATTACKS: dict[str, Callable[[], str]] = {
    "one socket frame naming 2 000 unknown devices": lambda: frame(
        [device(100_000 + n) for n in range(2000)]
    ),
    "a frame linking devices in a cycle": lambda: frame(
        [device(1, nested=[device(2)]), device(2, nested=[device(1)])]
    ),
    "a frame nesting devices 1 200 deep": lambda: frame(chain(1200)),
    "an error text of 1 000 000 characters with a forged log line": lambda: json.dumps(
        {"type": "error", "message": "token\r\n2026 ERROR forged" + "y" * 1_000_000}
    ),
}


async def _connected(hass: HomeAssistant, runtime: Any) -> Any:
    await settle(hass, lambda: runtime.push.authenticated)
    return runtime


async def _attack(
    hass: HomeAssistant, sim: EmporiaSimulator, runtime: Any, text: str, *, memory: bool
) -> Cost:
    async with measured(memory=memory) as cost:
        frames, samples = runtime.push.stream.refused_frames, runtime.live.state.samples
        sessions = runtime.push.sessions
        await sim.send_raw(text)
        await settle(
            hass,
            lambda: (
                runtime.push.stream.refused_frames > frames
                or runtime.live.state.samples > samples
                or runtime.push.sessions > sessions
                or not runtime.push.authenticated
            ),
        )
        await hass.async_block_till_done()
    return cost


async def test_hostile_peer_costs(hass: HomeAssistant, socket_enabled: None) -> None:
    """Each attack of a hostile Emporia proxy, against a running entry."""
    vendors = all_simulators(Clock())
    runner = await _serve(vendors, 0)
    url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    simulator = RunningSimulator(url, vendors, Clock(), runner)
    sim: EmporiaSimulator = simulator["emporia"]
    worst = 0.0
    try:
        for name, build in ATTACKS.items():
            costs = []
            for memory in (False, True):
                entry = add_entry(hass, simulator.base_url("emporia"), title="Emporia proxy")
                assert await hass.config_entries.async_setup(entry.entry_id)
                runtime = await _connected(hass, entry.runtime_data)
                costs.append(await _attack(hass, sim, runtime, build(), memory=memory))
                await hass.config_entries.async_unload(entry.entry_id)
                await hass.config_entries.async_remove(entry.entry_id)
                await hass.async_block_till_done()
            cost = Cost(costs[0].block_ms, costs[1].peak_mib, costs[0].log_lines)
            worst = max(worst, cost.block_ms)
            record(
                "Hostile peer",
                name,
                f"event loop blocked {cost.block_ms:.0f} ms at most, memory peak "
                f"{cost.peak_mib:.1f} MiB, {cost.log_lines} log lines",
                f"<= {BLOCK_TARGET_MS:.0f} ms, <= {MEMORY_TARGET_MIB:.0f} MiB",
                cost.block_ms <= BLOCK_TARGET_MS and cost.peak_mib <= MEMORY_TARGET_MIB,
            )
    finally:
        await simulator.stop()
    record(
        "Hostile peer",
        "largest event-loop block any attack caused",
        f"{worst:.0f} ms",
        f"<= {BLOCK_TARGET_MS:.0f} ms",
        worst <= BLOCK_TARGET_MS,
    )
