"""The charging current of an Enphase charger: the current the next start uses.

Only a current the user chose is restored after a restart; until then the option's default
applies, so a new default from the options takes effect.
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
from .const import MAX_CHARGING_CURRENT, MIN_CHARGING_CURRENT
from .coordinator import EnphaseConfigEntry
from .entity import EnphaseEntity, add_charger_entities

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


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EnphaseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each charger's charging current."""
    add_charger_entities(
        entry,
        async_add_entities,
        lambda serial: [ChargingCurrentNumber(entry.runtime_data, CHARGING_CURRENT, serial)],
    )


class ChosenCurrent(ExtraStoredData):
    """The current the user chose, or None."""

    def __init__(self, current: int | None) -> None:
        self.current = current

    def as_dict(self) -> dict[str, Any]:
        """The stored form."""
        return {"chosen": self.current}


class ChargingCurrentNumber(EnphaseEntity, NumberEntity, RestoreEntity):
    """The current the next start uses; a change restarts a running session at it."""

    async def async_added_to_hass(self) -> None:
        """Hand the restored choice to the coordinator (unless one is set already)."""
        await super().async_added_to_hass()
        last = await self.async_get_last_extra_data()
        current = as_int(last.as_dict().get("chosen")) if last else None
        if current is not None and MIN_CHARGING_CURRENT <= current <= MAX_CHARGING_CURRENT:
            self.coordinator.charging_currents.setdefault(self.serial, current)
            self.async_write_ha_state()

    @property
    def native_min_value(self) -> float:
        """The charger's own minimum, else the usual 6 A."""
        limits = self.coordinator.current_range(self.serial)
        return MIN_CHARGING_CURRENT if limits is None else limits[0]

    @property
    def native_max_value(self) -> float:
        """The charger's own maximum, else 40 A."""
        limits = self.coordinator.current_range(self.serial)
        return MAX_CHARGING_CURRENT if limits is None else limits[1]

    @property
    def native_step(self) -> float:
        """The charger's own step, else 1 A."""
        limits = self.coordinator.current_range(self.serial)
        return 1 if limits is None else limits[2]

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
        await self.coordinator.async_set_charging_current(self.serial, int(value))
        self.async_write_ha_state()

    @property
    def extra_restore_state_data(self) -> ChosenCurrent:
        """Only the user's choice is stored."""
        return ChosenCurrent(self.coordinator.charging_currents.get(self.serial))
