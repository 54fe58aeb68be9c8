"""Time entities (schedule start and end): the entry's vendor adds them
(vendors/<vendor>/time.py)."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .vendor import PortalConfigEntry
from .vendors import vendor_of

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PortalConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the entry's time entities."""
    await vendor_of(entry).platforms[Platform.TIME](hass, entry, async_add_entities)
