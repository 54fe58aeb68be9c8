"""Entry titles name the thing (site, property, battery, proxy, controller), never a person.

Home Assistant logs an entry's title on setup failures, so a title is a log line: no e-mail
address, no full name, no id that diagnostics redact. Entries made by older releases may still
carry such an automatic title; it is replaced once, and a title the user chose is kept.
"""

from __future__ import annotations

from collections.abc import Iterable

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback


@callback
def replace_old_automatic_title(
    hass: HomeAssistant, entry: ConfigEntry, old_titles: Iterable[str], title: str
) -> None:
    """Give the entry `title` when its title is one an older release made up."""
    if entry.title != title and entry.title in set(old_titles):
        hass.config_entries.async_update_entry(entry, title=title)
