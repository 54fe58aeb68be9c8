"""FlowerHub's energy under generated scenarios: the last invoiced month's consumption (kWh,
a total that starts again with each month, `last_reset`), over months of answers. Each seed
draws Home Assistant's zone, the setup instant, when each month is invoiced and how much,
corrections of an invoiced month, answers that lack the newest month for a while (the portal
listing fewer months), refusals, reloads and restarts.

On what users chart: the recorder's sum holds each month once, with the value the portal
listed last while it was the newest month (the sensor shows the newest month only; the first
month it showed from the value it showed then); it never goes down unless a month was
corrected down.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
    do_adhoc_statistics,
)

from tests.conftest import RunningSimulator
from tests.helpers import add_mock_entry, init_integration, known_state
from tests.simulator.flowerhub import OWNER_ID, FlowerHubSimulator
from tests.vendors.flowerhub.conftest import entry_data

from .draw import ZONES, instant, replay_on_failure, seeds
from .regressions import FLOWERHUB_SEEDS
from .statistics import rows, steps_down

CONSUMPTION = "sensor.flowerhub_last_invoiced_month_consumption"
DAY = 86400.0
STEP = DAY / 2


@dataclass(slots=True)
class Month:
    """One invoiced month: when it is listed, its volume, and a later correction."""

    first: date
    listed_at: float
    volume: float
    corrected_at: float | None = None
    corrected: float | None = None

    def volume_at(self, moment: float) -> float | None:
        if moment < self.listed_at:
            return None
        if self.corrected_at is not None and moment >= self.corrected_at:
            return self.corrected
        return self.volume


@dataclass(slots=True)
class Scenario:
    """One drawn run."""

    seed: int
    zone: str
    start: datetime
    months: list[Month] = field(default_factory=list)
    glitches: list[tuple[float, float]] = field(default_factory=list)
    """Windows in which the answer lacks the newest listed month."""
    refusals: list[tuple[float, float]] = field(default_factory=list)
    restarts: list[tuple[float, str]] = field(default_factory=list)
    span: float = 100 * DAY

    def __str__(self) -> str:
        months = ", ".join(
            f"{m.first:%Y-%m} {m.volume:.1f} kWh"
            + (f" corrected to {m.corrected:.1f}" if m.corrected is not None else "")
            for m in self.months
        )
        return (
            f"scenario {self.seed}: zone {self.zone}, setup {self.start.isoformat()}; months "
            f"{months}; {len(self.glitches)} answers lacking the newest month, "
            f"{len(self.refusals)} refusals, restarts {self.restarts}"
        )


def draw(seed: int) -> Scenario:
    rng = random.Random(seed)
    zone = rng.choice((*ZONES, "Europe/Stockholm", "Europe/Stockholm"))
    start = instant(rng, zone)
    scenario = Scenario(seed=seed, zone=zone, start=start)
    origin = start.timestamp()
    first = (start.date().replace(day=1) - timedelta(days=40)).replace(day=1)
    for index in range(rng.randint(3, 5)):
        month = (first + timedelta(days=32 * index)).replace(day=1)
        invoiced = datetime(month.year, month.month, 1, tzinfo=UTC) + timedelta(days=32)
        listed = invoiced.replace(day=1).timestamp() + rng.uniform(2, 12) * DAY
        item = Month(month, max(listed, origin - DAY), round(rng.uniform(150, 600), 1))
        if rng.random() < 0.3:
            item.corrected_at = item.listed_at + rng.uniform(1, 10) * DAY
            item.corrected = round(item.volume * rng.uniform(0.97, 1.05), 1)
        scenario.months.append(item)
    for _ in range(rng.randint(0, 3)):
        at = origin + rng.uniform(DAY, scenario.span - 10 * DAY)
        scenario.glitches.append((at, at + rng.choice((STEP, DAY, 3 * DAY))))
    for _ in range(rng.randint(0, 2)):
        at = origin + rng.uniform(DAY, scenario.span - 10 * DAY)
        scenario.refusals.append((at, at + rng.choice((STEP, DAY, 2 * DAY))))
    for _ in range(rng.randint(0, 3)):
        at = origin + rng.uniform(DAY, scenario.span - 5 * DAY)
        scenario.restarts.append((round(at), rng.choice(("reload", "restart"))))
    scenario.restarts.sort()
    return scenario


def listed(scenario: Scenario, moment: float) -> list[tuple[str, float]]:
    """The months the portal lists at `moment`, with their volumes."""
    months = [
        (m.first.isoformat(), v) for m in scenario.months if (v := m.volume_at(moment)) is not None
    ]
    if any(a <= moment < b for a, b in scenario.glitches) and months:
        months = months[:-1]
    return months


def answer(months: list[tuple[str, float]]) -> list[dict[str, object]]:
    """The portal's answer (a month read and calculated both)."""
    return [
        {
            "site_id": "7001",
            "invoiced_month": month,
            "volume": str(volume) if kind == "Reading" else volume + 3,
            "type": kind,
        }
        for month, volume in months
        for kind in ("Reading", "Calculated")
    ]


class Run:
    """Drives one scenario in frozen time, compiling each state the sensor writes."""

    def __init__(
        self,
        hass: HomeAssistant,
        freezer: FrozenDateTimeFactory,
        simulator: RunningSimulator,
        scenario: Scenario,
    ) -> None:
        self.hass = hass
        self.freezer = freezer
        self.flowerhub: FlowerHubSimulator = simulator["flowerhub"]
        self.simulator = simulator
        self.scenario = scenario
        self.entry: MockConfigEntry | None = None
        self.baseline: tuple[str, float] | None = None
        """The first month and value the sensor showed: the recorder counts from there."""
        self.compiled: tuple[str, object] | None = None
        self.served: list[list[tuple[str, float]]] = []
        """Every answer the portal gave (each time it changed)."""
        self.answering: tuple[list[tuple[str, float]], bool] | None = None

    def serve(self) -> bool:
        """Set the portal's answer of this moment; whether it differs from the last one."""
        now = time.time()
        months = listed(self.scenario, now)
        refused = any(a <= now < b for a, b in self.scenario.refusals)
        if (months, refused) == self.answering:
            return False
        self.answering = (months, refused)
        self.flowerhub.consumption = answer(months)
        if not refused:
            self.served.append(months)
        self.flowerhub.state.faults.status = 503 if refused else None
        self.flowerhub.state.faults.path = "/consumption" if refused else None
        return True

    async def run(self) -> None:
        hass, scenario = self.hass, self.scenario
        await hass.config.async_set_time_zone(scenario.zone)
        self.freezer.move_to(scenario.start)
        self.flowerhub.clock.now = time.time
        self.serve()
        self.entry = add_mock_entry(
            hass,
            title="FlowerHub Anna Andersson",
            unique_id=f"flowerhub_{OWNER_ID}",
            data=entry_data(self.simulator.base_url("flowerhub")),
        )
        await init_integration(hass, self.entry)
        await self.compile()
        origin = time.time()
        restarts = list(scenario.restarts)
        while time.time() < origin + scenario.span:
            self.freezer.tick(STEP)
            changed = self.serve()
            restart = bool(restarts) and restarts[0][0] <= time.time()
            if not changed and not restart:
                continue  # the same answer as the step before: a refresh shows nothing new
            if restart:
                await self.restart(restarts.pop(0)[1])
            async_fire_time_changed(hass)
            await hass.async_block_till_done(wait_background_tasks=True)
            await self.compile()

    async def restart(self, kind: str) -> None:
        assert self.entry is not None
        if kind == "reload":
            # Refused at this moment the setup is retried later, as Home Assistant does.
            await self.hass.config_entries.async_reload(self.entry.entry_id)
        else:
            assert await self.hass.config_entries.async_unload(self.entry.entry_id)
            self.freezer.tick(3600)
            # Refused at this moment the setup is retried later, as Home Assistant does.
            await self.hass.config_entries.async_setup(self.entry.entry_id)
        await self.hass.async_block_till_done()

    async def compile(self) -> None:
        """The 5-minute period a new state fell in, once it has ended (a period without a
        change adds nothing)."""
        shown = known_state(self.hass, CONSUMPTION)
        value, month = _number(shown.state), shown.attributes.get("invoiced_month")
        if self.baseline is None and value is not None and month is not None:
            self.baseline = (str(month), value)
        if (shown.state, month) == self.compiled:
            return
        self.compiled = (shown.state, month)
        moment = time.time()
        period = datetime.fromtimestamp(moment // 300 * 300, UTC)
        self.freezer.tick(300)
        await async_wait_recording_done(self.hass)
        do_adhoc_statistics(self.hass, start=period)
        await async_wait_recording_done(self.hass)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


async def check(run: Run) -> None:
    scenario = run.scenario
    table = await rows(run.hass, CONSUMPTION, "5minute")
    assert table, "no statistic"
    corrected_down = any(
        m.corrected is not None and m.corrected < m.volume for m in scenario.months
    )
    if not corrected_down:
        assert not steps_down(table), f"consumption goes down: {steps_down(table)}"
    # Each month once, with the value listed last while it was the newest month listed (the
    # sensor shows the newest month: a correction of a month after the next one came is not
    # seen), from the first month and value shown on.
    assert run.baseline is not None, "no consumption shown"
    first_month, first_value = run.baseline
    newest: str | None = None
    values: dict[str, float] = {}
    for months in run.served:
        if months and (newest is None or months[-1][0] >= newest):
            newest, values[months[-1][0]] = months[-1]
    truth = sum(
        value - first_value if month == first_month else value
        for month, value in values.items()
        if month >= first_month
    )
    assert table[-1].sum == pytest.approx(truth, abs=0.01), "a month lost or counted twice"


async def drive(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, simulator: RunningSimulator, seed: int
) -> None:
    scenario = draw(seed)
    run = Run(hass, freezer, simulator, scenario)
    with replay_on_failure("flowerhub", seed, scenario):
        await run.run()
        await check(run)


@pytest.mark.parametrize("seed", seeds("flowerhub", 1))
async def test_generated(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    seed: int,
) -> None:
    """A generated scenario holds every invariant."""
    await drive(hass, freezer, simulator, seed)


@pytest.mark.parametrize("seed", sorted(FLOWERHUB_SEEDS))
async def test_seed_that_failed(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    seed: int,
) -> None:
    """Each generated seed that once failed (regressions.py says what it found) holds now."""
    await drive(hass, freezer, simulator, seed)
