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
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er

from custom_components.energy_portals.const import DOMAIN
from tests.conftest import RunningSimulator
from tests.vendors.emporia.conftest import settle

FIXTURE = Path(__file__).parent / "fixtures" / "stable_ids.json"
VENDORS = ("allume", "flowerhub", "enphase", "emporia", "jspro")


async def _add(hass: HomeAssistant, simulator: RunningSimulator, vendor: str) -> str:
    """Add the vendor's simulated account through the config flow; returns the entry id."""
    inputs = simulator[vendor].flow_inputs(simulator.base_url(vendor))
    result: Any = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    for step in inputs:
        if result["type"] is FlowResultType.MENU:
            result = await hass.config_entries.flow.async_configure(
                result["flow_id"], {"next_step_id": step["next_step_id"]}
            )
            continue
        if result["type"] is FlowResultType.CREATE_ENTRY:
            break
        result = await hass.config_entries.flow.async_configure(result["flow_id"], step)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    entry_id: str = result["result"].entry_id
    if vendor == "emporia":  # channels come with the first samples
        runtime = hass.config_entries.async_get_known_entry(entry_id).runtime_data
        await settle(hass, lambda: runtime.live.state.samples > 0)
        await hass.async_block_till_done()
    return entry_id


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
    entry_id = await _add(hass, simulator, vendor)
    found = _ids(hass, entry_id)
    if os.environ.get("STABLE_IDS_RECORD"):
        _record(vendor, found)
    expected = json.loads(FIXTURE.read_text())[vendor]
    for kind in ("unique_ids", "entity_ids", "device_identifiers"):
        gone = sorted(set(expected[kind]) - set(found[kind]))
        assert not gone, f"{vendor}: {kind} gone after the change: {gone}"
