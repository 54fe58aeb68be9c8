"""Shared fixtures: our integration enabled, and the vendor simulator on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web

import custom_components.energy_portals  # noqa: F401  # must be imported before `hass`
from tests.simulator import VendorSimulator, all_simulators, build_app
from tests.simulator.clock import Clock


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant find custom_components/energy_portals."""


@dataclass
class RunningSimulator:
    """The simulator on a loopback port."""

    url: str
    vendors: dict[str, VendorSimulator]
    clock: Clock

    def base_url(self, vendor: str) -> str:
        return f"{self.url}/{vendor}"

    def __getitem__(self, vendor: str) -> Any:
        return self.vendors[vendor]


@pytest.fixture
async def simulator(socket_enabled: None) -> AsyncIterator[RunningSimulator]:
    """Every simulated vendor on 127.0.0.1 (real HTTP over loopback)."""
    clock = Clock()
    vendors = all_simulators(clock)
    runner = web.AppRunner(build_app(vendors), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield RunningSimulator(f"http://127.0.0.1:{port}", vendors, clock)
    finally:
        await runner.cleanup()
