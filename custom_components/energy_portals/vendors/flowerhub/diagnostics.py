"""Diagnostics of a FlowerHub entry: each coordinator's data, without identities."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from homeassistant.core import HomeAssistant

from ...redact import redacted_diagnostics
from .coordinator import FlowerHubConfigEntry


def _dump(value: Any) -> Any:
    # A JSON round trip turns the models' tuples into lists, which redaction walks.
    return json.loads(json.dumps(asdict(value), default=str)) if value else None


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: FlowerHubConfigEntry
) -> dict[str, Any]:
    """The entry and what each coordinator read last."""
    data = entry.runtime_data
    return redacted_diagnostics(
        entry,
        {
            "uptime_prefix": data.client.uptime_prefix,
            "status_interval": str(data.status.update_interval),
            "disconnected_since": data.status.disconnected_since,
            "owner": _dump(data.owner.data),
            "asset": _dump(data.status.data),
            "uptime": _dump(data.uptime.data),
            "account": _dump(data.account.data),
        },
        data.client.answers.as_list(),
    )
