"""What a vendor folder hands to the shared root modules (one instance per vendor)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from homeassistant.config_entries import ConfigEntry, OptionsFlowWithReload
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import PortalCoordinator


class RuntimeData(Protocol):
    """What the root asks of every vendor's runtime data."""

    def reported_device_keys(self) -> set[str]:
        """The device identifiers the vendor reports now (a user may delete any other)."""
        ...

    def coordinators(self) -> list[PortalCoordinator[Any]]:
        """The entry's coordinators (system health shows when each last worked)."""
        ...


type PortalConfigEntry = ConfigEntry[RuntimeData]
"""An entry of this integration: its runtime data is its vendor's (`AllumeConfigEntry`,
`EnphaseConfigEntry` ... in each vendor's coordinator.py say which)."""

type PlatformSetup = Callable[
    [HomeAssistant, ConfigEntry[Any], AddConfigEntryEntitiesCallback], Awaitable[None]
]


@dataclass(frozen=True, kw_only=True)
class Vendor:
    """One vendor: its entry setup, its platform modules and what the root asks of it."""

    key: str
    async_setup_entry: Callable[[HomeAssistant, ConfigEntry[Any]], Awaitable[None]]
    """Build the entry's runtime data (`entry.runtime_data`); raise as Home Assistant expects."""
    platforms: Mapping[Platform, PlatformSetup]
    """Each platform's `async_setup_entry` (the vendor's sensor.py, switch.py ...)."""
    async_get_diagnostics: Callable[[HomeAssistant, ConfigEntry[Any]], Awaitable[dict[str, Any]]]
    origin: Callable[[Mapping[str, Any]], str]
    """The address an entry talks to, from its data (system health checks it is reachable)."""
    options_flow: type[OptionsFlowWithReload] | None = None
    """Changed options reload the entry (there is no update listener: reauth and reconfigure
    reload through `async_update_reload_and_abort`)."""
    async_remove_entry: Callable[[HomeAssistant, ConfigEntry[Any]], Awaitable[None]] | None = None
    """Delete what the vendor stored beside the entry (Home Assistant's Store files)."""
    register_services: Callable[[HomeAssistant], None] | None = None
