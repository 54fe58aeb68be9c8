"""Run the vendor simulator: `.venv/bin/python -m tests.simulator [--host H] [--port P]`."""

from __future__ import annotations

import argparse

from aiohttp import web

from . import all_simulators, build_app
from .emporia import EmporiaSimulator


def main() -> None:
    parser = argparse.ArgumentParser(description="Energy Portals vendor simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8300)
    args = parser.parse_args()
    simulators = all_simulators()
    # A fresh proxy account, as a new user has it: the config flow asks for the Emporia link.
    emporia = simulators["emporia"]
    if isinstance(emporia, EmporiaSimulator):
        emporia.scenario.linked = False
    for key in simulators:
        print(f"{key}: http://{args.host}:{args.port}/{key}", flush=True)
    web.run_app(build_app(simulators), host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
