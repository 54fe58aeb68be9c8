"""Chargers that join or leave the site: dynamic and stale devices, deleting a device."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.conftest import RemoveDevice
from tests.helpers import advance, known_state
from tests.simulator.enphase import SERIAL, EnphaseSimulator, charger_list

SECOND = "482522099999"
SECOND_PLUG = "binary_sensor.driveway_ev_plug"


def with_second_charger(body: Any) -> Any:
    chargers = charger_list(body)
    chargers.append({**chargers[0], "sn": SECOND, "name": "Driveway EV"})
    return body


def without_first_charger(body: Any) -> Any:
    charger_list(body).clear()
    return body


def charger_device(
    hass: HomeAssistant, entry: MockConfigEntry, serial: str
) -> dr.DeviceEntry | None:
    return dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"enphase_{serial}"), entry.entry_id
    )


async def test_charger_added_to_the_site_gets_its_entities(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A charger added to the site gets its device and entities; still one request a poll."""
    assert hass.states.get(SECOND_PLUG) is None
    enphase.state.faults.rewrite = with_second_charger
    await advance(hass, freezer, 15)
    assert known_state(hass, SECOND_PLUG).state == "on"
    assert known_state(hass, "switch.driveway_ev_charging").state == "off"
    device = charger_device(hass, loaded_enphase, SECOND)
    assert device is not None and device.name == "Driveway EV"
    # One status request a poll, whatever the number of chargers.
    polls = len(enphase.state.calls("GET", "ev_chargers/status"))
    await advance(hass, freezer, 15)
    assert len(enphase.state.calls("GET", "ev_chargers/status")) == polls + 1


async def test_charger_gone_for_seven_days_is_removed(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A charger gone for seven days is removed with its entities, not earlier."""
    enphase.state.faults.rewrite = with_second_charger
    await advance(hass, freezer, 15)
    assert charger_device(hass, loaded_enphase, SECOND) is not None

    enphase.state.faults.clear()
    await advance(hass, freezer, 15)
    assert known_state(hass, SECOND_PLUG).state == "unavailable"
    await advance(hass, freezer, 6 * 24 * 3600)
    assert charger_device(hass, loaded_enphase, SECOND) is not None  # not gone for good yet
    await advance(hass, freezer, 24 * 3600 + 60)  # seven days by default
    assert charger_device(hass, loaded_enphase, SECOND) is None
    assert hass.states.get(SECOND_PLUG) is None
    assert er.async_get(hass).async_get(SECOND_PLUG) is None
    assert charger_device(hass, loaded_enphase, SERIAL) is not None
    assert known_state(hass, "binary_sensor.garage_ev_plug").state == "on"

    # It comes back: added again.
    enphase.state.faults.rewrite = with_second_charger
    await advance(hass, freezer, 15)
    assert charger_device(hass, loaded_enphase, SECOND) is not None
    assert known_state(hass, SECOND_PLUG).state == "on"


async def test_failed_polls_never_remove_chargers(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Failed polls never remove a charger."""
    enphase.state.faults.status = 500
    for _ in range(8):
        await advance(hass, freezer, 15 * 60)
    assert charger_device(hass, loaded_enphase, SERIAL) is not None
    enphase.state.faults.clear()
    await advance(hass, freezer, 15 * 60)
    assert known_state(hass, "binary_sensor.garage_ev_plug").state == "on"


async def test_user_may_delete_only_a_charger_the_site_no_longer_reports(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
    remove_device: RemoveDevice,
) -> None:
    """A user may delete a charger the site no longer reports, never one it does."""
    device = charger_device(hass, loaded_enphase, SERIAL)
    assert device is not None
    assert not await remove_device(device.id)
    assert charger_device(hass, loaded_enphase, SERIAL) is not None

    enphase.state.faults.rewrite = without_first_charger
    await advance(hass, freezer, 15)
    assert await remove_device(device.id)
    assert charger_device(hass, loaded_enphase, SERIAL) is None
    assert hass.states.get("binary_sensor.garage_ev_plug") is None


async def test_an_empty_charger_list_is_suspicious_not_every_charger_gone(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A healthy answer that lists no charger at all, for eight days: nothing is removed."""
    enphase.state.faults.rewrite = without_first_charger
    for _ in range(8):
        await advance(hass, freezer, 24 * 3600)
    assert charger_device(hass, loaded_enphase, SERIAL) is not None
    assert len([r for r in caplog.records if "reported no Enphase charger" in r.message]) == 1
    assert SERIAL not in caplog.text
