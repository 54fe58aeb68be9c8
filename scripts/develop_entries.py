"""Onboard a fresh Home Assistant and add one Energy Portals entry per simulated vendor.

Used by scripts/develop; talks to Home Assistant only over its HTTP API, as a browser would.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

import aiohttp

from tests.simulator import all_simulators

USER = {"name": "Developer", "username": "dev", "password": "dev-password", "language": "en"}


async def wait_for(session: aiohttp.ClientSession, url: str, seconds: float = 180) -> None:
    """Wait until Home Assistant answers HTTP."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        try:
            async with session.get(f"{url}/api/onboarding") as response:
                if response.status < 500:
                    return
        except aiohttp.ClientError:
            pass
        if asyncio.get_running_loop().time() > deadline:
            sys.exit(f"Home Assistant did not answer at {url} within {seconds:.0f} s")
        await asyncio.sleep(1)


async def token(session: aiohttp.ClientSession, url: str) -> str:
    """Onboard the owner user when needed, then log in; returns an access token."""
    client_id = f"{url}/"
    async with session.get(f"{url}/api/onboarding") as response:
        steps = await response.json()
    if not any(step["step"] == "user" and step["done"] for step in steps):
        async with session.post(
            f"{url}/api/onboarding/users", json={**USER, "client_id": client_id}
        ) as response:
            response.raise_for_status()
            code = (await response.json())["auth_code"]
    else:
        code = await login_code(session, url, client_id)
    async with session.post(
        f"{url}/auth/token",
        data={"grant_type": "authorization_code", "code": code, "client_id": client_id},
    ) as response:
        response.raise_for_status()
        access: str = (await response.json())["access_token"]
    return access


async def login_code(session: aiohttp.ClientSession, url: str, client_id: str) -> str:
    """Log in through the login flow of an instance that is already onboarded."""
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
        sys.exit("Cannot log in as dev: delete the config/ folder to start afresh.")
    code: str = result["result"]
    return code


async def add_entry(
    session: aiohttp.ClientSession, url: str, headers: dict[str, str], steps: list[dict[str, Any]]
) -> str:
    """Walk the config flow with the given inputs; returns how it ended."""
    async with session.post(
        f"{url}/api/config/config_entries/flow",
        json={"handler": "energy_portals", "show_advanced_options": False},
        headers=headers,
    ) as response:
        result = await response.json()
    for user_input in steps:
        async with session.post(
            f"{url}/api/config/config_entries/flow/{result['flow_id']}",
            json=user_input,
            headers=headers,
        ) as response:
            result = await response.json()
        if result.get("type") in ("create_entry", "abort"):
            break
    return str(result.get("reason") or result.get("type"))


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hass", default="http://127.0.0.1:8123")
    parser.add_argument("--simulator", default="http://127.0.0.1:8300")
    args = parser.parse_args()
    async with aiohttp.ClientSession() as session:
        await wait_for(session, args.hass)
        headers = {"Authorization": f"Bearer {await token(session, args.hass)}"}
        for key, simulator in all_simulators().items():
            outcome = await add_entry(
                session, args.hass, headers, simulator.flow_inputs(f"{args.simulator}/{key}")
            )
            print(f"    {key}: {outcome}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
