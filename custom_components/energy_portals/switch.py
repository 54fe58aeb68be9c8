"""Switches: each vendor describes them, this module draws them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .entity import PortalEntity, run_command

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class PortalSwitchDescription[CoordinatorT: DataUpdateCoordinator[Any], SubjectT](
    SwitchEntityDescription
):
    """A switch: its state from the device's data, its command through the coordinator."""

    is_on_fn: Callable[[SubjectT], bool | None]
    turn_fn: Callable[[CoordinatorT, SubjectT, bool], Awaitable[Any]]


class PortalSwitch[CoordinatorT: DataUpdateCoordinator[Any], SubjectT](
    PortalEntity[CoordinatorT, SubjectT], SwitchEntity
):
    """A switch of a PortalDevice."""

    entity_description: PortalSwitchDescription[CoordinatorT, SubjectT]

    @property
    def is_on(self) -> bool | None:
        subject = self.subject
        return None if subject is None else self.entity_description.is_on_fn(subject)

    async def async_turn_on(self, **kwargs: Any) -> None:
        await self._async_turn(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        await self._async_turn(False)

    async def _async_turn(self, on: bool) -> None:
        subject = self.subject
        if subject is not None:
            await run_command(self.entity_description.turn_fn(self.coordinator, subject, on))


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the entry's switchs: the vendor's switch.py does it."""
    from .vendors import vendor_of  # transitional

    await vendor_of(entry).platforms[Platform.SWITCH](hass, entry, async_add_entities)
