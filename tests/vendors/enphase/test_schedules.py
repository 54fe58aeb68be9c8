"""The charger's schedules: a switch per schedule and its start and end times, written back
with the PATCH the field notes describe (every slot, the read's time stamp, unknown fields
unchanged); a change the cloud rejects keeps the old value."""

from __future__ import annotations

import json
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.errors import PortalResponseError
from custom_components.energy_portals.vendors.enphase.schedules import parse_schedules
from tests.helpers import advance, init_integration, known_state
from tests.simulator.enphase import SERIAL, SITE_ID, EnphaseSimulator
from tests.vendors.enphase.helpers import SETTINGS_READ

SWITCH = "switch.garage_ev_schedule_1"
OFF_PEAK = "switch.garage_ev_off_peak_schedule"
START = "time.garage_ev_schedule_1_start"
END = "time.garage_ev_schedule_1_end"
SCHEDULES = "SCHEDULED_CHARGING"
FIELD = Path(__file__).parents[2] / "fixtures" / "enphase" / "schedules.json"


async def test_schedules_show_as_switches_and_times(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry
) -> None:
    """The weeknight schedule: a switch and two times; the off-peak one: a switch only."""
    assert known_state(hass, SWITCH).state == "off"
    assert known_state(hass, START).state == "23:00:00"
    assert known_state(hass, END).state == "06:00:00"
    assert known_state(hass, OFF_PEAK).state == "off"
    assert hass.states.get("time.garage_ev_off_peak_schedule_start") is None
    entry = er.async_get(hass).async_get(SWITCH)
    assert entry is not None
    assert entry.unique_id == f"enphase_{SERIAL}_schedule_{SITE_ID}:{SERIAL}:7c1e_enabled"


async def test_switching_a_schedule_writes_every_slot(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """The PATCH carries every slot, the read's time stamp, and the unknown fields as read;
    then Scheduled charging can be chosen."""
    before = [dict(slot) for slot in enphase.charger.slots]
    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    (write,) = enphase.state.calls("PATCH", SCHEDULES)
    body = json.loads(write.body)
    assert body["meta"]["rowCount"] == 2
    assert body["meta"]["serverTimeStamp"].endswith("[UTC]")
    assert body["data"] == [{**before[0], "enabled": True}, before[1]]
    assert write.headers["Authorization"].startswith("Bearer ")
    assert known_state(hass, SWITCH).state == "on"
    assert enphase.charger.schedules_enabled is True

    await hass.services.async_call(
        "select",
        "select_option",
        {ATTR_ENTITY_ID: "select.garage_ev_charge_mode", "option": "scheduled"},
        blocking=True,
    )
    assert enphase.charger.mode == "SCHEDULED_CHARGING"


async def test_changing_the_times(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """A new start or end is written as local HH:MM."""
    await hass.services.async_call(
        "time", "set_value", {ATTR_ENTITY_ID: START, "time": "22:30:00"}, blocking=True
    )
    await hass.services.async_call(
        "time", "set_value", {ATTR_ENTITY_ID: END, "time": "05:45"}, blocking=True
    )
    assert enphase.charger.slots[0]["startTime"] == "22:30"
    assert enphase.charger.slots[0]["endTime"] == "05:45"
    assert enphase.charger.slots[0]["days"] == [1, 2, 3, 4, 5]
    assert known_state(hass, START).state == "22:30:00"
    assert known_state(hass, END).state == "05:45:00"


async def test_a_rejected_change_keeps_the_old_value(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """A start equal to the end is refused before anything is sent; a 400 raises a
    translated error; the entities show what the charger still has."""
    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(
            "time", "set_value", {ATTR_ENTITY_ID: START, "time": "06:00"}, blocking=True
        )
    assert caught.value.translation_key == "enphase_schedule_empty_window"
    assert enphase.state.calls("PATCH", SCHEDULES) == []
    assert known_state(hass, START).state == "23:00:00"
    assert enphase.charger.slots[0]["startTime"] == "23:00"

    enphase.knobs.schedules_rejected = True
    with pytest.raises(HomeAssistantError) as refused:
        await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    assert refused.value.translation_key == "enphase_schedule_rejected"
    assert known_state(hass, SWITCH).state == "off"


async def test_a_schedule_added_in_the_app_appears_and_a_removed_one_goes(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Read at the hour: a new schedule gets its entities without a restart; a deleted one,
    missing from two answers in a row, takes its entities with it (state and registry), and
    refuses changes. Should it come back, its entities come back."""
    slot = {**enphase.charger.slots[0], "id": f"{SITE_ID}:{SERIAL}:beef", "startTime": "12:00"}
    enphase.charger.slots.append(slot)
    await advance(hass, freezer, SETTINGS_READ)
    assert known_state(hass, "switch.garage_ev_schedule_2").state == "off"
    assert known_state(hass, "time.garage_ev_schedule_2_start").state == "12:00:00"
    assert known_state(hass, "switch.garage_ev_schedule_2_saturday").state == "off"

    deleted = enphase.charger.slots.pop(0)
    await advance(hass, freezer, SETTINGS_READ)
    assert known_state(hass, SWITCH).state == "unavailable"  # one answer: not yet removed
    await advance(hass, freezer, SETTINGS_READ)
    registry = er.async_get(hass)
    for entity_id in (SWITCH, START, END, "switch.garage_ev_schedule_1_monday"):
        assert hass.states.get(entity_id) is None
        assert registry.async_get(entity_id) is None
    assert known_state(hass, "switch.garage_ev_schedule_2").state == "off"
    coordinator = loaded_enphase.runtime_data
    with pytest.raises(HomeAssistantError) as caught:
        await coordinator.schedule_commands.async_set_schedule(
            SERIAL, f"{SITE_ID}:{SERIAL}:7c1e", enabled=True
        )
    assert caught.value.translation_key == "enphase_schedule_gone"

    enphase.charger.slots.insert(0, deleted)
    await advance(hass, freezer, SETTINGS_READ)
    assert known_state(hass, SWITCH).state == "off"
    assert known_state(hass, "switch.garage_ev_schedule_1_monday").state == "on"


async def test_an_answer_without_any_slot_removes_nothing(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Real chargers always list their off-peak slot: an answer with none is taken as odd,
    and the schedules' entities stay (unavailable while the charger lists none)."""
    enphase.charger.slots = []
    await advance(hass, freezer, SETTINGS_READ)
    assert known_state(hass, SWITCH).state == "unavailable"
    assert er.async_get(hass).async_get(SWITCH) is not None
    assert hass.data["entity_components"]["time"].get_entity(START).native_value is None
    day = hass.data["entity_components"]["switch"].get_entity("switch.garage_ev_schedule_1_monday")
    assert day.is_on is None


async def test_a_scheduler_without_schedules_offers_none(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 404 on the schedules: no schedule entities, and the schedules are not asked again."""
    enphase.state.faults.path = "/schedules"
    enphase.state.faults.status = 404
    await init_integration(hass, enphase_entry)
    assert hass.states.get(SWITCH) is None
    await advance(hass, freezer, SETTINGS_READ)
    assert len(enphase.state.calls("GET", SCHEDULES)) == 1
    assert known_state(hass, "switch.garage_ev_charging").state == "off"


async def test_a_schedule_read_that_fails_after_a_write(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The write landed; a read afterwards that answers junk is no error for the write: the
    entities show what was written, and the next read confirms it."""
    answers = 0

    def junk_after_the_write(body: Any) -> Any:
        nonlocal answers
        answers += 1  # the read before the write, the write's answer, then junk
        return body if answers <= 2 else {"data": None}

    enphase.state.faults.path = "/schedules"
    enphase.state.faults.rewrite = junk_after_the_write
    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    assert answers == 3
    assert enphase.charger.schedules_enabled is True
    assert known_state(hass, SWITCH).state == "on"
    enphase.state.faults.clear()
    await advance(hass, freezer, SETTINGS_READ)
    assert known_state(hass, SWITCH).state == "on"


def test_the_recorded_answer_and_junk() -> None:
    """The field's answer parses (its off-peak slot has no times); junk raises."""
    schedules = parse_schedules(json.loads(FIELD.read_text()))
    custom, off_peak = schedules.slots
    assert (custom.start, custom.end, custom.enabled) == (time(23), time(6), True)
    assert (off_peak.kind, off_peak.start, off_peak.enabled) == ("OFF_PEAK", None, False)
    assert schedules.stamp == "2025-01-01T00:00:00.000+00:00"
    odd = parse_schedules(
        {"data": {"slots": [{"id": "a", "startTime": "25h"}, {"startTime": "1:00"}, 3]}}
    )
    assert [(slot.slot_id, slot.start) for slot in odd.slots] == [("a", None)]
    with pytest.raises(PortalResponseError):
        parse_schedules({"data": {"slots": None}})


def test_a_write_sends_every_slot_back() -> None:
    """Slots without an id are kept in the write (a slot left out may be deleted), and only
    the chosen slot changes."""
    nameless = {"startTime": "01:00", "endTime": "02:00", "enabled": True}
    chosen = {"id": "a", "startTime": "23:00", "endTime": "06:00", "enabled": False, "x": 1}
    schedules = parse_schedules(
        {"meta": {"serverTimeStamp": 5}, "data": {"slots": [nameless, chosen]}}
    )
    body = schedules.patch("a", enabled=True, end=time(7))
    assert body == {
        "meta": {"serverTimeStamp": 5, "rowCount": 2},
        "data": [nameless, {**chosen, "enabled": True, "endTime": "07:00"}],
    }
