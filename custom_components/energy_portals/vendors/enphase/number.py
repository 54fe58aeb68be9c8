"""The charging current of an Enphase charger (the current the next start uses) and its
default charge level (the level the charger starts at by itself).

Only a current the user chose is restored after a restart; until then the option's default
applies, so a new default from the options takes effect. Both keep to the levels the charger
accepts (its range and steps).
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import EntityCategory, UnitOfElectricCurrent
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import ExtraStoredData, RestoreEntity

from ...parse import as_int
from .const import MAX_ASKED_CURRENT, MAX_CHARGING_CURRENT, MIN_CHARGING_CURRENT
from .coordinator import EnphaseConfigEntry
from .entity import EnphaseEntity, add_charger_entities, add_setting_entities

CHARGING_CURRENT = NumberEntityDescription(
    key="charging_current",
    translation_key="enphase_charging_current",
    device_class=NumberDeviceClass.CURRENT,
    native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
    native_min_value=MIN_CHARGING_CURRENT,
    native_max_value=MAX_CHARGING_CURRENT,
    native_step=1,
    mode=NumberMode.BOX,
    entity_category=EntityCategory.CONFIG,
)

DEFAULT_LEVEL = NumberEntityDescription(
    key="default_charge_level",
    translation_key="enphase_default_charge_level",
    device_class=NumberDeviceClass.CURRENT,
    native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
    mode=NumberMode.BOX,
    entity_category=EntityCategory.CONFIG,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EnphaseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each charger's charging current, and its default level once its config has
    answered with one."""
    coordinator = entry.runtime_data

    add_charger_entities(
        entry,
        async_add_entities,
        lambda serial: [ChargingCurrentNumber(coordinator, CHARGING_CURRENT, serial)],
    )
    add_setting_entities(
        entry,
        async_add_entities,
        lambda coordinator: [(serial, DEFAULT_LEVEL.key) for serial in coordinator.default_levels],
        lambda serial, _key: [DefaultLevelNumber(coordinator, DEFAULT_LEVEL, serial)],
    )


class ChargerLevelsNumber(EnphaseEntity, NumberEntity):
    """A current within the levels the charger accepts."""

    @property
    def native_min_value(self) -> float:
        """The charger's own minimum, else the usual 6 A."""
        return self.coordinator.charge_levels(self.serial).min

    @property
    def native_max_value(self) -> float:
        """The charger's own maximum, else 40 A."""
        return self.coordinator.charge_levels(self.serial).max

    @property
    def native_step(self) -> float:
        """The charger's own step, else 1 A."""
        return self.coordinator.charge_levels(self.serial).step


class DefaultLevelNumber(ChargerLevelsNumber):
    """The level the charger starts at without a command (unknown while it is "disabled")."""

    @property
    def available(self) -> bool:
        """Available while the charger's config has the setting."""
        return super().available and self.serial in self.coordinator.default_levels

    @property
    def native_value(self) -> float | None:
        """The charger's default level."""
        level = self.coordinator.default_levels.get(self.serial)
        return None if level is None or self.charger is None else level.amps

    async def async_set_native_value(self, value: float) -> None:
        """Set the default level."""
        await self.coordinator.commands.async_set_default_level(self.serial, value)


class ChosenCurrent(ExtraStoredData):
    """The current the user chose, or None."""

    def __init__(self, current: int | None) -> None:
        self.current = current

    def as_dict(self) -> dict[str, Any]:
        """The stored form."""
        return {"chosen": self.current}


class ChargingCurrentNumber(ChargerLevelsNumber, RestoreEntity):
    """The current the next start uses; a change restarts a running session at it."""

    async def async_added_to_hass(self) -> None:
        """Hand the restored choice to the coordinator (unless one is set already)."""
        await super().async_added_to_hass()
        last = await self.async_get_last_extra_data()
        current = as_int(last.as_dict().get("chosen")) if last else None
        if current is not None and MIN_CHARGING_CURRENT <= current <= MAX_ASKED_CURRENT:
            self.coordinator.charging_currents.setdefault(self.serial, current)
            self.async_write_ha_state()

    @property
    def native_value(self) -> float | None:
        """The chosen current, else the option's default (unknown while the charger is gone)."""
        if self.charger is None:
            return None
        return self.coordinator.charging_current(self.serial)

    async def async_set_native_value(self, value: float) -> None:
        """Choose the current."""
        if self.charger is None:
            return
        await self.coordinator.commands.async_set_charging_current(
            self.serial, self.coordinator.charge_levels(self.serial).snap(value)
        )
        self.async_write_ha_state()

    @property
    def extra_restore_state_data(self) -> ChosenCurrent:
        """Only the user's choice is stored."""
        return ChosenCurrent(self.coordinator.charging_currents.get(self.serial))
