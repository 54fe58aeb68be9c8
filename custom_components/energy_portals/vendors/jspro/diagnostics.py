"""Diagnostics of a JSPro entry: what each coordinator read, without identities."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.core import HomeAssistant

from ...redact import redacted_diagnostics
from .coordinator import JsproConfigEntry

TO_REDACT = {"site_name"}
"""A site's name is a place; the common words of redact.py cover the rest."""


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: JsproConfigEntry
) -> dict[str, Any]:
    """The entry, the controller's identity, its latest data and missing endpoints."""
    data = entry.runtime_data
    monitoring, system = data.monitoring.data, data.system.data
    return redacted_diagnostics(
        entry,
        {
            "information": asdict(data.information.data),
            "monitoring": asdict(monitoring) if monitoring else None,
            "system": asdict(system) if system else None,
            "unsupported_endpoints": sorted(
                data.monitoring.groups.unsupported | data.system.groups.unsupported
            ),
            "intervals": {
                "monitoring": str(data.monitoring.update_interval),
                "system": str(data.system.update_interval),
            },
        },
        data.client.answers.as_list(),
        TO_REDACT,
    )
