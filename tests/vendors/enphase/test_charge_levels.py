"""Charge levels the charger accepts: the default level number (charger config), levels
snapped to the charger's steps, and a charger that refuses every level (#544)."""

from __future__ import annotations

import json
import logging

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from custom_components.energy_portals.errors import PortalResponseError
from custom_components.energy_portals.vendors.enphase.charge_levels import (
    ChargeLevels,
    DefaultLevel,
    parse_default_level,
)
from tests.helpers import advance, init_integration, known_state
from tests.simulator.enphase import SERIAL, EnphaseSimulator
from tests.vendors.enphase.helpers import SETTINGS_READ, charger_device

DEFAULT_LEVEL = "number.garage_ev_default_charge_level"
CURRENT = "number.garage_ev_charging_current"
SWITCH = "switch.garage_ev_charging"
CONFIG = "ev_charger_config"


async def _set(hass: HomeAssistant, entity_id: str, value: float) -> None:
    await hass.services.async_call(
        "number", "set_value", {ATTR_ENTITY_ID: entity_id, "value": value}, blocking=True
    )


async def test_default_level_unset_then_set(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """Unset (null) shows as unknown; setting it writes integer amps with PUT, as the field
    does, and the charger holds it."""
    assert known_state(hass, DEFAULT_LEVEL).state == "unknown"
    (read,) = enphase.state.calls("POST", CONFIG)
    assert json.loads(read.body) == [
        {"key": "DefaultChargeLevel"},
        {"key": "sessionAuthentication"},
        {"key": "rfidSessionAuthentication"},
    ]  # one read of the config holds the default level and the authentications
    assert read.headers["Authorization"].startswith("Bearer ")

    await _set(hass, DEFAULT_LEVEL, 20)
    (write,) = enphase.state.calls("PUT", CONFIG)
    assert json.loads(write.body) == [{"key": "DefaultChargeLevel", "value": 20}]
    assert enphase.charger.default_level == 20
    state = known_state(hass, DEFAULT_LEVEL)
    assert state.state == "20"
    assert state.attributes["min"] == 6
    assert state.attributes["max"] == 40
    assert state.attributes["unit_of_measurement"] == "A"


async def test_default_level_disabled_is_unknown(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """A charger whose default level reads "disabled" shows it as unknown."""
    enphase.charger.default_level = "disabled"
    await init_integration(hass, enphase_entry)
    assert known_state(hass, DEFAULT_LEVEL).state == "unknown"


async def test_no_default_level_where_the_config_has_none(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A config answer without the key (nor any other we read): no number, and the config
    is not asked again."""
    enphase.knobs.config_offered = False
    enphase.charger.authentication.clear()
    await init_integration(hass, enphase_entry)
    assert hass.states.get(DEFAULT_LEVEL) is None
    unique_id = f"enphase_{SERIAL}_default_charge_level"
    assert er.async_get(hass).async_get_entity_id("number", DOMAIN, unique_id) is None
    for _ in range(3):
        await advance(hass, freezer, SETTINGS_READ)
    assert len(enphase.state.calls("POST", CONFIG)) == 1


async def test_a_config_that_fails_is_asked_again(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 503 is an outage, not a charger without the setting: it is read again later."""
    enphase.state.faults.path = CONFIG
    enphase.state.faults.status = 503
    await init_integration(hass, enphase_entry)
    assert hass.states.get(DEFAULT_LEVEL) is None
    enphase.state.faults.clear()
    enphase.charger.default_level = 24
    await advance(hass, freezer, SETTINGS_READ)
    assert len(enphase.state.calls("POST", CONFIG)) == 2
    assert known_state(hass, DEFAULT_LEVEL).state == "24"  # added once it answered


async def test_a_config_that_answered_once_is_asked_again_after_a_404(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 404 after answers is an outage: the last value stays and the next read is made."""
    enphase.state.faults.path = CONFIG
    enphase.state.faults.status = 404
    await advance(hass, freezer, SETTINGS_READ)
    enphase.state.faults.clear()
    enphase.charger.default_level = 20
    await advance(hass, freezer, SETTINGS_READ)
    assert len(enphase.state.calls("POST", CONFIG)) == 3
    assert known_state(hass, DEFAULT_LEVEL).state == "20"


async def test_a_refused_default_level_is_a_translated_error(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """A write the charger refuses raises a translated error and keeps the old value."""
    enphase.state.faults.path = CONFIG
    enphase.state.faults.status = 400
    with pytest.raises(HomeAssistantError) as caught:
        await _set(hass, DEFAULT_LEVEL, 20)
    assert caught.value.translation_key == "enphase_refused"
    assert enphase.charger.default_level is None
    assert known_state(hass, DEFAULT_LEVEL).state == "unknown"


async def test_levels_snap_to_coarse_steps(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """A charger with 16 A steps (16, 32): the current and the default level snap down to
    them (a current is a limit: never above what was asked), and a start sends one."""
    enphase.knobs.min_level = 16
    enphase.knobs.level_step = 16
    await init_integration(hass, enphase_entry)
    state = known_state(hass, CURRENT)
    assert (state.attributes["min"], state.attributes["step"]) == (16, 16)
    assert state.state == "32"  # the option's default is a step already

    await _set(hass, CURRENT, 20)
    assert known_state(hass, CURRENT).state == "16"
    await _set(hass, CURRENT, 31)
    assert known_state(hass, CURRENT).state == "16"
    await _set(hass, CURRENT, 40)
    assert known_state(hass, CURRENT).state == "32"  # 48 is beyond the maximum
    await _set(hass, CURRENT, 32)

    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
    (start,) = enphase.state.calls("POST", "start_charging")
    assert json.loads(start.body)["chargingLevel"] == 32
    assert enphase.charger.charging is True

    await _set(hass, DEFAULT_LEVEL, 35)
    assert enphase.charger.default_level == 32
    await _set(hass, DEFAULT_LEVEL, 23)
    assert enphase.charger.default_level == 16
    assert known_state(hass, DEFAULT_LEVEL).state == "16"


async def test_a_charger_refusing_levels_starts_without_one_and_says_so(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """500 "Invalid charge level": one more start without a level, and one warning (not one
    per start)."""
    enphase.knobs.rejects_level = True
    for _ in range(2):
        await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: SWITCH}, blocking=True)
        assert enphase.charger.charging is True
        await hass.services.async_call(
            "switch", "turn_off", {ATTR_ENTITY_ID: SWITCH}, blocking=True
        )
    starts = enphase.state.calls("POST", "start_charging")
    assert [json.loads(s.body) for s in starts] == [
        {"chargingLevel": 32, "connectorId": 1},
        {"connectorId": 1},
    ] * 2
    warnings = [
        r for r in caplog.records if r.levelno == logging.WARNING and "Invalid charge" in r.message
    ]
    assert len(warnings) == 1
    assert "32 A" in warnings[0].message


async def test_explicit_amps_a_charger_refuses_are_an_error(
    hass: HomeAssistant, loaded_enphase: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """Amps the user asked for in an action are not dropped silently."""
    enphase.knobs.rejects_level = True
    device = charger_device(hass, loaded_enphase)
    with pytest.raises(HomeAssistantError) as caught:
        await hass.services.async_call(
            DOMAIN,
            "start_charging",
            {"device_id": device.id, "charging_level": 16},
            blocking=True,
        )
    assert caught.value.translation_key == "enphase_level_rejected"
    assert enphase.charger.charging is False


@pytest.mark.parametrize(
    ("levels", "amps", "snapped"),
    [
        (ChargeLevels(6, 32), 5, 6),
        (ChargeLevels(6, 32), 40, 32),
        (ChargeLevels(6, 32), 12.9, 12),
        (ChargeLevels(16, 64, 16), 47, 32),
        (ChargeLevels(16, 64, 16), 48, 48),
        (ChargeLevels(16, 64, 16), 10, 16),
        (ChargeLevels(16, 64, 16), 64, 64),
        (ChargeLevels(6, 40, 16), 40, 38),
    ],
)
def test_snap(levels: ChargeLevels, amps: float, snapped: int) -> None:
    """The highest accepted level not above the request, never outside the range."""
    assert levels.snap(amps) == snapped


def test_default_level_answers() -> None:
    """The recorded answer (null), a written value (a string), "disabled", a bare list, no
    key, and junk."""
    row = {"key": "DefaultChargeLevel", "reqValue": None, "status": 1}
    assert parse_default_level({"data": [{**row, "value": None}]}) == DefaultLevel(None)
    assert parse_default_level({"data": [{**row, "value": "20"}]}) == DefaultLevel(20)
    assert parse_default_level({"data": [{**row, "value": "disabled"}]}) == DefaultLevel(None)
    assert parse_default_level([{**row, "value": 16}]) == DefaultLevel(16)
    assert parse_default_level({"data": [{"key": "phase_switch_config"}, "junk"]}) is None
    with pytest.raises(PortalResponseError):
        parse_default_level({"data": None})


async def test_a_config_that_refuses_tokens_answers_the_cookies(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """A config that refuses the tokens even after a renewal is asked with the cookies
    alone (the field's retry): read and write work, and the status is untouched."""
    enphase.knobs.config_cookie_only = True
    enphase.charger.default_level = 16
    await init_integration(hass, enphase_entry)
    assert known_state(hass, DEFAULT_LEVEL).state == "16"
    reads = enphase.state.calls("POST", CONFIG)
    assert "Authorization" in reads[0].headers
    assert "Authorization" not in reads[-1].headers
    assert "e-auth-token" not in reads[-1].headers
    mints = enphase.token_mints
    await _set(hass, DEFAULT_LEVEL, 20)
    assert enphase.charger.default_level == 20
    (write,) = enphase.state.calls("PUT", CONFIG)
    assert "Authorization" not in write.headers  # asked with the cookies from now on
    assert enphase.token_mints == mints  # no renewal for it
    assert known_state(hass, "binary_sensor.garage_ev_plug").state == "on"


async def test_a_config_that_refuses_everything_offers_no_default_level(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """403 with tokens and without: no default level, and the entry works."""
    enphase.state.faults.path = CONFIG
    enphase.state.faults.status = 403
    await init_integration(hass, enphase_entry)
    assert hass.states.get(DEFAULT_LEVEL) is None
    assert known_state(hass, "binary_sensor.garage_ev_plug").state == "on"


async def test_a_config_back_on_its_tokens_is_asked_with_them(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Asked with the cookies alone, then the config wants its tokens again: the refused
    cookie call is followed by one with the tokens, and the value keeps coming."""
    enphase.knobs.config_cookie_only = True
    await init_integration(hass, enphase_entry)
    enphase.knobs.config_cookie_only = False
    enphase.charger.default_level = 24
    await advance(hass, freezer, SETTINGS_READ)
    last = enphase.state.calls("POST", CONFIG)[-1]
    assert "Authorization" in last.headers
    assert known_state(hass, DEFAULT_LEVEL).state == "24"


async def test_a_default_level_refused_three_times_in_a_row_goes(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """After answers, one refusal is an outage; three in a row mean the charger has it no
    more: the number goes unavailable and the config is not asked again."""
    enphase.state.faults.path = CONFIG
    enphase.state.faults.status = 404
    for _ in range(3):
        await advance(hass, freezer, SETTINGS_READ)
    assert known_state(hass, DEFAULT_LEVEL).state == "unavailable"
    asked = len(enphase.state.calls("POST", CONFIG))
    await advance(hass, freezer, SETTINGS_READ)
    assert len(enphase.state.calls("POST", CONFIG)) == asked
