"""A session with a cookie jar of its own for each entry that uses cookies (FlowerHub, Enphase)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from aiohttp.abc import AbstractCookieJar
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_create_clientsession


def create_session(
    hass: HomeAssistant, *, auto_cleanup: bool = True, client_keeps_cookies: bool = False
) -> aiohttp.ClientSession:
    """A session with its own cookie jar (cookies must never mix between accounts).

    `unsafe=True` lets the jar keep cookies from an IP-address host, so a proxy or the
    simulator on 127.0.0.1 works; the jar only ever talks to the entry's base URL.
    `client_keeps_cookies`: the vendor client keeps (and stores) the cookies itself, so the
    session keeps none. Created during entry setup with auto_cleanup, Home Assistant detaches
    it on unload.
    """
    jar: AbstractCookieJar = (
        aiohttp.DummyCookieJar() if client_keeps_cookies else aiohttp.CookieJar(unsafe=True)
    )
    return async_create_clientsession(hass, auto_cleanup=auto_cleanup, cookie_jar=jar)


@asynccontextmanager
async def temporary_session(
    hass: HomeAssistant, *, client_keeps_cookies: bool = False
) -> AsyncIterator[aiohttp.ClientSession]:
    """A session of its own for one config-flow check, detached afterwards (as Home Assistant
    asks of a session created without auto_cleanup)."""
    session = create_session(hass, auto_cleanup=False, client_keeps_cookies=client_keeps_cookies)
    try:
        yield session
    finally:
        session.detach()
