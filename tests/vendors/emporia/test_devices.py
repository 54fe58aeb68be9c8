"""Deleting a device: only one the proxy no longer reports."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.conftest import RemoveDevice
from tests.simulator.emporia import MONITOR_GID, PLUG_GID


async def test_user_may_delete_only_a_device_the_proxy_no_longer_reports(
    hass: HomeAssistant, loaded_emporia: MockConfigEntry, remove_device: RemoveDevice
) -> None:
    """A user may delete a device the proxy no longer reports, never one it still does."""
    registry = dr.async_get(hass)
    for gid in (MONITOR_GID, PLUG_GID):
        device = registry.async_get_device_by_identifier(
            (DOMAIN, f"emporia_{gid}"), loaded_emporia.entry_id
        )
        assert device is not None
        assert not await remove_device(device.id)

    gone = registry.async_get_or_create(
        config_entry_id=loaded_emporia.entry_id, identifiers={(DOMAIN, "emporia_999")}
    )
    assert await remove_device(gone.id)
    assert registry.async_get(gone.id) is None
