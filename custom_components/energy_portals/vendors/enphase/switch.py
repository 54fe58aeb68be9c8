"""The charging switch of an Enphase charger."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import EnphaseConfigEntry
from .entity import EnphaseEntity, add_charger_entities

CHARGING = SwitchEntityDescription(key="charging_switch", translation_key="enphase_charging")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EnphaseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each charger's charging switch."""
    add_charger_entities(
        entry,
        async_add_entities,
        lambda serial: [EnphaseChargingSwitch(entry.runtime_data, CHARGING, serial)],
    )


class EnphaseChargingSwitch(EnphaseEntity, SwitchEntity):
    """On while the charger charges; turning it on starts a session at the chosen current."""

    @property
    def is_on(self) -> bool | None:
        """Whether the charger is charging."""
        charger = self.charger
        return None if charger is None else charger.charging

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Start charging."""
        if self.charger is not None:
            await self.coordinator.async_start_charging(self.serial)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Stop charging."""
        if self.charger is not None:
            await self.coordinator.async_stop_charging(self.serial)
