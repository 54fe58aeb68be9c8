"""Each cookie-using entry gets a session with its own cookie jar, against a loopback server."""

from __future__ import annotations

from aiohttp import web
from homeassistant.core import HomeAssistant

from custom_components.energy_portals.session import create_session


async def test_cookies_never_cross_from_one_entry_to_another(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """A cookie the service sets for one account is never sent by another account's session."""
    seen: list[str] = []

    async def login(request: web.Request) -> web.Response:
        response = web.json_response({})
        response.set_cookie("SESSION", "account-a")
        return response

    async def data(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Cookie", ""))
        return web.json_response({})

    app = web.Application()
    app.router.add_get("/login", login)
    app.router.add_get("/data", data)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    first, second = (
        create_session(hass, auto_cleanup=False),
        create_session(hass, auto_cleanup=False),
    )
    try:
        (await first.get(f"{base}/login")).release()
        (await first.get(f"{base}/data")).release()
        (await second.get(f"{base}/data")).release()
    finally:
        first.detach()
        second.detach()
        await runner.cleanup()
    assert seen == ["SESSION=account-a", ""]
