"""The live task outlives anything: error frames, bugs, and a proxy that keeps refusing tokens."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.energy_portals.answers import AnswerLog
from custom_components.energy_portals.const import DOMAIN
from custom_components.energy_portals.errors import PortalConnectionError
from custom_components.energy_portals.vendors.emporia.api import EmporiaClient
from custom_components.energy_portals.vendors.emporia.stream import EmporiaStream
from custom_components.energy_portals.vendors.emporia.usage import UsageSample
from tests.conftest import RunningSimulator
from tests.helpers import known_state, settle
from tests.simulator.emporia import EMAIL, PASSWORD, EmporiaSimulator
from tests.simulator.faults import RecordedRequest

CHARGER_STATUS = "sensor.driveway_charger_charger_status"


async def test_instant_is_asked_with_its_required_parameters(
    hass: HomeAssistant, loaded_emporia: MockConfigEntry, emporia: EmporiaSimulator
) -> None:
    """The first state comes from /devices/instant, asked with instant, scale and energyUnit."""
    (call, *_) = emporia.state.calls("GET", "/devices/instant")
    assert call.status == 200
    assert call.query["scale"] == "1MIN"
    assert call.query["energyUnit"] == "KilowattHours"
    assert call.query["instant"].endswith("Z")


async def test_error_frames_keep_the_socket(simulator: RunningSimulator) -> None:
    """The proxy's "Error fetching device data." frames: the same socket, samples go on after."""
    emporia: EmporiaSimulator = simulator["emporia"]
    emporia.scenario.period = 0.01
    emporia.scenario.error_ticks = 3
    samples: list[UsageSample] = []
    async with aiohttp.ClientSession() as session:
        client = EmporiaClient(
            session, url=simulator.base_url("emporia"), email=EMAIL, password=PASSWORD
        )
        stream = EmporiaStream(session, client.ws_url, AnswerLog())

        def on_sample(sample: UsageSample) -> None:
            samples.append(sample)
            if len(samples) == 2:
                asyncio.get_running_loop().create_task(stream.async_close())

        with pytest.raises(PortalConnectionError):
            await stream.async_listen(
                await client.async_token(),
                on_authenticated=lambda: None,
                on_sample=on_sample,
                idle_timeout=5,
            )
    assert emporia.scenario.error_ticks == 0
    assert len(samples) >= 2
    assert emporia.connections == 1


async def test_a_bug_in_a_sample_handler_is_logged_once_and_survived(  # noqa: PLR0917
    hass: HomeAssistant,
    loaded_emporia: MockConfigEntry,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An unexpected exception ends the socket, not the task: logged once, then reconnected."""
    runtime = loaded_emporia.runtime_data
    await settle(hass, lambda: runtime.push.authenticated)
    ingest = runtime.live.state.ingest
    failures = {"left": 3}

    def broken(*args: Any) -> Any:
        if failures["left"]:
            failures["left"] -= 1
            raise ZeroDivisionError("a bug")
        return ingest(*args)

    monkeypatch.setattr(runtime.live.state, "ingest", broken)
    runtime.push._rand = lambda: 0.5
    for _ in range(30):
        freezer.tick(1)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        await settle(hass, lambda: True)
    await settle(hass, lambda: runtime.push.authenticated and failures["left"] == 0)
    unexpected = [r for r in caplog.records if "Unexpected error on the Emporia" in r.message]
    assert len(unexpected) == 1
    assert emporia.connections >= 2


async def test_a_proxy_that_refuses_every_token_is_not_hammered(
    hass: HomeAssistant,
    loaded_emporia: MockConfigEntry,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Token complaints right after authentication: one quick renewal, then growing waits."""
    caplog.set_level(logging.DEBUG)
    runtime = loaded_emporia.runtime_data
    await settle(hass, lambda: runtime.push.authenticated)
    runtime.push._rand = lambda: 0.5
    emporia.scenario.refuse_after_auth = True
    await emporia.drop_sockets()
    before = emporia.connections
    for _ in range(60):
        freezer.tick(1)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        await settle(hass, lambda: True)
    # Backoff 1 + 2 + 4 + 8 + 16 + ... seconds: a handful of sockets in a minute, not sixty.
    assert emporia.connections - before <= 7
    assert loaded_emporia.state.value == "loaded"


async def let_requests_finish(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float
) -> None:
    """Move frozen time on and give loopback requests the loop turns to finish (a request
    still in flight at the next jump would time out)."""
    freezer.tick(seconds)
    async_fire_time_changed(hass)
    for _ in range(100):
        await hass.async_block_till_done()
        await asyncio.sleep(0)


def live_reads(emporia: EmporiaSimulator) -> list[RecordedRequest]:
    """The /devices/instant reads of the live usage (not of the day and month buckets)."""
    return [
        call
        for call in emporia.state.calls("GET", "/instant")
        if call.query.get("scale") not in ("1D", "1MON")
    ]


async def test_a_proxy_that_cannot_reach_emporia_is_not_stormed(
    hass: HomeAssistant,
    loaded_emporia: MockConfigEntry,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The real proxy authenticates, then says "Error fetching devices." and closes while
    Emporia fails. Backoff keeps growing (an authenticated socket without data is no working
    one) up to one try in 5 minutes; one log line each way; after 30 minutes without data a
    repair issue, gone once data flows again."""
    runtime = loaded_emporia.runtime_data
    await settle(hass, lambda: runtime.push.authenticated)
    runtime.push._rand = lambda: 0.5
    emporia.scenario.emporia_down = True
    await emporia.drop_sockets()
    before, instant_before = emporia.connections, len(live_reads(emporia))
    issues = ir.async_get(hass)
    issue = (DOMAIN, f"emporia_no_data_{loaded_emporia.entry_id}")
    for _ in range(31 * 6):  # 31 minutes, ten seconds at a time
        freezer.tick(10)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        # Each session (authenticated, error, closed) ends before the clock moves on.
        await settle(hass, lambda: not emporia.open_sockets and not runtime.push.authenticated)
    # 1 + 2 + 4 + ... + 256 s, then every 300 s: 13 sockets in 31 minutes, not 1 860.
    sockets = emporia.connections - before
    assert 8 <= sockets <= 15
    # /devices/instant is asked at least once a minute (to see Emporia return), no more.
    assert len(live_reads(emporia)) - instant_before <= 35
    assert runtime.push.last_delay == pytest.approx(300)
    lost = [r for r in caplog.records if "connection lost" in r.getMessage()]
    back = [r for r in caplog.records if "connection is back" in r.getMessage()]
    assert (len(lost), len(back)) == (1, 0)
    found = issues.async_get_issue(*issue)
    assert found is not None
    assert found.translation_key == "emporia_no_data"

    # Emporia returns just after a failed socket: its next try is 5 minutes away.
    connections = emporia.connections
    while emporia.connections == connections:
        await let_requests_finish(hass, freezer, 10)
    emporia.scenario.emporia_down = False
    seconds = 0
    while not runtime.push.authenticated:
        await let_requests_finish(hass, freezer, 10)
        seconds += 10
        assert seconds <= 70, "the socket waited out its backoff after Emporia came back"
    await let_requests_finish(hass, freezer, 10)
    assert issues.async_get_issue(*issue) is None
    back = [r for r in caplog.records if "connection is back" in r.getMessage()]
    assert len(back) == 1
    assert known_state(hass, "sensor.home_mains_power").state not in ("unavailable", "unknown")


async def test_the_no_data_notice_goes_with_the_entry(
    hass: HomeAssistant,
    loaded_emporia: MockConfigEntry,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An entry unloaded (or deleted) while its proxy cannot reach Emporia leaves no notice."""
    runtime = loaded_emporia.runtime_data
    await settle(hass, lambda: runtime.push.authenticated)
    emporia.scenario.emporia_down = True
    await emporia.drop_sockets()
    for _ in range(31 * 6):
        freezer.tick(10)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        await settle(hass, lambda: not emporia.open_sockets and not runtime.push.authenticated)
    issue = (DOMAIN, f"emporia_no_data_{loaded_emporia.entry_id}")
    assert ir.async_get(hass).async_get_issue(*issue) is not None
    assert await hass.config_entries.async_unload(loaded_emporia.entry_id)
    assert ir.async_get(hass).async_get_issue(*issue) is None


async def test_devices_400_is_the_proxy_not_reaching_emporia(
    hass: HomeAssistant,
    loaded_emporia: MockConfigEntry,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The proxy's 400 on /devices (its answer to every upstream failure) makes the device
    entities unavailable and is logged once at INFO as unreachable, once again when back;
    nothing about it at WARNING or above."""
    runtime = loaded_emporia.runtime_data
    await settle(hass, lambda: runtime.push.authenticated)
    assert known_state(hass, CHARGER_STATUS).state == "Charging"
    emporia.scenario.emporia_down = True
    caplog.clear()
    for _ in range(2 * 30):
        await let_requests_finish(hass, freezer, 10)
    assert known_state(hass, CHARGER_STATUS).state == "unavailable"
    emporia.scenario.emporia_down = False
    for _ in range(30):
        await let_requests_finish(hass, freezer, 10)
    assert known_state(hass, CHARGER_STATUS).state == "Charging"
    devices = [
        r for r in caplog.records if r.levelno >= logging.INFO and "Emporia devices" in r.message
    ]
    assert [r.levelname for r in devices] == ["INFO", "INFO"]
    assert "cannot reach Emporia" in devices[0].getMessage()
    assert not [
        r for r in caplog.records if r.levelno >= logging.WARNING and "Emporia devices" in r.message
    ]
