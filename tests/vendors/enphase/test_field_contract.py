"""Every recorded Enlighten answer (../shared/specs/field-payloads/enphase/, copied into
tests/fixtures/enphase/) served at its own endpoint and read through our client: the values an
owner would see. Answers of endpoints we do not read yet are listed with the issue that reads
them, so a new recording cannot go unnoticed."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses
from yarl import URL

from custom_components.energy_portals.vendors.enphase.api import EnphaseClient
from custom_components.energy_portals.vendors.enphase.auth import EnphaseAuth
from custom_components.energy_portals.vendors.enphase.charge_levels import (
    ChargerConfig,
    DefaultLevel,
)
from custom_components.energy_portals.vendors.enphase.models import ChargeMode

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "enphase"
BASE = "https://enlighten.example"
SITE = "1234567"
SN = "EV000000000000"
CONTROLLER = f"{BASE}/service/evse_controller"
SCHEDULER = f"{BASE}/service/evse_scheduler/api/v1/iqevc/charging-mode"

READ_BY_CLIENT = {
    "status-current-envelope.json",
    "status-legacy-charging.json",
    "status-legacy-idle.json",
    "summary-list.json",
    "charge-mode-preference.json",
    "green-settings.json",
    "start-live-stream.json",
    "stop-live-stream.json",
    "start-charging.json",
    "trigger-message.json",
    "currency-conversion.json",
    "session-history.json",
    "firmware-details.json",
    "charger-config-answer.json",
    "charger-config-request.json",
    "schedules.json",
}
NOT_READ_YET = {
    # Not needed: the status and the summary say the same (last report, energy, features).
    "last-reported-at.json",
    "timeseries-lifetime-energy.json",
    "feature-flags.json",
}


def payload(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture
async def client() -> AsyncIterator[EnphaseClient]:
    async with aiohttp.ClientSession() as session:
        auth = EnphaseAuth.pasted(session, BASE, token="tok-123", cookie="SESSION=abc")
        yield EnphaseClient(auth)


def test_every_recording_is_accounted_for() -> None:
    """Each file is read below, or waits for the issue named beside it."""
    recorded = {path.name for path in FIXTURES.glob("*.json")}
    assert recorded == READ_BY_CLIENT | NOT_READ_YET
    assert not READ_BY_CLIENT & NOT_READ_YET


async def test_the_current_status_envelope(client: EnphaseClient) -> None:
    with aioresponses() as mocked:
        mocked.get(
            f"{CONTROLLER}/{SITE}/ev_chargers/status",
            payload=payload("status-current-envelope.json"),
        )
        status = await client.async_get_status(SITE)
    charger = status.chargers[SN]
    assert status.timestamp == datetime(2026, 3, 28, 5, 18, 0, 415000, tzinfo=UTC)
    assert (charger.name, charger.connected, charger.plugged_in, charger.charging) == (
        "IQ EV Charger_ABCD",
        True,
        False,
        False,
    )
    assert charger.connector_status == "available"
    assert (charger.session_energy_reported, charger.session_energy_in_wh) == (9867, True)
    assert charger.session_cost == 2.56
    assert charger.session_start == datetime(2026, 1, 29, 12, 7, 21, 763000, tzinfo=UTC)
    assert charger.plugged_in_at == datetime(2026, 1, 29, 12, 6, 21, 74000, tzinfo=UTC)
    assert charger.plugged_out_at == datetime(2026, 1, 29, 14, 40, 37, 428000, tzinfo=UTC)
    assert charger.range_added == pytest.approx(20.38028)
    assert charger.last_reported == datetime(2026, 3, 28, 4, 54, 34, 360000, tzinfo=UTC)
    assert charger.offline_since == datetime(2026, 3, 22, 5, 39, 50, 897000, tzinfo=UTC)
    assert (charger.load_balancing, charger.safe_limit) == (False, True)
    assert (charger.status_reason, charger.status_info) == (None, None)  # "" is no reason
    assert charger.charging_level is None  # `charge_level` is null
    assert charger.charge_mode is ChargeMode.GREEN  # from `sch_d.info[].type`


@pytest.mark.parametrize(
    ("name", "charging", "energy", "status"),
    [
        ("status-legacy-charging.json", True, 3.52, "charging"),
        ("status-legacy-idle.json", False, 0.0, "available"),
    ],
)
async def test_the_legacy_status(
    client: EnphaseClient, name: str, charging: bool, energy: float, status: str
) -> None:
    with aioresponses() as mocked:
        mocked.get(f"{CONTROLLER}/{SITE}/ev_chargers/status", payload=payload(name))
        answer = await client.async_get_status(SITE)
    charger = answer.chargers["499900000001"]
    assert (charger.plugged_in, charger.charging, charger.connector_status) == (
        True,
        charging,
        status,
    )
    assert charger.session_energy_reported == energy
    assert not charger.session_energy_in_wh  # the shape does not say: session_units.py decides
    assert charger.plugged_in_at is None and charger.range_added is None  # not in this shape


async def test_the_summary(client: EnphaseClient) -> None:
    with aioresponses() as mocked:
        mocked.get(
            f"{CONTROLLER}/api/v2/{SITE}/ev_chargers/summary?filter_retired=true",
            payload=payload("summary-list.json"),
        )
        summaries = await client.async_get_summaries(SITE)
    summary = summaries[SN]
    assert summary.lifetime_energy == pytest.approx(150.65753)  # Wh in the answer
    assert (summary.min_current, summary.max_current, summary.current_step) == (6, 32, 1)
    assert (summary.operating_voltage, summary.phase_mode) == (230.0, 3)
    assert summary.firmware_version == "25.37.1.14"
    assert summary.supports_use_battery
    assert summary.max_power == pytest.approx(32 * 230 * 3 / 1000)


async def test_the_scheduler_answers(client: EnphaseClient) -> None:
    with aioresponses() as mocked:
        mocked.get(
            f"{SCHEDULER}/{SITE}/{SN}/preference", payload=payload("charge-mode-preference.json")
        )
        mocked.get(
            f"{SCHEDULER}/GREEN_CHARGING/{SITE}/{SN}/settings",
            payload=payload("green-settings.json"),
        )
        modes = await client.async_get_charge_modes(SITE, SN)
        use_battery = await client.async_get_use_battery(SITE, SN)
    assert modes.mode is ChargeMode.MANUAL
    assert modes.offered == (ChargeMode.MANUAL,)  # the others carry no chargingMode here
    assert use_battery is True


async def test_the_live_stream_and_commands(client: EnphaseClient) -> None:
    with aioresponses() as mocked:
        mocked.get(
            f"{CONTROLLER}/{SITE}/ev_chargers/start_live_stream",
            payload=payload("start-live-stream.json"),
        )
        mocked.get(
            f"{CONTROLLER}/{SITE}/ev_chargers/stop_live_stream",
            payload=payload("stop-live-stream.json"),
        )
        mocked.post(
            f"{CONTROLLER}/{SITE}/ev_chargers/{SN}/start_charging",
            payload=payload("start-charging.json"),
        )
        mocked.post(
            f"{CONTROLLER}/{SITE}/ev_charger/{SN}/trigger_message",
            payload=payload("trigger-message.json"),
        )
        assert await client.async_start_live_stream(SITE) == 900
        await client.async_stop_live_stream(SITE)
        await client.async_start_charging(SITE, SN, 32)  # accepted: no error
        await client.async_trigger_message(SITE, SN, "MeterValues")


async def test_the_site_currency(client: EnphaseClient) -> None:
    with aioresponses() as mocked:
        mocked.get(
            f"{BASE}/app-api/{SITE}/get_currency_conversion.json",
            payload=payload("currency-conversion.json"),
        )
        assert await client.async_get_currency(SITE) == "EUR"


async def test_the_session_history(client: EnphaseClient) -> None:
    """The recorded page (hasMore: the next page is asked, from the sessions read so far)."""
    path = f"{BASE}/service/enho_historical_events_ms/{SITE}/sessions/{SN}/history"
    with aioresponses() as mocked:
        mocked.post(path, payload=payload("session-history.json"))
        mocked.post(path, payload={"data": {"result": [], "hasMore": False}})
        sessions = await client.async_get_session_history(
            SITE, SN, date(2025, 10, 1), date(2025, 10, 16), "Europe/Paris"
        )
        requests = mocked.requests or {}
        bodies = [call.kwargs["json"] for call in requests[("POST", URL(path))]]
    (session,) = sessions
    assert session.session_id == "1700000001"
    assert session.start == datetime(2025, 10, 16, 0, 2, 8, 826000, tzinfo=UTC)
    assert session.end == datetime(2025, 10, 16, 4, 39, 50, 618000, tzinfo=UTC)
    assert (session.energy, session.active_charge_time) == (29.94, 15284)
    assert (session.miles_added, session.cost, session.cost_per_kwh) == (120.7, 0.77, 0.03)
    assert [body["params"]["offset"] for body in bodies] == [0, 1]
    assert bodies[0]["params"]["startDate"] == "01-10-2025"
    assert bodies[0]["params"]["timezone"] == "Europe/Paris"


async def test_the_firmware_details(client: EnphaseClient) -> None:
    """A bare array by serial."""
    with aioresponses() as mocked:
        mocked.get(
            f"{BASE}/service/evse_management/fwDetails/{SITE}",
            payload=payload("firmware-details.json"),
        )
        firmware = await client.async_get_firmware(SITE)
    details = firmware["EVSE-SERIAL-0001"]
    assert (details.installed, details.target, details.upgrade_status) == (
        "25.37.1.14",
        "25.37.1.14",
        5,
    )
    assert details.last_upgrade == datetime(2025, 12, 8, 22, 41, 46, 568837, tzinfo=UTC)
    assert details.auto_update is False


async def test_the_charger_config(client: EnphaseClient) -> None:
    """The default level unset (null) and no authentication; the recorded request's keys
    (both authentications, never written: null) and no default level."""
    path = f"{CONTROLLER}/api/v1/{SITE}/ev_chargers/{SN}/ev_charger_config"
    with aioresponses() as mocked:
        mocked.post(path, payload=payload("charger-config-answer.json"))
        mocked.post(path, payload=payload("charger-config-request.json"))
        assert await client.async_get_charger_config(SITE, SN) == ChargerConfig(
            DefaultLevel(None), None
        )
        assert await client.async_get_charger_config(SITE, SN) == ChargerConfig(
            None, {"sessionAuthentication": False, "rfidSessionAuthentication": False}
        )


async def test_the_schedules(client: EnphaseClient) -> None:
    """The recorded slots, and the PATCH that switches one: every slot, the stamp as read."""
    path = f"{SCHEDULER}/SCHEDULED_CHARGING/{SITE}/{SN}/schedules"
    recorded = payload("schedules.json")
    for number, slot in enumerate(recorded["data"]["slots"]):  # the ids are anonymised alike
        slot["id"] = f"{SITE}:{SN}:{number}"
    with aioresponses() as mocked:
        mocked.get(path, payload=recorded)
        mocked.patch(path, payload={"data": None})
        schedules = await client.async_get_schedules(SITE, SN)
        custom = schedules.slots[0]
        body = schedules.patch(custom.slot_id, enabled=False, start=time(22, 30))
        await client.async_write_schedules(SITE, SN, body)
        requests = mocked.requests or {}
        (write,) = requests[("PATCH", URL(path))]
    assert [slot.kind for slot in schedules.slots] == ["CUSTOM", "OFF_PEAK"]
    sent = write.kwargs["json"]
    assert sent["meta"] == {"serverTimeStamp": "2025-01-01T00:00:00.000+00:00", "rowCount": 2}
    first, second = recorded["data"]["slots"]
    assert sent["data"] == [{**first, "enabled": False, "startTime": "22:30"}, second]
