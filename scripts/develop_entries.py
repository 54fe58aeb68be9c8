"""Onboard a fresh Home Assistant and add one Energy Portals entry per simulated vendor."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import aiohttp
from hass_api import Hass, access_token, confirm_http_config, drop_http_block, wait_for

from tests.simulator import all_simulators


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hass", default="http://127.0.0.1:8123")
    parser.add_argument("--simulator", default="http://127.0.0.1:8300")
    parser.add_argument("--config", type=Path, required=True, help="the configuration folder")
    args = parser.parse_args()
    async with aiohttp.ClientSession() as session:
        await wait_for(session, args.hass)
        hass = Hass(session, args.hass, await access_token(session, args.hass))
        stable = await confirm_http_config(hass)
        drop_http_block(args.config / "configuration.yaml")
        print(f"    http: confirmed, listening on {', '.join(stable['server_host'])}", flush=True)
        for key, simulator in all_simulators().items():
            result = await hass.run_flow(simulator.flow_inputs(f"{args.simulator}/{key}"))
            print(f"    {key}: {result.get('reason') or result.get('type')}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
