"""Upgrades never break a user: every unique id, entity id and device identifier stays.

`tests/fixtures/stable_ids.json` holds what each vendor created against the simulator's default
scenario (recorded from release code, see its "recorded_from"). This test adds every vendor
through its config flow as a user does and fails when any recorded id is gone; new ones may
appear. Run with STABLE_IDS_RECORD=1 to rewrite the fixture (only when a migration moves ids).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er

from tests.conftest import RunningSimulator
from tests.helpers import add_vendor_entry

FIXTURE = Path(__file__).parent / "fixtures" / "stable_ids.json"
VENDORS = ("allume", "flowerhub", "enphase", "emporia", "jspro")


def _ids(hass: HomeAssistant, entry_id: str) -> dict[str, list[str]]:
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry_id)
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry_id)
    return {
        "unique_ids": sorted(f"{e.domain}:{e.unique_id}" for e in entities),
        "entity_ids": sorted(e.entity_id for e in entities),
        "device_identifiers": sorted(
            f"{domain}:{ident}" for d in devices for domain, ident in d.identifiers
        ),
    }


def _record(vendor: str, found: dict[str, list[str]]) -> None:
    """Write the vendor's ids into the fixture, with the commit they come from."""
    recorded = json.loads(FIXTURE.read_text()) if FIXTURE.exists() else {}
    recorded["recorded_from"] = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    recorded[vendor] = found
    FIXTURE.parent.mkdir(exist_ok=True)
    FIXTURE.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n")


@pytest.mark.parametrize("vendor", VENDORS)
async def test_no_unique_id_entity_id_or_device_identifier_vanishes(
    hass: HomeAssistant, simulator: RunningSimulator, vendor: str
) -> None:
    """Every id the release created for this vendor is still created: dashboards survive."""
    entry_id = await add_vendor_entry(hass, simulator, vendor)
    found = _ids(hass, entry_id)
    if os.environ.get("STABLE_IDS_RECORD"):
        _record(vendor, found)
    expected = json.loads(FIXTURE.read_text())[vendor]
    for kind in ("unique_ids", "entity_ids", "device_identifiers"):
        gone = sorted(set(expected[kind]) - set(found[kind]))
        assert not gone, f"{vendor}: {kind} gone after the change: {gone}"
