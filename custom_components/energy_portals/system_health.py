"""What Home Assistant's system health page shows of the bundle: for each entry (named by
its vendor and number, never by an account's name or address) when it last worked, until
when it waits on its vendor, and whether the address it talks to answers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import aiohttp
from homeassistant.components import system_health
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import CONF_VERIFY_SSL
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util

from .const import CONF_VENDOR, DOMAIN
from .vendors import VENDORS

REACH_TIMEOUT = aiohttp.ClientTimeout(total=5)


@callback
def async_register(hass: HomeAssistant, register: system_health.SystemHealthRegistration) -> None:
    """Register the bundle's system health information."""
    register.async_register_info(system_health_info)


async def system_health_info(hass: HomeAssistant) -> dict[str, Any]:
    """Entries loaded, each one's last success and back-off, and whether each answers."""
    entries = [
        entry
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.data.get(CONF_VENDOR) in VENDORS
    ]
    if not entries:
        return {}
    labels = _labels(entries)
    loaded = [entry for entry in entries if entry.state is ConfigEntryState.LOADED]
    last: list[str] = []
    waits: list[str] = []
    for entry in entries:
        successes, backoffs = _times(entry) if entry in loaded else ([], [])
        last.append(f"{labels[entry]}: {_moment(max(successes, default=None))}")
        now = dt_util.utcnow()
        if (until := max((b for b in backoffs if b > now), default=None)) is not None:
            waits.append(f"{labels[entry]}: {_moment(until)}")
    return {
        "entries_loaded": f"{len(loaded)}/{len(entries)}",
        "last_success": "; ".join(last),
        "backoff_until": "; ".join(waits) or "none",
        "reachable": _reachable(hass, entries, labels),
    }


def _labels(entries: Iterable[ConfigEntry]) -> dict[ConfigEntry, str]:
    """Each entry as its vendor and its number among that vendor's entries."""
    counts: dict[str, int] = {}
    labels = {}
    for entry in entries:
        vendor = entry.data[CONF_VENDOR]
        counts[vendor] = counts.get(vendor, 0) + 1
        labels[entry] = f"{vendor} {counts[vendor]}"
    return labels


def _times(entry: ConfigEntry) -> tuple[list[datetime], list[datetime]]:
    coordinators = entry.runtime_data.coordinators()
    successes = [c.last_success_at for c in coordinators if c.last_success_at is not None]
    backoffs = [c.backoff_until for c in coordinators if c.backoff_until is not None]
    return successes, backoffs


def _moment(moment: datetime | None) -> str:
    return "never" if moment is None else moment.isoformat(timespec="seconds")


async def _reachable(
    hass: HomeAssistant, entries: list[ConfigEntry], labels: dict[ConfigEntry, str]
) -> str | dict[str, str]:
    """ "ok" when every entry's address answers (any HTTP status; no redirect is followed,
    nothing is sent but a bare GET; TLS checked as the entry checks it), else which entries it
    does not."""

    async def answers(entry: ConfigEntry) -> bool:
        session = async_get_clientsession(hass, verify_ssl=entry.data.get(CONF_VERIFY_SSL, True))
        try:
            origin = VENDORS[entry.data[CONF_VENDOR]].origin(entry.data)
            async with session.get(origin, timeout=REACH_TIMEOUT, allow_redirects=False):
                return True
        except aiohttp.ClientError, TimeoutError, KeyError, ValueError:
            return False

    results = await asyncio.gather(*(answers(entry) for entry in entries))
    failed = [labels[entry] for entry, ok in zip(entries, results, strict=True) if not ok]
    if not failed:
        return "ok"
    return {"type": "failed", "error": f"unreachable: {', '.join(failed)}"}
