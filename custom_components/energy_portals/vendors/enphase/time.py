"""The start and end times of an Enphase charger's schedules (local time, as the app shows)."""

from __future__ import annotations

from datetime import time

from homeassistant.components.time import TimeEntity, TimeEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import EnphaseConfigEntry
from .entity import EnphaseScheduleEntity, add_schedule_entities
from .schedules import Schedule

SCHEDULE_START = TimeEntityDescription(
    key="start",
    translation_key="enphase_schedule_start",
    entity_category=EntityCategory.CONFIG,
)
SCHEDULE_END = TimeEntityDescription(
    key="end",
    translation_key="enphase_schedule_end",
    entity_category=EntityCategory.CONFIG,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EnphaseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the start and end of each schedule that has times (an off-peak one has none)."""
    coordinator = entry.runtime_data

    def entities_for(serial: str, schedule: Schedule) -> list[TimeEntity]:
        if schedule.start is None and schedule.end is None:
            return []
        return [
            ScheduleTime(coordinator, description, serial, schedule.slot_id)
            for description in (SCHEDULE_START, SCHEDULE_END)
        ]

    add_schedule_entities(entry, async_add_entities, entities_for)


class ScheduleTime(EnphaseScheduleEntity, TimeEntity):
    """When a schedule starts or ends; a change is written back (a refusal keeps the old)."""

    @property
    def native_value(self) -> time | None:
        """The schedule's time."""
        schedule = self.schedule
        if schedule is None:
            return None
        return schedule.start if self.entity_description.key == "start" else schedule.end

    async def async_set_value(self, value: time) -> None:
        """Write the new time."""
        if self.entity_description.key == "start":
            await self.coordinator.schedule_commands.async_set_schedule(
                self.serial, self.slot_id, start=value
            )
        else:
            await self.coordinator.schedule_commands.async_set_schedule(
                self.serial, self.slot_id, end=value
            )
