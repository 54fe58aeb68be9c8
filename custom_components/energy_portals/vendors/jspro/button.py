"""The button of a JSPro controller: delete the SCC alarm log (admin only, off by default)."""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import JsproConfigEntry, JsproSystemCoordinator
from .entity import JsproControllerEntity
from .models import SystemData

CLEAR_ALARM_LOG = ButtonEntityDescription(
    key="clear_alarm_log",
    translation_key="jspro_clear_alarm_log",
    entity_category=EntityCategory.CONFIG,
    entity_registry_enabled_default=False,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: JsproConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the controller's button."""
    data = entry.runtime_data
    async_add_entities([ClearAlarmLogButton(data, data.system, CLEAR_ALARM_LOG)])


class ClearAlarmLogButton(JsproControllerEntity[SystemData], ButtonEntity):
    """Deletes the SCC alarm log, then reads the overview again."""

    coordinator: JsproSystemCoordinator

    @property
    def part(self) -> SystemData | None:
        """The system data (the button needs no particular part)."""
        return self.coordinator.data

    async def async_press(self) -> None:
        """Delete the alarm log."""
        await self.coordinator.async_clear_alarm_log()
