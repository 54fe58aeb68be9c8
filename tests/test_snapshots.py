"""What users see, snapshotted: every platform of every vendor, and each vendor's diagnostics.

Each vendor's account is added through the config flow against the simulator's default
scenario at a fixed time, with every entity enabled and one platform loaded at a time (as
Home Assistant's `snapshot_platform` asks). A change in a name, unit, device class, state or
attribute shows up as a snapshot diff to review: `pytest tests/test_snapshots.py
--snapshot-update` rewrites them once the change is intended.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from unittest.mock import PropertyMock, patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import snapshot_platform
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.energy_portals.vendors import VENDORS
from tests.conftest import RunningSimulator
from tests.helpers import add_vendor_entry

FROZEN_AT = "2026-11-25 14:20:00+00:00"

PLATFORMS = [(vendor.key, platform) for vendor in VENDORS.values() for platform in vendor.platforms]


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Every entity enabled, also those disabled by default (as Home Assistant's own tests)."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


@pytest.fixture(autouse=True)
def frozen_time(freezer: FrozenDateTimeFactory, simulator: RunningSimulator) -> None:
    """One fixed moment for Home Assistant and the simulated vendors."""
    freezer.move_to(FROZEN_AT)
    simulator.clock.now = time.time


async def init_integration(
    hass: HomeAssistant, simulator: RunningSimulator, vendor: str, platform: Platform
) -> str:
    """Add the vendor's simulated account with only `platform` loaded; returns the entry id."""
    only = replace(VENDORS[vendor], platforms={platform: VENDORS[vendor].platforms[platform]})
    with patch.dict(VENDORS, {vendor: only}):
        return await add_vendor_entry(hass, simulator, vendor)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize(("vendor", "platform"), PLATFORMS)
async def test_platform(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    snapshot: SnapshotAssertion,
    vendor: str,
    platform: Platform,
) -> None:
    """Every entity of the platform: its registry entry and its state, as users see them."""
    entry_id = await init_integration(hass, simulator, vendor, platform)
    await snapshot_platform(hass, er.async_get(hass), snapshot, entry_id)


@pytest.mark.parametrize("vendor", list(VENDORS))
async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: RunningSimulator,
    snapshot: SnapshotAssertion,
    vendor: str,
) -> None:
    """The vendor's diagnostics, redacted: no secret, address, name or id in them.

    The base URL is left out of the comparison: it names the simulator's random port.
    """
    entry_id = await add_vendor_entry(hass, simulator, vendor)
    entry = hass.config_entries.async_get_known_entry(entry_id)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert diagnostics == snapshot(exclude=props("base_url", "json", "text", "taken_at"))
