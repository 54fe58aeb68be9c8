"""Home Assistant's storage lost or garbage under an Enphase entry: the entry still sets up
(the sessions read afresh, one warning), the month sensors do not fall (a session booked into
January after December closed stays in January), and the charged total goes on from the
recorder's last value instead of 0."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.energy_portals.vendors.enphase.sessions import sessions_store
from tests.helpers import forget_restore_data, known_state
from tests.long_runs import enable_event_loop_debug  # noqa: F401 (hours of frozen time)
from tests.simulator.enphase import EnphaseSimulator

from .test_month_turn import LATE_END, LATE_START, MONTH_ENERGY, month, start, until

CHARGED = "sensor.garage_ev_charged_energy"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_mock: Any, enable_custom_integrations: None) -> None:
    """The recorder first, then our integration."""


async def restart(hass: HomeAssistant, entry: MockConfigEntry, *, garbage: bool) -> None:
    """Home Assistant stops and starts again; its restore store lost, and the sessions
    store lost or garbage."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    await async_wait_recording_done(hass)
    store = sessions_store(hass, entry.entry_id)
    if garbage:
        await store.async_save({"sessions": "garbage", "months": [1]})
    else:
        await store.async_remove()
    forget_restore_data(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.parametrize("garbage", [True, False], ids=["garbage", "lost"])
async def test_a_late_session_stays_in_its_month_when_the_store_is_lost(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
    *,
    caplog: pytest.LogCaptureFixture,
    garbage: bool,
) -> None:
    """2.821 kWh ended at 23:58 on 31 December and was listed in January: after the store is
    lost, the book written again puts it in December by its end, and January still shows it;
    a January session that ends later adds to it."""
    await start(hass, enphase_entry, enphase, freezer)
    await until(hass, freezer, LATE_END + timedelta(seconds=30))
    enphase.finished.append(enphase.history_item(LATE_START.timestamp(), 7080, 2.821))
    await until(hass, freezer, LATE_END + timedelta(minutes=40))
    assert month(hass, MONTH_ENERGY) == (2.821, "2027-01-01T00:00:00+11:00")
    charged = float(known_state(hass, CHARGED).state)
    await restart(hass, enphase_entry, garbage=garbage)
    assert enphase_entry.state is ConfigEntryState.LOADED
    assert ("unreadable" in caplog.text) is garbage
    assert month(hass, MONTH_ENERGY) == (2.821, "2027-01-01T00:00:00+11:00")
    assert float(known_state(hass, CHARGED).state) >= charged
    later = LATE_END + timedelta(hours=3)
    enphase.finished.append(enphase.history_item(later.timestamp(), 3600, 4.0))
    await until(hass, freezer, later + timedelta(hours=2))
    assert month(hass, MONTH_ENERGY)[0] == pytest.approx(6.821)
    # Carried across the next ordinary restart (the book now holds it).
    assert await hass.config_entries.async_reload(enphase_entry.entry_id)
    await hass.async_block_till_done()
    assert month(hass, MONTH_ENERGY)[0] == pytest.approx(6.821)


async def test_a_charged_total_without_a_meter_does_not_count_its_session_again(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No lifetime meter (the summary not offered): the total counts sessions. Its restore
    data lost after charging stopped, it goes on from the recorder's last total; the session
    the charger still reports is its anchor, not counted again."""
    enphase.summary_offered = False
    await start(hass, enphase_entry, enphase, freezer)
    enphase.plug_in()
    enphase.start(None)
    await until(hass, freezer, datetime.now(UTC) + timedelta(hours=1))
    enphase.stop()  # still plugged in: the charger reports the session
    await until(hass, freezer, datetime.now(UTC) + timedelta(minutes=5))
    charged = float(known_state(hass, CHARGED).state)
    assert charged > 1
    assert await hass.config_entries.async_unload(enphase_entry.entry_id)
    await async_wait_recording_done(hass)
    forget_restore_data(hass)
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    await until(hass, freezer, datetime.now(UTC) + timedelta(minutes=5))
    assert float(known_state(hass, CHARGED).state) == pytest.approx(charged)


async def test_a_lost_store_whose_first_read_fails_keeps_the_month(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The store lost, and the history failing at the first reads after: January is
    unavailable meanwhile, never lower, and carries what it showed once the history answers
    (across a reload too)."""
    await start(hass, enphase_entry, enphase, freezer)
    await until(hass, freezer, LATE_END + timedelta(seconds=30))
    enphase.finished.append(enphase.history_item(LATE_START.timestamp(), 7080, 2.821))
    await until(hass, freezer, LATE_END + timedelta(minutes=40))
    enphase.state.faults.status = 503
    enphase.state.faults.path = "/history"
    await restart(hass, enphase_entry, garbage=False)
    await until(hass, freezer, LATE_END + timedelta(hours=2))
    assert known_state(hass, MONTH_ENERGY).state == "unavailable"  # never a lower total
    enphase.state.faults.clear()
    await until(hass, freezer, LATE_END + timedelta(hours=4))
    assert month(hass, MONTH_ENERGY)[0] == pytest.approx(2.821)
    assert await hass.config_entries.async_reload(enphase_entry.entry_id)
    await hass.async_block_till_done()
    assert month(hass, MONTH_ENERGY)[0] == pytest.approx(2.821)
