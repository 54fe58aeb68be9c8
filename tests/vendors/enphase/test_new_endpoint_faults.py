"""The fault matrix for the endpoints the sign-in and the charger settings added: a fault on
the summary, the charge mode, the battery setting, the charger config (default level), the
schedules, the firmware, the session history or the token renewal never crashes, never asks
for reauth, and leaves the status entities alone."""

from __future__ import annotations

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant

from custom_components.energy_portals.const import DOMAIN
from tests.helpers import advance, known_state, unhandled_errors
from tests.simulator.enphase import EnphaseSimulator

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
