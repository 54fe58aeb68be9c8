"""What every vendor's diagnostics leave out, and the entry part they all share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.config_entries import ConfigEntry

TO_REDACT = frozenset(
    {
        "password",
        "email",
        "username",
        "token",
        "access_token",
        "api_token",
        "cookie",
        "cookies",
        "title",
        "unique_id",
    }
)


def redacted_diagnostics(
    entry: ConfigEntry, data: dict[str, Any], vendor_redact: Iterable[str]
) -> dict[str, Any]:
    """The entry's configuration and the vendor's data, redacted by both lists."""
    diagnostics = {
        "entry": {
            "title": entry.title,
            "unique_id": entry.unique_id,
            "data": dict(entry.data),
            "options": dict(entry.options),
        },
        "data": data,
    }
    redacted: dict[str, Any] = async_redact_data(diagnostics, TO_REDACT | set(vendor_redact))
    return redacted
