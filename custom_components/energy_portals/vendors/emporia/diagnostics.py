"""Diagnostics of an Emporia entry: devices, channels and the socket's state, no identities."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.core import HomeAssistant

from ...redact import redacted_diagnostics
from .coordinator import EmporiaConfigEntry

TO_REDACT = {"time_zone"}
"""A device's zone tells where the home is; the common words of redact.py cover the rest."""


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: EmporiaConfigEntry
) -> dict[str, Any]:
    """The entry, what /devices listed, each channel's live state and the socket's."""
    data = entry.runtime_data
    push, state = data.push, data.live.state
    return redacted_diagnostics(
        entry,
        {
            "state_interval": push.interval,
            "instant_supported": push.instant_supported,
            "socket_sessions": push.sessions,
            "authenticated": push.authenticated,
            "samples": state.samples,
            "devices": [
                {**asdict(device), "channels": [asdict(channel) for channel in device.channels]}
                for device in (data.devices.data or {}).values()
            ],
            "channels": [
                {"gid": gid, "channel": num, **asdict(channel)}
                for (gid, num), channel in state.channels.items()
            ],
        },
        data.devices.client.answers.as_list(),
        TO_REDACT,
    )
