"""The fault matrix for the endpoints the sign-in and the charger settings added: a fault on
the summary, the charge mode, the battery setting, the charger config (default level), the
schedules, the firmware, the session history or the token renewal never crashes, never asks
for reauth, and leaves the status entities alone; nor does a fault on the OCPP trigger or a
schedule write."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.helpers import advance, known_state, unhandled_errors
from tests.simulator.enphase import EnphaseSimulator
from tests.vendors.enphase.helpers import charger_device

PATHS = [
    "/summary",
    "/preference",
    "/settings",
    "/ev_charger_config",
    "/schedules",
    "/fwDetails",
    "/history",
]
FAULTS = ["500", "429", "400", "malformed", "html", "empty", "nulls"]


def _apply(sim: EnphaseSimulator, path: str, fault: str) -> None:
    faults = sim.state.faults
    faults.path = path
    if fault.isdigit():
        faults.status = int(fault)
    elif fault == "nulls":
        faults.rewrite = lambda body: (
            {key: None for key in body} if isinstance(body, dict) else body
        )
    else:
        setattr(faults, fault, True)


@pytest.mark.usefixtures("loaded_enphase")
@pytest.mark.parametrize("case", [(path, fault) for path in PATHS for fault in FAULTS])
async def test_a_fault_on_a_side_endpoint_stays_there(
    hass: HomeAssistant,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    case: tuple[str, str],
) -> None:
    """The status entities stay available, the entry stays loaded, no reauth, no traceback;
    after the fault, the side data comes back."""
    _apply(enphase, *case)
    for _ in range(2):
        await advance(hass, freezer, 601)
    assert known_state(hass, "binary_sensor.garage_ev_plug").state == "on"
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert unhandled_errors(caplog) == []
    enphase.state.faults.clear()
    await advance(hass, freezer, 1801)  # the history is read every 30 minutes
    assert known_state(hass, "select.garage_ev_charge_mode").state == "manual"
    assert known_state(hass, "sensor.garage_ev_phase_mode").state == "single_phase"
    assert known_state(hass, "number.garage_ev_default_charge_level").state == "unknown"
    assert known_state(hass, "switch.garage_ev_schedule_1").state == "off"
    assert known_state(hass, "update.garage_ev_firmware").state == "off"
    assert known_state(hass, "sensor.garage_ev_last_session").state != "unavailable"


@pytest.mark.usefixtures("loaded_enphase")
@pytest.mark.parametrize("fault", ["500", "malformed", "html", "empty"])
async def test_a_fault_on_the_token_renewal(
    hass: HomeAssistant,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    fault: str,
) -> None:
    """A renewal that fails other than by refusing is an outage, not a refused account."""
    enphase.tokens.clear()  # the token expired; the session cookie still lives
    _apply(enphase, "/users/self/token", fault)
    await advance(hass, freezer, 15)
    assert known_state(hass, "binary_sensor.garage_ev_plug").state == "unavailable"
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert unhandled_errors(caplog) == []
    enphase.state.faults.clear()
    await advance(hass, freezer, 600)
    assert known_state(hass, "binary_sensor.garage_ev_plug").state == "on"


COMMANDS: dict[str, tuple[str, dict[str, Any], str]] = {
    "trigger_message": ("trigger_message", {"message": "Heartbeat"}, "/trigger_message"),
    "add_schedule": (
        "add_schedule",
        {"start": "01:00", "end": "02:00", "days": ["monday"]},
        "/schedule",
    ),
    "update_schedule": ("update_schedule", {"enabled": True}, "/schedules"),
    "delete_schedule": ("delete_schedule", {}, "/schedule/"),
}
COMMAND_FAULTS = ["500", "503", "429", "400", "html", "malformed", "empty"]


@pytest.mark.parametrize("fault", COMMAND_FAULTS)
@pytest.mark.parametrize("command", list(COMMANDS))
async def test_a_fault_on_a_new_command_is_a_translated_error_or_nothing(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    caplog: pytest.LogCaptureFixture,
    command: str,
    fault: str,
) -> None:
    """The OCPP trigger and the schedule writes under each fault: the action either works
    or fails with a translated error; no traceback, no reauth, one request or a bounded few,
    and the status entities stay."""
    service, data, path = COMMANDS[command]
    target = (
        {"device_id": charger_device(hass, loaded_enphase).id}
        if service in ("trigger_message", "add_schedule")
        else {ATTR_ENTITY_ID: "switch.garage_ev_schedule_1"}
    )
    _apply(enphase, path, fault)
    before = len(enphase.state.requests)
    try:
        await hass.services.async_call(DOMAIN, service, {**target, **data}, blocking=True)
    except HomeAssistantError as err:
        assert err.translation_key is not None
    assert len(enphase.state.requests) - before <= 8
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert unhandled_errors(caplog) == []
    assert known_state(hass, "binary_sensor.garage_ev_plug").state == "on"
