"""The Enlighten cloud's recorded status answers (copied from
../shared/specs/field-payloads/enphase/ into tests/fixtures/enphase/) parse into what an owner
sees: the current envelope, the legacy shape and the api/v2 alias."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.errors import PortalResponseError
from custom_components.energy_portals.vendors.enphase.models import parse_status
from tests.helpers import known_state
from tests.simulator.enphase import EnphaseSimulator

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
    assert charger.session_energy == pytest.approx(9.867)  # e_c 9867 Wh
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
    idle = parse_status(payload("status-legacy-idle.json"))
    assert idle.chargers


def test_the_v2_alias_keyed_by_serial() -> None:
    """`data` keyed by serial, booleans and `lst_rpt_at` in ms: tolerated."""
    body = {"data": {"EV1": {"connected": True, "pluggedIn": True, "charging": False}}}
    charger = parse_status(body).chargers["EV1"]
    assert (charger.connected, charger.plugged_in, charger.charging) == (True, True, False)


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
    """Served in the current envelope, the status keeps every charger entity available (it
    made all of them unavailable before)."""
    enphase.state.faults.path = "/ev_chargers/status"
    enphase.state.faults.rewrite = lambda body: {
        "meta": {"serverTimeStamp": 1774675080415},
        "data": {"site": "1", "tz": "Australia/Sydney", "chargers": body["evChargerData"]},
        "error": {},
    }
    assert await hass.config_entries.async_setup(enphase_entry.entry_id)
    await hass.async_block_till_done()
    assert enphase.state.calls("GET", "/ev_chargers/status")
    plugged = known_state(hass, "binary_sensor.garage_ev_plug")
    assert plugged.state == "on"
    assert known_state(hass, "sensor.garage_ev_charged_energy").state != "unavailable"
