"""A today sensor whose hour books are lost (Home Assistant's storage gone or corrupt) goes on
from what it showed, never below it: a late hour it had counted into today (in Kolkata the
UTC hour across local midnight, read after a reload just past midnight) is no longer in the
books read again, and a fall would be a dip the recorder takes off the energy history.

What it showed comes from its restore data, else (that lost too, or written by a release
before 2026-12) from the recorder's last total of the day.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.restore_state import RestoredExtraData, StoredState
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.energy_portals.vendors.allume.coordinator import hour_store
from custom_components.energy_portals.vendors.allume.sensor import DayWritten
from tests.conftest import RunningSimulator
from tests.helpers import (
    forget_restore_data,
    init_integration,
    known_state,
    numbers,
    replace_restore_data,
    stored_restore_data,
    tick_to,
    watch_numbers,
)
from tests.long_runs import enable_event_loop_debug  # noqa: F401 (hours of frozen time)
from tests.simulator.allume import AllumeSimulator
from tests.vendors.allume.test_calendar import (
    BUILDING_DEMAND,
    DEMAND,
    HOUR,
    add_entry,
    local_midnight,
    recorded_sum,
    truth,
)

ZONE = "Asia/Kolkata"
DAY = date(2026, 10, 5)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_mock: Any, enable_custom_integrations: None) -> None:
    """The recorder first (it holds the last totals), then our integration."""


def falls(values: list[float]) -> list[tuple[float, float]]:
    """Falls the recorder takes as dips (less than 10 %), which take energy off."""
    return [(a, b) for a, b in pairwise(values) if 0.9 * a <= b < a]


async def hourly(hass: HomeAssistant, freezer: FrozenDateTimeFactory, start: Any, end: Any) -> None:
    """The refreshes at 6 past each hour after `start`, up to `end`."""
    refresh = start.replace(minute=6, second=0) + HOUR
    while refresh <= end:
        await tick_to(hass, freezer, refresh.isoformat())
        refresh += HOUR


async def start_entry(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory, start: Any
) -> tuple[Any, dict[str, Any]]:
    """The account set up at `start` in Kolkata (every hour lands at once); the entry and
    what its demand sensors write."""
    await hass.config.async_set_time_zone(ZONE)
    allume: AllumeSimulator = simulator["allume"]
    allume.late_hour_period = None
    freezer.move_to(start)
    allume.clock.now = time.time
    entry = add_entry(hass, simulator)
    written = watch_numbers(hass, DEMAND, BUILDING_DEMAND)
    await init_integration(hass, entry)
    return entry, written


async def lose_books(hass: HomeAssistant, entry: Any, lose: Any) -> None:
    """Stop the entry (the recorder writes what it was given) and lose its hour books, and
    what `lose` takes along."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    await async_wait_recording_done(hass)
    await hour_store(hass, entry.entry_id).async_remove()
    lose(hass)


async def run_with_lost_books(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    lose: Any,
    *,
    refused_reads: int = 0,
) -> tuple[dict[str, Any], datetime, datetime]:
    """From 22:40 on the 5th to 01:10 on the 7th (Kolkata): a reload ten minutes after the
    first midnight, the books lost at 08:24 on the 6th (`lose` says what else goes), a clean
    restart at 14:00; what the sensors wrote, the first day's start and the last closed hour."""
    allume: AllumeSimulator = simulator["allume"]
    day_start, midnight = local_midnight(ZONE, DAY), local_midnight(ZONE, DAY + timedelta(days=1))
    start = midnight - timedelta(minutes=80)
    entry, written = await start_entry(hass, simulator, freezer, start)
    await hourly(hass, freezer, start, midnight)
    # A refresh between midnight and the close of the UTC hour across it: that hour is read
    # at the next one, after its day closed, and counted into the new day as a late hour.
    await tick_to(hass, freezer, (midnight + timedelta(minutes=10)).isoformat())
    assert await hass.config_entries.async_reload(entry.entry_id)
    lost_at = midnight + timedelta(hours=8, minutes=24)
    await hourly(hass, freezer, midnight, lost_at)
    await tick_to(hass, freezer, lost_at.isoformat())
    await lose_books(hass, entry, lose)
    back = lost_at + timedelta(minutes=20)
    await tick_to(hass, freezer, back.isoformat())
    if refused_reads:  # unit 4's own data, each read asked again after a fresh sign-in
        allume.state.faults.status, allume.state.faults.path = 403, "/properties/prop-unit-4"
        allume.state.faults.times = 2 * refused_reads
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    for read in range(refused_reads):
        assert known_state(hass, DEMAND).state == "unavailable"
        if read + 1 < refused_reads:  # reloaded while still refused
            assert await hass.config_entries.async_reload(entry.entry_id)
            await hass.async_block_till_done()
    restart = midnight + timedelta(hours=14)
    await hourly(hass, freezer, back, restart)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    end = midnight + timedelta(days=1, hours=1, minutes=10)
    await hourly(hass, freezer, restart, end)
    return written, day_start, end.replace(minute=0)


def old_restore_data(hass: HomeAssistant) -> None:
    """Restore data as a release before 2026-12 wrote it: the day and its value only."""
    for entity_id in (DEMAND, BUILDING_DEMAND):
        stored = stored_restore_data(hass, entity_id)
        assert stored is not None and stored.extra_data is not None
        extra = stored.extra_data.as_dict()
        old = {"day": extra["day"], "value": extra["value"]}
        replace_restore_data(
            hass, entity_id, StoredState(stored.state, RestoredExtraData(old), stored.last_seen)
        )


@pytest.mark.parametrize(
    "lose",
    [lambda hass: None, forget_restore_data, old_restore_data],
    ids=["books", "books-and-restore-data", "books-and-restore-data-of-an-older-release"],
)
async def test_lost_books_never_take_today_down(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    lose: Any,
) -> None:
    """Every closed hour reaches the energy history once, through the loss, the restart
    after it and the next midnight; today never falls (property and building)."""
    written, day_start, last_closed = await run_with_lost_books(hass, simulator, freezer, lose)
    allume: AllumeSimulator = simulator["allume"]
    for entity_id, units in ((DEMAND, [0]), (BUILDING_DEMAND, list(range(8)))):
        values = numbers(written[entity_id])
        assert not falls(values), entity_id
        assert values[0] + recorded_sum(values) == pytest.approx(
            truth(allume, units, day_start, last_closed), abs=0.003
        ), entity_id


@pytest.mark.parametrize("refused_reads", [1, 2], ids=["once", "across-a-reload"])
async def test_a_property_refused_after_the_loss_carries_once_it_answers(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    refused_reads: int,
) -> None:
    """Unit 4's data refused at the first read after the loss (and after a reload while
    still refused): its today sensor carries what it showed once its data is back, and
    never falls."""
    written, day_start, last_closed = await run_with_lost_books(
        hass, simulator, freezer, lambda hass: None, refused_reads=refused_reads
    )
    values = numbers(written[DEMAND])
    assert not falls(values)
    assert values[0] + recorded_sum(values) == pytest.approx(
        truth(simulator["allume"], [0], day_start, last_closed), abs=0.003
    )


@pytest.mark.parametrize(
    ("lose", "downtime"),
    [
        (lambda hass: None, timedelta(minutes=79)),
        (forget_restore_data, timedelta(minutes=79)),
        (forget_restore_data, timedelta(minutes=26)),
    ],
    ids=["books", "books-and-restore-data", "back-before-the-hour-across-midnight-closed"],
)
async def test_lost_books_across_midnight_still_close_the_day(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    lose: Any,
    downtime: timedelta,
) -> None:
    """Stopped at 23:44 with the books lost, started at 01:03 (or at 00:10, before the UTC
    hour across midnight closed): the books are read back to the day before, so the day the
    sensors showed closes with its last hours, and that hour still counts, once."""
    allume: AllumeSimulator = simulator["allume"]
    day_start, midnight = local_midnight(ZONE, DAY), local_midnight(ZONE, DAY + timedelta(days=1))
    start = midnight - timedelta(hours=3, minutes=20)
    entry, written = await start_entry(hass, simulator, freezer, start)
    lost_at = midnight - timedelta(minutes=16)
    await hourly(hass, freezer, start, lost_at)
    await tick_to(hass, freezer, lost_at.isoformat())
    await lose_books(hass, entry, lose)
    back = lost_at + downtime
    await tick_to(hass, freezer, back.isoformat())
    asked = len(allume.state.calls("GET", "/snapshots"))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    # Read back from the day before's first UTC hour: its hours up to now, per source.
    read_back = int((back.replace(minute=0) - (day_start - timedelta(minutes=30))) / HOUR)
    assert len(allume.state.calls("GET", "/snapshots")) - asked == 3 * read_back
    end = midnight + timedelta(hours=3, minutes=10)
    await hourly(hass, freezer, back, end)
    for entity_id, units in ((DEMAND, [0]), (BUILDING_DEMAND, list(range(8)))):
        values = numbers(written[entity_id])
        assert not falls(values), entity_id
        assert values[0] + recorded_sum(values) == pytest.approx(
            truth(allume, units, day_start, end.replace(minute=0)), abs=0.003
        ), entity_id


async def test_the_carry_is_kept_in_the_restore_data(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """What today shows beyond its books is stored with the day written, and gone once the
    day has closed."""
    midnight = local_midnight(ZONE, DAY + timedelta(days=1))
    start = midnight - timedelta(minutes=80)
    entry, _ = await start_entry(hass, simulator, freezer, start)
    await hourly(hass, freezer, start, midnight)
    await tick_to(hass, freezer, (midnight + timedelta(minutes=10)).isoformat())
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hourly(hass, freezer, midnight, midnight + timedelta(hours=2))
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hour_store(hass, entry.entry_id).async_remove()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    shown = float(known_state(hass, DEMAND).state)
    await hourly(hass, freezer, midnight + timedelta(hours=2), midnight + timedelta(hours=3))
    entity = hass.data["entity_components"]["sensor"].get_entity(DEMAND)
    extra = entity.extra_restore_state_data.as_dict()
    assert extra["carried"] > 0
    assert extra["day"] == midnight.isoformat()
    assert float(known_state(hass, DEMAND).state) > shown
    await hourly(
        hass, freezer, midnight + timedelta(hours=3), midnight + timedelta(days=1, hours=1)
    )
    assert entity.extra_restore_state_data.as_dict()["carried"] == 0.0


@pytest.mark.parametrize(
    "stored",
    [
        {"day": "2026-10-05T18:30:00+00:00", "value": 1.0, "carried": -0.5},
        {"day": "2026-10-05T18:30:00+00:00", "value": 1.0, "carried": "nan"},
        {"day": "2026-10-05T18:30:00+00:00", "value": 1.0, "at": "2026-10-06T02:00:00"},
        {"day": "2026-10-05T18:30:00+00:00", "value": 1.0, "carried": []},
        {"day": "2026-10-05T18:30:00+00:00", "value": "inf"},
        {"day": "2026-10-05T18:30:00+00:00", "value": 1.0, "late": -1},
    ],
    ids=["negative-carry", "no-number", "naive-moment", "a-list", "infinite", "negative-late"],
)
def test_restore_data_that_cannot_be_right_is_none(stored: dict[str, Any]) -> None:
    """Restore data with an amount below zero, infinite or no number, or a moment without its
    zone, is read as none (the sensor then goes on from the recorder)."""
    assert DayWritten.from_dict(stored) is None


def test_restore_data_round_trips() -> None:
    """What the sensor stores is what it reads back."""
    written = DayWritten(
        datetime(2026, 10, 5, 18, 30, tzinfo=UTC),
        4.0,
        0.3,
        0.2,
        datetime(2026, 10, 6, 2, 54, tzinfo=UTC),
    )
    assert DayWritten.from_dict(written.as_dict()) == written
