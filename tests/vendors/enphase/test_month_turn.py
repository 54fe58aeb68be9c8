"""The month sensors when the month turns: a session that ends in the last minutes of a month
(the history lists it only at its next read, after midnight), and a cost the cloud calculates
after the month closed, count once, in the month whose sensor can still show them; the month
each counts in survives a restart, and sessions stored by an older version count in the month
they ended in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.vendors.enphase.history import parse_session
from custom_components.energy_portals.vendors.enphase.sessions import sessions_store
from tests.helpers import advance, init_integration, known_state
from tests.long_runs import enable_event_loop_debug  # noqa: F401 (hours of frozen time)
from tests.simulator.enphase import SERIAL, EnphaseSimulator

MONTH_ENERGY = "sensor.garage_ev_charged_energy_this_month"
MONTH_COST = "sensor.garage_ev_charging_cost_this_month"
EVENING = datetime(2026, 12, 31, 9, 0, tzinfo=UTC)  # 20:00 on 31 December in Sydney
LATE_START = datetime(2026, 12, 31, 11, 0, tzinfo=UTC)  # 22:00
LATE_END = LATE_START + timedelta(hours=1, minutes=58)  # 23:58
EARLIER = datetime(2026, 12, 10, 8, 0, tzinfo=UTC)


def stored(item: dict[str, Any]) -> dict[str, Any]:
    session = parse_session(item)
    assert session is not None
    return session.as_dict()


def month(hass: HomeAssistant, entity_id: str) -> tuple[float, str]:
    state = known_state(hass, entity_id)
    return float(state.state), str(state.attributes["last_reset"])


async def start(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    await hass.config.async_set_time_zone("Australia/Sydney")
    freezer.move_to(EVENING)
    enphase.clock.now = lambda: datetime.now(UTC).timestamp()
    enphase.finished = [enphase.history_item(EARLIER.timestamp(), 3600, 5.0)]
    await init_integration(hass, entry)


async def until(hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: datetime) -> None:
    """Ten minutes at a time (each read finishes before the clock moves on)."""
    while (now := datetime.now(UTC)) < moment:
        await advance(hass, freezer, min(600.0, (moment - now).total_seconds()))


async def test_a_session_ending_minutes_before_the_month_turns_counts_once(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """2.821 kWh unplugged at 23:58 on 31 December, listed at the read after midnight: in
    January's total (December's closed before it was known), with its cost; not again after
    a restart or the next reads."""
    await start(hass, enphase_entry, enphase, freezer)
    assert month(hass, MONTH_ENERGY) == (5.0, "2026-12-01T00:00:00+11:00")
    await until(hass, freezer, LATE_END + timedelta(seconds=30))
    assert month(hass, MONTH_ENERGY)[0] == 5.0  # not listed yet
    late = enphase.history_item(LATE_START.timestamp(), 7080, 2.821)
    enphase.finished.append(late)
    await until(hass, freezer, LATE_END + timedelta(minutes=40))
    assert month(hass, MONTH_ENERGY) == (2.821, "2027-01-01T00:00:00+11:00")
    assert month(hass, MONTH_COST)[0] == pytest.approx(late["sessionCost"])
    assert await hass.config_entries.async_reload(enphase_entry.entry_id)
    await until(hass, freezer, LATE_END + timedelta(hours=2))
    assert month(hass, MONTH_ENERGY) == (2.821, "2027-01-01T00:00:00+11:00")


async def test_a_cost_calculated_after_the_month_closed_counts_in_the_month_it_came(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """December's session has no cost until 2 January: the cost counts in January; its energy
    stays in December (it was known there)."""
    await hass.config.async_set_time_zone("Australia/Sydney")
    freezer.move_to(EVENING)
    enphase.clock.now = lambda: datetime.now(UTC).timestamp()
    pending: dict[str, Any] = enphase.history_item(EARLIER.timestamp(), 3600, 5.0)
    pending.update(sessionCost=None, costCalculated=False, sessionCostState="COST_PENDING")
    enphase.finished = [pending]
    await init_integration(hass, enphase_entry)
    assert month(hass, MONTH_COST)[0] == 0.0
    await until(hass, freezer, datetime(2027, 1, 1, 13, tzinfo=UTC))  # 2 January, 00:00
    assert month(hass, MONTH_ENERGY) == (0.0, "2027-01-01T00:00:00+11:00")
    enphase.finished = [enphase.history_item(EARLIER.timestamp(), 3600, 5.0)]
    await until(hass, freezer, datetime(2027, 1, 1, 14, tzinfo=UTC))
    assert month(hass, MONTH_COST)[0] == pytest.approx(enphase.finished[0]["sessionCost"])
    assert month(hass, MONTH_ENERGY)[0] == 0.0


async def test_sessions_stored_by_an_older_version_count_in_the_month_they_ended(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """An upgrade: the store holds sessions but no months; November's session stays out of
    December's total, December's is in it."""
    await hass.config.async_set_time_zone("Australia/Sydney")
    freezer.move_to(EVENING)
    enphase.clock.now = lambda: datetime.now(UTC).timestamp()
    november = enphase.history_item(datetime(2026, 11, 20, 8, tzinfo=UTC).timestamp(), 3600, 4.0)
    december = enphase.history_item(EARLIER.timestamp(), 3600, 5.0)
    enphase.finished = [november, december]
    store = sessions_store(hass, enphase_entry.entry_id)
    hass_storage[store.key] = {
        "version": 1,
        "minor_version": 1,
        "key": store.key,
        "data": {
            "sessions": {SERIAL: [stored(november), stored(december)]},
            "imported": {},
        },
    }
    await init_integration(hass, enphase_entry)
    assert month(hass, MONTH_ENERGY)[0] == 5.0
