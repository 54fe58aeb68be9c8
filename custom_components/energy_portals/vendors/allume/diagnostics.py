"""Diagnostics of an Allume entry: properties, buildings and statistics progress, no identities."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.core import HomeAssistant

from ...redact import redacted_diagnostics
from .coordinator import AllumeConfigEntry


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: AllumeConfigEntry
) -> dict[str, Any]:
    """The entry, each property's and building's data, and how far statistics were imported."""
    coordinator = entry.runtime_data
    data = coordinator.data
    properties = []
    for prop in coordinator.properties:
        current = data.properties.get(prop.property_id) if data else None
        properties.append(
            {
                **asdict(prop),
                "data": asdict(current) if current else None,
                "statistics_imported_until": coordinator.statistics.diagnostics(prop),
            }
        )
    buildings = [
        {
            **asdict(building),
            "today": asdict(today) if data and (today := data.buildings.get(pid)) else None,
        }
        for pid, building in coordinator.buildings.items()
    ]
    return redacted_diagnostics(
        entry,
        {
            "update_interval": str(coordinator.update_interval),
            "statistics_enabled": coordinator.statistics.enabled,
            "properties": properties,
            "buildings": buildings,
        },
        coordinator.client.answers.as_list(),
    )
