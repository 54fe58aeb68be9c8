"""The Emporia entry in Home Assistant: devices, sensors, the one socket, throttling, recovery."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant, State, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    mock_restore_cache_with_extra_data,
)

from custom_components.energy_portals.const import DOMAIN
from custom_components.energy_portals.diagnostics import async_get_config_entry_diagnostics
from custom_components.energy_portals.vendors.emporia.coordinator import EmporiaData
from tests.helpers import known_state, settle
from tests.simulator.emporia import (
    CHARGER_GID,
    EMAIL,
    MONITOR_GID,
    PASSWORD,
    PLUG_GID,
    EmporiaSimulator,
)

from .conftest import entry_data, tick

KITCHEN_POWER = "sensor.home_kitchen_power"
KITCHEN_ENERGY = "sensor.home_kitchen_energy"


def runtime_of(entry: MockConfigEntry) -> EmporiaData:
    runtime = entry.runtime_data
    assert isinstance(runtime, EmporiaData)
    return runtime


def last_delay(runtime: EmporiaData) -> float | None:
    """The last reconnect delay (read through a call: it changes behind the test's back)."""
    return runtime.push.last_delay


async def connected(hass: HomeAssistant, entry: MockConfigEntry) -> EmporiaData:
    runtime = runtime_of(entry)
    await settle(hass, lambda: runtime.push.authenticated)
    runtime.push._rand = lambda: 0.5  # no jitter: exact backoff delays
    return runtime


async def reconnect(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    emporia: EmporiaSimulator,
    runtime: EmporiaData,
) -> int:
    """Tick until the socket is back; returns the seconds it took."""
    for second in range(1, 20):
        await settle(hass, lambda: not emporia.state.faults.delay)  # let requests finish
        await tick(hass, freezer, emporia, 1)
        if runtime.push.authenticated:
            return second
    raise AssertionError("no reconnect")


def state(hass: HomeAssistant, entity_id: str) -> State:
    current = known_state(hass, entity_id)
    assert current is not None, entity_id
    return current


async def test_devices_and_sensors(
    hass: HomeAssistant, loaded_emporia: MockConfigEntry, emporia: EmporiaSimulator
) -> None:
    """Monitor, plugs and charger become devices (nested under the monitor) with their sensors."""
    await connected(hass, loaded_emporia)
    registry = dr.async_get(hass)
    monitor = registry.async_get_device_by_identifier(
        (DOMAIN, f"emporia_{MONITOR_GID}"), loaded_emporia.entry_id
    )
    assert monitor is not None
    assert (monitor.name, monitor.model, monitor.sw_version) == ("Home", "VUE002", "Vue2-5.2.1")
    assert monitor.manufacturer == "Emporia Energy"
    for gid, name, model in (
        (PLUG_GID, "Aquarium", "SSO001"),
        (CHARGER_GID, "Driveway charger", "EVC001"),
    ):
        nested = registry.async_get_device_by_identifier(
            (DOMAIN, f"emporia_{gid}"), loaded_emporia.entry_id
        )
        assert nested is not None
        assert (nested.name, nested.model) == (name, model)
        assert nested.via_device_id == monitor.id

    power = state(hass, KITCHEN_POWER)
    now = emporia.clock.now()  # usage is the last minute's energy: its mean power
    assert float(power.state) == pytest.approx(
        emporia.energy("1", now - 60, now) * 60_000, rel=0.05
    )
    assert power.attributes["unit_of_measurement"] == "W"
    assert power.attributes["state_class"] == "measurement"
    assert power.attributes["device_class"] == "power"
    energy = state(hass, KITCHEN_ENERGY)
    assert energy.attributes["state_class"] == "total_increasing"
    assert energy.attributes["unit_of_measurement"] == "kWh"
    assert energy.attributes["device_class"] == "energy"
    assert state(hass, "sensor.home_mains_power").attributes["friendly_name"] == "Home Mains power"
    assert state(hass, "sensor.home_balance_power").attributes["friendly_name"] == (
        "Home Balance power"
    )
    assert float(state(hass, "sensor.home_solar_power").state) < 0
    assert float(state(hass, "sensor.driveway_charger_power").state) == 7200
    assert state(hass, "sensor.aquarium_power").attributes["friendly_name"] == "Aquarium Power"

    entities = er.async_get(hass)
    mains_returned = entities.async_get("sensor.home_mains_energy_returned")
    kitchen_returned = entities.async_get("sensor.home_kitchen_energy_returned")
    kitchen = entities.async_get(KITCHEN_POWER)
    assert mains_returned is not None and mains_returned.disabled_by is None
    assert kitchen_returned is not None
    assert kitchen_returned.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert kitchen is not None
    assert kitchen.unique_id == f"emporia_{MONITOR_GID}_channel_1_power"
    assert (
        entities.async_get_entity_id(
            "sensor", DOMAIN, f"emporia_{MONITOR_GID}_mains_power_produced"
        )
        is None
    )


async def test_an_account_with_only_a_charger_has_no_mains(
    hass: HomeAssistant, emporia_entry: MockConfigEntry, emporia: EmporiaSimulator
) -> None:
    """A charger on its own: its channel is the charger's power and energy, never "Mains"."""
    emporia.scenario.charger_only = True
    assert await hass.config_entries.async_setup(emporia_entry.entry_id)
    await connected(hass, emporia_entry)
    await hass.async_block_till_done()
    power = state(hass, "sensor.driveway_charger_power")
    assert power.attributes["friendly_name"] == "Driveway charger Power"
    assert float(power.state) == 7200
    assert state(hass, "sensor.driveway_charger_energy").attributes["friendly_name"] == (
        "Driveway charger Energy"
    )
    entities = er.async_get(hass)
    returned = entities.async_get("sensor.driveway_charger_energy_returned")
    assert returned is not None
    assert returned.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    names = [state.attributes.get("friendly_name", "") for state in hass.states.async_all("sensor")]
    assert not [name for name in names if "Mains" in name]


async def test_a_bidirectional_channel_produces(
    hass: HomeAssistant, loaded_emporia: MockConfigEntry
) -> None:
    """The solar circuit's channel type runs both ways: its flow keeps its sign in its power,
    its production is positive in a power sensor of its own and counted in an enabled energy
    sensor (the Energy dashboard's solar), without the owner choosing it in the options."""
    await connected(hass, loaded_emporia)
    raw = float(state(hass, "sensor.home_solar_power").state)
    produced = state(hass, "sensor.home_solar_production_power")
    assert raw < 0
    assert float(produced.state) == pytest.approx(-raw)
    assert produced.attributes["friendly_name"] == "Home Solar production power"
    assert produced.attributes["unit_of_measurement"] == "W"
    assert produced.attributes["device_class"] == "power"
    entities = er.async_get(hass)
    production = entities.async_get("sensor.home_solar_energy_produced")
    assert production is not None and production.disabled_by is None
    assert production.unique_id == f"emporia_{MONITOR_GID}_channel_3_energy_returned"
    power = entities.async_get("sensor.home_solar_production_power")
    assert power is not None
    assert power.unique_id == f"emporia_{MONITOR_GID}_channel_3_power_produced"


async def test_one_socket_per_entry(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_emporia: MockConfigEntry,
    emporia: EmporiaSimulator,
    emporia_url: str,
) -> None:
    """Each entry holds exactly one socket, whatever its number of entities."""
    await connected(hass, loaded_emporia)
    assert len(hass.states.async_entity_ids("sensor")) > 10
    await tick(hass, freezer, emporia, 20)
    assert emporia.connections == 1
    assert len(emporia.open_sockets) == 1
    assert emporia.samples_sent == 21

    second = MockConfigEntry(
        domain=DOMAIN, unique_id="emporia_other_7", data=entry_data(emporia_url)
    )
    second.add_to_hass(hass)
    assert await hass.config_entries.async_setup(second.entry_id)
    await connected(hass, second)
    assert emporia.connections == 2
    assert len(emporia.open_sockets) == 2


async def test_state_writes_throttled_to_interval(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_emporia: MockConfigEntry,
    emporia: EmporiaSimulator,
) -> None:
    """Every sample is integrated, but states are written once per state interval."""
    runtime = await connected(hass, loaded_emporia)
    emporia.scenario.fixed_watts["2"] = 3600.0
    writes: list[str] = []

    @callback
    def ours(data: Any) -> bool:
        return bool(data["entity_id"] == KITCHEN_POWER)

    def count(event: Event[Any]) -> None:
        if event.data["entity_id"] == KITCHEN_POWER:
            writes.append(str(event.event_type))

    received = runtime.live.state.samples
    await tick(hass, freezer, emporia, 1)  # align: the next write is due 10 s from here
    # A write of an unchanged (rounded) value is reported, not changed: no recorder row.
    unsubs = [
        hass.bus.async_listen(kind, count, event_filter=ours)
        for kind in ("state_changed", "state_reported")
    ]
    await tick(hass, freezer, emporia, 60)
    for unsub in unsubs:
        unsub()
    assert runtime.live.state.samples - received == 61  # every sample was used
    assert 5 <= len(writes) <= 7  # ... but about one state per 10 s
    # The energy still counts every second: 60 s at 3600 W.
    assert runtime.live.state.channels[MONITOR_GID, "2"].consumed == pytest.approx(0.06, abs=0.0011)


async def test_reconnect_with_backoff_after_drop(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_emporia: MockConfigEntry,
    emporia: EmporiaSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A dropped socket reconnects after growing waits."""
    runtime = await connected(hass, loaded_emporia)
    emporia.scenario.instant_served = False
    emporia.state.faults.drop_websocket = True
    await tick(hass, freezer, emporia, 1)
    await settle(
        hass, lambda: not runtime.push.authenticated and runtime.push.last_delay is not None
    )
    assert runtime.push.last_delay == 1
    delays = [1.0]
    for _ in range(3):
        connections = emporia.connections
        freezer.tick(delays[-1])
        async_fire_time_changed(hass)
        await settle(hass, lambda c=connections: emporia.connections > c)  # type: ignore[misc]  # lambda binding the loop's value
        await settle(hass, lambda d=delays[-1]: runtime.push.last_delay != d)  # type: ignore[misc]  # lambda binding the loop's value
        delays.append(runtime.push.last_delay or 0)
    assert delays == [1, 2, 4, 8]
    lost = [r for r in caplog.records if "connection lost" in r.getMessage()]
    assert len(lost) == 1
    assert lost[0].levelno == logging.WARNING

    emporia.state.faults.drop_websocket = False
    connections = emporia.connections
    freezer.tick(8)
    async_fire_time_changed(hass)
    await settle(hass, lambda: runtime.push.authenticated)
    assert emporia.connections == connections + 1
    assert len([r for r in caplog.records if "is back" in r.getMessage()]) == 1
    await tick(hass, freezer, emporia, 3)
    assert len(emporia.open_sockets) == 1


async def test_token_expired_on_a_working_socket_is_renewed_quietly(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_emporia: MockConfigEntry,
    emporia: EmporiaSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An expired token on a working socket is renewed at once, quietly; one refused after a fresh
    login backs off.
    """
    runtime = await connected(hass, loaded_emporia)
    logins = len(emporia.state.calls("POST", "/login"))
    connections = emporia.connections
    await emporia.revoke_tokens()
    await settle(hass, lambda: emporia.connections > connections and runtime.push.authenticated)
    assert len(emporia.state.calls("POST", "/login")) == logins + 1
    assert emporia.connections == connections + 1
    assert last_delay(runtime) is None  # at once, no backoff
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    await tick(hass, freezer, emporia, 2)
    assert state(hass, KITCHEN_POWER).state != STATE_UNAVAILABLE

    # A token refused right after a fresh login is a failure: back off, not a tight loop.
    emporia.token_valid = lambda token: False  # type: ignore[method-assign]  # every token refused
    await emporia.revoke_tokens()
    await settle(hass, lambda: runtime.push.last_delay is not None)
    assert runtime.push.last_delay == 1
    assert loaded_emporia.state is ConfigEntryState.LOADED


async def test_garbage_and_other_errors_on_the_socket_are_ignored(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_emporia: MockConfigEntry,
    emporia: EmporiaSimulator,
) -> None:
    """Garbage, unknown messages and error frames on the socket are ignored; it stays open."""
    runtime = await connected(hass, loaded_emporia)
    samples = runtime.live.state.samples
    for junk in (
        "not json",
        "[1, 2]",
        json.dumps({"type": "deviceData", "data": {"nope": 1}}),
        json.dumps({"type": "error", "message": "Failed to fetch device data"}),
        json.dumps({"type": "surprise"}),
    ):
        await emporia.broadcast(junk)
    await emporia.open_sockets.copy().pop().send_bytes(b"\x00")
    await tick(hass, freezer, emporia, 2)
    assert runtime.push.authenticated
    assert emporia.connections == 1
    assert runtime.live.state.samples == samples + 2


async def test_rate_limited_login_waits_retry_after(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_emporia: MockConfigEntry,
    emporia: EmporiaSimulator,
) -> None:
    """A rate-limited login waits as long as Retry-After asks before reconnecting."""
    runtime = await connected(hass, loaded_emporia)
    emporia.state.faults.status = 429
    emporia.state.faults.retry_after = 120
    emporia.state.faults.path = "/login"
    emporia.scenario.instant_served = False
    # The expired token is renewed at once; the login is told to wait 120 s.
    await emporia.revoke_tokens()
    await settle(hass, lambda: runtime.push.last_delay is not None)
    assert runtime.push.last_delay == 120
    connections = emporia.connections
    emporia.state.faults.clear()
    await tick(hass, freezer, emporia, 100)
    assert emporia.connections == connections  # still waiting
    await tick(hass, freezer, emporia, 21)
    await settle(hass, lambda: runtime.push.authenticated)


async def test_refused_login_starts_reauth(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_emporia: MockConfigEntry,
    emporia: EmporiaSimulator,
) -> None:
    """A login refused while running starts reauth."""
    await connected(hass, loaded_emporia)
    emporia.scenario.password = "changed"
    await emporia.revoke_tokens()
    await tick(hass, freezer, emporia, 2)
    await settle(hass, lambda: bool(hass.config_entries.flow.async_progress()))
    flows = hass.config_entries.flow.async_progress()
    assert flows[0]["context"]["source"] == "reauth"


async def test_setup_with_refused_login_asks_reauth(
    hass: HomeAssistant, emporia_entry: MockConfigEntry, emporia: EmporiaSimulator
) -> None:
    """A login refused at setup asks for reauth and opens no socket."""
    emporia.scenario.password = "changed"
    assert not await hass.config_entries.async_setup(emporia_entry.entry_id)
    assert emporia_entry.state is ConfigEntryState.SETUP_ERROR
    assert any(
        f["context"]["source"] == "reauth" for f in hass.config_entries.flow.async_progress()
    )
    assert emporia.connections == 0


async def test_setup_retries_when_proxy_down(
    hass: HomeAssistant, emporia_entry: MockConfigEntry, emporia: EmporiaSimulator
) -> None:
    """A proxy that is down at setup retries later."""
    emporia.state.faults.status = 502
    assert not await hass.config_entries.async_setup(emporia_entry.entry_id)
    assert emporia_entry.state is ConfigEntryState.SETUP_RETRY


async def test_instant_fills_first_state_and_404_means_push_only(
    hass: HomeAssistant, emporia_entry: MockConfigEntry, emporia: EmporiaSimulator
) -> None:
    """Without /devices/instant (404), the first state comes from the socket."""
    emporia.scenario.instant_served = False
    assert await hass.config_entries.async_setup(emporia_entry.entry_id)
    runtime = runtime_of(emporia_entry)
    assert runtime.push.instant_supported is False
    await connected(hass, emporia_entry)
    assert state(hass, KITCHEN_POWER).state not in (STATE_UNKNOWN, STATE_UNAVAILABLE)


async def test_instant_state_before_socket(
    hass: HomeAssistant, emporia_entry: MockConfigEntry, emporia: EmporiaSimulator
) -> None:
    """/devices/instant fills the first state before the socket connects."""
    emporia.state.faults.drop_websocket = True
    assert await hass.config_entries.async_setup(emporia_entry.entry_id)
    await hass.async_block_till_done()
    runtime = runtime_of(emporia_entry)
    assert runtime.push.instant_supported is True
    assert emporia.state.calls("GET", "/devices/instant")
    assert float(state(hass, KITCHEN_POWER).state) > 0


async def test_unavailable_when_stale_then_back(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_emporia: MockConfigEntry,
    emporia: EmporiaSimulator,
) -> None:
    """Entities go unavailable once the live data is stale, and come back with it."""
    runtime = await connected(hass, loaded_emporia)
    emporia.scenario.instant_served = False
    emporia.state.faults.drop_websocket = True
    await tick(hass, freezer, emporia, 29)
    assert state(hass, KITCHEN_POWER).state != STATE_UNAVAILABLE
    await tick(hass, freezer, emporia, 12)  # stale after 30 s, seen at the next check
    assert state(hass, KITCHEN_POWER).state == STATE_UNAVAILABLE
    assert state(hass, KITCHEN_ENERGY).state == STATE_UNAVAILABLE
    emporia.state.faults.drop_websocket = False
    for _ in range(40):
        await tick(hass, freezer, emporia, 1)
        if runtime.push.authenticated:
            break
    await settle(hass, lambda: runtime.push.authenticated)
    await tick(hass, freezer, emporia, 1)
    assert state(hass, KITCHEN_POWER).state != STATE_UNAVAILABLE


async def test_null_usage_keeps_value_briefly_then_unknown(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_emporia: MockConfigEntry,
    emporia: EmporiaSimulator,
) -> None:
    """A channel reporting null keeps its power briefly, then shows unknown, then recovers."""
    await connected(hass, loaded_emporia)
    emporia.scenario.fixed_watts["1"] = 500.0
    await tick(hass, freezer, emporia, 11)
    assert state(hass, KITCHEN_POWER).state == "500.0"
    emporia.scenario.null_channels.add("1")
    await tick(hass, freezer, emporia, 11)
    assert state(hass, KITCHEN_POWER).state == "500.0"
    await tick(hass, freezer, emporia, 30)  # 30 s of nulls, then the next write
    assert state(hass, KITCHEN_POWER).state == STATE_UNKNOWN
    emporia.scenario.null_channels.clear()
    await tick(hass, freezer, emporia, 11)
    assert state(hass, KITCHEN_POWER).state == "500.0"


async def test_negative_power_stays_negative_and_counts_as_returned(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_emporia: MockConfigEntry,
    emporia: EmporiaSimulator,
) -> None:
    """Negative mains power stays negative and counts as returned energy only."""
    await connected(hass, loaded_emporia)
    emporia.scenario.fixed_watts["1,2,3"] = -3600.0
    await tick(hass, freezer, emporia, 1)
    before = float(state(hass, "sensor.home_mains_energy").state)
    returned_before = float(state(hass, "sensor.home_mains_energy_returned").state)
    await tick(hass, freezer, emporia, 30)
    assert state(hass, "sensor.home_mains_power").state == "-3600.0"
    assert float(state(hass, "sensor.home_mains_energy").state) == pytest.approx(before)
    returned = float(state(hass, "sensor.home_mains_energy_returned").state)
    assert returned - returned_before == pytest.approx(0.03, abs=0.0011)


async def test_energy_restored_after_restart_and_steady_across_reconnect(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    emporia_entry: MockConfigEntry,
    emporia: EmporiaSimulator,
) -> None:
    """A restored total grows on after a restart and stays steady across a reconnect."""
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(KITCHEN_ENERGY, "12.5"),
                {"native_value": 12.5, "native_unit_of_measurement": "kWh"},
            )
        ],
    )
    emporia.scenario.fixed_watts["1"] = 3600.0
    assert await hass.config_entries.async_setup(emporia_entry.entry_id)
    runtime = await connected(hass, emporia_entry)
    await tick(hass, freezer, emporia, 10)
    assert float(state(hass, KITCHEN_ENERGY).state) == pytest.approx(12.51, abs=0.0011)

    # A drop and a quick reconnect: the gap is integrated at the measured power, no jump.
    await emporia.drop_sockets()
    await settle(hass, lambda: not runtime.push.authenticated)
    seconds = 10 + await reconnect(hass, freezer, emporia, runtime)
    await tick(hass, freezer, emporia, 20 - seconds)
    assert emporia.connections == 2
    # 20 s at 3600 W, the reconnect gap included; the state lags by at most one interval.
    consumed = runtime.live.state.channels[MONITOR_GID, "1"].consumed
    assert consumed == pytest.approx(0.02, abs=0.0011)
    assert 12.51 <= float(state(hass, KITCHEN_ENERGY).state) <= 12.5 + consumed

    # A restart (reload): the total continues from where it was.
    total = runtime.live.state.channels[MONITOR_GID, "1"].consumed + 12.5
    assert await hass.config_entries.async_reload(emporia_entry.entry_id)
    runtime = await connected(hass, emporia_entry)
    restored = float(state(hass, KITCHEN_ENERGY).state)
    assert restored == pytest.approx(total, abs=0.0001)
    await tick(hass, freezer, emporia, 10)
    assert float(state(hass, KITCHEN_ENERGY).state) == pytest.approx(total + 0.01, abs=0.0011)


async def test_unload_closes_the_socket(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_emporia: MockConfigEntry,
    emporia: EmporiaSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Unloading closes the socket, without reconnecting or logging a lost connection."""
    await connected(hass, loaded_emporia)
    assert await hass.config_entries.async_unload(loaded_emporia.entry_id)
    await settle(hass, lambda: not emporia.open_sockets)
    assert loaded_emporia.state is ConfigEntryState.NOT_LOADED
    await tick(hass, freezer, emporia, 10)
    assert emporia.connections == 1
    assert "connection lost" not in caplog.text


async def test_devices_refresh_uses_fresh_login_on_401(
    hass: HomeAssistant, loaded_emporia: MockConfigEntry, emporia: EmporiaSimulator
) -> None:
    """The device list (re-read every 5 minutes with a plug or charger) logs in again after a
    401."""
    runtime = await connected(hass, loaded_emporia)
    assert runtime.devices.update_interval == timedelta(minutes=5)
    emporia.tokens.clear()  # the REST token expired on the proxy's side
    logins = len(emporia.state.calls("POST", "/login"))
    await runtime.devices.async_refresh()
    assert runtime.devices.last_update_success
    assert len(emporia.state.calls("POST", "/login")) == logins + 1


async def test_new_channel_in_stream_gets_sensors(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_emporia: MockConfigEntry,
    emporia: EmporiaSimulator,
) -> None:
    """A channel that first appears in the stream gets its sensors."""
    runtime = await connected(hass, loaded_emporia)
    await emporia.broadcast(
        json.dumps(
            {
                "type": "deviceData",
                "data": {
                    "deviceListUsages": {
                        "scale": "1S",
                        "energyUnit": "KilowattHours",
                        "devices": [
                            {
                                "deviceGid": MONITOR_GID,
                                "channelUsages": [
                                    {"channelNum": "4", "name": "Garage", "usage": 0.0005}
                                ],
                            }
                        ],
                    }
                },
            }
        )
    )
    await settle(hass, lambda: (MONITOR_GID, "4") in runtime.live.state.channels)
    await tick(hass, freezer, emporia, 11)
    assert (
        state(hass, "sensor.home_garage_power").attributes["friendly_name"] == "Home Garage power"
    )


async def test_diagnostics_are_redacted(
    hass: HomeAssistant, loaded_emporia: MockConfigEntry, emporia: EmporiaSimulator
) -> None:
    """Diagnostics show the socket state and models but no e-mail, password, host, id or name."""
    await connected(hass, loaded_emporia)
    diagnostics = await async_get_config_entry_diagnostics(hass, loaded_emporia)
    text = json.dumps(diagnostics)
    for secret in (EMAIL, PASSWORD, "127.0.0.1", "Aquarium", "Kitchen"):
        assert secret not in text
    # The id as a value of its own (its digits may turn up inside a float's).
    assert not re.search(rf"(?<![0-9.]){MONITOR_GID}(?![0-9])", text)
    assert diagnostics["data"]["socket_sessions"] == 1
    assert diagnostics["data"]["instant_supported"] is True
    assert diagnostics["data"]["devices"][0]["model"] == "VUE002"


async def test_silent_socket_is_replaced(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_emporia: MockConfigEntry,
    emporia: EmporiaSimulator,
) -> None:
    """A socket that stays silent is replaced by a new one."""
    runtime = await connected(hass, loaded_emporia)
    emporia.scenario.period = 10_000  # the proxy stops pushing but keeps the socket open
    await tick(hass, freezer, emporia, 1)
    for _ in range(31):
        freezer.tick(1)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    await settle(hass, lambda: not runtime.push.authenticated)
    emporia.scenario.period = 1.0
    await reconnect(hass, freezer, emporia, runtime)
    assert emporia.connections == 2
    assert len(emporia.open_sockets) == 1


async def test_refused_login_while_waiting_starts_reauth(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_emporia: MockConfigEntry,
    emporia: EmporiaSimulator,
) -> None:
    """A login refused while waiting to reconnect starts reauth."""
    runtime = await connected(hass, loaded_emporia)
    emporia.state.faults.drop_websocket = True
    await tick(hass, freezer, emporia, 1)
    await settle(hass, lambda: runtime.push.last_delay is not None)
    emporia.scenario.password = "changed"
    emporia.tokens.clear()
    for _ in range(12):  # the next /devices/instant poll needs a login, which is refused
        await tick(hass, freezer, emporia, 1)
    await settle(hass, lambda: bool(hass.config_entries.flow.async_progress()))
    assert hass.config_entries.flow.async_progress()[0]["context"]["source"] == "reauth"


async def test_refused_login_during_first_instant_asks_reauth(
    hass: HomeAssistant, emporia_entry: MockConfigEntry, emporia: EmporiaSimulator
) -> None:
    """A login refused during the first /devices/instant read asks for reauth."""
    from unittest.mock import patch

    from custom_components.energy_portals.errors import PortalAuthError

    with patch(
        "custom_components.energy_portals.vendors.emporia.api.EmporiaClient.async_get_instant",
        side_effect=PortalAuthError("refused"),
    ):
        assert not await hass.config_entries.async_setup(emporia_entry.entry_id)
    assert emporia_entry.state is ConfigEntryState.SETUP_ERROR
    assert emporia.connections == 0


async def test_unknown_nested_device_from_stream(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_emporia: MockConfigEntry,
    emporia: EmporiaSimulator,
) -> None:
    """A nested device the device list does not know gets a device of its own from the stream."""
    runtime = await connected(hass, loaded_emporia)
    await runtime.live.async_refresh()  # a manual refresh republishes the live state
    assert runtime.live.data.fresh
    await emporia.broadcast(
        json.dumps(
            {
                "type": "deviceData",
                "data": {
                    "deviceListUsages": {
                        "scale": "1MIN",
                        "energyUnit": "KilowattHours",
                        "devices": [
                            {
                                "deviceGid": MONITOR_GID,
                                "channelUsages": [
                                    {
                                        "channelNum": "1,2,3",
                                        "usage": 0.01,
                                        "nestedDevices": [
                                            {
                                                "deviceGid": 555,
                                                "channelUsages": [
                                                    {"channelNum": "1,2,3", "usage": 0.001}
                                                ],
                                            }
                                        ],
                                    }
                                ],
                            }
                        ],
                    }
                },
            }
        )
    )
    await settle(hass, lambda: (555, "1,2,3") in runtime.live.state.channels)
    registry = dr.async_get(hass)
    device = registry.async_get_device_by_identifier(
        (DOMAIN, "emporia_555"), loaded_emporia.entry_id
    )
    monitor = registry.async_get_device_by_identifier(
        (DOMAIN, f"emporia_{MONITOR_GID}"), loaded_emporia.entry_id
    )
    assert device is not None and monitor is not None
    assert device.name == "Emporia device 555"
    assert device.via_device_id == monitor.id
    assert float(state(hass, "sensor.emporia_device_555_power").state) == pytest.approx(60)
