"""Diagnostics of an Enphase entry: the site's chargers as last read, without identities, and
the requests sent per endpoint with the last error per call family."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.core import HomeAssistant

from ...redact import redacted_diagnostics
from .coordinator import EnphaseConfigEntry


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: EnphaseConfigEntry
) -> dict[str, Any]:
    """The entry and its chargers' latest status and summary."""
    coordinator = entry.runtime_data
    data = coordinator.data
    return redacted_diagnostics(
        entry,
        {
            "site_id": coordinator.site_id,
            "update_interval": str(coordinator.update_interval),
            "chargers": [asdict(charger) for charger in data.chargers.values()] if data else [],
            "requests": dict(sorted(coordinator.client.auth.requests.counts.items())),
            "last_errors": dict(sorted(coordinator.client.auth.requests.last_errors.items())),
        },
        coordinator.client.auth.answers.as_list(),
    )
