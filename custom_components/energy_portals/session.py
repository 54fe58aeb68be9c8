"""A session with a cookie jar of its own for each entry that uses cookies (FlowerHub, Enphase)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_create_clientsession


def create_session(hass: HomeAssistant, *, auto_cleanup: bool = True) -> aiohttp.ClientSession:
    """A session with its own cookie jar (cookies must never mix between accounts).

    `unsafe=True` lets the jar keep cookies from an IP-address host, so a proxy or the
    simulator on 127.0.0.1 works; the jar only ever talks to the entry's base URL.
    Created during entry setup with auto_cleanup, Home Assistant detaches it on unload.
    """
    return async_create_clientsession(
        hass, auto_cleanup=auto_cleanup, cookie_jar=aiohttp.CookieJar(unsafe=True)
    )


@asynccontextmanager
async def temporary_session(hass: HomeAssistant) -> AsyncIterator[aiohttp.ClientSession]:
    """A session of its own for one config-flow check, detached afterwards (as Home Assistant
    asks of a session created without auto_cleanup)."""
    session = create_session(hass, auto_cleanup=False)
    try:
        yield session
    finally:
        session.detach()
