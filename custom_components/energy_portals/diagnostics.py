"""Diagnostics: the entry's vendor gathers them (vendors/<vendor>/diagnostics.py)."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant

from .vendor import PortalConfigEntry
from .vendors import vendor_of


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: PortalConfigEntry
) -> dict[str, Any]:
    """The entry's configuration and current data, without secrets or identities."""
    return await vendor_of(entry).async_get_diagnostics(hass, entry)
