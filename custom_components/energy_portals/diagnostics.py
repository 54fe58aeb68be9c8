"""Diagnostics for any entry, redacted by the shared list and the vendor's own."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .const import CONF_VENDOR
from .runtime import PortalConfigEntry
from .vendors import VENDORS

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


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: PortalConfigEntry
) -> dict[str, Any]:
    """The entry's configuration and current data, without secrets or identities."""
    vendor = VENDORS[entry.data[CONF_VENDOR]]
    diagnostics = {
        "entry": {
            "title": entry.title,
            "unique_id": entry.unique_id,
            "data": dict(entry.data),
            "options": dict(entry.options),
        },
        "data": entry.runtime_data.diagnostics(),
    }
    redacted: dict[str, Any] = async_redact_data(diagnostics, TO_REDACT | vendor.to_redact)
    return redacted
