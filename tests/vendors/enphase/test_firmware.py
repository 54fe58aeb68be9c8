"""The charger's firmware as an update entity (information only), from fwDetails."""

from __future__ import annotations

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.helpers import advance, init_integration, known_state
from tests.simulator.enphase import FIRMWARE, EnphaseSimulator

UPDATE = "update.garage_ev_firmware"


async def test_installed_and_offered_firmware(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Up to date, then a newer version offered (read every 6 hours); nothing to install."""
    await init_integration(hass, enphase_entry)
    firmware = known_state(hass, UPDATE)
    assert firmware.state == "off"
    assert firmware.attributes["installed_version"] == FIRMWARE
    assert firmware.attributes["latest_version"] == FIRMWARE
    assert firmware.attributes["upgrade_status"] == 5
    assert firmware.attributes["automatic_updates"] is False
    assert firmware.attributes["supported_features"] == 0
    enphase.knobs.firmware_target = "25.40.0.2"
    await advance(hass, freezer, 5 * 3600)
    assert known_state(hass, UPDATE).state == "off"  # not read again yet
    await advance(hass, freezer, 3601)
    firmware = known_state(hass, UPDATE)
    assert firmware.state == "on"
    assert firmware.attributes["latest_version"] == "25.40.0.2"
    assert len(enphase.state.calls("GET", "/fwDetails/")) == 2


@pytest.mark.parametrize("status", [404, 403])
async def test_a_cloud_without_firmware_details(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
    status: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Refused: the summary's version is shown, the cloud is not asked again, said once."""
    enphase.state.faults.status = status
    enphase.state.faults.path = "/fwDetails/"
    await init_integration(hass, enphase_entry)
    firmware = known_state(hass, UPDATE)
    assert firmware.attributes["installed_version"] == FIRMWARE
    assert firmware.state == "off"
    asked = len(enphase.state.calls("GET", "/fwDetails/"))
    await advance(hass, freezer, 2 * 3600)
    assert len(enphase.state.calls("GET", "/fwDetails/")) == asked
    assert caplog.text.count("offers no firmware details") == 1
