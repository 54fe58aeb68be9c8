"""Hostile REST peers: ids that would rewrite the paths we build, and charsets that are no text
encoding (the fault matrix sends those to every REST vendor)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from custom_components.energy_portals.errors import PortalResponseError
from custom_components.energy_portals.http import path_id
from tests.conftest import RunningSimulator
from tests.helpers import add_mock_entry, add_vendor_entry, advance, unhandled_errors
from tests.simulator.flowerhub import OWNER_ID, FlowerHubSimulator
from tests.vendors.flowerhub.conftest import entry_data


@pytest.mark.parametrize(
    "value", ["../../auth/login", "812?admin=1", "812#x", "..", "a/b", "", "x" * 200, "812\r\n"]
)
def test_an_id_that_would_change_the_path_is_refused(value: str) -> None:
    """Ids go into paths only as one plain segment."""
    with pytest.raises(PortalResponseError):
        path_id(value)


@pytest.mark.parametrize("value", ["812", "prop-unit-4", "202311044321", "EVC:01_a.b"])
def test_ordinary_ids_pass(value: str) -> None:
    assert path_id(value) == value


@pytest.mark.parametrize("asset_id", ["../../auth/refresh-token", "812?everything=1"])
async def test_a_hostile_asset_id_never_reaches_a_path(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    caplog: pytest.LogCaptureFixture,
    asset_id: str,
) -> None:
    """The portal names an asset id that would walk out of /asset/: no request goes to the
    path it spells; the entry retries as for any unusable answer, with no traceback."""
    flowerhub: FlowerHubSimulator = simulator["flowerhub"]

    def hostile(body: Any) -> Any:
        if isinstance(body, dict) and isinstance(body.get("asset"), dict):
            body["asset"]["id"] = asset_id
        return body

    flowerhub.state.faults.rewrite = hostile
    flowerhub.state.faults.path = f"/asset-owner/{OWNER_ID}"
    entry = add_mock_entry(
        hass,
        title="FlowerHub battery",
        unique_id=f"flowerhub_{OWNER_ID}",
        data=entry_data(simulator.base_url("flowerhub")),
    )
    caplog.set_level(logging.INFO)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    paths = [call.path for call in flowerhub.state.requests]
    assert not [path for path in paths if "refresh-token" in path and "/asset" in path]
    assert not [call for call in flowerhub.state.requests if "everything" in str(call.query)]
    assert not [path for path in paths if path.startswith("/flowerhub/asset/") and ".." in path]
    assert unhandled_errors(caplog) == []


async def test_a_pack_list_of_hundreds_creates_no_devices(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A controller answering 300 packs where a site has a handful: an unusable answer (one
    line, the pack entities unavailable), not 300 devices."""
    entry_id = await add_vendor_entry(hass, simulator, "jspro")
    registry = dr.async_get(hass)
    before = len(dr.async_entries_for_config_entry(registry, entry_id))
    jspro = simulator["jspro"]

    def flood(body: Any) -> Any:
        data = body.get("data", body) if isinstance(body, dict) else None
        if isinstance(data, dict) and isinstance(data.get("bms_data"), list):
            sample = data["bms_data"][0]
            data["bms_data"] = [{**sample, "slave_id": n} for n in range(300)]
        return body

    jspro.state.faults.rewrite = flood
    jspro.state.faults.path = "/monitoring/battery"
    await advance(hass, freezer, 60)
    assert len(dr.async_entries_for_config_entry(registry, entry_id)) == before
    assert [r for r in caplog.records if "Error fetching JSPro monitoring" in r.getMessage()]
    assert unhandled_errors(caplog) == []
