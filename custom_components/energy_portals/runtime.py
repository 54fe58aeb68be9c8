"""What every vendor's runtime data offers the shared root modules."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback


class VendorRuntime(ABC):
    """The live part of one config entry: clients, coordinators, devices."""

    @abstractmethod
    def add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add this entry's entities of one platform (now, and later for new devices)."""

    @abstractmethod
    def reported_device_keys(self) -> set[str]:
        """The device identifiers the vendor reports now (a user may delete any other)."""

    @abstractmethod
    def diagnostics(self) -> dict[str, Any]:
        """The entry's current data for diagnostics (redacted by the caller)."""


type PortalConfigEntry = ConfigEntry[VendorRuntime]
