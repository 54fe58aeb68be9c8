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
    that saw it start. Stopped: once more at once (the session's last meter), every minute
    for 5 minutes more (the cloud's meter may lag the status), then slowly."""
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
    await polls(hass, freezer, 5)
    tail = len(enphase.state.calls("GET", SUMMARY))
    assert tail >= stopped + 4
    await polls(hass, freezer, 9)
    assert len(enphase.state.calls("GET", SUMMARY)) <= tail + 1


async def test_a_command_reads_a_stale_mode_first(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Smart chosen in the app moves nothing in the status: a start from Home Assistant reads
    the mode first, and starts without amps (amps would override Smart, #165)."""
    enphase.knobs.smart_offered = True  # the battery's AI profile
    await polls(hass, freezer, 10)
    enphase.charger.mode = "SMART_CHARGING"
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.garage_ev_charging"}, blocking=True
    )
    (start,) = [call for call in enphase.state.requests if call.path.endswith("start_charging")]
    assert "chargingLevel" not in (start.body or "")


async def test_a_failed_read_is_asked_again_soon(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The scheduler down when the status says the mode moved: asked again at the next
    polls, not at the next hour."""
    enphase.knobs.scheduler_down = True
    enphase.charger.mode = "GREEN_CHARGING"
    await advance(hass, freezer, 15)
    assert known_state(hass, MODE).state == "manual"
    enphase.knobs.scheduler_down = False
    await advance(hass, freezer, 15)
    assert known_state(hass, MODE).state == "green"
