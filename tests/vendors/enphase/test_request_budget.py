"""What the reads beside the status cost, and what keeps them fresh: the settings once an
hour and at once when the status implies a change, the summary every minute only while a
charger charges (its meter moves), the firmware every 6 hours."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.helpers import advance, known_state
from tests.simulator.enphase import EnphaseSimulator

MODE = "select.garage_ev_charge_mode"
PREFERENCE = "/preference"
SUMMARY = "/summary"


async def polls(hass: HomeAssistant, freezer: FrozenDateTimeFactory, minutes: int) -> None:
    """Run the status polls of so many minutes (every 15 s while a car is plugged in)."""
    for _ in range(minutes * 4):
        await advance(hass, freezer, 15)


async def test_the_settings_are_read_once_an_hour(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    reads = len(enphase.state.calls("GET", PREFERENCE))
    await polls(hass, freezer, 59)
    assert len(enphase.state.calls("GET", PREFERENCE)) == reads
    await polls(hass, freezer, 2)
    assert len(enphase.state.calls("GET", PREFERENCE)) == reads + 1


async def test_a_mode_changed_in_the_app_shows_at_the_next_poll(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The status's own `mode` moves (0 manual, 1 green): the preference is read at once."""
    assert known_state(hass, MODE).state == "manual"
    enphase.charger.mode = "GREEN_CHARGING"  # the owner's app
    await advance(hass, freezer, 15)
    assert known_state(hass, MODE).state == "green"


async def test_a_car_plugged_out_reads_the_settings_again(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    reads = len(enphase.state.calls("GET", PREFERENCE))
    enphase.unplug()
    await advance(hass, freezer, 15)
    assert len(enphase.state.calls("GET", PREFERENCE)) == reads + 1


async def test_the_summary_follows_the_meter_only_while_it_moves(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Plugged in without charging: every 10 minutes. Charging: every minute, from the poll
    that saw it start. Stopped: once more at once (the session's last meter), then slowly."""
    assert not enphase.charger.charging
    reads = len(enphase.state.calls("GET", SUMMARY))
    await polls(hass, freezer, 9)
    assert len(enphase.state.calls("GET", SUMMARY)) == reads
    enphase.start(None)
    await advance(hass, freezer, 15)
    started = len(enphase.state.calls("GET", SUMMARY))
    assert started == reads + 1
    await polls(hass, freezer, 5)
    assert len(enphase.state.calls("GET", SUMMARY)) == started + 5
    enphase.stop()
    await advance(hass, freezer, 15)
    stopped = len(enphase.state.calls("GET", SUMMARY))
    assert stopped == started + 6
    await polls(hass, freezer, 9)
    assert len(enphase.state.calls("GET", SUMMARY)) == stopped
