"""Talk to a running Home Assistant as a browser would: onboarding, login, config flows.

Shared by scripts/develop (develop_entries.py) and scripts/e2e.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from pathlib import Path
from typing import Any

import aiohttp

USER = {"name": "Developer", "username": "dev", "password": "dev-password", "language": "en"}


class HassError(Exception):
    """Home Assistant did not do what was asked."""


def onboarding_storage() -> str:
    """`.storage/onboarding` with every step but the user done.

    Onboarding's location step would set up weather and text-to-speech integrations that need
    the internet; the user step is done over the API.
    """
    return (
        '{"version": 4, "minor_version": 1, "key": "onboarding",'
        ' "data": {"done": ["core_config", "analytics", "integration"]}}\n'
    )


async def wait_for(session: aiohttp.ClientSession, url: str, seconds: float = 180) -> None:
    """Wait until Home Assistant answers HTTP."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        try:
            # 400 "onboarding_required" on a fresh instance; either way HTTP is up.
            async with session.get(f"{url}/auth/providers") as response:
                if response.status in (200, 400):
                    return
        except aiohttp.ClientError:
            pass
        if asyncio.get_running_loop().time() > deadline:
            raise HassError(f"Home Assistant did not answer at {url} within {seconds:.0f} s")
        await asyncio.sleep(1)


async def auth_code(session: aiohttp.ClientSession, url: str) -> str:
    """An authorization code for the dev user, creating the user on a fresh instance."""
    client_id = f"{url}/"
    async with session.get(f"{url}/api/onboarding") as response:
        # Answers 404 once onboarding is complete.
        steps = await response.json() if response.status == 200 else []
    if steps and not any(step["step"] == "user" and step["done"] for step in steps):
        async with session.post(
            f"{url}/api/onboarding/users", json={**USER, "client_id": client_id}
        ) as response:
            response.raise_for_status()
            created: str = (await response.json())["auth_code"]
            return created
    async with session.post(
        f"{url}/auth/login_flow",
        json={
            "client_id": client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": f"{url}/?auth_callback=1",
        },
    ) as response:
        flow = await response.json()
    async with session.post(
        f"{url}/auth/login_flow/{flow['flow_id']}",
        json={"client_id": client_id, "username": USER["username"], "password": USER["password"]},
    ) as response:
        result = await response.json()
    if result.get("type") != "create_entry":
        raise HassError("Cannot log in as dev: delete the configuration folder to start afresh.")
    code: str = result["result"]
    return code


async def access_token(session: aiohttp.ClientSession, url: str) -> str:
    """An access token for the dev user."""
    async with session.post(
        f"{url}/auth/token",
        data={
            "grant_type": "authorization_code",
            "code": await auth_code(session, url),
            "client_id": f"{url}/",
        },
    ) as response:
        response.raise_for_status()
        token: str = (await response.json())["access_token"]
        return token


class Hass:
    """An authenticated client of one Home Assistant."""

    def __init__(self, session: aiohttp.ClientSession, url: str, token: str) -> None:
        self.session = session
        self.url = url
        self.headers = {"Authorization": f"Bearer {token}"}
        self._ids = itertools.count(1)
        self._token = token

    async def get(self, path: str) -> Any:
        async with self.session.get(f"{self.url}{path}", headers=self.headers) as response:
            response.raise_for_status()
            return await response.json()

    async def post(self, path: str, body: Any = None) -> Any:
        async with self.session.post(
            f"{self.url}{path}", json=body or {}, headers=self.headers
        ) as response:
            if response.status >= 400:
                raise HassError(f"POST {path}: HTTP {response.status} {await response.text()}")
            return await response.json()

    async def state(self, entity_id: str) -> str | None:
        async with self.session.get(
            f"{self.url}/api/states/{entity_id}", headers=self.headers
        ) as response:
            if response.status == 404:
                return None
            return str((await response.json())["state"])

    async def run_flow(self, steps: list[dict[str, Any]], flow_id: str | None = None) -> Any:
        """Walk a config flow (a new one, or `flow_id`) with the given inputs."""
        if flow_id is None:
            result = await self.post(
                "/api/config/config_entries/flow",
                {"handler": "energy_portals", "show_advanced_options": False},
            )
            flow_id = result["flow_id"]
        for user_input in steps:
            result = await self.post(f"/api/config/config_entries/flow/{flow_id}", user_input)
            if result.get("type") in ("create_entry", "abort"):
                break
        return result

    async def ws(self, messages: list[dict[str, Any]]) -> list[Any]:
        """Send WebSocket commands in order; returns their results (raises on an error)."""
        results = []
        async with self.session.ws_connect(f"{self.url}/api/websocket") as socket:
            await socket.receive_json()
            await socket.send_json({"type": "auth", "access_token": self._token})
            if (await socket.receive_json())["type"] != "auth_ok":
                raise HassError("WebSocket authentication failed")
            for message in messages:
                message_id = next(self._ids)
                await socket.send_json({**message, "id": message_id})
                while True:
                    answer = await socket.receive_json()
                    if answer.get("id") == message_id and answer["type"] == "result":
                        break
                if not answer["success"]:
                    raise HassError(f"{message['type']}: {answer['error']}")
                results.append(answer["result"])
        return results


async def confirm_http_config(hass: Hass) -> dict[str, Any]:
    """Confirm the `http:` block of configuration.yaml the way Home Assistant 2026.10 asks.

    Home Assistant imports that block once as a pending configuration on trial and, unless an
    admin promotes it within 5 minutes, reverts to its stable one (listening on every
    interface) and restarts, which nothing under our scripts would do. Promote it, then check
    that the confirmed configuration listens on loopback only and no revert is scheduled.
    """
    (config,) = await hass.ws([{"type": "http/config"}])
    if config["pending"] is not None:
        await hass.ws([{"type": "http/config/promote"}])
        (config,) = await hass.ws([{"type": "http/config"}])
    stable: dict[str, Any] = config["stable"]
    if config["revert_at"] is not None or config["pending"] is not None:
        raise HassError(f"the HTTP configuration is still on trial: {config}")
    if stable.get("server_host") != ["127.0.0.1"]:
        raise HassError(f"Home Assistant is not bound to 127.0.0.1 only: {stable}")
    return stable


HTTP_BLOCK = re.compile(r"^http:\n(?:[ \t#].*\n|\n)*", re.MULTILINE)


def drop_http_block(configuration: Path) -> None:
    """Remove the imported `http:` block from configuration.yaml.

    Once confirmed, Home Assistant keeps the HTTP configuration in its own storage, ignores
    the YAML block and raises a repair issue for it on every later start.
    """
    text = configuration.read_text()
    configuration.write_text(HTTP_BLOCK.sub("", text).rstrip() + "\n")
