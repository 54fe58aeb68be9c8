"""End to end in a real Home Assistant: the simulator, hass, and only HTTP/WebSocket, as a user.

Run by scripts/e2e. Every process it starts is stopped by its pid (process group).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import yaml
from hass_api import (
    Hass,
    HassError,
    access_token,
    auth_code,
    confirm_http_config,
    drop_http_block,
    onboarding_storage,
    wait_for,
)
from homeassistant.const import __version__ as VERSION  # noqa: N812 - a constant here
from screenshot import Browser, PageNavigatedError, login_url

from tests.simulator import all_simulators
from tests.simulator import enphase as enphase_sim

REPO = Path(__file__).resolve().parent.parent
VENV = REPO / os.environ.get("E2E_VENV", ".venv")
"""The virtualenv whose Home Assistant runs (scripts/e2e runs the pinned and the newest)."""
PYTHON = VENV / "bin" / "python"
DEPRECATION = re.compile(
    r"Detected that custom integration 'energy_portals'|energy_portals.*DeprecationWarning"
)
"""A line in which Home Assistant says it will stop accepting something we do."""
DASHBOARD = REPO / "docs" / "dashboard.yaml"
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS") or REPO / "docs" / "screenshots")
"""Where the screenshots go: docs/screenshots/ for the pinned release (the README shows them);
scripts/e2e points another release's run elsewhere."""
SCREENSHOT_ATTEMPTS = 3
ZONE = "Australia/Sydney"
"""The simulated property's zone: Home Assistant's (develop_configuration.yaml) and the
browser's."""


def last_week_clicks() -> list[str]:
    """The Energy dashboard's date (today, as the frontend writes it), then its last 7 days."""
    today = datetime.now(ZoneInfo(ZONE))
    return [f"{today:%b} {today.day}", "Last 7 days"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Process:
    """A child process in its own process group, stopped by that group's pid."""

    def __init__(
        self, name: str, args: list[str], log: Path, env: dict[str, str] | None = None
    ) -> None:
        self.name, self.args, self.log = name, args, log
        self.env = {**os.environ, **(env or {})}
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                *self.args, stdout=log, stderr=log, cwd=REPO, env=self.env, start_new_session=True
            )

    async def stop(self) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(self.proc.wait(), 60)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            await self.proc.wait()


class Run:
    """One e2e run: a fresh configuration directory, a simulator and a hass."""

    def __init__(self, workdir: Path) -> None:
        self.config = workdir / "config"
        self.sim_port, self.hass_port = free_port(), free_port()
        self.sim_url = f"http://127.0.0.1:{self.sim_port}"
        self.hass_url = f"http://127.0.0.1:{self.hass_port}"
        self.simulator = Process(
            "simulator",
            [str(PYTHON), "-m", "tests.simulator", "--port", str(self.sim_port)],
            workdir / "simulator.log",
        )
        self.hass = Process(
            "hass",
            [str(VENV / "bin" / "hass"), "-c", str(self.config), "--skip-pip"],
            workdir / "hass.out",
            # Python then prints each DeprecationWarning once; one in our code fails the run.
            {"PYTHONWARNINGS": "default::DeprecationWarning"},
        )
        self.checks = 0
        self.statistics_before_restart: dict[str, float] = {}
        self.entry_ids: dict[str, str] = {}

    def prepare(self) -> None:
        (self.config / ".storage").mkdir(parents=True)
        (self.config / "custom_components").mkdir()
        (self.config / "custom_components" / "energy_portals").symlink_to(
            REPO / "custom_components" / "energy_portals"
        )
        base = (REPO / "scripts" / "develop_configuration.yaml").read_text()
        # The develop configuration ends with its `http:` section (bound to 127.0.0.1).
        (self.config / "configuration.yaml").write_text(
            f"{base.rstrip()}\n  server_port: {self.hass_port}\n"
        )
        (self.config / ".storage" / "onboarding").write_text(onboarding_storage())

    def deprecations(self) -> list[str]:
        """Lines of hass's output and log that report a deprecation about us."""
        lines: list[str] = []
        for log in (self.hass.log, self.config / "home-assistant.log"):
            if log.exists():
                text = log.read_text(errors="replace")
                lines += [line for line in text.splitlines() if DEPRECATION.search(line)]
        return lines

    def check(self, condition: bool, what: str) -> None:
        self.checks += 1
        if not condition:
            raise HassError(f"FAILED: {what}")
        print(f"  ok  {what}", flush=True)

    @contextlib.asynccontextmanager
    async def client(self) -> AsyncIterator[Hass]:
        async with aiohttp.ClientSession() as session:
            await wait_for(session, self.hass_url)
            hass = Hass(session, self.hass_url, await access_token(session, self.hass_url))
            stable = await confirm_http_config(hass)
            self.check(
                stable.get("server_port") == self.hass_port,
                f"http: confirmed on 127.0.0.1:{self.hass_port}, no revert scheduled",
            )
            drop_http_block(self.config / "configuration.yaml")
            yield hass

    async def sim(self, vendor: str, method: str, path: str, body: Any = None) -> Any:
        async with (
            aiohttp.ClientSession() as session,
            session.request(method, f"{self.sim_url}/{vendor}{path}", json=body) as response,
        ):
            return await response.json()


async def eventually(
    probe: Callable[[], Awaitable[bool]], seconds: float = 60, step: float = 1
) -> bool:
    """True as soon as probe() is, False after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await probe():
            return True
        await asyncio.sleep(step)
    return False


async def enter_code(run: Run, hass: Hass, result: Any) -> Any:
    """Read the code the simulator "sent to the phone" and enter it in the MFA step."""
    run.check(result.get("step_id") == "enphase_mfa", "enphase: the flow asks for the MFA code")
    sent = await run.sim("enphase", "GET", "/_sim/mfa_code")
    return await hass.run_flow([{"code": sent["code"]}], result["flow_id"])


async def sign_in_with_mfa(run: Run, hass: Hass) -> Any:
    """Add the Enphase account of an owner with MFA: e-mail and password, then the code."""
    inputs = all_simulators()["enphase"].flow_inputs(f"{run.sim_url}/enphase")
    sign_in = {**inputs[1], "email": enphase_sim.MFA_EMAIL}
    result = await hass.run_flow([inputs[0], sign_in])
    return await enter_code(run, hass, result)


async def add_entries(run: Run, hass: Hass) -> None:
    for key, simulator in all_simulators().items():
        started = time.monotonic()
        if key == "enphase":
            result = await sign_in_with_mfa(run, hass)
        else:
            result = await hass.run_flow(simulator.flow_inputs(f"{run.sim_url}/{key}"))
        run.check(result.get("type") == "create_entry", f"{key}: config flow creates the entry")
        run.entry_ids[key] = result["result"]["entry_id"]
        known = simulator.known_states()
        available = await eventually(partial(_states_match, hass, known), seconds=30, step=0.5)
        run.check(
            available,
            f"{key}: {len(known)} known states within {time.monotonic() - started:.1f} s",
        )


async def _states_match(hass: Hass, known: dict[str, str]) -> bool:
    for entity_id, expected in known.items():
        state = await hass.state(entity_id)
        if state is None or state in ("unavailable", "unknown"):
            return False
        if expected not in ("*", state):
            return False
    return True


async def flows_in_progress(hass: Hass) -> list[dict[str, Any]]:
    (flows,) = await hass.ws([{"type": "config_entries/flow/progress"}])
    return list(flows)


async def charge_and_stop(run: Run, hass: Hass) -> None:
    switch = "switch.garage_ev_charging"
    await hass.post("/api/services/switch/turn_on", {"entity_id": switch})
    calls = await run.sim("enphase", "GET", "/_sim/requests")
    run.check(
        any(c["method"] == "POST" and c["path"].endswith("/start_charging") for c in calls),
        "enphase: the Charging switch made the simulator start a session",
    )
    run.check(await hass.state(switch) == "on", "enphase: the switch shows on")
    await hass.post("/api/services/switch/turn_off", {"entity_id": switch})
    calls = await run.sim("enphase", "GET", "/_sim/requests")
    run.check(
        any(c["method"] == "PUT" and c["path"].endswith("/stop_charging") for c in calls),
        "enphase: turning it off stopped the session",
    )


async def reauth(run: Run, hass: Hass) -> None:
    await run.sim("enphase", "POST", "/_sim/faults", {"status": 401})

    async def reauth_flow() -> bool:
        return any(f["context"].get("source") == "reauth" for f in await flows_in_progress(hass))

    run.check(await eventually(reauth_flow, seconds=90), "enphase: a 401 shows a reauth flow")
    await run.sim("enphase", "DELETE", "/_sim/faults")
    flows = await flows_in_progress(hass)
    flow = next(f for f in flows if f["context"].get("source") == "reauth")
    # The stored password was refused too: the form asks for it, then for a new code.
    result = await hass.run_flow([{"password": enphase_sim.PASSWORD}], flow["flow_id"])
    result = await enter_code(run, hass, result)
    run.check(result.get("reason") == "reauth_successful", "enphase: reauth completes")
    run.check(
        await eventually(lambda: _states_match(hass, {"switch.garage_ev_charging": "*"})),
        "enphase: entities are back after reauth",
    )


async def jspro_logs(run: Run, hass: Hass) -> None:
    answer = await hass.post(
        "/api/services/energy_portals/jspro_get_logs?return_response",
        {"config_entry_id": run.entry_ids["jspro"], "source": "redis", "limit": 5},
    )
    response = answer.get("service_response", {})
    run.check(
        response.get("source") == "redis" and len(response) > 1,
        "jspro: jspro_get_logs returns the logs as response data",
    )


METRIC_NAMES = (
    "Grid import · ",
    "Solar consumed · ",
    "Solar delivered · ",
    "Solar exported · ",
    "Energy demand · ",
    "Emissions avoided · ",
)
"""How each Allume statistic's name begins (the Energy dashboard cuts the end of long ones)."""


async def allume_statistics(hass: Hass) -> dict[str, float]:
    """The last hourly sum of every Allume statistic."""
    (listed,) = await hass.ws([{"type": "recorder/list_statistic_ids", "statistic_type": "sum"}])
    ids = [s["statistic_id"] for s in listed if s["statistic_id"].startswith("energy_portals:")]
    if not ids:
        return {}
    (rows,) = await hass.ws(
        [
            {
                "type": "recorder/statistics_during_period",
                "start_time": "2000-01-01T00:00:00+00:00",
                "statistic_ids": ids,
                "period": "hour",
                "types": ["sum"],
            }
        ]
    )
    return {sid: float(points[-1]["sum"]) for sid, points in rows.items() if points}


async def statistics_imported(run: Run, hass: Hass) -> dict[str, float]:
    async def imported() -> bool:
        return len(await allume_statistics(hass)) >= 6

    run.check(await eventually(imported, seconds=60), "allume: hourly statistics are imported")
    (listed,) = await hass.ws([{"type": "recorder/list_statistic_ids", "statistic_type": "sum"}])
    names = [s["name"] for s in listed if s["statistic_id"].startswith("energy_portals:allume")]
    run.check(
        bool(names) and all(name.startswith(METRIC_NAMES) for name in names),
        f"allume: statistic names say what they measure first ({', '.join(sorted(names)[:2])})",
    )
    return await allume_statistics(hass)


async def after_restart(run: Run, hass: Hass) -> None:
    for key, simulator in all_simulators().items():
        known = simulator.known_states()
        run.check(
            await eventually(partial(_states_match, hass, known), seconds=60),
            f"{key}: entities come back after the restart",
        )
    run.check(await flows_in_progress(hass) == [], "no config flow appears after the restart")
    await asyncio.sleep(5)  # the Allume import runs right after setup: let it finish
    before, after = run.statistics_before_restart, await allume_statistics(hass)
    run.check(
        bool(before) and all(after.get(sid) == total for sid, total in before.items()),
        f"allume: {len(before)} statistics have the same sums after the restart (no doubling)",
    )


def dashboard_entities(node: Any) -> set[str]:
    """Every entity id a dashboard configuration names."""
    if isinstance(node, dict):
        found = {str(node["entity"])} if isinstance(node.get("entity"), str) else set()
        for value in node.values():
            found |= dashboard_entities(value)
        return found
    if isinstance(node, list):
        return {entity for item in node for entity in dashboard_entities(item)}
    if (
        isinstance(node, str)
        and "." in node
        and " " not in node
        and node.split(".")[0]
        in (
            "sensor",
            "binary_sensor",
            "switch",
            "number",
            "button",
            "select",
        )
    ):
        return {node}
    return set()


async def energy_sources(hass: Hass) -> list[dict[str, Any]]:
    """A grid and a solar source from the Allume statistics of the first property."""
    ids = sorted(await allume_statistics(hass))
    grid = next((i for i in ids if i.endswith("_grid_import")), None)
    if grid is None:
        return []
    prefix = grid.removesuffix("grid_import")
    return [
        {
            "type": "grid",
            "stat_energy_from": grid,
            "stat_energy_to": f"{prefix}solar_exported",
            "cost_adjustment_day": 0,
        },
        {"type": "solar", "stat_energy_from": f"{prefix}solar_consumed"},
    ]


async def screenshots(run: Run, hass: Hass) -> None:
    dashboard = yaml.safe_load(DASHBOARD.read_text())
    missing = [e for e in sorted(dashboard_entities(dashboard)) if await hass.state(e) is None]
    run.check(not missing, f"every entity docs/dashboard.yaml names exists {missing or ''}")
    await hass.ws(
        [
            {
                "type": "lovelace/dashboards/create",
                "url_path": "energy-portals",
                "title": "Energy Portals",
                "icon": "mdi:flash",
                "mode": "storage",
                "show_in_sidebar": True,
                "require_admin": False,
            },
            {"type": "lovelace/config/save", "url_path": "energy-portals", "config": dashboard},
            {
                "type": "energy/save_prefs",
                "energy_sources": await energy_sources(hass),
                "device_consumption": [{"stat_consumption": "sensor.garage_ev_charged_energy"}],
            },
        ]
    )
    pages = {
        f"dashboard-{view['path']}": f"/energy-portals/{view['path']}"
        for view in dashboard["views"]
    }
    pages["energy"] = "/energy"
    async with Browser(1280, 1000) as browser:
        for name, path in pages.items():
            for attempt in range(1, SCREENSHOT_ATTEMPTS + 1):
                code = await auth_code(hass.session, run.hass_url)  # one use per code
                try:
                    await browser.screenshot(
                        login_url(run.hass_url, path, code),
                        SCREENSHOTS / f"{name}.png",
                        click=last_week_clicks() if name == "energy" else None,
                    )
                    break
                except PageNavigatedError:
                    if attempt == SCREENSHOT_ATTEMPTS:
                        raise
                    print(f"  ..  {name}: the page navigated while captured, again", flush=True)
            run.check((SCREENSHOTS / f"{name}.png").stat().st_size > 20_000, f"screenshot {name}")


def _entity_names(locale: str) -> dict[tuple[str, str], str]:
    """(platform domain, translation key) -> the entity name in `locale`."""
    path = REPO / "custom_components" / "energy_portals"
    file = path / ("strings.json" if locale == "en" else f"translations/{locale}.json")
    entity = json.loads(file.read_text(encoding="utf-8"))["entity"]
    return {
        (domain, key): str(value["name"])
        for domain, keys in entity.items()
        for key, value in keys.items()
        if "name" in value
    }


def _ends_with_name(friendly: str, name: str) -> bool:
    """The friendly name ends with the translated name, its placeholders ("Schedule
    {number}") filled in by anything."""
    pattern = re.sub(r"\\\{\w+\\\}", r"\\S+", re.escape(name))
    return re.search(f"{pattern}$", friendly) is not None


async def every_language(run: Run, hass: Hass) -> None:
    """Home Assistant serves the bundle's texts in every language it ships."""
    folder = REPO / "custom_components" / "energy_portals" / "translations"
    for file in sorted(folder.glob("*.json")):
        locale = file.stem
        user = json.loads(file.read_text(encoding="utf-8"))["config"]["step"]["user"]
        (answer,) = await hass.ws(
            [
                {
                    "type": "frontend/get_translations",
                    "language": locale,
                    "category": "config",
                    "integration": ["energy_portals"],
                }
            ]
        )
        served = answer["resources"].get("component.energy_portals.config.step.user.title")
        run.check(served == user["title"], f"{locale}: the setup's first step reads {served!r}")


async def swedish(run: Run, hass: Hass) -> None:
    """A Swedish owner's Home Assistant (system language Swedish, a Swedish browser): the
    FlowerHub battery and the EV charger, every entity by its own name, and the config
    flow's first step. No English name is left on either."""
    await hass.ws([{"type": "config/core/update", "language": "sv"}])
    for key in ("flowerhub", "enphase"):  # entity names are made in the system language
        await hass.post(f"/api/config/config_entries/entry/{run.entry_ids[key]}/reload")
    known = {"sensor.flowerhub_status": "*", "binary_sensor.garage_ev_plug": "*"}
    run.check(
        await eventually(partial(_states_match, hass, known), seconds=30, step=0.5),
        "sv: the battery and the charger are back after switching Home Assistant to Swedish",
    )
    (registry,) = await hass.ws([{"type": "config/entity_registry/list"}])
    names = _entity_names("en")
    ours = [
        e
        for e in registry
        if e["platform"] == "energy_portals"
        and e.get("translation_key")
        and (e["entity_id"].split(".")[0], e["translation_key"]) in names  # else: device class
        and not e.get("disabled_by")
        and e["entity_id"].split(".")[1].startswith(("flowerhub_", "garage_ev_"))
    ]
    view = {
        "title": "Svenska",
        "path": "svenska",
        "cards": [{"type": "entities", "entities": [e["entity_id"] for e in ours]}],
    }
    await hass.ws(
        [
            {
                "type": "lovelace/dashboards/create",
                "url_path": "energy-portals-sv",
                "title": "Energy Portals (sv)",
                "mode": "storage",
                "show_in_sidebar": False,
                "require_admin": False,
            },
            {
                "type": "lovelace/config/save",
                "url_path": "energy-portals-sv",
                "config": {"views": [view]},
            },
        ]
    )
    english, swedish_names = _entity_names("en"), _entity_names("sv")
    async with Browser(1280, 1800, language="sv-SE") as browser:
        code = await auth_code(hass.session, run.hass_url)
        text = await browser.screenshot(
            login_url(run.hass_url, "/energy-portals-sv/svenska", code),
            SCREENSHOTS / "swedish-battery-and-charger.png",
        )
        code = await auth_code(hass.session, run.hass_url)
        flow_text = await browser.screenshot(
            login_url(
                run.hass_url, "/config/integrations/dashboard/add?domain=energy_portals", code
            ),
            SCREENSHOTS / "swedish-config-flow.png",
            click="OK",  # the frontend asks "set up Energy Portals?" first
        )
    lines = set(text.splitlines())
    shown, left = 0, []
    for entity in ours:
        name_key = (entity["entity_id"].split(".")[0], entity["translation_key"])
        friendly = (await hass.get(f"/api/states/{entity['entity_id']}"))["attributes"].get(
            "friendly_name", ""
        )
        shown += friendly in lines and _ends_with_name(friendly, swedish_names[name_key])
        if english[name_key] != swedish_names[name_key] and _ends_with_name(
            friendly, english[name_key]
        ):
            left.append(friendly)
    run.check(
        shown == len(ours) and not left,
        f"sv: the battery and charger view shows {shown} of {len(ours)} entity names, all in "
        f"Swedish {left or ''}",
    )
    strings = REPO / "custom_components" / "energy_portals"
    menu_en = json.loads((strings / "strings.json").read_text())["config"]["step"]["user"]
    menu_sv = json.loads((strings / "translations/sv.json").read_text())["config"]["step"]["user"]
    flow_lines = set(flow_text.splitlines())
    english_left = [
        label
        for key, label in menu_en["menu_options"].items()
        if label in flow_lines and label != menu_sv["menu_options"][key]
    ]
    swedish_shown = [label for label in menu_sv["menu_options"].values() if label in flow_lines]
    run.check(
        not english_left and len(swedish_shown) == len(menu_sv["menu_options"]),
        f"sv: the config flow's first step shows its {len(swedish_shown)} choices in Swedish "
        f"{english_left or ''}",
    )


async def main() -> int:
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="energy-portals-e2e-"))
    run = Run(workdir)
    run.prepare()
    try:
        await run.simulator.start()
        await run.hass.start()
        print(
            f"==> Home Assistant {VERSION} ({VENV.name}) at {run.hass_url}, simulator "
            f"{run.sim_url}, logs in {workdir}",
            flush=True,
        )
        async with run.client() as hass:
            await add_entries(run, hass)
            await charge_and_stop(run, hass)
            await jspro_logs(run, hass)
            await reauth(run, hass)
            run.statistics_before_restart = await statistics_imported(run, hass)
        print("==> restarting hass", flush=True)
        await run.hass.stop()
        await run.hass.start()
        async with run.client() as hass:
            await after_restart(run, hass)
            await screenshots(run, hass)
            await every_language(run, hass)
            await swedish(run, hass)
    except (HassError, aiohttp.ClientError, TimeoutError, RuntimeError) as err:
        print(f"e2e: {err}\n(logs kept in {workdir})", file=sys.stderr)
        return 1
    finally:
        await run.hass.stop()
        await run.simulator.stop()
    found = run.deprecations()
    for line in found:
        print(f"  Home Assistant reported: {line}", file=sys.stderr)
    try:
        run.check(not found, "no deprecation about energy_portals in the hass log")
    except HassError as err:
        print(f"e2e: {err}\n(logs kept in {workdir})", file=sys.stderr)
        return 1
    shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"==> e2e passed against Home Assistant {VERSION}: {run.checks} checks "
        f"in {time.monotonic() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
