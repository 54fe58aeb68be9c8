"""Editing the charger's schedules through Home Assistant: a switch per weekday, and the
add, update and delete actions, each checked before it is sent (translated errors), written
as the field does, and with the schedule's entities coming and going at once."""

from __future__ import annotations

import json
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from custom_components.energy_portals.vendors.enphase.schedules import parse_schedules
from tests.helpers import advance, known_state
from tests.simulator.enphase import SERIAL, SITE_ID, EnphaseSimulator
from tests.vendors.enphase.helpers import charger_device

SCHEDULES = "SCHEDULED_CHARGING"
SWITCH = "switch.garage_ev_schedule_1"
OFF_PEAK = "switch.garage_ev_off_peak_schedule"
MONDAY = "switch.garage_ev_schedule_1_monday"
SATURDAY = "switch.garage_ev_schedule_1_saturday"


def _patches(enphase: EnphaseSimulator) -> list[dict[str, Any]]:
    return [json.loads(call.body) for call in enphase.state.calls("PATCH", SCHEDULES)]


async def _switch(hass: HomeAssistant, service: str, entity_id: str) -> None:
    await hass.services.async_call("switch", service, {ATTR_ENTITY_ID: entity_id}, blocking=True)


async def _action(hass: HomeAssistant, service: str, data: dict[str, Any]) -> None:
    await hass.services.async_call(DOMAIN, service, data, blocking=True)


async def test_a_switch_per_weekday(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """The weeknight schedule runs Monday to Friday: a day switched on or off is written
    with every slot; the last day cannot be taken out. The off-peak one has no days."""
    assert known_state(hass, MONDAY).state == "on"
    assert known_state(hass, SATURDAY).state == "off"
    assert hass.states.get("switch.garage_ev_off_peak_schedule_monday") is None

    await _switch(hass, "turn_on", SATURDAY)
    (patch,) = _patches(enphase)
    assert patch["data"][0]["days"] == [1, 2, 3, 4, 5, 6]
    assert patch["data"][1] == enphase.charger.slots[1]  # the off-peak slot as read
    assert known_state(hass, SATURDAY).state == "on"

    enphase.charger.slots[0]["days"] = [2]  # changed in the app since the last read
    await _switch(hass, "turn_on", MONDAY)
    assert enphase.charger.slots[0]["days"] == [1, 2]
    await _switch(hass, "turn_off", "switch.garage_ev_schedule_1_tuesday")
    assert enphase.charger.slots[0]["days"] == [1]
    with pytest.raises(ServiceValidationError) as caught:
        await _switch(hass, "turn_off", MONDAY)
    assert caught.value.translation_key == "enphase_schedule_no_days"
    assert len(_patches(enphase)) == 3
    assert known_state(hass, MONDAY).state == "on"


async def test_add_a_schedule_from_an_automation(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """An automation adds a weekend schedule: the POST carries the field's slot shape, at
    the charger's levels, and its entities appear at once (no restart)."""
    device_id = charger_device(hass, loaded_enphase).id
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "triggers": {"trigger": "event", "event_type": "weekend"},
                "actions": {
                    "action": f"{DOMAIN}.add_schedule",
                    "data": {
                        "device_id": device_id,
                        "start": "09:30",
                        "end": "15:00",
                        "days": ["sunday", "saturday"],
                        "charging_level": 16,
                    },
                },
            }
        },
    )
    hass.bus.async_fire("weekend")
    await hass.async_block_till_done()
    (post,) = enphase.state.calls("POST", f"{SCHEDULES}/{SITE_ID}/{SERIAL}/schedule")
    body = json.loads(post.body)
    assert body["startTime"] == "09:30"
    assert body["endTime"] == "15:00"
    assert body["days"] == [6, 7]
    assert body["chargingLevel"] == body["chargingLevelAmp"] == 16
    assert body["enabled"] is True
    assert body["scheduleType"] == "CUSTOM"
    assert known_state(hass, "switch.garage_ev_schedule_2").state == "on"
    assert known_state(hass, "time.garage_ev_schedule_2_start").state == "09:30:00"
    assert known_state(hass, "switch.garage_ev_schedule_2_sunday").state == "on"
    assert known_state(hass, "switch.garage_ev_schedule_2_monday").state == "off"


async def test_add_without_a_level_uses_the_chosen_current(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """Without a current the schedule charges at the current chosen for the charger."""
    device_id = charger_device(hass, loaded_enphase).id
    await _action(
        hass,
        "add_schedule",
        {"device_id": device_id, "start": "01:00", "end": "05:00", "days": ["monday"]},
    )
    assert enphase.charger.slots[-1]["chargingLevel"] == 32
    assert enphase.charger.slots[-1]["days"] == [1]


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"start": "01:00", "end": "05:00", "days": []}, "enphase_schedule_no_days"),
        ({"start": "05:00", "end": "05:00", "days": ["friday"]}, "enphase_schedule_empty_window"),
    ],
)
async def test_a_schedule_that_cannot_work_is_refused_before_it_is_sent(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    data: dict[str, Any],
    key: str,
) -> None:
    """No day at all, or the same start and end: a translated error, no request."""
    device_id = charger_device(hass, loaded_enphase).id
    with pytest.raises(ServiceValidationError) as caught:
        await _action(hass, "add_schedule", {"device_id": device_id, **data})
    assert caught.value.translation_key == key
    assert enphase.state.calls("POST", f"{SCHEDULES}/{SITE_ID}/{SERIAL}/schedule") == []
    with pytest.raises(ServiceValidationError) as caught:
        await _action(hass, "update_schedule", {ATTR_ENTITY_ID: SWITCH, **data})
    assert caught.value.translation_key == key
    assert _patches(enphase) == []


async def test_a_schedule_over_midnight_is_fine_and_a_refusal_is_translated(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """An end before the start is a window over midnight (the field records 22:30-05:45);
    a schedule the cloud refuses raises its translated error and adds nothing."""
    device_id = charger_device(hass, loaded_enphase).id
    await _action(
        hass,
        "add_schedule",
        {"device_id": device_id, "start": "22:30", "end": "05:45", "days": ["monday"]},
    )
    assert len(enphase.charger.slots) == 3
    enphase.knobs.schedules_rejected = True
    with pytest.raises(HomeAssistantError) as caught:
        await _action(
            hass,
            "add_schedule",
            {"device_id": device_id, "start": "10:00", "end": "11:00", "days": ["monday"]},
        )
    assert caught.value.translation_key == "enphase_schedule_rejected"
    assert len(enphase.charger.slots) == 3
    assert hass.states.get("switch.garage_ev_schedule_3") is None


async def test_update_a_schedule(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """Update writes what is given (times, days, current snapped to the charger's levels,
    on or off) and keeps the rest and the slot's unknown fields."""
    enphase.knobs.level_step = 16
    enphase.knobs.min_level = 16
    await hass.config_entries.async_reload(loaded_enphase.entry_id)
    await hass.async_block_till_done()
    await _action(
        hass,
        "update_schedule",
        {
            ATTR_ENTITY_ID: SWITCH,
            "start": "21:15",
            "days": ["monday", "wednesday"],
            "charging_level": 20,
            "enabled": True,
        },
    )
    slot = enphase.charger.slots[0]
    assert (slot["startTime"], slot["endTime"], slot["days"]) == ("21:15", "06:00", [1, 3])
    assert slot["chargingLevel"] == slot["chargingLevelAmp"] == 16
    assert slot["enabled"] is True
    assert slot["recurringKind"] == "Recurring"
    assert known_state(hass, SWITCH).state == "on"
    assert known_state(hass, "time.garage_ev_schedule_1_start").state == "21:15:00"
    assert known_state(hass, "switch.garage_ev_schedule_1_wednesday").state == "on"
    assert known_state(hass, "switch.garage_ev_schedule_1_tuesday").state == "off"


async def test_the_off_peak_schedule_is_only_turned_on_or_off(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """The off-peak schedule follows the utility: times, days and deletion are refused."""
    for service, data in (
        ("update_schedule", {"start": "01:00", "end": "02:00"}),
        ("update_schedule", {"days": ["monday"]}),
        ("delete_schedule", {}),
    ):
        with pytest.raises(ServiceValidationError) as caught:
            await _action(hass, service, {ATTR_ENTITY_ID: OFF_PEAK, **data})
        assert caught.value.translation_key == "enphase_schedule_off_peak"
    await _action(hass, "update_schedule", {ATTR_ENTITY_ID: OFF_PEAK, "enabled": True})
    assert enphase.charger.slots[1]["enabled"] is True
    assert enphase.state.calls("DELETE", "/schedule/") == []


async def test_delete_a_schedule_takes_its_entities(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """Delete sends one DELETE for the slot; its switch, times and days leave the registry
    at once. Deleting it again says it is gone."""
    await _action(hass, "delete_schedule", {ATTR_ENTITY_ID: SWITCH})
    (delete,) = enphase.state.calls("DELETE", "/schedule/")
    assert delete.path.endswith(f"/schedule/{SITE_ID}:{SERIAL}:7c1e")
    assert [slot["scheduleType"] for slot in enphase.charger.slots] == ["OFF_PEAK"]
    registry = er.async_get(hass)
    for entity_id in (SWITCH, MONDAY, "time.garage_ev_schedule_1_start"):
        assert hass.states.get(entity_id) is None
        assert registry.async_get(entity_id) is None
    assert known_state(hass, OFF_PEAK).state == "off"


async def test_delete_when_the_slots_cannot_be_read_still_takes_the_entities(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """The scheduler's reads fail (503) but the DELETE is taken: the slot is written from
    the last read, and its entities go all the same."""
    enphase.state.faults.path = "/schedules"
    enphase.state.faults.status = 503
    await _action(hass, "delete_schedule", {ATTR_ENTITY_ID: SWITCH})
    assert len(enphase.state.calls("DELETE", "/schedule/")) == 1
    assert hass.states.get(SWITCH) is None
    assert er.async_get(hass).async_get(MONDAY) is None
    assert known_state(hass, OFF_PEAK).state == "off"


async def test_actions_name_their_schedule_by_its_switch(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """An entity that is not a schedule's switch is refused, translated."""
    for entity_id in ("switch.garage_ev_charging", MONDAY, "switch.nothing_here"):
        with pytest.raises(ServiceValidationError) as caught:
            await _action(hass, "delete_schedule", {ATTR_ENTITY_ID: entity_id})
        assert caught.value.translation_key == "enphase_not_a_schedule"
    assert enphase.state.calls("DELETE", "/schedule/") == []


def test_the_field_schedules_carry_their_days() -> None:
    """Days parse from the field's answer; a slot without a list of days has none known,
    and days outside 1-7 are dropped."""
    slots: list[Any] = [
        {"id": "a", "startTime": "23:00", "endTime": "06:00", "days": [1, 2, 3, 4, 5, 6, 7]},
        {"id": "b", "startTime": "01:00", "endTime": "02:00", "days": None},
        {"id": "c", "startTime": "01:00", "endTime": "02:00", "days": [0, "3", 9, 3]},
    ]
    schedules = parse_schedules({"meta": {}, "data": {"slots": slots}})
    assert [slot.days for slot in schedules.slots] == [(1, 2, 3, 4, 5, 6, 7), None, (3,)]


async def test_no_change_is_sent_from_a_stale_read(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """Every slot goes back with a change, and a slot left out may be deleted: when the
    slots cannot be read just before, nothing is sent and the error says why (a schedule
    added meanwhile in the app survives)."""
    enphase.charger.slots.append({**enphase.charger.slots[0], "id": f"{SITE_ID}:{SERIAL}:new"})
    enphase.state.faults.path = "/schedules"
    enphase.state.faults.status = 503
    with pytest.raises(HomeAssistantError) as caught:
        await _switch(hass, "turn_on", SATURDAY)
    assert caught.value.translation_key == "enphase_schedules_unread"
    assert _patches(enphase) == []
    assert len(enphase.charger.slots) == 3


async def test_seconds_do_not_hide_an_empty_window(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """The cloud keeps minutes: 22:30:10 to 22:30:50 is an empty window."""
    with pytest.raises(ServiceValidationError) as caught:
        await _action(
            hass,
            "update_schedule",
            {ATTR_ENTITY_ID: SWITCH, "start": "22:30:10", "end": "22:30:50"},
        )
    assert caught.value.translation_key == "enphase_schedule_empty_window"


async def test_a_schedule_without_days_gets_no_day_switches_and_keeps_its_days(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A slot whose answer names no days has no weekday switches; one whose days go missing
    later refuses a weekday toggle rather than write that day alone."""
    enphase.charger.slots[0]["days"] = None
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    assert known_state(hass, SWITCH).state == "off"
    assert hass.states.get(MONDAY) is None
    await hass.config_entries.async_unload(enphase_entry.entry_id)
    enphase.charger.slots[0]["days"] = [1, 2]
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    assert known_state(hass, MONDAY).state == "on"
    enphase.charger.slots[0]["days"] = None
    with pytest.raises(ServiceValidationError) as caught:
        await _switch(hass, "turn_on", SATURDAY)
    assert caught.value.translation_key == "enphase_schedule_days_unknown"
    assert _patches(enphase) == []


async def test_a_slot_id_that_starts_another_takes_only_its_own_entities(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """Deleting slot `…:7c1e` leaves every entity of slot `…:7c1e_b`."""
    enphase.charger.slots.append(
        {**enphase.charger.slots[0], "id": f"{SITE_ID}:{SERIAL}:7c1e_b", "startTime": "12:00"}
    )
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    await _action(hass, "delete_schedule", {ATTR_ENTITY_ID: SWITCH})
    assert hass.states.get(SWITCH) is None
    assert known_state(hass, "switch.garage_ev_schedule_2").state == "off"
    assert known_state(hass, "switch.garage_ev_schedule_2_monday").state == "on"
    assert known_state(hass, "time.garage_ev_schedule_2_start").state == "12:00:00"


async def test_a_schedule_deleted_while_home_assistant_was_stopped_goes(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The registry is compared, not the last answer: after a reload, a schedule the
    charger no longer lists goes once two answers agree."""
    await hass.config_entries.async_unload(loaded_enphase.entry_id)
    del enphase.charger.slots[0]
    assert await hass.config_entries.async_setup(loaded_enphase.entry_id)
    await hass.async_block_till_done()
    registry = er.async_get(hass)
    assert registry.async_get(SWITCH) is not None
    await advance(hass, freezer, 3601)
    assert registry.async_get(SWITCH) is None
    assert registry.async_get(MONDAY) is None


async def test_the_schedule_binary_sensor_is_not_a_schedule(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """The charger's *Schedule enabled* binary sensor names no slot."""
    registry = er.async_get(hass)
    entity_id = registry.async_get_entity_id(
        "binary_sensor", DOMAIN, f"enphase_{SERIAL}_schedule_enabled"
    )
    assert entity_id is not None
    with pytest.raises(ServiceValidationError) as caught:
        await _action(hass, "delete_schedule", {ATTR_ENTITY_ID: entity_id})
    assert caught.value.translation_key == "enphase_not_a_schedule"


async def test_one_odd_answer_or_one_command_removes_no_other_schedule(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A schedule missing from one answer keeps its entities through a weekday change on
    another schedule (two reads seconds apart) and through a delete made from the last
    read; it goes only when an answer at least 10 minutes later still lacks it."""
    second = {**enphase.charger.slots[0], "id": f"{SITE_ID}:{SERIAL}:b2", "startTime": "12:00"}
    third = {**enphase.charger.slots[0], "id": f"{SITE_ID}:{SERIAL}:c3", "startTime": "14:00"}
    enphase.charger.slots += [second, third]
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    registry = er.async_get(hass)
    enphase.charger.slots.remove(second)  # missing from the answers from now on
    await _switch(hass, "turn_on", SATURDAY)
    assert registry.async_get("switch.garage_ev_schedule_2") is not None

    enphase.state.faults.path = "/schedules"
    enphase.state.faults.status = 503
    await _action(hass, "delete_schedule", {ATTR_ENTITY_ID: "switch.garage_ev_schedule_3"})
    assert registry.async_get("switch.garage_ev_schedule_3") is None
    assert registry.async_get("switch.garage_ev_schedule_2") is not None

    enphase.state.faults.clear()
    await advance(hass, freezer, 3601)
    assert registry.async_get("switch.garage_ev_schedule_2") is None
    assert known_state(hass, SATURDAY).state == "on"
