"""A hostile Emporia proxy: what it sends may not take the token, flood the registries, break
the entry or forge log lines (issue "Hostile peers")."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from aiohttp import web
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_socket import socket_allow_hosts

from custom_components.energy_portals.const import DOMAIN
from custom_components.energy_portals.peer_limits import MAX_CHANNELS, MAX_DEVICES
from tests.conftest import RunningSimulator
from tests.helpers import known_state, settle
from tests.hostile.frames import chain, device, frame
from tests.simulator.emporia import MONITOR_GID, EmporiaSimulator
from tests.simulator.faults import Handler
from tests.vendors.emporia.conftest import add_entry

KITCHEN_POWER = "sensor.home_kitchen_power"


@pytest.fixture
def emporia(simulator: RunningSimulator) -> EmporiaSimulator:
    sim: EmporiaSimulator = simulator["emporia"]
    return sim


async def loaded(hass: HomeAssistant, url: str, emporia: EmporiaSimulator) -> MockConfigEntry:
    entry = add_entry(hass, url, title="Emporia proxy")
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass, lambda: entry.runtime_data.push.authenticated)
    await settle(hass, lambda: emporia.samples_sent >= 1)
    return entry


def warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING and r.name != "asyncio"]


async def test_a_frame_naming_thousands_of_devices_is_bounded(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    emporia: EmporiaSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """2 000 unknown devices in one frame: at most MAX_DEVICES devices in the registry, one
    WARNING and a repair issue; the real circuits keep working."""
    entry = await loaded(hass, simulator.base_url("emporia"), emporia)
    runtime = entry.runtime_data
    samples = runtime.live.state.samples
    await emporia.send_raw(frame([device(100_000 + n) for n in range(2000)]))
    await settle(hass, lambda: runtime.live.state.samples > samples)
    await hass.async_block_till_done()
    ours = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert len(ours) <= MAX_DEVICES
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    assert len(entities) <= MAX_CHANNELS * 3
    assert len(runtime.live.state.devices) == MAX_DEVICES
    assert runtime.live.state.refused > 0
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"emporia_too_many_devices_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_placeholders == {
        "title": "Emporia proxy",
        "devices": str(MAX_DEVICES),
        "channels": str(MAX_CHANNELS),
    }
    too_many = [r for r in warnings(caplog) if "more than" in r.getMessage()]
    assert len(too_many) == 1
    # Another such frame says nothing more.
    await emporia.send_raw(frame([device(200_000 + n) for n in range(500)]))
    await settle(hass, lambda: runtime.live.state.samples > samples + 1)
    assert len([r for r in warnings(caplog) if "more than" in r.getMessage()]) == 1
    assert float(known_state(hass, KITCHEN_POWER).state) >= 0


@pytest.mark.parametrize(
    "devices",
    [
        # 1 hangs under 2 in one branch, 2 under 1 in another.
        [device(1, nested=[device(2)]), device(2, nested=[device(1)])],
    ],
)
async def test_a_frame_linking_devices_in_a_cycle_is_refused(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    emporia: EmporiaSimulator,
    caplog: pytest.LogCaptureFixture,
    devices: list[dict[str, Any]],
) -> None:
    """A cycle of parents in a frame: the frame is refused (said once), the entry goes on."""
    entry = await loaded(hass, simulator.base_url("emporia"), emporia)
    runtime = entry.runtime_data
    for _ in range(3):
        await emporia.send_raw(frame(devices))
    await settle(hass, lambda: runtime.push.stream.refused_frames >= 3)
    runtime.push._note_refused_frames()
    runtime.push._note_refused_frames()
    refused = [r for r in warnings(caplog) if "cannot be used" in r.getMessage()]
    assert len(refused) == 1
    assert entry.state is ConfigEntryState.LOADED
    assert runtime.device(1) is None
    assert runtime.parent(1) is None
    assert float(known_state(hass, KITCHEN_POWER).state) >= 0  # the real circuits go on


async def test_a_frame_nested_a_thousand_deep_is_refused(
    hass: HomeAssistant, simulator: RunningSimulator, emporia: EmporiaSimulator
) -> None:
    """A chain of 1 200 nested devices: refused by the depth limit, no RecursionError."""
    entry = await loaded(hass, simulator.base_url("emporia"), emporia)
    runtime = entry.runtime_data
    await emporia.send_raw(frame(chain(1200)))
    await settle(hass, lambda: runtime.push.stream.refused_frames >= 1)
    assert 5000 not in runtime.live.state.devices
    assert entry.state is ConfigEntryState.LOADED


async def test_devices_in_a_cycle_at_setup_retry_instead_of_failing(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    emporia: EmporiaSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A /devices answer where the monitor hangs under the plug and the plug under the monitor:
    refused (the entry retries, never SETUP_ERROR), no RecursionError; fine once the proxy
    answers sanely."""

    def cycle(body: Any) -> Any:
        if "customerGid" not in body:  # not the /devices answer
            return body
        monitor = body["devices"][0]
        monitor["parentDeviceGid"] = 2
        monitor["parentChannelNum"] = "1,2,3"
        plug = {**monitor, "deviceGid": 2, "parentDeviceGid": MONITOR_GID, "devices": []}
        body["devices"].append(plug)
        return body

    emporia.state.faults.rewrite = cycle
    emporia.state.faults.path = "/devices"
    entry = add_entry(hass, simulator.base_url("emporia"), title="Emporia proxy")
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert not [r for r in caplog.records if r.exc_info and "Recursion" in str(r.exc_info[1])]
    assert "cycle" in caplog.text


async def test_names_are_cleaned_and_cut_before_the_registry(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    emporia: EmporiaSimulator,
) -> None:
    """A 200 KB device name with control characters, ANSI escapes and markup: the device is
    named with at most 64 readable characters."""
    hostile = "\x1b[31mHome\x1b[0m\r\n<b>" + "x" * 200_000

    def rename(body: Any) -> Any:
        if "customerGid" not in body:  # not the /devices answer
            return body
        body["devices"][0]["locationProperties"]["deviceName"] = hostile
        return body

    emporia.state.faults.rewrite = rename
    emporia.state.faults.path = "/devices"
    entry = await loaded(hass, simulator.base_url("emporia"), emporia)
    monitor = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"emporia_{MONITOR_GID}"), entry.entry_id
    )
    assert monitor is not None
    assert monitor.name is not None
    assert len(monitor.name) <= 64
    assert monitor.name.startswith("Home b")
    assert not any(char in monitor.name for char in "\x1b\r\n<>")
    for state in hass.states.async_all("sensor"):
        if state.entity_id.startswith("sensor.home"):
            assert len(state.attributes["friendly_name"]) <= 200
    assert entry.state is ConfigEntryState.LOADED


async def test_the_proxy_s_error_text_cannot_forge_log_lines(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    emporia: EmporiaSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A token complaint of a million characters with CR/LF and a forged log line inside,
    twice (the first is renewed quietly, the second is logged): the WARNING is one short
    line."""
    entry = await loaded(hass, simulator.base_url("emporia"), emporia)
    runtime = entry.runtime_data
    forged = "token\r\n2026-12-07 ERROR (MainThread) [homeassistant] forged" + "y" * 1_000_000
    sessions = runtime.push.sessions
    await emporia.send_raw(json.dumps({"type": "error", "message": forged}))
    await settle(hass, lambda: runtime.push.sessions > sessions and runtime.push.authenticated)
    await emporia.send_raw(json.dumps({"type": "error", "message": forged}))
    await settle(hass, lambda: "connection lost" in caplog.text)
    lost = [r.getMessage() for r in warnings(caplog) if "connection lost" in r.getMessage()]
    assert len(lost) == 1
    assert "\r" not in lost[0]
    assert "\n" not in lost[0]
    assert len(lost[0]) < 400


async def test_the_socket_never_follows_a_redirect_to_another_origin(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    emporia: EmporiaSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The proxy answers the socket's handshake with a redirect to another host: the handshake
    is not followed, the authenticate frame (the token) never reaches the other origin, and the
    log says why."""
    elsewhere: list[str] = []

    async def record(request: web.Request) -> web.Response:
        elsewhere.append(request.path)
        return web.Response(status=404)

    other = web.Application()
    other.router.add_route("*", "/{tail:.*}", record)
    other_runner = web.AppRunner(other, access_log=None)
    await other_runner.setup()
    socket_allow_hosts(["127.0.0.1", "127.0.0.2"])  # the other origin may be reached
    other_site = web.TCPSite(other_runner, "127.0.0.2", 0)
    await other_site.start()
    other_port = other_runner.addresses[0][1]

    @web.middleware
    async def redirect(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            raise web.HTTPTemporaryRedirect(f"http://127.0.0.2:{other_port}/stolen")
        return await handler(request)

    front = web.Application(middlewares=[redirect])
    front.add_subapp("/emporia", emporia.app())
    front_runner = web.AppRunner(front, access_log=None)
    await front_runner.setup()
    await web.TCPSite(front_runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{front_runner.addresses[0][1]}/emporia"
    try:
        entry = add_entry(hass, url, title="Emporia proxy")
        assert await hass.config_entries.async_setup(entry.entry_id)
        runtime = entry.runtime_data
        await settle(hass, lambda: runtime.push.sessions >= 1 and runtime.push.last_delay)
        assert not runtime.push.authenticated
        assert elsewhere == []
        assert emporia.authentications == 0
        lost = [r.getMessage() for r in warnings(caplog) if "connection lost" in r.getMessage()]
        assert lost
        assert "another origin" in lost[0]
        await hass.config_entries.async_unload(entry.entry_id)
    finally:
        await front_runner.cleanup()
        await other_runner.cleanup()
