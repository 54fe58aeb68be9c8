"""What every vendor's runtime data offers the shared root modules."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.helpers.entity import Entity
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


class GrowingRuntime(VendorRuntime):
    """A runtime whose devices may appear after setup: it keeps each platform's add callback."""

    def __init__(self) -> None:
        self._adders: dict[Platform, AddConfigEntryEntitiesCallback] = {}

    @abstractmethod
    def _new_entities(self, platform: Platform) -> list[Entity]:
        """The platform's entities not added yet (and remember them as added)."""

    def add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        self._adders[platform] = async_add_entities
        async_add_entities(self._new_entities(platform))

    def _add_new_entities(self) -> None:
        """Add what appeared since: call after each successful update."""
        for platform, async_add_entities in self._adders.items():
            if entities := self._new_entities(platform):
                async_add_entities(entities)


type PortalConfigEntry = ConfigEntry[VendorRuntime]
