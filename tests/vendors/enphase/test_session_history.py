"""Finished sessions from the session history: the last session, this month's energy and cost,
the history's headers and dates, and every session in the external statistics exactly once
(again after a read of the same days, a restart, and a new session)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder.statistics import get_metadata, statistics_during_period
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.energy_portals.vendors.enphase.history import parse_session
from custom_components.energy_portals.vendors.enphase.sessions import hourly_shares, statistic_id
from tests.helpers import advance, init_integration, known_state, tick_to
from tests.simulator.enphase import SERIAL, EnphaseSimulator

LAST = "sensor.garage_ev_last_session"
MONTH_ENERGY = "sensor.garage_ev_charged_energy_this_month"
MONTH_COST = "sensor.garage_ev_charging_cost_this_month"
NOW = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)  # 15:00 in Sydney
ENERGY_ID = statistic_id(SERIAL, "energy")
COST_ID = statistic_id(SERIAL, "cost")


def sessions(enphase: EnphaseSimulator) -> None:
    """Three sessions: 29 November, then 1 and 2 December in Sydney."""
    enphase.finished = [
        enphase.history_item(datetime(2026, 11, 29, 8, 10, tzinfo=UTC).timestamp(), 5400, 9.0),
        enphase.history_item(datetime(2026, 11, 30, 13, 30, tzinfo=UTC).timestamp(), 3600, 7.2),
        enphase.history_item(datetime(2026, 12, 1, 20, 0, tzinfo=UTC).timestamp(), 7200, 14.4),
    ]


async def start(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    await hass.config.async_set_time_zone("Australia/Sydney")
    freezer.move_to(NOW)
    enphase.clock.now = lambda: datetime.now(UTC).timestamp()
    sessions(enphase)
    await init_integration(hass, entry)


async def test_last_session_and_this_month(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The latest session with its details; this month (Sydney's December) holds the two
    sessions that started in it (30 November 13:30 UTC is 1 December in Sydney)."""
    await start(hass, enphase_entry, enphase, freezer)
    last = known_state(hass, LAST)
    assert float(last.state) == 14.4
    assert last.attributes["unit_of_measurement"] == "kWh"
    assert last.attributes["start"] == "2026-12-01T20:00:00+00:00"
    assert last.attributes["end"] == "2026-12-01T22:00:00+00:00"
    assert last.attributes["active_charge_time"] == 7200
    assert last.attributes["cost"] == pytest.approx(3.6)
    assert last.attributes["range_added_mi"] == pytest.approx(30.2)
    month = known_state(hass, MONTH_ENERGY)
    assert float(month.state) == pytest.approx(21.6)
    assert month.attributes["state_class"] == "total"
    assert month.attributes["last_reset"] == "2026-12-01T00:00:00+11:00"
    cost = known_state(hass, MONTH_COST)
    assert float(cost.state) == pytest.approx(5.4)
    assert cost.attributes["unit_of_measurement"] == "AUD"


async def test_the_history_is_asked_with_its_headers_and_local_days(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The past 30 days at setup, in Home Assistant's zone; later only from the last
    session's day on (every 30 minutes)."""
    await start(hass, enphase_entry, enphase, freezer)
    (call,) = enphase.state.calls("POST", "/history")
    assert call.headers["requestid"]
    assert call.headers["Authorization"].startswith("Bearer ")
    params = json.loads(call.body)["params"]
    assert params["startDate"] == "02-11-2026"
    assert params["endDate"] == "02-12-2026"
    assert params["timezone"] == "Australia/Sydney"
    await advance(hass, freezer, 30 * 60 + 1)
    calls = enphase.state.calls("POST", "/history")
    assert len(calls) == 2
    assert json.loads(calls[1].body)["params"]["startDate"] == "01-12-2026"


async def test_history_down_leaves_the_charger_running(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The history service down (550): its sensors are unavailable, the charger's are not."""
    enphase.knobs.history_offered = False
    await start(hass, enphase_entry, enphase, freezer)
    assert known_state(hass, LAST).state == "unavailable"
    assert known_state(hass, "binary_sensor.garage_ev_plug").state == "on"
    enphase.knobs.history_offered = True
    await advance(hass, freezer, 30 * 60 + 1)
    assert float(known_state(hass, LAST).state) == 14.4


async def test_an_account_without_history_is_asked_daily_and_logged_once(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A session history that answers 404: its sensors unavailable, the charger's working, one
    WARNING saying so, nothing at ERROR, and the history asked again a day later, not every
    30 minutes or after every session."""
    enphase.knobs.history_missing = True
    await start(hass, enphase_entry, enphase, freezer)
    assert known_state(hass, LAST).state == "unavailable"
    assert known_state(hass, "binary_sensor.garage_ev_plug").state == "on"
    asked = len(enphase.state.calls("POST", "/history"))
    for _ in range(6):
        await advance(hass, freezer, 30 * 60 + 1)
    assert len(enphase.state.calls("POST", "/history")) == asked
    warnings = [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and "session history" in r.getMessage()
    ]
    assert len(warnings) == 1
    assert "charging and control work" in warnings[0]
    assert not [
        r for r in caplog.records if r.levelno >= logging.ERROR and "Enphase" in r.getMessage()
    ]
    enphase.knobs.history_missing = False
    await advance(hass, freezer, 24 * 3600)
    assert float(known_state(hass, LAST).state) == 14.4


async def test_history_gone_and_back_with_the_same_sessions_is_shown(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The history answers, then 404s, then answers again with the sessions already known:
    the sensors go unavailable and come back although the data never changed."""
    await start(hass, enphase_entry, enphase, freezer)
    assert float(known_state(hass, LAST).state) == 14.4
    enphase.knobs.history_missing = True
    await advance(hass, freezer, 30 * 60 + 1)
    assert known_state(hass, LAST).state == "unavailable"
    enphase.knobs.history_missing = False
    await advance(hass, freezer, 24 * 3600)
    assert float(known_state(hass, LAST).state) == 14.4


def test_hourly_shares_spread_a_session_over_its_hours() -> None:
    """90 minutes from 08:10: 50 minutes in the first hour, 40 in the second."""
    session = parse_session(
        {
            "sessionId": 1,
            "startTime": "2026-11-29T08:10:00.000Z[UTC]",
            "endTime": "2026-11-29T09:40:00.000Z[UTC]",
            "aggEnergyValue": 9.0,
        }
    )
    assert session is not None
    shares = hourly_shares([session], lambda s: s.energy)
    assert shares == {
        datetime(2026, 11, 29, 8, tzinfo=UTC): pytest.approx(5.0),
        datetime(2026, 11, 29, 9, tzinfo=UTC): pytest.approx(4.0),
    }


class TestStatistics:
    """Each session's energy and cost in the external statistics, exactly once."""

    @pytest.fixture(autouse=True)
    def auto_enable_custom_integrations(
        self, recorder_mock: Any, enable_custom_integrations: None
    ) -> None:
        """The recorder first, then our integration."""

    async def rows(self, hass: HomeAssistant, stat_id: str) -> list[tuple[datetime, float]]:
        await async_wait_recording_done(hass)
        found = await get_instance(hass).async_add_executor_job(
            statistics_during_period,
            hass,
            NOW - timedelta(days=40),
            None,
            {stat_id},
            "hour",
            None,
            {"sum"},
        )
        return [
            (datetime.fromtimestamp(row["start"], UTC), float(row["sum"] or 0.0))
            for row in found.get(stat_id, [])
        ]

    async def test_names_say_what_they_measure_first(
        self,
        hass: HomeAssistant,
        enphase_entry: MockConfigEntry,
        enphase: EnphaseSimulator,
        freezer: FrozenDateTimeFactory,
    ) -> None:
        """The Energy dashboard cuts a long name at its end: what it measures comes first."""
        await start(hass, enphase_entry, enphase, freezer)
        await async_wait_recording_done(hass)
        metadata = await get_instance(hass).async_add_executor_job(
            lambda: get_metadata(hass, statistic_ids={ENERGY_ID, COST_ID})
        )
        assert metadata[ENERGY_ID][1]["name"] == "Session energy · Garage EV"
        assert metadata[COST_ID][1]["name"] == "Session cost · Garage EV"

    async def test_each_session_once_at_the_hours_it_ran(
        self,
        hass: HomeAssistant,
        enphase_entry: MockConfigEntry,
        enphase: EnphaseSimulator,
        freezer: FrozenDateTimeFactory,
    ) -> None:
        """The hours of the three sessions, their sum 30.6 kWh and 7.65 AUD; read again,
        after a restart, the same; a new session adds its own energy once."""
        await start(hass, enphase_entry, enphase, freezer)
        energy = await self.rows(hass, ENERGY_ID)
        assert [hour for hour, _ in energy] == [
            datetime(2026, 11, 29, 8, tzinfo=UTC),
            datetime(2026, 11, 29, 9, tzinfo=UTC),
            datetime(2026, 11, 30, 13, tzinfo=UTC),
            datetime(2026, 11, 30, 14, tzinfo=UTC),
            datetime(2026, 12, 1, 20, tzinfo=UTC),
            datetime(2026, 12, 1, 21, tzinfo=UTC),
        ]
        assert energy[1][1] == pytest.approx(9.0)
        assert energy[-1][1] == pytest.approx(30.6)
        sums = [total for _, total in energy]
        assert sums == sorted(sums)
        cost = await self.rows(hass, COST_ID)
        assert cost[-1][1] == pytest.approx(7.65)

        await advance(hass, freezer, 30 * 60 + 1)  # the same days read again
        assert await self.rows(hass, ENERGY_ID) == energy
        assert await hass.config_entries.async_reload(enphase_entry.entry_id)
        await hass.async_block_till_done()
        assert await self.rows(hass, ENERGY_ID) == energy

        # The cloud calculates the last session's cost later: the statistic takes it up once.
        enphase.finished[-1]["sessionCost"] = 4.0
        await advance(hass, freezer, 30 * 60 + 1)
        cost = await self.rows(hass, COST_ID)
        assert cost[-1][1] == pytest.approx(7.65 - 3.6 + 4.0)
        assert (await self.rows(hass, ENERGY_ID)) == energy

        # A session that ends now: read two minutes after the charger stops.
        enphase.start(32)
        await advance(hass, freezer, 60)
        freezer.tick(3600)
        enphase.unplug()
        await advance(hass, freezer, 60)
        await advance(hass, freezer, 120)
        latest = enphase.finished[-1]["aggEnergyValue"]
        after = await self.rows(hass, ENERGY_ID)
        assert after[: len(energy)] == energy
        assert after[-1][1] == pytest.approx(30.6 + latest)
        assert float(known_state(hass, LAST).state) == pytest.approx(latest)


async def test_this_month_starts_again_on_the_first_without_a_new_session(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """At Sydney's midnight into January the month's sensors show 0 with the new reset."""
    await start(hass, enphase_entry, enphase, freezer)
    await tick_to(hass, freezer, "2026-12-31T13:00:02+00:00")
    month = known_state(hass, MONTH_ENERGY)
    assert float(month.state) == 0
    assert month.attributes["last_reset"] == "2027-01-01T00:00:00+11:00"
