"""The buttons of an Enphase charger: start and stop, meter values, the site's live stream."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import EnphaseConfigEntry, EnphaseCoordinator
from .entity import EnphaseEntity, add_charger_entities


@dataclass(frozen=True, kw_only=True)
class EnphaseButtonEntityDescription(ButtonEntityDescription):
    """A button that sends one command for a charger (by serial)."""

    press_fn: Callable[[EnphaseCoordinator, str], Awaitable[None]]


BUTTONS: tuple[EnphaseButtonEntityDescription, ...] = (
    EnphaseButtonEntityDescription(
        key="start_charging",
        translation_key="enphase_start_charging",
        press_fn=lambda coordinator, serial: coordinator.commands.async_start_charging(serial),
    ),
    EnphaseButtonEntityDescription(
        key="stop_charging",
        translation_key="enphase_stop_charging",
        press_fn=lambda coordinator, serial: coordinator.commands.async_stop_charging(serial),
    ),
    EnphaseButtonEntityDescription(
        key="request_meter_values",
        translation_key="enphase_request_meter_values",
        entity_category=EntityCategory.DIAGNOSTIC,
        press_fn=lambda coordinator, serial: coordinator.commands.async_request_meter_values(
            serial
        ),
    ),
    EnphaseButtonEntityDescription(
        key="start_live_stream",
        translation_key="enphase_start_live_stream",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        press_fn=lambda coordinator, _: coordinator.commands.async_start_live_stream(),
    ),
    EnphaseButtonEntityDescription(
        key="stop_live_stream",
        translation_key="enphase_stop_live_stream",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        press_fn=lambda coordinator, _: coordinator.commands.async_stop_live_stream(),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EnphaseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each charger's buttons."""
    add_charger_entities(
        entry,
        async_add_entities,
        lambda serial: [
            EnphaseButtonEntity(entry.runtime_data, description, serial) for description in BUTTONS
        ],
    )


class EnphaseButtonEntity(EnphaseEntity, ButtonEntity):
    """A command button of a charger."""

    entity_description: EnphaseButtonEntityDescription

    async def async_press(self) -> None:
        """Send the command (not for a charger the site no longer reports)."""
        if self.charger is not None:
            await self.entity_description.press_fn(self.coordinator, self.serial)
