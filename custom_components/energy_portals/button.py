"""Buttons: each vendor describes them, this module draws them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .entity import PortalEntity, run_command

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class PortalButtonDescription[CoordinatorT: DataUpdateCoordinator[Any], SubjectT](
    ButtonEntityDescription
):
    """A button whose press runs a command through the coordinator."""

    press_fn: Callable[[CoordinatorT, SubjectT], Awaitable[Any]]


class PortalButton[CoordinatorT: DataUpdateCoordinator[Any], SubjectT](
    PortalEntity[CoordinatorT, SubjectT], ButtonEntity
):
    """A button of a PortalDevice."""

    entity_description: PortalButtonDescription[CoordinatorT, SubjectT]

    async def async_press(self) -> None:
        subject = self.subject
        if subject is not None:
            await run_command(self.entity_description.press_fn(self.coordinator, subject))


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the entry's buttons: the vendor's button.py does it."""
    from .vendors import vendor_of  # transitional

    await vendor_of(entry).platforms[Platform.BUTTON](hass, entry, async_add_entities)
