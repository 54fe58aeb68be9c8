"""Every fixture folder under tests/fixtures/<vendor>/ (scripts/fixtures-from-diagnostics):
its answers, served to the vendor's client in Home Assistant, parse, create the entities they
imply, and log nothing at ERROR. And the round trip that makes such a folder: a simulated
entry's diagnostics download, converted by the script, read here."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections import Counter
from pathlib import Path

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.energy_portals.vendors import VENDORS
from tests.conftest import RunningSimulator
from tests.helpers import add_vendor_entry
from tests.replay import Fixture, replay

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "fixtures-from-diagnostics"
FOLDERS = sorted(path.parent for path in (ROOT / "tests" / "fixtures").glob("*/*/answers.json"))


async def run_script(*args: str | Path) -> tuple[int | None, str, str]:
    """scripts/fixtures-from-diagnostics as a user runs it: its exit code, output and errors."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(SCRIPT),
        *map(str, args),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode, out.decode(), err.decode()


async def set_up_from(
    hass: HomeAssistant, fixture: Fixture, freezer: FrozenDateTimeFactory
) -> Counter[str]:
    """Set the fixture's entry up against its answers; the entities it made, by platform."""
    freezer.move_to(fixture.taken_at)
    async with replay(fixture) as server:
        entry = fixture.entry(server.url)
        entry.add_to_hass(hass)
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.LOADED, server.unrecorded
        entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        assert entities
        # An answer that does not parse leaves its entities unavailable.
        enabled = [entity.entity_id for entity in entities if not entity.disabled]
        unavailable = [
            entity_id
            for entity_id in enabled
            if (state := hass.states.get(entity_id)) is None or state.state == STATE_UNAVAILABLE
        ]
        assert not unavailable, server.unrecorded
        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
    return Counter(entity.domain for entity in entities)


@pytest.mark.parametrize(
    "folder", FOLDERS, ids=lambda folder: f"{folder.parent.name}/{folder.name}"
)
async def test_a_fixture_folder_sets_up_its_entities(
    hass: HomeAssistant,
    socket_enabled: None,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    folder: Path,
) -> None:
    fixture = Fixture.read(folder)
    assert fixture.vendor == folder.parent.name
    assert fixture.vendor in VENDORS
    caplog.set_level(logging.WARNING)
    made = await set_up_from(hass, fixture, freezer)
    assert made
    errors = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert not errors


def test_every_vendor_has_a_fixture_folder() -> None:
    """Each vendor's folder of the simulated account keeps the contract tests reading it."""
    assert {folder.parent.name for folder in FOLDERS} >= set(VENDORS)


@pytest.mark.parametrize("vendor", list(VENDORS))
async def test_a_download_becomes_a_fixture_that_sets_up_the_same_entities(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    vendor: str,
) -> None:
    """Diagnostics of a simulated entry, converted by the script, set up the same entities."""
    entry = hass.config_entries.async_get_known_entry(
        await add_vendor_entry(hass, simulator, vendor)
    )
    original = Counter(
        entity.domain
        for entity in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    )
    download = {
        "home_assistant": {"version": "test"},
        "data": await get_diagnostics_for_config_entry(hass, hass_client, entry),
    }
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    path = tmp_path / "My Download (1).json"
    path.write_text(json.dumps(download), encoding="utf-8")
    code, out, err = await run_script(path, "--out", tmp_path / "fixtures")
    assert code == 0, err
    folder = tmp_path / "fixtures" / vendor / "my-download-1"
    assert str(folder) in out
    caplog.clear()
    assert await set_up_from(hass, Fixture.read(folder), freezer) == original
    errors = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert not errors


async def test_the_script_refuses_what_is_no_download(tmp_path: Path) -> None:
    """Another integration's download, or one without answers, says so and writes nothing."""
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"data": {"config": {}}}), encoding="utf-8")
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"entry": {"data": {"vendor": "jspro"}}}), encoding="utf-8")
    for path, message in ((other, "no entry"), (old, "no raw answers")):
        code, _, err = await run_script(path, "--out", tmp_path / "fixtures")
        assert code == 1
        assert message in err
    assert not (tmp_path / "fixtures").exists()
