"""The switches of an Enphase charger: charging, whether Green charging uses the battery,
whether it waits for authorisation in the app or by RFID card, each of its schedules, and
each weekday of a schedule with times."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .authentication import APP, RFID
from .coordinator import EnphaseConfigEntry, EnphaseCoordinator
from .entity import (
    EnphaseEntity,
    EnphaseScheduleEntity,
    add_charger_entities,
    add_schedule_entities,
    add_setting_entities,
)
from .schedules import WEEKDAYS, Schedule

CHARGING = SwitchEntityDescription(key="charging_switch", translation_key="enphase_charging")
USE_BATTERY = SwitchEntityDescription(
    key="green_use_battery",
    translation_key="enphase_green_use_battery",
    entity_category=EntityCategory.CONFIG,
)
AUTHENTICATION = {
    APP: SwitchEntityDescription(
        key="app_authentication",
        translation_key="enphase_app_authentication",
        entity_category=EntityCategory.CONFIG,
    ),
    RFID: SwitchEntityDescription(
        key="rfid_authentication",
        translation_key="enphase_rfid_authentication",
        entity_category=EntityCategory.CONFIG,
    ),
}
"""By charger config key."""
SCHEDULE = SwitchEntityDescription(
    key="enabled",
    translation_key="enphase_schedule",
    entity_category=EntityCategory.CONFIG,
)
SCHEDULE_DAYS = {
    day: SwitchEntityDescription(
        key=f"day_{day}",
        translation_key=f"enphase_schedule_day_{day}",
        entity_category=EntityCategory.CONFIG,
    )
    for day in WEEKDAYS
}
"""By weekday number (1 Monday ... 7 Sunday)."""


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EnphaseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each charger's charging switch, and the battery switch where the charger has the
    setting (checked again at each new charger and each restart)."""
    coordinator = entry.runtime_data

    def entities_for(serial: str) -> list[SwitchEntity]:
        entities: list[SwitchEntity] = [EnphaseChargingSwitch(coordinator, CHARGING, serial)]
        if coordinator.use_battery.get(serial) is not None:
            entities.append(GreenUseBatterySwitch(coordinator, USE_BATTERY, serial))
        return entities

    add_charger_entities(entry, async_add_entities, entities_for)
    add_setting_entities(
        entry,
        async_add_entities,
        lambda coordinator: [
            (serial, key)
            for serial, settings in coordinator.authentication.items()
            for key in settings
        ],
        lambda serial, key: [AuthenticationSwitch(coordinator, AUTHENTICATION[key], serial, key)],
    )

    def schedule_entities(serial: str, schedule: Schedule) -> list[SwitchEntity]:
        entities: list[SwitchEntity] = [
            ScheduleSwitch(coordinator, SCHEDULE, serial, schedule.slot_id)
        ]
        timed = schedule.start is not None or schedule.end is not None  # not the off-peak one
        if timed and schedule.days is not None:
            entities += [
                ScheduleDaySwitch(coordinator, SCHEDULE_DAYS[day], serial, schedule.slot_id)
                for day in WEEKDAYS
            ]
        return entities

    add_schedule_entities(entry, async_add_entities, schedule_entities)


class EnphaseChargingSwitch(EnphaseEntity, SwitchEntity):
    """On while the charger charges; turning it on starts a session (at the chosen current in
    Manual and Scheduled, without one in Green and Smart)."""

    @property
    def is_on(self) -> bool | None:
        """Whether the charger is charging."""
        charger = self.charger
        return None if charger is None else charger.charging

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Start charging."""
        if self.charger is not None:
            await self.coordinator.commands.async_start_charging(self.serial)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Stop charging."""
        if self.charger is not None:
            await self.coordinator.commands.async_stop_charging(self.serial)


class GreenUseBatterySwitch(EnphaseEntity, SwitchEntity):
    """Whether Green charging may draw on the home battery."""

    @property
    def is_on(self) -> bool | None:
        """The charger's setting, as last read."""
        charger = self.charger
        return None if charger is None else charger.use_battery

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Let Green charging use the battery."""
        await self.coordinator.commands.async_set_use_battery(self.serial, True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Keep the battery for the house."""
        await self.coordinator.commands.async_set_use_battery(self.serial, False)


class AuthenticationSwitch(EnphaseEntity, SwitchEntity):
    """Whether charging waits for the owner's authorisation in the app or by RFID card."""

    def __init__(
        self,
        coordinator: EnphaseCoordinator,
        description: SwitchEntityDescription,
        serial: str,
        key: str,
    ) -> None:
        super().__init__(coordinator, description, serial)
        self._key = key

    @property
    def available(self) -> bool:
        """Available while the charger's config has the setting."""
        return super().available and self._key in self.coordinator.authentication.get(
            self.serial, {}
        )

    @property
    def is_on(self) -> bool | None:
        """The setting, as last read or written."""
        return self.coordinator.authentication.get(self.serial, {}).get(self._key)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Make charging wait for authorisation."""
        await self.coordinator.commands.async_set_authentication(self.serial, self._key, True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Let charging start without authorisation."""
        await self.coordinator.commands.async_set_authentication(self.serial, self._key, False)


class ScheduleSwitch(EnphaseScheduleEntity, SwitchEntity):
    """Whether one of the charger's schedules is on (a refusal keeps the old state)."""

    @property
    def is_on(self) -> bool | None:
        """The schedule's state, as last read."""
        schedule = self.schedule
        return None if schedule is None else schedule.enabled

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn the schedule on."""
        await self.coordinator.schedule_commands.async_set_schedule(
            self.serial, self.slot_id, enabled=True
        )

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the schedule off."""
        await self.coordinator.schedule_commands.async_set_schedule(
            self.serial, self.slot_id, enabled=False
        )


class ScheduleDaySwitch(EnphaseScheduleEntity, SwitchEntity):
    """Whether a schedule runs on one weekday (a schedule keeps at least one day)."""

    @property
    def _day(self) -> int:
        return int(self.entity_description.key.removeprefix("day_"))

    @property
    def is_on(self) -> bool | None:
        """Whether the weekday is among the schedule's days, as last read."""
        schedule = self.schedule
        if schedule is None or schedule.days is None:
            return None
        return self._day in schedule.days

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Add the weekday."""
        await self._async_write_days(include=True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Take the weekday out (refused for the last one)."""
        await self._async_write_days(include=False)

    async def _async_write_days(self, *, include: bool) -> None:
        await self.coordinator.schedule_commands.async_set_schedule(
            self.serial, self.slot_id, day=(self._day, include)
        )
