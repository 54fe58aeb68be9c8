"""The binary sensors of an Enphase charger: connection, plug, charging, fault, schedule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import EnphaseConfigEntry
from .entity import EnphaseEntity, add_charger_entities
from .models import Charger


@dataclass(frozen=True, kw_only=True)
class EnphaseBinarySensorEntityDescription(BinarySensorEntityDescription):
    """A binary sensor read from the charger's status."""

    is_on_fn: Callable[[Charger], bool | None]


BINARY_SENSORS: tuple[EnphaseBinarySensorEntityDescription, ...] = (
    EnphaseBinarySensorEntityDescription(
        key="connected",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda charger: charger.connected,
    ),
    EnphaseBinarySensorEntityDescription(
        key="plugged_in",
        device_class=BinarySensorDeviceClass.PLUG,
        is_on_fn=lambda charger: charger.plugged_in,
    ),
    EnphaseBinarySensorEntityDescription(
        key="charging",
        device_class=BinarySensorDeviceClass.BATTERY_CHARGING,
        is_on_fn=lambda charger: charger.charging,
    ),
    EnphaseBinarySensorEntityDescription(
        key="faulted",
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=lambda charger: charger.faulted,
    ),
    EnphaseBinarySensorEntityDescription(
        key="schedule_enabled",
        translation_key="enphase_schedule_enabled",
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda charger: charger.schedule_enabled,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EnphaseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each charger's binary sensors."""
    add_charger_entities(
        entry,
        async_add_entities,
        lambda serial: [
            EnphaseBinarySensorEntity(entry.runtime_data, description, serial)
            for description in BINARY_SENSORS
        ],
    )


class EnphaseBinarySensorEntity(EnphaseEntity, BinarySensorEntity):
    """A binary sensor of a charger."""

    entity_description: EnphaseBinarySensorEntityDescription

    @property
    def is_on(self) -> bool | None:
        """The description's reading of the charger's status."""
        charger = self.charger
        return None if charger is None else self.entity_description.is_on_fn(charger)
