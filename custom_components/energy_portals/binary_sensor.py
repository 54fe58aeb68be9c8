"""Binary sensors: each vendor describes them, this module draws them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .entity import PortalEntity, attributes_or_none

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class PortalBinarySensorDescription[SubjectT](BinarySensorEntityDescription):
    """A binary sensor read from its device's data."""

    is_on_fn: Callable[[SubjectT], bool | None]
    attrs_fn: Callable[[SubjectT], Mapping[str, Any]] | None = None


class PortalBinarySensor[SubjectT](
    PortalEntity[DataUpdateCoordinator[Any], SubjectT], BinarySensorEntity
):
    """A binary sensor of a PortalDevice."""

    entity_description: PortalBinarySensorDescription[SubjectT]

    @property
    def is_on(self) -> bool | None:
        subject = self.subject
        return None if subject is None else self.entity_description.is_on_fn(subject)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        return attributes_or_none(self.entity_description.attrs_fn, self.subject)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the entry's binary sensors: the vendor's binary_sensor.py does it."""
    from .vendors import vendor_of  # transitional

    await vendor_of(entry).platforms[Platform.BINARY_SENSOR](hass, entry, async_add_entities)
