"""Actions: each vendor registers its own; this registers them all from async_setup."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback

from .vendors import VENDORS


@callback
def async_register_services(hass: HomeAssistant) -> None:
    """Register every vendor's actions."""
    for register in (v.register_services for v in VENDORS.values() if v.register_services):
        register(hass)
