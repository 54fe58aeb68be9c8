"""Transitional: the runtime of vendors not yet moved to per-platform modules."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .redact import redacted_diagnostics
from .vendor import PlatformSetup


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


def legacy_platforms(*platforms: Platform) -> dict[Platform, PlatformSetup]:
    """Platform setups that ask the runtime to add its entities."""

    def setup(platform: Platform) -> PlatformSetup:
        async def async_setup_entry(
            hass: HomeAssistant,
            entry: PortalConfigEntry,
            async_add_entities: AddConfigEntryEntitiesCallback,
        ) -> None:
            entry.runtime_data.add_entities(platform, async_add_entities)

        return async_setup_entry

    return {platform: setup(platform) for platform in platforms}


def legacy_diagnostics(to_redact: frozenset[str]) -> Any:
    """Diagnostics from the runtime."""

    async def get(hass: HomeAssistant, entry: PortalConfigEntry) -> dict[str, Any]:
        return redacted_diagnostics(entry, entry.runtime_data.diagnostics(), to_redact)

    return get


def legacy_reported(entry: PortalConfigEntry) -> set[str]:
    """Reported keys from the runtime."""
    return entry.runtime_data.reported_device_keys()
