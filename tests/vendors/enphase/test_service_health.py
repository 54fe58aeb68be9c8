"""The Enlighten cloud's health as owners see it through Home Assistant: the service status
sensor (ok, degraded with the failing call families, down), the warnings about optional
services failing for hours, and the option that silences them while keeping the repairs
about sign-in and blocks."""

from __future__ import annotations

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.helpers import advance, init_integration, known_state
from tests.simulator.enphase import EnphaseSimulator

STATUS = "sensor.garage_ev_cloud_service_status"
PLUG = "binary_sensor.garage_ev_plug"


def _issue(hass: HomeAssistant, kind: str, entry: MockConfigEntry) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"{kind}_{entry.entry_id}")


async def test_ok_degraded_and_down(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A failing summary makes the service degraded and names it; a failing status makes
    it down while the sensor itself stays available; both recover to ok."""
    state = known_state(hass, STATUS)
    assert (state.state, state.attributes["failing"]) == ("ok", [])
    assert state.attributes["options"] == ["ok", "degraded", "down"]

    enphase.state.faults.path = "/summary"
    enphase.state.faults.status = 500
    await advance(hass, freezer, 601)
    state = known_state(hass, STATUS)
    assert (state.state, state.attributes["failing"]) == ("degraded", ["summary"])

    enphase.state.faults.path = "/ev_chargers/status"
    enphase.state.faults.status = 503
    await advance(hass, freezer, 16)
    assert known_state(hass, PLUG).state == "unavailable"
    state = known_state(hass, STATUS)
    assert (state.state, state.attributes["failing"]) == ("down", ["status", "summary"])

    enphase.state.faults.clear()
    await advance(hass, freezer, 601)
    state = known_state(hass, STATUS)
    assert (state.state, state.attributes["failing"]) == ("ok", [])


@pytest.mark.parametrize(
    ("path", "family"),
    [("/history", "history"), ("/schedules", "schedules"), ("/preference", "charge_mode")],
)
async def test_each_family_is_named(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
    path: str,
    family: str,
) -> None:
    """The session history, the schedules and the charge mode each show by name."""
    enphase.state.faults.path = path
    enphase.state.faults.status = 500
    await advance(hass, freezer, 3601)
    state = known_state(hass, STATUS)
    assert (state.state, state.attributes["failing"]) == ("degraded", [family])


async def test_an_optional_service_failing_for_hours_is_a_warning_until_it_answers(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The schedules failing for six hours raise a warning that names the entry; it goes
    once they answer."""
    enphase.state.faults.path = "/schedules"
    enphase.state.faults.status = 503
    for _ in range(5 * 6):
        await advance(hass, freezer, 601)
    assert _issue(hass, "enphase_optional_service_down_schedules", loaded_enphase) is None
    for _ in range(12):
        await advance(hass, freezer, 601)
    issue = _issue(hass, "enphase_optional_service_down_schedules", loaded_enphase)
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.WARNING
    assert issue.translation_placeholders == {"title": "Home", "hours": "6"}
    assert _issue(hass, "enphase_optional_service_down_history", loaded_enphase) is None

    enphase.state.faults.clear()
    await advance(hass, freezer, 601)
    assert _issue(hass, "enphase_optional_service_down_schedules", loaded_enphase) is None


async def test_silenced_optional_repairs_keep_those_about_blocks(
    hass: HomeAssistant,
    enphase_entry: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With the option on, a schedules outage of seven hours raises nothing, while a rate
    limit of more than an hour still does."""
    hass.config_entries.async_update_entry(
        enphase_entry, options={"silence_optional_repairs": True}
    )
    await init_integration(hass, enphase_entry)
    enphase.state.faults.path = "/schedules"
    enphase.state.faults.status = 500
    for _ in range(7 * 6):
        await advance(hass, freezer, 601)
    assert known_state(hass, STATUS).attributes["failing"] == ["schedules"]
    assert _issue(hass, "enphase_optional_service_down_schedules", enphase_entry) is None

    enphase.state.faults.path = "/ev_chargers/status"
    enphase.state.faults.status = 429
    for _ in range(8):
        await advance(hass, freezer, 901)
    assert _issue(hass, "enphase_rate_limited", enphase_entry) is not None


async def test_removing_the_entry_removes_its_warnings(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An entry removed while a warning stands takes the warning with it."""
    enphase.state.faults.path = "/history"
    enphase.state.faults.status = 500
    for _ in range(13):
        await advance(hass, freezer, 1801)
    assert _issue(hass, "enphase_optional_service_down_history", loaded_enphase) is not None
    await hass.config_entries.async_remove(loaded_enphase.entry_id)
    await hass.async_block_till_done()
    assert _issue(hass, "enphase_optional_service_down_history", loaded_enphase) is None


async def test_a_blip_on_a_daily_read_heals_within_minutes(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """One failed currency read (read daily) is asked again 10 minutes later, not the next
    day: the service is ok again at once."""
    enphase.state.faults.path = "get_currency_conversion"
    enphase.state.faults.status = 503
    await advance(hass, freezer, 24 * 3600)
    assert known_state(hass, STATUS).attributes["failing"] == ["currency"]
    enphase.state.faults.clear()
    await advance(hass, freezer, 601)
    assert known_state(hass, STATUS).state == "ok"


async def test_no_optional_warning_while_the_whole_cloud_is_down(
    hass: HomeAssistant,
    loaded_enphase: MockConfigEntry,
    enphase: EnphaseSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Seven hours without any answer: the history fails too, but it is the cloud that is
    down; no warning says only the history is, nor right after the cloud is back (the
    history's six hours count from then)."""
    enphase.state.faults.status = 503
    for _ in range(7 * 2):
        await advance(hass, freezer, 1801)
    assert known_state(hass, STATUS).state == "down"
    assert "history" in known_state(hass, STATUS).attributes["failing"]
    assert _issue(hass, "enphase_optional_service_down_history", loaded_enphase) is None

    enphase.state.faults.path = "/history"  # the cloud is back, the history not yet
    await advance(hass, freezer, 61)
    assert known_state(hass, STATUS).attributes["failing"] == ["history"]
    assert _issue(hass, "enphase_optional_service_down_history", loaded_enphase) is None
