"""Numbers: each vendor describes them, this module draws them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.number import NumberEntity, NumberEntityDescription
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .entity import PortalEntity, run_command

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class PortalNumberDescription[CoordinatorT: DataUpdateCoordinator[Any], SubjectT](
    NumberEntityDescription
):
    """A number: its value from the coordinator, its change through the coordinator."""

    value_fn: Callable[[CoordinatorT, SubjectT], float | None]
    set_fn: Callable[[CoordinatorT, SubjectT, float], Awaitable[Any]]


class PortalNumber[CoordinatorT: DataUpdateCoordinator[Any], SubjectT](
    PortalEntity[CoordinatorT, SubjectT], NumberEntity
):
    """A number of a PortalDevice."""

    entity_description: PortalNumberDescription[CoordinatorT, SubjectT]

    @property
    def native_value(self) -> float | None:
        subject = self.subject
        if subject is None:
            return None
        return self.entity_description.value_fn(self.coordinator, subject)

    async def async_set_native_value(self, value: float) -> None:
        subject = self.subject
        if subject is not None:
            await run_command(self.entity_description.set_fn(self.coordinator, subject, value))
            self.async_write_ha_state()


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the entry's numbers: the vendor's number.py does it."""
    from .vendors import vendor_of  # transitional

    await vendor_of(entry).platforms[Platform.NUMBER](hass, entry, async_add_entities)
