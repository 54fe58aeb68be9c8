"""Onboard a fresh Home Assistant and add one Energy Portals entry per simulated vendor."""

from __future__ import annotations

import argparse
import asyncio

import aiohttp
from hass_api import Hass, access_token, wait_for

from tests.simulator import all_simulators


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hass", default="http://127.0.0.1:8123")
    parser.add_argument("--simulator", default="http://127.0.0.1:8300")
    args = parser.parse_args()
    async with aiohttp.ClientSession() as session:
        await wait_for(session, args.hass)
        hass = Hass(session, args.hass, await access_token(session, args.hass))
        for key, simulator in all_simulators().items():
            result = await hass.run_flow(simulator.flow_inputs(f"{args.simulator}/{key}"))
            print(f"    {key}: {result.get('reason') or result.get('type')}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
