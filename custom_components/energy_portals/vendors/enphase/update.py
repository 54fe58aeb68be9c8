"""The charger's firmware as an update entity: installed and offered version from fwDetails
(information only: Enphase installs firmware itself)."""

from __future__ import annotations

from typing import Any

from homeassistant.components.update import (
    UpdateDeviceClass,
    UpdateEntity,
    UpdateEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import EnphaseConfigEntry
from .entity import EnphaseEntity, add_charger_entities

FIRMWARE = UpdateEntityDescription(
    key="firmware",
    translation_key="enphase_firmware",
    device_class=UpdateDeviceClass.FIRMWARE,
    entity_category=EntityCategory.DIAGNOSTIC,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EnphaseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each charger's firmware entity."""
    coordinator = entry.runtime_data
    add_charger_entities(
        entry,
        async_add_entities,
        lambda serial: [EnphaseFirmwareEntity(coordinator, FIRMWARE, serial)],
    )


class EnphaseFirmwareEntity(EnphaseEntity, UpdateEntity):
    """Installed and offered firmware; no install (the cloud updates the charger)."""

    @property
    def installed_version(self) -> str | None:
        """fwDetails' current version, else the summary's."""
        firmware = self.coordinator.firmware.get(self.serial)
        if firmware is not None and firmware.installed:
            return firmware.installed
        charger = self.charger
        return charger.summary.firmware_version if charger and charger.summary else None

    @property
    def latest_version(self) -> str | None:
        """The version the cloud offers (the installed one when it offers none)."""
        firmware = self.coordinator.firmware.get(self.serial)
        if firmware is not None and firmware.target:
            return firmware.target
        return self.installed_version

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """The cloud's upgrade status, the last upgrade and automatic updates."""
        firmware = self.coordinator.firmware.get(self.serial)
        if firmware is None:
            return None
        return {
            "upgrade_status": firmware.upgrade_status,
            "last_upgrade": firmware.last_upgrade.isoformat() if firmware.last_upgrade else None,
            "automatic_updates": firmware.auto_update,
        }
