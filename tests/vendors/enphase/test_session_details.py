"""What the status tells about the session and the connector beyond energy, in both shapes the
cloud sends: plug times, range added, the cost in the site's currency, the connector's reason,
load balancing, the safe current limit, the last report and since when the charger is offline.
A field that is null stays unknown, never 0."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.helpers import advance, init_integration, known_state
from tests.simulator.enphase import CURRENCY, MILES_PER_KWH, EnphaseSimulator, charger_list

START = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
PLUGGED_AT = "sensor.garage_ev_plugged_in_at"
UNPLUGGED_AT = "sensor.garage_ev_unplugged_at"
RANGE = "sensor.garage_ev_range_added"
COST = "sensor.garage_ev_session_cost"
ENERGY = "sensor.garage_ev_session_energy"
REASON = "sensor.garage_ev_connector_status_reason"
INFO = "sensor.garage_ev_connector_status_info"
BALANCING = "binary_sensor.garage_ev_load_balancing"
SAFE_LIMIT = "binary_sensor.garage_ev_safe_current_limit"
CONNECTIVITY = "binary_sensor.garage_ev_connectivity"
LAST_REPORTED = "sensor.garage_ev_last_reported"


async def charge_an_hour(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    freezer.move_to(START)
    enphase.clock.now = time.time
    enphase.charger.plugged_in_at = START.timestamp()
    await init_integration(hass, entry)
    enphase.start(32)
    await advance(hass, freezer, 3600)


@pytest.mark.parametrize("shape", ["current", "legacy"])
async def test_a_session_in_either_shape(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
    shape: Any,
) -> None:
    """An hour at 32 A: the session energy is right in both shapes, the cost carries the
    site's currency; the current shape adds the plug time and the range (in the user's unit
    system), which the legacy shape does not send (unknown, not 0)."""
    enphase.knobs.status_shape = shape
    await charge_an_hour(hass, enphase_entry, enphase, freezer)
    kwh = 32 * 230 / 1000
    assert float(known_state(hass, ENERGY).state) == pytest.approx(kwh, abs=0.01)
    cost = known_state(hass, COST)
    assert float(cost.state) == pytest.approx(kwh * 0.25, abs=0.01)
    assert cost.attributes["unit_of_measurement"] == CURRENCY
    assert cost.attributes["device_class"] == "monetary"
    if shape == "legacy":
        for entity_id in (PLUGGED_AT, RANGE, BALANCING, SAFE_LIMIT):
            assert known_state(hass, entity_id).state == STATE_UNKNOWN
        return
    assert known_state(hass, PLUGGED_AT).state == START.isoformat()
    assert known_state(hass, UNPLUGGED_AT).state == STATE_UNKNOWN  # still plugged in
    range_added = known_state(hass, RANGE)
    assert range_added.attributes["unit_of_measurement"] == "km"  # metric by default
    assert float(range_added.state) == pytest.approx(kwh * MILES_PER_KWH * 1.609344, abs=0.01)
    assert known_state(hass, BALANCING).state == "off"
    assert known_state(hass, SAFE_LIMIT).state == "off"
    assert known_state(hass, LAST_REPORTED).state == "2026-12-02T06:59:55+00:00"
    assert known_state(hass, CONNECTIVITY).attributes["offline_since"] is None


async def test_range_in_miles_and_the_unplug_time(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With US customary units the range shows in miles; unplugging sets the unplug time."""
    hass.config.units = US_CUSTOMARY_SYSTEM
    await charge_an_hour(hass, enphase_entry, enphase, freezer)
    range_added = known_state(hass, RANGE)
    assert range_added.attributes["unit_of_measurement"] == "mi"
    assert float(range_added.state) == pytest.approx(32 * 230 / 1000 * MILES_PER_KWH, abs=0.01)
    enphase.unplug()
    await advance(hass, freezer, 60)
    assert known_state(hass, UNPLUGGED_AT).state == "2026-12-02T07:00:00+00:00"


async def test_without_a_site_currency_the_cost_is_in_home_assistants(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The currency answer is a 404: the cost shows in Home Assistant's currency, and the
    currency is asked once a day, not at every poll."""
    enphase.knobs.currency_offered = False
    await hass.config.async_update(currency="SEK")
    await charge_an_hour(hass, enphase_entry, enphase, freezer)
    assert known_state(hass, COST).attributes["unit_of_measurement"] == "SEK"
    assert len(enphase.state.calls("GET", "get_currency_conversion")) == 1
    enphase.knobs.currency_offered = True
    await advance(hass, freezer, 24 * 3600)
    assert known_state(hass, COST).attributes["unit_of_measurement"] == CURRENCY
    assert len(enphase.state.calls("GET", "get_currency_conversion")) == 2


def connector_rewrite(
    connector: dict[str, Any], session: dict[str, Any] | None = None, **fields: Any
) -> Any:
    """A rewrite of the status's first charger, its connector and its session."""

    def rewrite(body: Any) -> Any:
        charger = charger_list(body)[0]
        charger["connectors"][0].update(connector)
        charger["session_d"].update(session or {})
        charger.update(fields)
        return body

    return rewrite


async def test_an_offline_charger_in_its_safe_limit(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator, freezer: Any
) -> None:
    """Offline since a moment, fallen back to its safe current, balanced, with a reason."""
    enphase.state.faults.path = "/ev_chargers/status"
    enphase.state.faults.rewrite = connector_rewrite(
        connected=False,
        offlineAt="2026-12-01T22:15:00.000Z[UTC]",
        connector={
            "safeLimitState": 1,
            "dlbActive": True,
            "connectorStatusReason": "INSUFFICIENT_SOLAR",
            "connectorStatusInfo": "Waiting for surplus",
        },
    )
    await advance(hass, freezer, 60)
    connectivity = known_state(hass, CONNECTIVITY)
    assert connectivity.state == "off"
    assert connectivity.attributes["offline_since"] == datetime(2026, 12, 1, 22, 15, tzinfo=UTC)
    assert known_state(hass, SAFE_LIMIT).state == "on"
    assert known_state(hass, BALANCING).state == "on"
    assert known_state(hass, REASON).state == "INSUFFICIENT_SOLAR"
    assert known_state(hass, INFO).state == "Waiting for surplus"


async def test_null_fields_stay_unknown(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator, freezer: Any
) -> None:
    """Nulls where the values were: unknown, never 0."""
    enphase.state.faults.path = "/ev_chargers/status"
    enphase.state.faults.rewrite = connector_rewrite(
        lst_rpt_at=None,
        connector={"safeLimitState": None, "dlbActive": None, "connectorStatusReason": None},
        session={"miles": None, "plg_in_at": None, "session_cost": None, "e_c": None},
    )
    await advance(hass, freezer, 60)
    for entity_id in (PLUGGED_AT, RANGE, COST, BALANCING, SAFE_LIMIT, REASON):
        assert known_state(hass, entity_id).state == STATE_UNKNOWN, entity_id
