"""The Enphase schedule actions: add a schedule to a charger chosen by device, update or
delete one chosen by its switch. Each is checked before anything is sent (schedule_commands.py)
and its entities come and go with it."""

from __future__ import annotations

import voluptuous as vol
from homeassistant.const import ATTR_DEVICE_ID, ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import entity_registry as er

from ...const import DOMAIN
from .const import MAX_ASKED_CURRENT, MIN_CHARGING_CURRENT
from .coordinator import EnphaseCoordinator, device_key
from .schedules import slot_in_unique_id
from .services import ATTR_CHARGING_LEVEL, charger_of

ATTR_START = "start"
ATTR_END = "end"
ATTR_DAYS = "days"
ATTR_ENABLED = "enabled"
SERVICE_ADD_SCHEDULE = "add_schedule"
SERVICE_UPDATE_SCHEDULE = "update_schedule"
SERVICE_DELETE_SCHEDULE = "delete_schedule"
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
"""The action's weekday names, in the cloud's order (1 Monday ... 7 Sunday)."""

_LEVEL = vol.All(vol.Coerce(int), vol.Range(min=MIN_CHARGING_CURRENT, max=MAX_ASKED_CURRENT))
_DAYS = vol.All(cv.ensure_list, [vol.In(DAYS)])  # none at all is refused, translated
ADD_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): cv.string,
        vol.Required(ATTR_START): cv.time,
        vol.Required(ATTR_END): cv.time,
        vol.Required(ATTR_DAYS): _DAYS,
        vol.Optional(ATTR_CHARGING_LEVEL): _LEVEL,
        vol.Optional(ATTR_ENABLED, default=True): cv.boolean,
    }
)
UPDATE_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_ENTITY_ID): cv.entity_id,
        vol.Optional(ATTR_START): cv.time,
        vol.Optional(ATTR_END): cv.time,
        vol.Optional(ATTR_DAYS): _DAYS,
        vol.Optional(ATTR_CHARGING_LEVEL): _LEVEL,
        vol.Optional(ATTR_ENABLED): cv.boolean,
    }
)
DELETE_SCHEMA = vol.Schema({vol.Required(ATTR_ENTITY_ID): cv.entity_id})


def _day_numbers(names: list[str]) -> tuple[int, ...]:
    return tuple(sorted({DAYS.index(name) + 1 for name in names}))


def schedule_of(hass: HomeAssistant, entity_id: str) -> tuple[EnphaseCoordinator, str, str]:
    """The coordinator, serial and slot id of the schedule behind its switch."""
    entity = er.async_get(hass).async_get(entity_id)
    if entity is not None and entity.platform == DOMAIN and entity.device_id is not None:
        coordinator, serial = charger_of(hass, entity.device_id)
        slot_id = slot_in_unique_id(f"{device_key(serial)}_schedule_", entity.unique_id)
        if slot_id is not None and entity.unique_id.endswith("_enabled"):
            return coordinator, serial, slot_id
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="enphase_not_a_schedule",
        translation_placeholders={"entity_id": entity_id},
    )


@callback
def register_schedule_services(hass: HomeAssistant) -> None:
    """Register add_schedule, update_schedule and delete_schedule."""

    async def add_schedule(call: ServiceCall) -> None:
        coordinator, serial = charger_of(hass, call.data[ATTR_DEVICE_ID])
        await coordinator.schedule_commands.async_add_schedule(
            serial,
            start=call.data[ATTR_START],
            end=call.data[ATTR_END],
            days=_day_numbers(call.data[ATTR_DAYS]),
            level=call.data.get(ATTR_CHARGING_LEVEL),
            enabled=call.data[ATTR_ENABLED],
        )

    async def update_schedule(call: ServiceCall) -> None:
        coordinator, serial, slot_id = schedule_of(hass, call.data[ATTR_ENTITY_ID])
        days = call.data.get(ATTR_DAYS)
        await coordinator.schedule_commands.async_set_schedule(
            serial,
            slot_id,
            enabled=call.data.get(ATTR_ENABLED),
            start=call.data.get(ATTR_START),
            end=call.data.get(ATTR_END),
            days=None if days is None else _day_numbers(days),
            level=call.data.get(ATTR_CHARGING_LEVEL),
        )

    async def delete_schedule(call: ServiceCall) -> None:
        coordinator, serial, slot_id = schedule_of(hass, call.data[ATTR_ENTITY_ID])
        await coordinator.schedule_commands.async_delete_schedule(serial, slot_id)

    hass.services.async_register(DOMAIN, SERVICE_ADD_SCHEDULE, add_schedule, ADD_SCHEMA)
    hass.services.async_register(DOMAIN, SERVICE_UPDATE_SCHEDULE, update_schedule, UPDATE_SCHEMA)
    hass.services.async_register(DOMAIN, SERVICE_DELETE_SCHEDULE, delete_schedule, DELETE_SCHEMA)
