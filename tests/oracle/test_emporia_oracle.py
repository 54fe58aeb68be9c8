"""Emporia energy under generated scenarios: the past days import and the live totals, with
the recorder compiling at its own moments, against the simulator's truth.

Each seed draws Home Assistant's zone and the device's (half- and quarter-hour zones among
them), the setup instant to the second (near hours, compiles, midnights, month ends, daylight
saving changes), the options, the recorder's compile delay, how late the history settles, and
a timeline: reloads, restarts with downtime (some losing the restore store, or finding it
corrupt), socket outages, refused and slow history answers, the user clearing the statistic,
and disabling and re-enabling the sensor (some after its restore data expired). Then, on what
users chart: no sum goes down; each imported hour is the truth; the whole run's energy is the
truth (nothing lost, nothing twice); an undisturbed hour is the truth; history reads stay
within their budget.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event as HassEvent
from homeassistant.core import EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.recorder import get_instance
from homeassistant.helpers.restore_state import RestoredExtraData, StoredState
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
    do_adhoc_statistics,
)

from custom_components.energy_portals.vendors.emporia.past_days import MAX_ATTEMPTS
from tests.helpers import (
    forget_restore_data,
    replace_restore_data,
    settle,
    stored_restore_data,
)
from tests.simulator.emporia import EmporiaSimulator
from tests.vendors.emporia.conftest import add_entry

from .draw import SLACK, ZONES, Event, events, instant, replay_on_failure, seeds, variants
from .regressions import EMPORIA, EMPORIA_SEEDS
from .statistics import changes, rows, steps_down

KITCHEN = "sensor.home_kitchen_energy"
KEY = (100123, "1")
HOUR = 3600.0
FIVE_MINUTES = 300.0
KINDS = ("reload", "restart", "outage", "refused", "slow", "late", "clear", "disable")
VARIANTS = {"restart": ("forget", "corrupt"), "disable": ("expire",)}
"""A restart whose restore store is lost ("forget") or holds garbage for the kitchen
("corrupt"); the sensor re-enabled after Home Assistant dropped its restore data, as it does
7 days on ("expire", without the days passing)."""
DISRUPTIVE = {"reload", "restart", "outage", "clear", "disable", *VARIANTS["restart"], "expire"}


@dataclass(slots=True)
class Scenario:
    """One drawn run."""

    seed: int
    ha_zone: str
    device_zone: str
    start: datetime
    history_days: int
    interval: int
    compile_delay: float
    history_delay: float
    step: float
    timeline: list[Event] = field(default_factory=list)
    span: float = 2 * HOUR
    history_answer_delay: float = 0.0
    """Seconds each history answer takes (within the client's timeout)."""

    def __str__(self) -> str:
        events_text = ", ".join(f"{e.kind}@{e.at:.0f}s/{e.seconds:.0f}s" for e in self.timeline)
        return (
            f"scenario {self.seed}: HA {self.ha_zone}, device {self.device_zone}, setup "
            f"{self.start.isoformat()}, {self.history_days} days, interval {self.interval} s, "
            f"compile +{self.compile_delay:.0f} s, history settles {self.history_delay:.0f} s, "
            f"step {self.step:.0f} s, history answers +{self.history_answer_delay:.0f} s; "
            f"events: {events_text or 'none'}"
        )


def named(name: str) -> Scenario:
    """A regression scenario: the defaults of an ordinary run, then what it names."""
    given = dict(EMPORIA[name])
    start = datetime.fromisoformat(given.pop("start"))
    defaults: dict[str, Any] = {
        "seed": 0,
        "ha_zone": "Europe/Amsterdam",
        "device_zone": "Europe/Amsterdam",
        "start": start,
        "history_days": 2,
        "interval": 60,
        "compile_delay": 10.0,
        "history_delay": 60.0,
        "step": 60.0,
    }
    return Scenario(**(defaults | given))


def draw(seed: int) -> Scenario:
    rng = random.Random(seed)
    device_zone = rng.choice(ZONES)
    ha_zone = device_zone if rng.random() < 0.5 else rng.choice(ZONES)
    scenario = Scenario(
        seed=seed,
        ha_zone=ha_zone,
        device_zone=device_zone,
        start=instant(rng, device_zone),
        history_days=rng.choice((1, 2)),
        interval=rng.choice((10, 60)),
        compile_delay=rng.choice((0.5, 10.0, 10.0, 25.0, 60.0)),
        history_delay=rng.choice((60.0, 60.0, 120.0, 240.0)),
        step=0.0,
    )
    # Samples come once a step, within the live data's allowed silence (outages go beyond).
    steps = (10.0, 20.0, 25.0) if scenario.interval == 10 else (20.0, 60.0, 90.0)
    scenario.step = rng.choice(steps)
    scenario.timeline = variants(seed, events(rng, KINDS, scenario.span * 0.6, 3), VARIANTS)
    return scenario


class Run:
    """Drives one scenario: frozen time, the recorder's compiles, the events."""

    def __init__(
        self,
        hass: HomeAssistant,
        freezer: FrozenDateTimeFactory,
        emporia: EmporiaSimulator,
        url: str,
        scenario: Scenario,
    ) -> None:
        self.hass = hass
        self.freezer = freezer
        self.emporia = emporia
        self.url = url
        self.scenario = scenario
        self.compiled_until = 0.0
        self.counted: list[tuple[float, float, float]] = []
        """Each KITCHEN state: when written, its value, and the wall time it counted up to."""
        self.cleared = False
        self.disturbed: list[tuple[float, float]] = []
        self.forgotten: list[tuple[float, float]] = []
        """Gaps still open when the kitchen's restore data was lost: nothing tells of them."""
        self.entry: Any = None
        self.live_from = 0.0

    def now(self) -> float:
        return time.time()

    async def start(self) -> None:
        hass, scenario = self.hass, self.scenario
        await hass.config.async_set_time_zone(scenario.ha_zone)
        self.emporia.scenario.time_zone = scenario.device_zone
        self.emporia.scenario.history_delay = scenario.history_delay
        self.emporia.scenario.history_answer_delay = scenario.history_answer_delay
        self.freezer.move_to(scenario.start)
        self.emporia.clock.now = time.time
        self.compiled_until = (scenario.start.timestamp() // FIVE_MINUTES) * FIVE_MINUTES

        @callback
        def on_state(event: HassEvent[EventStateChangedData]) -> None:
            # Real time passes between two writes (the recorder must tell their order).
            self.freezer.tick(0.001)
            new = event.data["new_state"]
            if event.data["entity_id"] != KITCHEN or new is None:
                return
            try:
                value = float(new.state)
            except ValueError:
                return
            channel = self.entry.runtime_data.live.state.channels.get(KEY)
            wall = channel.wall_at if channel and channel.wall_at else self.now()
            self.counted.append((self.now(), value, wall))

        hass.bus.async_listen(EVENT_STATE_CHANGED, on_state)
        self.entry = add_entry(
            hass,
            self.url,
            options={
                "history_days": scenario.history_days,
                "state_update_interval": scenario.interval,
            },
        )
        assert await hass.config_entries.async_setup(self.entry.entry_id)
        await settle(hass, lambda: self.emporia.samples_sent >= 1)
        await settle(hass, lambda: self.entry.runtime_data.live.state.samples >= 1)
        first = self.entry.runtime_data.live.state.channels[KEY].first_wall_at
        assert first is not None
        self.live_from = first

    async def advance(self, seconds: float) -> None:
        """Move time on a step at a time, compiling each period when the recorder would."""
        end = self.now() + seconds
        while self.now() < end - SLACK:
            self.freezer.tick(min(self.scenario.step, end - self.now()))
            async_fire_time_changed(self.hass)
            for _ in range(30):
                await self.hass.async_block_till_done()
                await asyncio.sleep(0)
            await self.compile_due()

    async def compile_due(self) -> None:
        while self.compiled_until + FIVE_MINUTES + self.scenario.compile_delay <= self.now():
            await async_wait_recording_done(self.hass)
            period = datetime.fromtimestamp(self.compiled_until, UTC)
            do_adhoc_statistics(self.hass, start=period)
            await async_wait_recording_done(self.hass)
            self.compiled_until += FIVE_MINUTES

    async def apply(self, event: Event) -> None:
        hass, emporia = self.hass, self.emporia
        begin = self.now()
        seconds = event.seconds
        if event.kind == "reload":
            assert await hass.config_entries.async_reload(self.entry.entry_id)
            seconds = 0
        elif event.kind in {"restart", "forget", "corrupt"}:
            seconds = min(seconds, 900)
            await self.restart(event.kind, seconds)
        elif event.kind == "outage":
            seconds = min(seconds, 900)
            emporia.state.faults.drop_websocket = True
            for ws in list(emporia.open_sockets):
                await ws.close()
            await self.advance(seconds)
            emporia.state.faults.drop_websocket = False
        elif event.kind == "refused":
            emporia.scenario.history_served = False
            await self.advance(min(seconds, 1200))
            emporia.scenario.history_served = True
        elif event.kind == "slow":
            emporia.state.faults.delay = min(seconds / 60, 25.0)
            await self.advance(600)
            emporia.state.faults.delay = 0.0
        elif event.kind == "late":
            emporia.scenario.history_delay = min(seconds, 600)
            await self.advance(900)
            emporia.scenario.history_delay = self.scenario.history_delay
        elif event.kind in {"disable", "expire"}:
            # The owner disables the sensor, and enables it again later (Home Assistant
            # reloads the entry 30 s after each).
            seconds = min(seconds, 900)
            registry = er.async_get(hass)
            registry.async_update_entity(KITCHEN, disabled_by=er.RegistryEntryDisabler.USER)
            await self.advance(seconds)
            gone = hass.states.get(KITCHEN)
            assert gone is None or gone.state == "unavailable", "the sensor was not disabled"
            if event.kind == "expire":
                self.forget_gaps(forget_restore_data(hass, KITCHEN))
            registry.async_update_entity(KITCHEN, disabled_by=None)
            await self.advance(60)
            back = hass.states.get(KITCHEN)
            assert back is not None, "the sensor did not come back"
            assert back.state != "unavailable", "the sensor did not come back"
        elif event.kind == "clear":
            get_instance(hass).async_clear_statistics([KITCHEN])
            await async_wait_recording_done(hass)
            self.cleared = True
        if event.kind in DISRUPTIVE:
            self.disturbed.append((begin, self.now() + seconds))

    async def restart(self, kind: str, seconds: float) -> None:
        """Home Assistant stopped for `seconds`; its restore store lost ("forget"), or the
        kitchen's stored data garbage ("corrupt")."""
        assert await self.hass.config_entries.async_unload(self.entry.entry_id)
        old = stored_restore_data(self.hass, KITCHEN)
        if kind in {"forget", "corrupt"}:
            self.forget_gaps(old)
        if kind == "forget":
            forget_restore_data(self.hass)
        elif kind == "corrupt" and old is not None:
            garbage = {"native_value": "?", "counted_until": [], "open_gaps": "x"}
            replace_restore_data(
                self.hass,
                KITCHEN,
                StoredState(old.state, RestoredExtraData(garbage), old.last_seen),
            )
        await self.advance(seconds)
        assert await self.hass.config_entries.async_setup(self.entry.entry_id)

    def forget_gaps(self, stored: StoredState | None) -> None:
        if stored is not None and stored.extra_data is not None:
            gaps = stored.extra_data.as_dict().get("open_gaps") or []
            self.forgotten.extend((start, end) for start, end in gaps)

    async def run(self) -> None:
        await self.start()
        origin = self.now()
        for event in self.scenario.timeline:
            if origin + event.at > self.now():
                await self.advance(origin + event.at - self.now())
            await self.apply(event)
        # Long enough after the last event for every gap to be filled and every import to
        # be written (its retries included).
        rest = origin + self.scenario.span - self.now()
        await self.advance(max(rest, MAX_ATTEMPTS * 60 + 600))


async def check(run: Run) -> None:
    """The invariants, on the recorder's rows of the kitchen circuit."""
    hass, emporia, scenario = run.hass, run.emporia, run.scenario
    hourly = await rows(hass, KITCHEN, "hour")
    short = await rows(hass, KITCHEN, "5minute")
    assert not steps_down(hourly), f"hourly sum goes down: {steps_down(hourly)}"
    assert not steps_down(short), f"5-minute sum goes down: {steps_down(short)}"
    if run.cleared:
        return
    hour = run.live_from // HOUR * HOUR
    first = hour - scenario.history_days * 86400
    change = changes(hourly)
    past = {start: value for start, value in change.items() if start < hour}
    # Every past hour imported, once, each the truth (a zone whose local hours straddle UTC
    # hours has each of them split evenly: its two halves within 2 % of their truth).
    assert sorted(past) == [first + n * HOUR for n in range(scenario.history_days * 24)]
    for start, value in past.items():
        truth = emporia.energy("1", start, start + HOUR)
        assert value == pytest.approx(truth, rel=0.02, abs=1e-6), (
            f"past hour {datetime.fromtimestamp(start, UTC)}"
        )
    # The whole run: the last compiled sum is the truth from the first past hour to what the
    # last compiled state counted (nothing lost, nothing twice).
    open_gaps = [gap for gap in run.entry.runtime_data.live.state.gaps if gap.key == KEY]
    assert not open_gaps, f"gaps left unfilled: {open_gaps}"
    last = short[-1]
    written = [c for c in run.counted if c[0] < last.start + FIVE_MINUTES and c[1] == last.state]
    assert written, "the last compiled state was never written"
    truth = emporia.energy("1", first, written[-1][2])
    lost = sum(emporia.energy("1", start, end) for start, end in run.forgotten)
    tolerance = truth * 0.001 + 0.002
    assert truth - lost - tolerance <= last.sum <= truth + tolerance, (
        f"energy lost or counted twice: {last.sum} against {truth} (gaps forgotten with a "
        f"lost store: {lost})"
    )
    # Undisturbed hours from the setup hour on: each the truth between the states that
    # close it.
    for start, value in change.items():
        if start < hour or start + HOUR > last.start:
            continue
        if any(a - HOUR < start + HOUR and b + 3 * HOUR > start for a, b in run.disturbed):
            continue
        before = [c for c in run.counted if c[0] < start]
        closing = [c for c in run.counted if c[0] < start + HOUR]
        lo = before[-1][2] if start > hour and before else start
        truth = emporia.energy("1", lo, closing[-1][2])
        assert value == pytest.approx(truth, abs=0.002), (
            f"hour {datetime.fromtimestamp(start, UTC)}"
        )
    # Reads: per energy sensor, one hourly read for its past days (two after a timeout or a
    # reload), never a loop.
    hourly_reads = [c for c in emporia.state.calls("GET", "/history") if c.query["scale"] == "1H"]
    sensors = len(
        [
            entity_id
            for entity_id in hass.states.async_entity_ids("sensor")
            if entity_id.endswith(("_energy", "_energy_returned", "_energy_produced"))
            and "balance" not in entity_id
        ]
    )
    reloads = sum(e.kind in {"reload", "restart"} for e in scenario.timeline)
    refusals = sum(e.kind in {"refused", "slow"} for e in scenario.timeline)
    assert len(hourly_reads) <= sensors * (2 + reloads + 20 * refusals)


async def drive(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    emporia: EmporiaSimulator,
    url: str,
    scenario: Scenario,
) -> None:
    run = Run(hass, freezer, emporia, url, scenario)
    with replay_on_failure("emporia", scenario.seed, scenario):
        await run.run()
        await check(run)


@pytest.mark.parametrize("seed", seeds("emporia", 4))
async def test_generated(
    hass: HomeAssistant,
    emporia_url: str,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
    seed: int,
) -> None:
    """A generated scenario holds every invariant."""
    await drive(hass, freezer, emporia, emporia_url, draw(seed))


@pytest.mark.parametrize("seed", sorted(EMPORIA_SEEDS))
async def test_seed_that_failed(
    hass: HomeAssistant,
    emporia_url: str,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
    seed: int,
) -> None:
    """Each generated seed that once failed (regressions.py says what it found) holds now."""
    await drive(hass, freezer, emporia, emporia_url, draw(seed))


@pytest.mark.parametrize("name", sorted(EMPORIA))
async def test_regression(
    hass: HomeAssistant,
    emporia_url: str,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
    name: str,
) -> None:
    """Each scenario that once failed holds every invariant now."""
    await drive(hass, freezer, emporia, emporia_url, named(name))
