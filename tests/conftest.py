"""Shared fixtures: our integration enabled, and the vendor simulator on loopback."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiohttp import web
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
from syrupy.assertion import SnapshotAssertion

import custom_components.energy_portals  # noqa: F401  # must be imported before `hass`
from tests.simulator import VendorSimulator, all_simulators, build_app
from tests.simulator.clock import Clock

# The test plugin logs every SQL statement the recorder runs (INFO); no test reads them, and
# formatting them took a seventh of the suite's time.
logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant find custom_components/energy_portals."""


ALLOWED_DEPRECATIONS: dict[str, str] = {}
"""Deprecation lines a test may log, by a part of the line, with the reason it is allowed.
Empty: every deprecation Home Assistant reports about us fails the test that caused it."""


class DeprecationGuard(logging.Handler):
    """Collects every line that says Home Assistant will stop accepting something we do:
    `report_usage` ("Detected that custom integration 'energy_portals' ...") and a
    DeprecationWarning raised in our code (pyproject.toml turns those into errors), wherever
    Home Assistant logged it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        deprecated = "integration 'energy_portals'" in message and "Detected that" in message
        if record.exc_info and isinstance(record.exc_info[1], DeprecationWarning):
            deprecated = True
            message = f"{message}: {record.exc_info[1]}"
        if deprecated and not any(part in message for part in ALLOWED_DEPRECATIONS):
            self.found.append(message)


@pytest.fixture(autouse=True)
def fail_on_deprecations() -> Iterator[None]:
    """A deprecation Home Assistant reports about us fails the test (issue: the release that
    breaks us is named in a log line that no test used to read)."""
    guard = DeprecationGuard()
    root = logging.getLogger()
    root.addHandler(guard)
    try:
        yield
    finally:
        root.removeHandler(guard)
    if guard.found:
        pytest.fail("Home Assistant reported a deprecation:\n" + "\n".join(guard.found))


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

    runner: web.AppRunner | None = field(default=None, repr=False)

    async def stop(self) -> None:
        """Close the port and every connection: clients now get "connection refused"."""
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None

    async def start(self) -> None:
        """Serve again on the same port, with the same simulated vendors."""
        if self.runner is None:
            self.runner = await _serve(self.vendors, urlsplit(self.url).port or 0)


async def _serve(vendors: dict[str, VendorSimulator], port: int) -> web.AppRunner:
    runner = web.AppRunner(build_app(vendors), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


@pytest.fixture
async def simulator(socket_enabled: None) -> AsyncIterator[RunningSimulator]:
    """Every simulated vendor on 127.0.0.1 (real HTTP over loopback)."""
    clock = Clock()
    vendors = all_simulators(clock)
    runner = await _serve(vendors, 0)
    port = runner.addresses[0][1]
    running = RunningSimulator(f"http://127.0.0.1:{port}", vendors, clock, runner)
    try:
        yield running
    finally:
        await running.stop()


type RemoveDevice = Callable[[str], Awaitable[bool]]


@pytest.fixture
async def remove_device(hass: HomeAssistant, hass_ws_client: WebSocketGenerator) -> RemoveDevice:
    """Delete a device as a user does in the UI; True when Home Assistant removed it."""
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)

    async def remove(device_id: str) -> bool:
        response = await client.remove_device(device_id)
        return bool(response["success"])

    return remove


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots in Home Assistant's own format (registry ids and timestamps as ANY)."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)
