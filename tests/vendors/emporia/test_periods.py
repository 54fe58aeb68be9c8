"""Emporia's own energy today and this month per channel (the 1D and 1MON buckets): the values
the proxy answers, one request per device and scale every 15 minutes, and a reset at the
device's local midnight and month, whatever Home Assistant's zone."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, State, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.recorder import get_instance
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    mock_restore_cache,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
    do_adhoc_statistics,
)

from custom_components.energy_portals.vendors.emporia.periods import DAY, MONTH, period_bounds
from tests.helpers import known_state, numbers, settle, watch_numbers
from tests.simulator.emporia import MONITOR_GID, TIME_ZONE, EmporiaSimulator

from .conftest import add_entry

AMSTERDAM = ZoneInfo(TIME_ZONE)
KITCHEN_TODAY = "sensor.home_kitchen_energy_today"
KITCHEN_MONTH = "sensor.home_kitchen_energy_this_month"


ROUNDED = 0.5e-4 + 1e-9
"""Energy states are rounded to 0.1 Wh (const.KWH_DIGITS)."""


def bucket_calls(emporia: EmporiaSimulator) -> list[tuple[str, str, str]]:
    """(devices, scale, instant) of every bucket request the proxy saw."""
    return [
        (call.query.get("devices", ""), call.query["scale"], call.query["instant"])
        for call in emporia.state.calls("GET", "/devices/instant")
        if call.query.get("scale") in ("1D", "1MON")
    ]


async def start_at(  # noqa: PLR0917 - the fixtures a test hands over, and its moment
    hass: HomeAssistant,
    entry: MockConfigEntry,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
    moment: str,
    zone: str = "America/Los_Angeles",
) -> None:
    """Home Assistant in `zone` (not the device's), the entry set up at `moment`."""
    await hass.config.async_set_time_zone(zone)
    freezer.move_to(moment)
    emporia.clock.now = time.time
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass, lambda: emporia.samples_sent >= 1)


def logged(caplog: pytest.LogCaptureFixture, text: str) -> int:
    """How many records at info level or above mention `text`."""
    return sum(1 for r in caplog.records if r.levelno >= logging.INFO and text in r.getMessage())


def reset_of(state: State) -> datetime:
    """The state's last reset, as an instant."""
    return datetime.fromisoformat(state.attributes["last_reset"])


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment)


async def jump(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Move frozen time and let the refreshes it starts finish (loopback I/O needs loop turns;
    the socket's background task never ends, so it cannot be waited for)."""
    freezer.tick(seconds)
    async_fire_time_changed(hass)
    for _ in range(100):
        await hass.async_block_till_done()
        await asyncio.sleep(0)


def local(year: int, month: int, day: int) -> datetime:
    """A day's midnight in the device's zone."""
    return datetime(year, month, day, tzinfo=AMSTERDAM)


async def test_today_and_this_month_are_emporia_s_buckets(
    hass: HomeAssistant,
    emporia_entry: MockConfigEntry,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Each channel (the mains, circuits, balance and the nested devices) shows its bucket as
    the proxy answers it; a producing circuit's production is positive; one request per
    top-level device and scale."""
    await start_at(hass, emporia_entry, emporia, freezer, "2026-12-02T15:00:00+00:00")
    now = emporia.clock.now()
    day, month = local(2026, 12, 2).timestamp(), local(2026, 12, 1).timestamp()
    today = known_state(hass, KITCHEN_TODAY)
    assert float(today.state) == pytest.approx(emporia.energy("1", day, now), abs=ROUNDED)
    assert today.attributes["state_class"] == "total"
    assert today.attributes["device_class"] == "energy"
    assert today.attributes["unit_of_measurement"] == "kWh"
    assert reset_of(today) == at("2026-12-01T23:00:00+00:00")
    assert today.attributes["friendly_name"] == "Home Kitchen energy today"
    this_month = known_state(hass, KITCHEN_MONTH)
    assert float(this_month.state) == pytest.approx(emporia.energy("1", month, now), abs=ROUNDED)
    assert reset_of(this_month) == at("2026-11-30T23:00:00+00:00")
    solar = known_state(hass, "sensor.home_solar_production_today")
    assert float(solar.state) == pytest.approx(-emporia.energy("3", day, now), abs=ROUNDED)
    assert float(solar.state) > 0
    assert float(known_state(hass, "sensor.home_mains_energy_today").state) == pytest.approx(
        emporia.energy("1,2,3", day, now), abs=ROUNDED
    )
    assert float(known_state(hass, "sensor.home_balance_energy_this_month").state) > 0
    plug = known_state(hass, "sensor.aquarium_energy_today")
    assert float(plug.state) == pytest.approx(emporia.energy("plug", day, now), abs=ROUNDED)
    assert plug.attributes["friendly_name"] == "Aquarium Energy today"
    assert float(known_state(hass, "sensor.driveway_charger_energy_this_month").state) > 0
    # Each bucket, and once at setup the one before it (for its final value).
    gid = str(MONITOR_GID)
    assert bucket_calls(emporia) == [
        (gid, "1D", "2026-12-02T15:00:00Z"),
        (gid, "1D", "2026-12-01T22:59:59Z"),
        (gid, "1MON", "2026-12-02T15:00:00Z"),
        (gid, "1MON", "2026-11-30T22:59:59Z"),
    ]
    unique_id = er.async_get(hass).async_get(KITCHEN_TODAY)
    assert unique_id is not None
    assert unique_id.unique_id == f"emporia_{MONITOR_GID}_channel_1_energy_today"


async def test_read_every_15_minutes_and_just_after_local_midnight(
    hass: HomeAssistant,
    emporia_entry: MockConfigEntry,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """At most every 15 minutes; the new day is read 10 s after the device's midnight (not Home
    Assistant's) and starts from its own bucket, with its own reset."""
    await start_at(hass, emporia_entry, emporia, freezer, "2026-12-02T22:40:00+00:00")
    assert len(bucket_calls(emporia)) == 4
    await jump(hass, freezer, 14 * 60)
    assert len(bucket_calls(emporia)) == 4
    await jump(hass, freezer, 61)  # 23:55:01 local (the coordinator adds under a second)
    assert len(bucket_calls(emporia)) == 6
    before = float(known_state(hass, KITCHEN_TODAY).state)
    written = watch_numbers(hass, KITCHEN_TODAY)
    await jump(hass, freezer, 5 * 60 + 5)  # 00:00:06 local: not read yet
    assert len(bucket_calls(emporia)) == 6
    await jump(hass, freezer, 6)
    # The new day, the day before once more (its final value); the month goes on at its
    # own 15-minute pace (its bucket does not turn at this midnight).
    assert [call[1:] for call in bucket_calls(emporia)[6:]] == [
        ("1D", "2026-12-02T23:00:12Z"),
        ("1D", "2026-12-02T22:59:59Z"),
    ]
    closed, new_day = numbers(written[KITCHEN_TODAY])
    assert closed == pytest.approx(
        emporia.energy("1", local(2026, 12, 2).timestamp(), local(2026, 12, 3).timestamp()),
        abs=ROUNDED,
    )
    assert closed > before > new_day
    assert reset_of(written[KITCHEN_TODAY][0]) == at("2026-12-01T23:00:00+00:00")
    today = known_state(hass, KITCHEN_TODAY)
    assert float(today.state) < before
    assert float(today.state) == pytest.approx(
        emporia.energy("1", local(2026, 12, 3).timestamp(), emporia.clock.now()), abs=ROUNDED
    )
    assert reset_of(today) == at("2026-12-02T23:00:00+00:00")
    assert reset_of(known_state(hass, KITCHEN_MONTH)) == at("2026-11-30T23:00:00+00:00")


@pytest.mark.parametrize(
    ("moment", "day_reset", "month_reset"),
    [
        # The new year in Amsterdam: both buckets start again.
        ("2026-12-31T23:00:20+00:00", "2026-12-31T23:00:00+00:00", "2026-12-31T23:00:00+00:00"),
        # The 23-hour day (clocks go forward at 02:00 on 29 March).
        ("2026-03-29T12:00:00+00:00", "2026-03-28T23:00:00+00:00", "2026-02-28T23:00:00+00:00"),
        # The 25-hour day (clocks go back at 03:00 on 25 October).
        ("2026-10-25T22:00:00+00:00", "2026-10-24T22:00:00+00:00", "2026-09-30T22:00:00+00:00"),
        # A leap day.
        ("2028-02-29T12:00:00+00:00", "2028-02-28T23:00:00+00:00", "2028-01-31T23:00:00+00:00"),
    ],
)
@pytest.mark.parametrize("zone", ["Australia/Adelaide", "America/Los_Angeles", TIME_ZONE])
async def test_buckets_start_at_the_device_s_local_day_and_month(  # noqa: PLR0917
    hass: HomeAssistant,
    emporia_entry: MockConfigEntry,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
    moment: str,
    day_reset: str,
    month_reset: str,
    zone: str,
) -> None:
    """The reset is the device's local midnight and month's first, in any Home Assistant zone,
    on 23- and 25-hour days, at the year's end and on a leap day."""
    await start_at(hass, emporia_entry, emporia, freezer, moment, zone)
    now = emporia.clock.now()
    today = known_state(hass, KITCHEN_TODAY)
    assert reset_of(today) == at(day_reset)
    start = datetime.fromisoformat(day_reset).timestamp()
    assert float(today.state) == pytest.approx(emporia.energy("1", start, now), abs=ROUNDED)
    assert reset_of(known_state(hass, KITCHEN_MONTH)) == at(month_reset)


def test_period_bounds_hold_on_short_and_long_days() -> None:
    """A local day is 23, 24 or 25 hours; a month ends where the next begins."""
    for at, hours in (("2026-03-29T12:00:00+00:00", 23), ("2026-10-25T12:00:00+00:00", 25)):
        start, end = period_bounds(datetime.fromisoformat(at), AMSTERDAM, DAY)
        assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=hours)
    start, end = period_bounds(
        datetime.fromisoformat("2026-12-31T23:30:00+00:00"), AMSTERDAM, MONTH
    )
    assert (start.isoformat(), end.isoformat()) == (
        "2027-01-01T00:00:00+01:00",
        "2027-02-01T00:00:00+01:00",
    )


async def test_refused_buckets_leave_the_rest_running(
    hass: HomeAssistant,
    emporia_entry: MockConfigEntry,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A proxy refusing the buckets at setup: the entry runs, the bucket sensors come when the
    buckets first answer; later refusals make them unavailable (logged once) and back."""
    emporia.scenario.periods_refused = {DAY, MONTH}
    await start_at(hass, emporia_entry, emporia, freezer, "2026-12-02T15:00:00+00:00")
    assert hass.states.get(KITCHEN_TODAY) is None
    assert known_state(hass, "sensor.home_kitchen_power")
    emporia.scenario.periods_refused = set()
    await jump(hass, freezer, 15 * 60 + 1)
    assert float(known_state(hass, KITCHEN_TODAY).state) > 0
    emporia.scenario.periods_refused = {DAY, MONTH}
    caplog.clear()
    await jump(hass, freezer, 15 * 60 + 1)
    await jump(hass, freezer, 15 * 60 + 1)
    assert known_state(hass, KITCHEN_TODAY).state == STATE_UNAVAILABLE
    assert logged(caplog, "Emporia day data") == logged(caplog, "Emporia month data") == 1
    emporia.scenario.periods_refused = set()
    await jump(hass, freezer, 15 * 60 + 1)
    assert float(known_state(hass, KITCHEN_TODAY).state) > 0
    # and once back
    assert logged(caplog, "Emporia day data") == logged(caplog, "Emporia month data") == 2


async def test_a_failing_month_keeps_the_day(
    hass: HomeAssistant,
    emporia_entry: MockConfigEntry,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Emporia failing the month buckets makes this month's sensors unavailable, never
    today's (each scale has its own coordinator)."""
    await start_at(hass, emporia_entry, emporia, freezer, "2026-12-02T15:00:00+00:00")
    emporia.scenario.periods_refused = {MONTH}
    await jump(hass, freezer, 15 * 60 + 1)
    assert known_state(hass, KITCHEN_MONTH).state == STATE_UNAVAILABLE
    assert float(known_state(hass, KITCHEN_TODAY).state) > 0


async def test_a_proxy_without_buckets_is_asked_daily_and_logged_once(
    hass: HomeAssistant,
    emporia_entry: MockConfigEntry,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A proxy answering 404 for the buckets: no bucket sensors, the rest runs, one WARNING
    per scale that says what to do, nothing at ERROR; asked again a day later, not every
    15 minutes, and the sensors come once the proxy serves them."""
    emporia.scenario.periods_missing = True
    await start_at(hass, emporia_entry, emporia, freezer, "2026-12-02T15:00:00+00:00")
    assert hass.states.get(KITCHEN_TODAY) is None
    assert hass.states.get(KITCHEN_MONTH) is None
    assert known_state(hass, "sensor.home_kitchen_power")
    asked = len(bucket_calls(emporia))
    assert asked == 2  # one day and one month request
    for _ in range(8):
        await jump(hass, freezer, 15 * 60 + 1)
    assert len(bucket_calls(emporia)) == asked
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "404" in r.message]
    assert len(warnings) == 2
    assert "update the proxy" in warnings[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

    emporia.scenario.periods_missing = False
    await jump(hass, freezer, 24 * 3600)
    await jump(hass, freezer, 15 * 60 + 1)
    # The sensors are added once the answers arrive (loopback I/O: loop turns, not time).
    await settle(
        hass, lambda: all(hass.states.get(e) is not None for e in (KITCHEN_TODAY, KITCHEN_MONTH))
    )
    assert float(known_state(hass, KITCHEN_TODAY).state) > 0
    assert float(known_state(hass, KITCHEN_MONTH).state) > 0
    assert logged(caplog, "offers its day buckets endpoint again") == 1


class TestRecorder:
    """The recorder's statistics of a bucket sensor across midnight."""

    @pytest.fixture(autouse=True)
    def auto_enable_custom_integrations(
        self, recorder_mock: Any, enable_custom_integrations: None
    ) -> None:
        """The recorder first, then our integration."""

    async def test_the_sum_grows_by_the_energy_across_midnight(
        self,
        hass: HomeAssistant,
        emporia_entry: MockConfigEntry,
        emporia: EmporiaSimulator,
        freezer: FrozenDateTimeFactory,
    ) -> None:
        """From 23:20 to 00:40 local: the statistics' sum grows by what flowed between the
        first and the last read, the reset at midnight neither lost nor counted twice."""

        @callback
        def time_passes(event: Event[EventStateChangedData]) -> None:
            if event.data["entity_id"] == KITCHEN_TODAY:
                freezer.tick(0.001)

        hass.bus.async_listen(EVENT_STATE_CHANGED, time_passes)
        start = datetime.fromisoformat("2026-12-02T22:20:00+00:00")
        await start_at(hass, emporia_entry, emporia, freezer, start.isoformat())
        first = emporia.clock.now()
        moment = start
        while moment < start + timedelta(minutes=80):
            await jump(hass, freezer, 5 * 60)
            moment += timedelta(minutes=5)
            await async_wait_recording_done(hass)
        last_read = known_state(hass, KITCHEN_TODAY).last_updated.timestamp()
        period = start.replace(minute=20)
        while period + timedelta(minutes=5) <= moment:
            do_adhoc_statistics(hass, start=period)
            await async_wait_recording_done(hass)
            period += timedelta(minutes=5)
        rows = await get_instance(hass).async_add_executor_job(
            statistics_during_period, hass, start, None, {KITCHEN_TODAY}, "5minute", None, {"sum"}
        )
        sums = [float(row["sum"] or 0.0) for row in rows[KITCHEN_TODAY]]
        assert sums == sorted(sums)
        assert sums[-1] == pytest.approx(emporia.energy("1", first, last_read), abs=0.002)


async def test_a_restart_across_midnight_closes_the_day_shown_last(
    hass: HomeAssistant,
    emporia_entry: MockConfigEntry,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Home Assistant stopped at 23:50 and started at 00:05: the sensor last showed yesterday,
    so it shows yesterday's final bucket first, then today's; on a restart within the day it
    shows only today's."""
    mock_restore_cache(
        hass,
        [State(KITCHEN_TODAY, "5.0", {"last_reset": "2026-12-02T00:00:00+01:00"})],
    )
    written = watch_numbers(hass, KITCHEN_TODAY)
    await start_at(hass, emporia_entry, emporia, freezer, "2026-12-02T23:05:00+00:00")
    states = written[KITCHEN_TODAY]
    assert [reset_of(state) for state in states] == [
        at("2026-12-01T23:00:00+00:00"),
        at("2026-12-02T23:00:00+00:00"),
    ]
    day = local(2026, 12, 2).timestamp(), local(2026, 12, 3).timestamp()
    assert float(states[0].state) == pytest.approx(emporia.energy("1", *day), abs=ROUNDED)
    assert float(states[1].state) == pytest.approx(
        emporia.energy("1", day[1], emporia.clock.now()), abs=ROUNDED
    )


async def test_a_restart_within_the_day_shows_today_only(
    hass: HomeAssistant,
    emporia_entry: MockConfigEntry,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The sensor last showed today's bucket: no closing value is written."""
    mock_restore_cache(
        hass, [State(KITCHEN_TODAY, "1.0", {"last_reset": "2026-12-03T00:00:00+01:00"})]
    )
    written = watch_numbers(hass, KITCHEN_TODAY)
    await start_at(hass, emporia_entry, emporia, freezer, "2026-12-03T10:00:00+00:00")
    assert [reset_of(state) for state in written[KITCHEN_TODAY]] == [
        at("2026-12-02T23:00:00+00:00")
    ]


@pytest.mark.parametrize("zone_name", [None, "", "Not/AZone", "../etc"])
async def test_a_device_without_a_usable_zone_uses_home_assistant_s(
    hass: HomeAssistant,
    emporia_entry: MockConfigEntry,
    emporia: EmporiaSimulator,
    freezer: FrozenDateTimeFactory,
    zone_name: str | None,
) -> None:
    """No zone, an empty one or one no one knows: the buckets start at Home Assistant's
    midnight instead of failing."""

    def without_zone(body: Any) -> Any:
        for device in body.get("devices", []) if isinstance(body, dict) else []:
            device["locationProperties"]["timeZone"] = zone_name
        return body

    emporia.state.faults.rewrite = without_zone
    emporia.state.faults.path = "/devices"
    await start_at(hass, emporia_entry, emporia, freezer, "2026-12-02T15:00:00+00:00")
    today = known_state(hass, KITCHEN_TODAY)
    assert reset_of(today) == at("2026-12-02T08:00:00+00:00")  # midnight in Los Angeles


async def test_a_reversed_clamp_s_buckets_are_inverted_like_its_flow(
    hass: HomeAssistant, emporia_url: str, emporia: EmporiaSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """The kitchen's clamp sits the wrong way round: its bucket is inverted, as its power."""
    entry = add_entry(hass, emporia_url, options={"reversed_channels": [f"{MONITOR_GID}:1"]})
    await start_at(hass, entry, emporia, freezer, "2026-12-02T15:00:00+00:00")
    day = local(2026, 12, 2).timestamp()
    assert float(known_state(hass, KITCHEN_TODAY).state) == pytest.approx(
        -emporia.energy("1", day, emporia.clock.now()), abs=ROUNDED
    )
