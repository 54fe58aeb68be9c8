"""The vendor simulator: every vendor's API on one aiohttp server, each under /<vendor>.

Run it alone with `.venv/bin/python -m tests.simulator --port 8300`; a vendor's base URL is
then http://127.0.0.1:8300/<vendor>. Each vendor has fault knobs at /<vendor>/_sim/faults.
"""

from __future__ import annotations

from typing import Any, Protocol

from aiohttp import web

from .allume import AllumeSimulator
from .clock import Clock
from .emporia import EmporiaSimulator
from .enphase import EnphaseSimulator
from .faults import VendorState
from .flowerhub import FlowerHubSimulator
from .jspro import JsproSimulator


class VendorSimulator(Protocol):
    """What every simulated vendor offers."""

    key: str
    state: VendorState

    def app(self) -> web.Application: ...

    def flow_inputs(self, base_url: str) -> list[dict[str, Any]]: ...

    def known_states(self) -> dict[str, str]: ...


def all_simulators(clock: Clock | None = None) -> dict[str, VendorSimulator]:
    """One simulator per implemented vendor (one line each), sharing a clock."""
    clock = clock or Clock()
    simulators: list[VendorSimulator] = [
        AllumeSimulator(clock),
        FlowerHubSimulator(clock),
        EnphaseSimulator(clock),
        EmporiaSimulator(clock),
        JsproSimulator(clock),
    ]
    return {simulator.key: simulator for simulator in simulators}


def build_app(simulators: dict[str, VendorSimulator]) -> web.Application:
    """One application with each vendor mounted under /<vendor>."""
    app = web.Application()
    for key, simulator in simulators.items():
        app.add_subapp(f"/{key}", simulator.app())
    return app
