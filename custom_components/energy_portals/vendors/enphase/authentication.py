"""Whether a charger waits for its owner before it charges: authentication in the Enphase app
and by RFID card (`sessionAuthentication`, `rfidSessionAuthentication` in the charger config;
enphase-cloud-more.md, section 7). No Home Assistant imports here."""

from __future__ import annotations

from typing import Any

from ...errors import PortalResponseError
from ...parse import as_list, as_object, as_str

APP = "sessionAuthentication"
RFID = "rfidSessionAuthentication"
AUTHENTICATION_READ = [{"key": APP}, {"key": RFID}]
"""The body that reads both settings (the config endpoint reads a list of keys)."""
STATES = {"enabled": True, "disabled": False}


def parse_authentication(body: Any) -> dict[str, bool | None] | None:
    """Each authentication the charger's config holds: on ("enabled"), off ("disabled", or
    null: never written), None for a value nobody has recorded; None when the config holds
    neither: the charger has none."""
    answer = as_object(body).get("data") if isinstance(body, dict) else body
    if not isinstance(answer, list):
        raise PortalResponseError("Charger config answer has no list")
    settings: dict[str, bool | None] = {}
    for raw in as_list(answer):
        item = as_object(raw)
        key = item.get("key")
        if key in (APP, RFID):
            value = item.get("value")
            text = (as_str(value) or "").lower()
            settings[str(key)] = False if value is None else STATES.get(text)
    return settings or None


def authentication_write(key: str, on: bool) -> list[dict[str, Any]]:
    """The body that turns one authentication on or off."""
    return [{"key": key, "value": "enabled" if on else "disabled"}]
