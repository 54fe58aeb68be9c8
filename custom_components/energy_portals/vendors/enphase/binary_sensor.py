"""The binary sensors of an Enphase charger: connection, plug, charging, fault, schedule,
load balancing and the safe current limit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
    attributes_fn: Callable[[Charger], dict[str, Any]] | None = None


def _offline_since(charger: Charger) -> dict[str, datetime | None]:
    """Since when the charger is offline (the cloud keeps the last time, even once back)."""
    return {"offline_since": charger.offline_since if charger.connected is False else None}


BINARY_SENSORS: tuple[EnphaseBinarySensorEntityDescription, ...] = (
    EnphaseBinarySensorEntityDescription(
        key="connected",
        translation_key="enphase_connected",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda charger: charger.connected,
        attributes_fn=_offline_since,
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
    EnphaseBinarySensorEntityDescription(
        key="load_balancing",
        translation_key="enphase_load_balancing",
        is_on_fn=lambda charger: charger.load_balancing,
    ),
    EnphaseBinarySensorEntityDescription(
        key="safe_limit",
        translation_key="enphase_safe_limit",
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=lambda charger: charger.safe_limit,
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

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """The description's attributes, when it has any."""
        charger, attributes_fn = self.charger, self.entity_description.attributes_fn
        return None if charger is None or attributes_fn is None else attributes_fn(charger)
