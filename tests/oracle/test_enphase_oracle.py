"""Enphase energy under generated scenarios around month ends: charging sessions that end at
any second (the month's last minutes among them), a history that lists them late, costs
calculated late, reloads, restarts with downtime (some finding the storage lost, or the
sessions garbage) and the summary failing, in any zone.

On what users chart: the month sensors hold every session once over the months (none in no
month, none in two), never go down within a month; the session statistics never go down,
hold every session once and each hour its share; the charged-energy total never goes down
and is what the charger delivered; history reads stay within their budget.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event as HassEvent
from homeassistant.core import EventStateChangedData, HomeAssistant, callback
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.energy_portals.vendors.enphase.const import MAX_CHARGER_POWER_KW
from custom_components.energy_portals.vendors.enphase.sessions import (
    sessions_store,
    statistic_id,
)
from tests.helpers import advance, forget_restore_data, init_integration
from tests.simulator.enphase import SERIAL, EnphaseSimulator

from .draw import SLACK, ZONES, Event, replay_on_failure, seeds, variants
from .regressions import ENPHASE_SEEDS
from .statistics import changes, rows, steps_down

MONTH_ENERGY = "sensor.garage_ev_charged_energy_this_month"
MONTH_COST = "sensor.garage_ev_charging_cost_this_month"
CHARGED = "sensor.garage_ev_charged_energy"
HOUR = 3600.0
KINDS = ("reload", "restart", "summary_off")
VARIANTS = {"restart": ("forget", "corrupt")}
"""A restart that finds Home Assistant's storage lost (the sessions and the restore data), or
the sessions garbage."""


@dataclass(slots=True)
class Scenario:
    """One drawn run around a local month end."""

    seed: int
    zone: str
    month_end: datetime
    start: datetime
    sessions: list[tuple[float, float]]
    """Each session's plug-in and unplug, in seconds from the start."""
    history_lag: float
    cost_lag: float
    step: float
    timeline: list[Event] = field(default_factory=list)
    span: float = 0.0

    def __str__(self) -> str:
        events_text = ", ".join(f"{e.kind}@{e.at:.0f}s/{e.seconds:.0f}s" for e in self.timeline)
        return (
            f"scenario {self.seed}: zone {self.zone}, month ends {self.month_end.isoformat()}, "
            f"setup {self.start.isoformat()}, sessions {self.sessions}, history lists "
            f"+{self.history_lag:.0f} s, costs +{self.cost_lag:.0f} s, step {self.step:.0f} s; "
            f"events: {events_text or 'none'}"
        )


def draw(seed: int) -> Scenario:
    rng = random.Random(seed)
    zone = rng.choice(ZONES)
    month = rng.choice((1, 3, 4, 10, 11, 12))
    year = 2027 if month == 1 else 2026
    month_end = datetime.combine(date(year, month, 1), datetime.min.time(), ZoneInfo(zone))
    before = rng.randint(3600, 9000) + rng.randint(0, 59)
    start = (month_end - timedelta(seconds=before)).astimezone(UTC)
    sessions: list[tuple[float, float]] = []
    moment = rng.uniform(120, 1200)
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.6:  # ends in the month's last half hour, to the second
            end = before - rng.uniform(1, 1800)
        else:
            end = moment + rng.uniform(600, 3600)
        plug = min(moment, end - 300)
        if plug <= 60 or (sessions and plug <= sessions[-1][1] + 60):
            continue
        sessions.append((round(plug), round(end)))
        moment = end + rng.uniform(300, 3600)
    span = before + rng.uniform(1.2, 2) * 3600
    timeline = sorted(
        (
            Event(round(rng.uniform(60, span - 3600)), rng.choice(KINDS), rng.uniform(60, 1200))
            for _ in range(rng.randint(0, 3))
        ),
        key=lambda event: event.at,
    )
    timeline = variants(seed, timeline, VARIANTS)
    return Scenario(
        seed=seed,
        zone=zone,
        month_end=month_end,
        start=start,
        sessions=sessions,
        history_lag=rng.choice((0.0, 0.0, 60.0, 300.0, 900.0)),
        cost_lag=rng.choice((0.0, 0.0, 1800.0, 5400.0)),
        step=rng.choice((30.0, 60.0)),
        timeline=timeline,
        span=span,
    )


class Run:
    """Drives one scenario in frozen time."""

    def __init__(
        self,
        hass: HomeAssistant,
        freezer: FrozenDateTimeFactory,
        enphase: EnphaseSimulator,
        entry: MockConfigEntry,
        scenario: Scenario,
    ) -> None:
        self.hass = hass
        self.freezer = freezer
        self.enphase = enphase
        self.entry = entry
        self.scenario = scenario
        self.written: dict[str, list[tuple[float, str | None, Any]]] = {
            MONTH_ENERGY: [],
            MONTH_COST: [],
            CHARGED: [],
        }
        self.delivered_at_setup = 0.0
        self.forgotten = 0.0
        self.ran = 0.0
        """Seconds the scenario ran (past its span until the history settled)."""
        """kWh the charged total could not know of: delivered while its restore data was lost."""
        self.first_month_start = 0.0

    async def run(self) -> None:
        hass, enphase, scenario = self.hass, self.enphase, self.scenario
        await hass.config.async_set_time_zone(scenario.zone)
        self.freezer.move_to(scenario.start)
        enphase.clock.now = time.time
        enphase.knobs.history_lag = scenario.history_lag
        enphase.knobs.cost_lag = scenario.cost_lag

        @callback
        def on_state(event: HassEvent[EventStateChangedData]) -> None:
            new = event.data["new_state"]
            if new is None or event.data["entity_id"] not in self.written:
                return
            try:
                value = float(new.state)
            except ValueError:
                return
            self.written[new.entity_id].append(
                (time.time(), new.attributes.get("last_reset"), value)
            )

        hass.bus.async_listen(EVENT_STATE_CHANGED, on_state)
        self.delivered_at_setup = enphase.delivered()
        await init_integration(hass, self.entry)
        origin = time.time()
        plan: list[tuple[float, str, Any]] = []
        for plug, unplug in scenario.sessions:
            plan += [(plug, "plug", None), (unplug, "unplug", None)]
        plan += [(event.at, event.kind, event) for event in scenario.timeline]
        for at, kind, event in sorted(plan, key=lambda item: item[0]):
            await self.until(origin + at)
            await self.apply(kind, event)
        # On long enough after the last event for the history to list every session and the
        # next reads to take it (a truth the integration cannot have read yet is no truth).
        last = max((at for at, _, _ in plan), default=0.0)
        settled = max(scenario.history_lag, scenario.cost_lag) + 2400
        await self.until(origin + max(scenario.span, last + settled))
        self.ran = time.time() - origin
        await async_wait_recording_done(hass)

    async def until(self, moment: float) -> None:
        while time.time() < moment - SLACK:
            await advance(self.hass, self.freezer, min(self.scenario.step, moment - time.time()))
            # The recorder writes within a second; frozen time must not outrun it (a later
            # import would read the sums before an earlier one's rows).
            await async_wait_recording_done(self.hass)

    async def apply(self, kind: str, event: Event | None) -> None:
        enphase, hass = self.enphase, self.hass
        if kind == "plug":
            enphase.plug_in()
            enphase.start(None)
        elif kind == "unplug":
            enphase.unplug()
        elif kind == "reload":
            assert await hass.config_entries.async_reload(self.entry.entry_id)
            await hass.async_block_till_done()
        elif kind in {"restart", "forget", "corrupt"} and event is not None:
            assert await hass.config_entries.async_unload(self.entry.entry_id)
            await async_wait_recording_done(hass)  # Home Assistant stops with the recorder
            store = sessions_store(hass, self.entry.entry_id)
            before = enphase.delivered()
            if kind == "forget":
                await store.async_remove()
                forget_restore_data(hass)
            elif kind == "corrupt":
                await store.async_save({"sessions": "garbage", "months": [1]})
            await self.until(time.time() + min(event.seconds, 1200))
            assert await hass.config_entries.async_setup(self.entry.entry_id)
            await hass.async_block_till_done()
            if kind == "forget":
                # The charged total's anchors went with the restore data: what the charger
                # delivered while Home Assistant was down (and in the poll before) is lost.
                self.forgotten += enphase.delivered() - before + MAX_CHARGER_POWER_KW * 15 / 3600
        elif kind == "summary_off" and event is not None:
            enphase.summary_offered = False
            await self.until(time.time() + event.seconds)
            enphase.summary_offered = True


def _at(item: dict[str, Any], key: str) -> float:
    """A history item's time (the cloud's ISO form, `[UTC]` and all) in Unix seconds."""
    text = str(item[key]).removesuffix("[UTC]").replace("Z", "+00:00")
    return datetime.fromisoformat(text).timestamp()


def _finals(written: list[tuple[float, str | None, Any]]) -> tuple[dict[str, float], list[str]]:
    """Each month's last value, by its last reset; and where a month's value went down."""
    finals: dict[str, float] = {}
    down = []
    for _, reset, value in written:
        assert reset is not None
        if reset in finals and value < finals[reset] - 1e-9:
            down.append(f"{reset}: {finals[reset]} -> {value}")
        finals[reset] = value
    return finals, down


async def check(run: Run) -> None:
    hass, enphase = run.hass, run.enphase
    now = time.time()
    listed = [
        item for item in enphase.finished if _at(item, "endTime") + enphase.knobs.history_lag <= now
    ]

    def end_of(item: dict[str, Any]) -> float:
        return _at(item, "endTime")

    # The month sensors: every session once over the months seen, never down within one.
    energy_finals, energy_down = _finals(run.written[MONTH_ENERGY])
    assert not energy_down, f"a month's energy went down: {energy_down}"
    first_month = min(datetime.fromisoformat(reset).timestamp() for reset in energy_finals)
    seen = [item for item in listed if end_of(item) >= first_month]
    assert sum(energy_finals.values()) == pytest.approx(
        sum(item["aggEnergyValue"] for item in seen), abs=0.002
    ), f"sessions in no month or in two: {energy_finals}"
    cost_finals, cost_down = _finals(run.written[MONTH_COST])
    assert not cost_down, f"a month's cost went down: {cost_down}"
    costed = [item for item in seen if end_of(item) + enphase.knobs.cost_lag <= now]
    assert sum(cost_finals.values()) == pytest.approx(
        sum(item["sessionCost"] for item in costed), abs=0.02
    ), f"costs in no month or in two: {cost_finals}"
    # The session statistics: never down, every listed session once, each hour its share.
    hourly = await rows(hass, statistic_id(SERIAL, "energy"), "hour")
    assert not steps_down(hourly), f"session energy goes down: {steps_down(hourly)}"
    assert hourly[-1].sum == pytest.approx(sum(i["aggEnergyValue"] for i in listed), abs=0.002)
    shares: dict[float, float] = {}
    for item in listed:
        start = _at(item, "startTime")
        end = end_of(item)
        hour = start // HOUR * HOUR
        if end <= start:  # no duration: whole in the hour it started, as imported
            shares[hour] = shares.get(hour, 0.0) + item["aggEnergyValue"]
            continue
        while hour < end:
            part = (min(end, hour + HOUR) - max(start, hour)) / (end - start)
            shares[hour] = shares.get(hour, 0.0) + item["aggEnergyValue"] * part
            hour += HOUR
    for hour, change in changes(hourly).items():
        assert change == pytest.approx(shares.get(hour, 0.0), abs=1e-3), hour
    # The charged-energy total: never down, and what the charger delivered since setup.
    charged = [value for _, _, value in run.written[CHARGED]]
    assert all(b >= a for a, b in pairwise(charged)), "charged went down"
    delivered = enphase.delivered() - run.delivered_at_setup
    tolerance = delivered * 0.001 + 0.01
    assert delivered - run.forgotten - tolerance <= charged[-1] <= delivered + tolerance, (
        f"charged energy {charged[-1]} against {delivered} (lost with the restore data: at "
        f"most {run.forgotten})"
    )
    # History reads: every 30 minutes, one after each session ends, one per (re)start.
    reads = len(enphase.state.calls("POST", "/history"))
    restarts = sum(
        e.kind in {"reload", "restart", "forget", "corrupt"} for e in run.scenario.timeline
    )
    budget = run.ran / 1800 + 2 * len(run.scenario.sessions) + restarts + 2
    assert reads <= budget, f"{reads} history reads, budget {budget:.0f}"


async def drive(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    enphase: EnphaseSimulator,
    entry: MockConfigEntry,
    seed: int,
) -> None:
    scenario = draw(seed)
    run = Run(hass, freezer, enphase, entry, scenario)
    with replay_on_failure("enphase", seed, scenario):
        await run.run()
        await check(run)


@pytest.mark.parametrize("seed", seeds("enphase", 1))
async def test_generated(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
    seed: int,
) -> None:
    """A generated scenario holds every invariant."""
    await drive(hass, freezer, enphase, enphase_entry, seed)


@pytest.mark.parametrize("seed", sorted(ENPHASE_SEEDS))
async def test_seed_that_failed(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
    seed: int,
) -> None:
    """Each generated seed that once failed (regressions.py says what it found) holds now."""
    await drive(hass, freezer, enphase, enphase_entry, seed)
