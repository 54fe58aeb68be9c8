"""Live readings: each property's newest closed 5-minute interval, at the interval the owner
chooses, beside the hourly path; and "solar surplus now" for automations."""

from __future__ import annotations

from datetime import datetime

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.vendors.allume.live import live_window
from tests.conftest import RunningSimulator
from tests.helpers import add_mock_entry, advance, init_integration, known_state
from tests.simulator.allume import USER_ID, AllumeSimulator

from .conftest import entry_data

UNIT = "unit_4_12_example_street_marrickville_nsw_2204"
USED = f"sensor.{UNIT}_solar_consumed_last_5_minutes"
IMPORT = f"sensor.{UNIT}_grid_import_last_5_minutes"
EXPORTED = f"sensor.{UNIT}_solar_exported_last_5_minutes"
SHARE = f"sensor.{UNIT}_solar_share_of_demand_last_5_minutes"
SURPLUS = f"binary_sensor.{UNIT}_solar_surplus_now"
# A summer afternoon in Sydney: the sun shines, the apartments export some of it.
AFTERNOON = "2026-02-25T03:37:20+00:00"


@pytest.fixture
async def live_entry(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
) -> MockConfigEntry:
    """An entry with the default options (live readings every 15 minutes)."""
    freezer.move_to(AFTERNOON)
    entry = add_mock_entry(
        hass,
        title="SolCentre",
        unique_id=f"allume_{USER_ID}",
        data=entry_data(simulator.base_url("allume")),
    )
    return await init_integration(hass, entry)


def newest_row(allume: AllumeSimulator, index: int) -> dict[str, float]:
    """The newest closed 5-minute row the API holds for a property now."""
    start, end = live_window(dt_util.utcnow())
    rows = allume.rows([index], int(start.timestamp()), int(end.timestamp()))
    assert rows, "the simulator holds this hour's 5-minute rows"
    return max(rows, key=lambda row: str(row["endAt"]))


async def test_live_sensors_show_the_newest_interval(
    hass: HomeAssistant, live_entry: MockConfigEntry, allume: AllumeSimulator
) -> None:
    """Average power over the newest closed interval, its solar share, and the surplus."""
    row = newest_row(allume, 0)
    watts = round(max(row["solarConsumed"], 0.0) * 12 * 1000, 1)
    assert float(known_state(hass, USED).state) == pytest.approx(watts, abs=0.2)
    exported = round(row["solarExported"] * 12 * 1000, 1)
    assert float(known_state(hass, EXPORTED).state) == pytest.approx(exported, abs=0.2)
    grid = max(row["energyDemand"] - row["solarConsumed"], 0.0) * 12 * 1000
    assert float(known_state(hass, IMPORT).state) == pytest.approx(grid, abs=0.2)
    assert 0 <= float(known_state(hass, SHARE).state) <= 100
    surplus = known_state(hass, SURPLUS)
    assert surplus.state == ("on" if row["solarExported"] > 0 else "off")
    assert (
        surplus.attributes["interval_end"]
        == datetime.fromisoformat(str(row["endAt"]).replace("Z", "+00:00")).isoformat()
    )
    entity = er.async_get(hass).async_get(USED)
    assert entity is not None
    assert entity.unit_of_measurement == "W"


async def test_live_readings_follow_the_interval_and_cost_one_request_each(
    hass: HomeAssistant,
    live_entry: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Every 15 minutes one window per property: over an hour, 4 live requests per property
    beside the one hourly request; the newer interval is shown."""
    before_end = known_state(hass, SURPLUS).attributes["interval_end"]
    calls = len(allume.state.calls("GET", "/properties/"))
    for _ in range(12):
        await advance(hass, freezer, 300)
    assert len(allume.state.calls("GET", "/properties/")) - calls == 2 * (4 + 1)
    assert known_state(hass, SURPLUS).attributes["interval_end"] > before_end


async def test_a_reading_that_stops_coming_turns_unknown(
    hass: HomeAssistant,
    live_entry: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Windows that answer nothing keep the last reading a while; once it is older than two
    intervals it no longer says what happens now: unknown. The hourly sensors stay."""
    allume.state.faults.rewrite = lambda body: [] if isinstance(body, list) else body
    allume.state.faults.path = "/snapshots"
    await advance(hass, freezer, 900)
    assert known_state(hass, SURPLUS).state in ("on", "off")
    for _ in range(3):
        await advance(hass, freezer, 900)
    assert known_state(hass, SURPLUS).state == "unknown"
    assert known_state(hass, USED).state == "unknown"
    demand = f"sensor.{UNIT}_energy_demand_today"
    assert known_state(hass, demand).state not in ("unknown", "unavailable")


async def test_a_failing_live_read_fails_alone(
    hass: HomeAssistant,
    live_entry: MockConfigEntry,
    allume: AllumeSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A live read that fails makes only the live entities unavailable; they come back at
    the next interval, and the hourly sensors never noticed."""
    allume.state.faults.status = 503
    allume.state.faults.path = "/snapshots"
    await advance(hass, freezer, 900)
    assert known_state(hass, SURPLUS).state == "unavailable"
    demand = f"sensor.{UNIT}_energy_demand_today"
    assert known_state(hass, demand).state not in ("unknown", "unavailable")
    allume.state.faults.clear()
    await advance(hass, freezer, 900)
    assert known_state(hass, SURPLUS).state in ("on", "off")
    assert live_entry.state.value == "loaded"


async def test_live_off_adds_no_live_entities(
    hass: HomeAssistant, loaded_allume: MockConfigEntry
) -> None:
    """With the option off there are no live entities and no extra request."""
    assert hass.states.get(SURPLUS) is None
    assert hass.states.get(USED) is None
