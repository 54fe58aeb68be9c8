"""The hours read are kept in Home Assistant's storage: a restart asks only for what it
missed, a corrupt or unknown store is read afresh, and a removed entry takes its store along."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.vendors.allume.hours import ENERGY_FIELDS
from tests.helpers import advance, init_integration, known_state
from tests.simulator.allume import AllumeSimulator
from tests.vendors.allume.test_sensors import UNIT4, day_energy


def store_key(entry: MockConfigEntry) -> str:
    return f"energy_portals.allume_hours_{entry.entry_id}"


def snapshot_requests(allume: AllumeSimulator) -> int:
    return len(allume.state.calls("GET", "/snapshots"))


async def test_a_restart_asks_only_for_the_hours_it_missed(
    hass: HomeAssistant,
    allume_entry: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """14:37 in Sydney: setup reads today's 14 hours per source; a restart an hour later
    reads the one hour that closed meanwhile, and the day's sums stay whole."""
    await init_integration(hass, allume_entry)
    first = snapshot_requests(allume)
    assert first == 3 * 14
    before = float(known_state(hass, f"{UNIT4}_energy_demand_today").state)

    assert await hass.config_entries.async_unload(allume_entry.entry_id)
    assert store_key(allume_entry) in hass_storage
    await advance(hass, freezer, 3600)
    assert await hass.config_entries.async_setup(allume_entry.entry_id)
    await hass.async_block_till_done()

    assert snapshot_requests(allume) - first == 3  # one new hour per property and building
    after = float(known_state(hass, f"{UNIT4}_energy_demand_today").state)
    whole = day_energy(allume, [0], "2026-02-24T13:00:00+00:00", "2026-02-25T04:00:00+00:00")
    assert after == pytest.approx(whole["energyDemand"], abs=0.001)
    assert after > before


@pytest.mark.parametrize(
    "stored",
    [
        {"books": {"prop-unit-4": {"hours": "not a mapping"}}},
        {"books": {"prop-unit-4": {"hours": {"2026-02-25T01:00:00": {}}}}},
        {"books": [1, 2, 3]},
        {"nothing": True},
        {
            "books": {
                "prop-unit-4": {
                    "hours": {"2026-02-25T01:00:00+00:00": {"demand": "1e309"}},
                    "given_up": [],
                    "old_attempts": {},
                    "recent_misses": {},
                }
            }
        },
    ],
)
async def test_a_corrupt_store_is_read_afresh(
    hass: HomeAssistant,
    allume_entry: MockConfigEntry,
    *,
    allume: AllumeSimulator,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    stored: dict[str, Any],
) -> None:
    """A store that is not ours reads the day afresh: one warning, right sums, no crash."""
    hass_storage[store_key(allume_entry)] = {
        "version": 1,
        "key": store_key(allume_entry),
        "data": stored,
    }
    await init_integration(hass, allume_entry)
    assert "Stored SolCentre hours are unreadable" in caplog.text
    assert snapshot_requests(allume) == 3 * 14
    whole = day_energy(allume, [0], "2026-02-24T13:00:00+00:00", "2026-02-25T03:00:00+00:00")
    demand = float(known_state(hass, f"{UNIT4}_energy_demand_today").state)
    assert demand == pytest.approx(whole["energyDemand"], abs=0.001)


async def test_a_removed_entry_takes_its_store_along(
    hass: HomeAssistant,
    allume_entry: MockConfigEntry,
    allume: AllumeSimulator,
    hass_storage: dict[str, Any],
) -> None:
    """Deleting the entry deletes its stored hours."""
    await init_integration(hass, allume_entry)
    assert await hass.config_entries.async_unload(allume_entry.entry_id)
    assert store_key(allume_entry) in hass_storage
    assert await hass.config_entries.async_remove(allume_entry.entry_id)
    await hass.async_block_till_done()
    assert store_key(allume_entry) not in hass_storage


async def test_late_hours_stored_by_an_earlier_release_still_count(
    hass: HomeAssistant,
    allume_entry: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Until 2026-12 the store kept one read day for all books and one day of late hours per
    book (`[day, energy]`): after the upgrade they still count into that day's sums, and the
    store is not read afresh."""
    await init_integration(hass, allume_entry)
    first = snapshot_requests(allume)
    assert await hass.config_entries.async_unload(allume_entry.entry_id)
    stored = hass_storage[store_key(allume_entry)]["data"]
    days = stored.pop("days")  # the earlier release kept one day for every book
    stored["last_day"] = days["prop-unit-4"][1]
    stored["counted_from"] = days["prop-unit-4"][0]
    for book in stored["books"].values():
        del book["kept_from"]
    late = dict.fromkeys(ENERGY_FIELDS, 0.0)
    stored["late"] = {
        "prop-unit-4": ["2026-02-24T13:00:00+00:00", {**late, "demand": 1.25}],
        "prop-unit-7": ["2026-02-23T13:00:00+00:00", {**late, "demand": 9.0}],  # not today
    }
    await advance(hass, freezer, 60)
    assert await hass.config_entries.async_setup(allume_entry.entry_id)
    await hass.async_block_till_done()

    assert snapshot_requests(allume) == first  # nothing new closed: nothing read afresh
    whole = day_energy(allume, [0], "2026-02-24T13:00:00+00:00", "2026-02-25T03:00:00+00:00")
    demand = float(known_state(hass, f"{UNIT4}_energy_demand_today").state)
    assert demand == pytest.approx(whole["energyDemand"] + 1.25, abs=0.001)
