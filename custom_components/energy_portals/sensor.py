"""Sensors: each vendor describes them, this module draws them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from homeassistant.components.sensor import SensorEntity, SensorEntityDescription
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .entity import PortalEntity, attributes_or_none

PARALLEL_UPDATES = 0

type SensorValue = StateType | date | datetime | Decimal


@dataclass(frozen=True, kw_only=True)
class PortalSensorDescription[SubjectT](SensorEntityDescription):
    """A sensor read from its device's data."""

    value_fn: Callable[[SubjectT], SensorValue]
    attrs_fn: Callable[[SubjectT], Mapping[str, Any]] | None = None


class PortalSensor[SubjectT](PortalEntity[DataUpdateCoordinator[Any], SubjectT], SensorEntity):
    """A sensor of a PortalDevice."""

    entity_description: PortalSensorDescription[SubjectT]

    @property
    def native_value(self) -> SensorValue:
        subject = self.subject
        return None if subject is None else self.entity_description.value_fn(subject)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        return attributes_or_none(self.entity_description.attrs_fn, self.subject)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the entry's sensors: the vendor's sensor.py does it."""
    from .vendors import vendor_of  # transitional

    await vendor_of(entry).platforms[Platform.SENSOR](hass, entry, async_add_entities)
