"""Charger authentication: switches that make charging wait for the owner's authorisation in
the app or by RFID card, where the charger's config has the setting."""

from __future__ import annotations

import json

import pytest
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.errors import PortalResponseError
from custom_components.energy_portals.vendors.enphase.authentication import (
    parse_authentication,
)
from tests.helpers import init_integration, known_state
from tests.simulator.enphase import EnphaseSimulator

APP = "switch.garage_ev_app_authentication"
RFID = "switch.garage_ev_rfid_authentication"
CONFIG = "ev_charger_config"


async def _switch(hass: HomeAssistant, service: str, entity_id: str) -> None:
    await hass.services.async_call("switch", service, {ATTR_ENTITY_ID: entity_id}, blocking=True)


async def test_the_switches_show_and_write_each_authentication(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """Never written (null) reads off; turning one on writes its key alone, as "enabled"."""
    enphase.charger.authentication["rfidSessionAuthentication"] = "enabled"
    await init_integration(hass, enphase_entry)
    assert known_state(hass, APP).state == STATE_OFF
    assert known_state(hass, RFID).state == STATE_ON
    entry = er.async_get(hass).async_get(APP)
    assert entry is not None
    assert entry.entity_category == "config"
    await _switch(hass, "turn_on", APP)
    write = enphase.state.calls("PUT", CONFIG)[-1]
    assert json.loads(write.body) == [{"key": "sessionAuthentication", "value": "enabled"}]
    assert enphase.charger.authentication["sessionAuthentication"] == "enabled"
    assert known_state(hass, APP).state == STATE_ON
    await _switch(hass, "turn_off", RFID)
    assert enphase.charger.authentication["rfidSessionAuthentication"] == "disabled"
    assert known_state(hass, RFID).state == STATE_OFF


async def test_a_charger_without_the_setting_has_no_switch(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """Only the keys the config answers with become switches."""
    del enphase.charger.authentication["rfidSessionAuthentication"]
    await init_integration(hass, enphase_entry)
    assert known_state(hass, APP).state == STATE_OFF
    assert hass.states.get(RFID) is None


async def test_a_refused_write_keeps_the_state_and_says_why(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    await init_integration(hass, enphase_entry)
    enphase.state.faults.path = CONFIG
    enphase.state.faults.status = 400
    with pytest.raises(HomeAssistantError) as caught:
        await _switch(hass, "turn_on", APP)
    assert caught.value.translation_key == "enphase_refused"
    assert known_state(hass, APP).state == STATE_OFF
    assert enphase.charger.authentication["sessionAuthentication"] is None


async def test_a_value_nobody_recorded_shows_unknown(
    hass: HomeAssistant, enphase_entry: MockConfigEntry, enphase: EnphaseSimulator
) -> None:
    """Only "enabled", "disabled" and null (never written) are known; anything else is shown
    as unknown rather than guessed."""
    enphase.charger.authentication["sessionAuthentication"] = "sometimes"
    await init_integration(hass, enphase_entry)
    assert known_state(hass, APP).state == "unknown"
    assert known_state(hass, RFID).state == STATE_OFF


def test_a_config_answer_that_is_no_list_is_refused() -> None:
    """A bare list is read like the envelope; anything else is an unusable answer."""
    assert parse_authentication([{"key": "sessionAuthentication", "value": "enabled"}]) == {
        "sessionAuthentication": True
    }
    assert parse_authentication({"data": []}) is None
    with pytest.raises(PortalResponseError):
        parse_authentication({"data": {"key": "sessionAuthentication"}})
