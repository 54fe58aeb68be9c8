"""Deleting a device: only one the account no longer reports."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.conftest import RemoveDevice
from tests.simulator.flowerhub import SERIAL


async def test_user_may_delete_only_a_device_the_account_no_longer_reports(
    hass: HomeAssistant, loaded_flowerhub: MockConfigEntry, remove_device: RemoveDevice
) -> None:
    """A user may delete a replaced battery system, never the current one."""
    registry = dr.async_get(hass)
    battery = registry.async_get_device_by_identifier(
        (DOMAIN, f"flowerhub_{SERIAL}"), loaded_flowerhub.entry_id
    )
    assert battery is not None
    assert not await remove_device(battery.id)

    replaced = registry.async_get_or_create(
        config_entry_id=loaded_flowerhub.entry_id, identifiers={(DOMAIN, "flowerhub_OLD-1")}
    )
    assert await remove_device(replaced.id)
    assert registry.async_get(replaced.id) is None
