"""A user's whole path over real loopback HTTP: add the charger, charge, stop, no secret logged."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant import config_entries
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.energy_portals.const import DOMAIN
from tests.conftest import RunningSimulator
from tests.helpers import known_state
from tests.simulator.enphase import COOKIE, E_AUTH_TOKEN, EnphaseSimulator


async def test_add_charge_stop_and_survive_an_outage(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Add a site, charge, stop and live through an outage: states and energy stay right."""
    caplog.set_level(logging.DEBUG)
    enphase: EnphaseSimulator = simulator["enphase"]
    enphase.clock.now = lambda: freezer().timestamp()

    flow = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    flow = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {"next_step_id": "enphase"}
    )
    flow = await hass.config_entries.flow.async_configure(
        flow["flow_id"],
        {
            "e_auth_token": E_AUTH_TOKEN,
            "cookie": COOKIE,
            "advanced": {"base_url": simulator.base_url("enphase")},
        },
    )
    assert flow["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()

    await hass.services.async_call(
        "switch", "turn_on", {ATTR_ENTITY_ID: "switch.garage_ev_charging"}, blocking=True
    )
    freezer.tick(timedelta(minutes=30))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert known_state(hass, "sensor.garage_ev_charged_energy").state == "3.68"

    enphase.state.faults.status = 502
    freezer.tick(timedelta(seconds=15))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert known_state(hass, "switch.garage_ev_charging").state == "unavailable"
    enphase.state.faults.clear()
    freezer.tick(timedelta(seconds=15))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)

    await hass.services.async_call(
        "switch", "turn_off", {ATTR_ENTITY_ID: "switch.garage_ev_charging"}, blocking=True
    )
    assert enphase.charger.charging is False
    assert known_state(hass, "switch.garage_ev_charging").state == "off"
    assert float(known_state(hass, "sensor.garage_ev_charged_energy").state) >= 3.68

    for secret in (E_AUTH_TOKEN, COOKIE, "sim-enphase-session-cookie"):
        assert secret not in caplog.text
