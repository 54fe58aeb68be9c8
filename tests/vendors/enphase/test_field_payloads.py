"""The Enlighten cloud's recorded status answers (copied from
../shared/specs/field-payloads/enphase/ into tests/fixtures/enphase/) parse into what an owner
sees: the current envelope, the legacy shape and the api/v2 alias."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.errors import PortalResponseError
from custom_components.energy_portals.vendors.enphase.models import (
    Charger,
    ChargerSummary,
    parse_status,
)
from custom_components.energy_portals.vendors.enphase.session_units import SessionUnits
from tests.helpers import advance, known_state
from tests.simulator.enphase import SERIAL, EnphaseSimulator

NOW = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "enphase"


def payload(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def test_the_current_envelope() -> None:
    """`data.chargers[]` with `connectors[]`: every charger entity has its values."""
    status = parse_status(payload("status-current-envelope.json"))
    assert status.timestamp == datetime(2026, 3, 28, 5, 18, 0, 415000, tzinfo=UTC)
    (charger,) = status.chargers.values()
    assert charger.serial == "EV000000000000"
    assert charger.name == "IQ EV Charger_ABCD"
    assert (charger.connected, charger.plugged_in, charger.charging) == (True, False, False)
    assert charger.connector_status == "available"
    assert charger.session_energy_reported == 9867
    assert charger.session_energy_in_wh
    assert SessionUnits().kwh(charger, 11.0, NOW) == pytest.approx(9.867)
    assert charger.session_cost == 2.56  # session_cost
    assert charger.session_start == datetime(2026, 1, 29, 12, 7, 21, 763000, tzinfo=UTC)
    assert charger.green_in_status


def test_the_legacy_shape() -> None:
    """The spec's flat `evChargerData` keeps working."""
    status = parse_status(payload("status-legacy-charging.json"))
    charger = status.chargers["499900000001"]
    assert (charger.plugged_in, charger.charging, charger.connector_status) == (
        True,
        True,
        "charging",
    )
    assert charger.session_start == datetime.fromtimestamp(1725600000, UTC)
    assert SessionUnits().kwh(charger, 22.1, NOW) == 3.52  # the spec's example, in kWh
    idle = parse_status(payload("status-legacy-idle.json"))
    assert idle.chargers


def test_the_v2_alias_keyed_by_serial() -> None:
    """`data` keyed by serial, booleans and `lst_rpt_at` in ms: tolerated."""
    body = {
        "data": {
            "EV1": {
                "connected": True,
                "pluggedIn": True,
                "charging": False,
                "lst_rpt_at": 1769999900000,
            }
        }
    }
    charger = parse_status(body).chargers["EV1"]
    assert (charger.connected, charger.plugged_in, charger.charging) == (True, True, False)
    assert charger.last_reported == datetime(2026, 2, 2, 2, 38, 20, tzinfo=UTC)


@pytest.mark.parametrize(
    "body",
    [{"meta": {}, "data": None, "error": {}}, {"data": {}}, {"something": []}, [], "text"],
)
def test_an_unknown_shape_is_one_clear_error(body: Any) -> None:
    """A shape we do not know raises the vendor's own error (the entities go unavailable)."""
    with pytest.raises(PortalResponseError, match="shape we do not know"):
        parse_status(body)


async def test_an_account_on_the_current_shape_sees_its_charger(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """Served in the current envelope (the simulator's default), the status keeps every
    charger entity available (it made all of them unavailable before)."""
    assert "chargers" in enphase.status_body()["data"]
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    assert enphase.state.calls("GET", "/ev_chargers/status")
    plugged = known_state(hass, "binary_sensor.garage_ev_plug")
    assert plugged.state == "on"
    assert known_state(hass, "sensor.garage_ev_charged_energy").state != "unavailable"


def legacy(value: float, start: datetime, meter: float | None = None) -> Charger:
    """A legacy-shape charger reading, with the summary's meter when given."""
    summary = None
    if meter is not None:
        summary = ChargerSummary("SN", meter, 6, 32, 1, 230.0, 1, None)
    (charger,) = parse_status(
        {"evChargerData": [{"sn": "SN", "session_d": {"e_c": value}}], "ts": 1}
    ).chargers.values()
    return replace(charger, session_start=start, summary=summary)


@pytest.mark.parametrize(
    ("value", "meter_growth", "expected", "unit"),
    [
        (140.0, 0.14, 0.14, {"SN": "Wh"}),  # a legacy 140 that grew the meter by 0.14 kWh
        (3.0, 3.0, 3.0, {"SN": "kWh"}),  # the session grew as the meter did
        (1.0, 0.01, 1.0, {}),  # too little growth to tell: read as kWh, not decided
    ],
)
def test_the_lifetime_meter_tells_the_unit(
    value: float, meter_growth: float, expected: float, unit: dict[str, str]
) -> None:
    """Where physics allows both (a session running for 30 hours at 7.36 kW), the meter's
    growth over the session decides."""
    units, start = SessionUnits(), NOW - timedelta(hours=30)
    assert units.kwh(legacy(0, start, 500.0), 7.36, NOW) == 0
    later = NOW + timedelta(minutes=30)
    assert units.kwh(legacy(value, start, 500.0 + meter_growth), 7.36, later) == expected
    assert units.decided == unit


@pytest.mark.parametrize(
    ("value", "started_ago", "expected"),
    [
        (250.0, timedelta(hours=30), 0.25),  # more than any session: Wh
        (15.0, timedelta(minutes=30), 0.015),  # 15 kWh in 30 minutes is beyond 22.1 kW
        (12.0, timedelta(hours=3), 12.0),  # possible, nothing says Wh: read as kWh
    ],
)
def test_physics_decides_what_it_can(value: float, started_ago: timedelta, expected: float) -> None:
    """What cannot be kWh is Wh; what can, with no other evidence, is kWh."""
    assert SessionUnits().kwh(legacy(value, NOW - started_ago), 22.1, NOW) == expected


def test_a_decided_unit_never_changes() -> None:
    """Once decided, a later value that would decide otherwise keeps the unit: a session's
    energy never jumps by a factor of 1000 between two readings."""
    units, start = SessionUnits(), NOW - timedelta(hours=3)
    assert units.kwh(charging(legacy(12.0, start)), 22.1, NOW) == 12.0
    assert not units.decided  # a value alone: read as kWh, nothing kept
    # 0.5 in 5 minutes while charging: as Wh that would be 6 W, not a car charging.
    assert units.kwh(charging(legacy(12.5, start)), 22.1, NOW + timedelta(minutes=5)) == 12.5
    assert units.decided == {"SN": "kWh"}
    assert units.kwh(legacy(250.0, start), 22.1, NOW + timedelta(minutes=10)) == 250.0


def test_a_finished_session_seen_first_decides_nothing() -> None:
    """At setup the status shows the last, finished session (140 Wh, 30 hours ago): possible
    as kWh, so nothing is decided; the next session's first reading decides Wh, and its 9867
    reads 9.867 kWh (a kept kWh would have read 9867 kWh)."""
    units = SessionUnits()
    assert units.kwh(legacy(140.0, NOW - timedelta(hours=30)), 7.36, NOW) == 140.0
    assert not units.decided
    start = NOW + timedelta(hours=1)  # 30 in 15 s cannot be kWh
    assert units.kwh(charging(legacy(30.0, start)), 7.36, start + timedelta(seconds=15)) == 0.03
    assert units.decided == {"SN": "Wh"}
    assert units.kwh(legacy(9867.0, start), 7.36, start + timedelta(hours=2)) == 9.867


def charging(charger: Charger) -> Charger:
    return replace(charger, charging=True)


async def test_the_decided_unit_is_kept_across_a_restart(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The simulator's legacy shape sends Wh: decided at the first energy, stored in the
    entry, and the session energy reads the same after a restart."""
    # Frozen by freezer (freezer().timestamp() would read its naive UTC as local time).
    enphase.clock.now = time.time
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    enphase.start(32)
    await advance(hass, freezer, 900)
    assert enphase_entry.data["session_units"] == {SERIAL: "Wh"}
    energy = known_state(hass, "sensor.garage_ev_session_energy").state
    assert float(energy) == pytest.approx(1.84, abs=0.01)  # 15 minutes at 7.36 kW
    assert await hass.config_entries.async_reload(enphase_entry.entry_id)
    await hass.async_block_till_done()
    assert known_state(hass, "sensor.garage_ev_session_energy").state == energy


@pytest.mark.parametrize(
    ("name", "energy", "cost"),
    [
        ("status-legacy-charging.json", "3.52", "unknown"),  # the spec's example: kWh
        ("status-current-envelope.json", "9.867", "2.56"),  # Wh, `session_cost`
    ],
)
async def test_a_recorded_answer_through_home_assistant(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    *,
    name: str,
    energy: str,
    cost: str,
) -> None:
    """The recorded answer served for the simulated charger: the session energy and cost an
    owner sees, in the right unit."""
    recorded = payload(name)
    chargers = recorded.get("evChargerData") or recorded["data"]["chargers"]
    chargers[0].update(sn=SERIAL, name="Garage EV")
    enphase.state.faults.path = "/ev_chargers/status"
    enphase.state.faults.rewrite = lambda body: recorded
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    assert known_state(hass, "sensor.garage_ev_session_energy").state == energy
    assert known_state(hass, "sensor.garage_ev_session_cost").state == cost


async def test_session_cost_under_its_other_name(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """Some captures call it `sessionCost`."""

    def rewrite(body: Any) -> Any:
        session = body["data"]["chargers"][0]["session_d"]
        session["sessionCost"] = session.pop("session_cost") + 1.5
        return body

    enphase.state.faults.path = "/ev_chargers/status"
    enphase.state.faults.rewrite = rewrite
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    assert known_state(hass, "sensor.garage_ev_session_cost").state == "1.5"


def test_a_value_the_cloud_updates_every_few_polls_is_still_kwh() -> None:
    """kWh at 7 kW that the cloud updates every 2 minutes, polled every 15 s: each step is
    measured from when the value before it was first seen, so it is never taken for Wh."""
    units, start = SessionUnits(), NOW - timedelta(minutes=30)
    for poll in range(40):
        value = 3.5 + 0.233 * (poll // 8)  # a new value every 8 polls
        now = NOW + timedelta(seconds=15 * poll)
        assert units.kwh(charging(legacy(value, start)), 22.1, now) == value
    assert units.decided == {"SN": "kWh"}
