"""What a vendor slice hands to the shared root modules (one instance per vendor folder)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.config_entries import OptionsFlow
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant

from .runtime import PortalConfigEntry, VendorRuntime


@dataclass(frozen=True, kw_only=True)
class Vendor:
    """One vendor: how to set up its entries and what it needs from the root."""

    key: str
    platforms: tuple[Platform, ...]
    async_setup_entry: Callable[[HomeAssistant, PortalConfigEntry], Awaitable[VendorRuntime]]
    to_redact: frozenset[str]
    options_flow: type[OptionsFlow] | None = None
    register_services: Callable[[HomeAssistant], None] | None = None
