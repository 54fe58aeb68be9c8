"""What FlowerHub owners asked for: revenue, the invoice's PDF and lines, both uptime ratios,
the data's age, a repair issue when the portal fails for hours, and the moved uptime paths."""

from __future__ import annotations

import time

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from tests.helpers import advance, init_integration, known_state
from tests.simulator.flowerhub import FlowerHubSimulator

INVOICE = "sensor.flowerhub_latest_invoice_amount"
UPDATED = "sensor.flowerhub_data_updated"


async def test_revenue_sensors(
    hass: HomeAssistant, loaded_flowerhub: MockConfigEntry, flowerhub: FlowerHubSimulator
) -> None:
    """The last invoice's minimum available power, compensation and rate, read with the
    owner data."""
    assert known_state(hass, "sensor.flowerhub_minimum_available_power").state == "4.5"
    compensation = known_state(hass, "sensor.flowerhub_compensation")
    assert compensation.state == "247.5"
    assert compensation.attributes["unit_of_measurement"] == "SEK"
    rate = known_state(hass, "sensor.flowerhub_compensation_per_kw")
    assert rate.state == "55.0"
    assert rate.attributes["unit_of_measurement"] == "SEK/kW"
    assert len(flowerhub.state.calls("GET", "/revenue")) == 1


async def test_revenue_without_an_id_is_unknown(
    hass: HomeAssistant, flowerhub_entry: MockConfigEntry, flowerhub: FlowerHubSimulator
) -> None:
    """An answer without `id` is no revenue (as the portal's own client drops it)."""
    flowerhub.state.faults.rewrite = lambda body: {k: v for k, v in body.items() if k != "id"}
    flowerhub.state.faults.path = "/revenue"
    assert await hass.config_entries.async_setup(flowerhub_entry.entry_id)
    await hass.async_block_till_done()
    assert known_state(hass, "sensor.flowerhub_compensation").state == "unknown"
    assert known_state(hass, "sensor.flowerhub_battery_power_capacity").state != "unavailable"


async def test_invoice_attributes_carry_the_pdf_and_lines_without_secrets(
    hass: HomeAssistant, loaded_flowerhub: MockConfigEntry
) -> None:
    """The latest invoice's lines and its PDF link are attributes; the link's signing token
    is left out."""
    attributes = known_state(hass, INVOICE).attributes
    assert attributes["pdf"] == "https://invoices.example/50002.pdf"
    assert attributes["lines"]
    assert set(attributes["lines"][0]) == {"name", "description", "price", "volume", "amount"}
    assert "secret" not in str(attributes)
    assert "token" not in str(attributes)


@pytest.mark.parametrize(
    ("moment", "zone"),
    [
        ("2026-11-30T23:10:00+00:00", "Europe/Stockholm"),  # ten minutes into December
        ("2026-11-30T23:10:00+00:00", "America/Los_Angeles"),  # still November there
        ("2026-12-02T05:40:00+00:00", "Australia/Adelaide"),  # the 2nd, when CI was red
        ("2026-12-15T12:00:00+00:00", "Europe/Stockholm"),
        ("2026-12-31T22:59:00+00:00", "Australia/Sydney"),  # December's last minute in Sweden
        ("2028-02-29T12:00:00+00:00", "Europe/Stockholm"),
        ("2026-03-29T01:30:00+00:00", "Europe/Stockholm"),  # a 23-hour day
        ("2026-10-25T01:30:00+00:00", "Europe/Stockholm"),  # a 25-hour day
    ],
)
@pytest.mark.parametrize("months_listed", [True, False])
async def test_both_uptime_ratios(
    hass: HomeAssistant,
    flowerhub_entry: MockConfigEntry,
    flowerhub: FlowerHubSimulator,
    freezer: FrozenDateTimeFactory,
    *,
    moment: str,
    zone: str,
    months_listed: bool,
) -> None:
    """Uptime this month counts all the month's time; the other leaves out the time without
    data (uptime / (uptime + downtime)). Both hold on any day of the month, for the portal's
    Swedish month whatever Home Assistant's zone, also when the month list is empty."""
    await hass.config.async_set_time_zone(zone)
    freezer.move_to(moment)
    flowerhub.clock.now = time.time
    if not months_listed:
        flowerhub.state.faults.path = "/available-months"
        flowerhub.state.faults.rewrite = lambda body: []
    await init_integration(hass, flowerhub_entry)
    uptime = float(known_state(hass, "sensor.flowerhub_uptime_this_month").state)
    excluding = float(
        known_state(hass, "sensor.flowerhub_uptime_this_month_excluding_no_data").state
    )
    assert uptime == 97.0  # the simulator's month so far: 2 % down, 1 % without data
    assert excluding == round(97 / 99 * 100, 2)
    assert float(known_state(hass, "sensor.flowerhub_downtime_this_month").state) > 0
    uptime_state = known_state(hass, "sensor.flowerhub_uptime_this_month")
    assert uptime_state.attributes["period"] == flowerhub.now().strftime("%Y-%m")
    entity = er.async_get(hass).async_get("sensor.flowerhub_uptime_this_month_excluding_no_data")
    assert entity is not None
    assert entity.unit_of_measurement == "%"


async def test_the_portal_down_for_six_hours_raises_a_repair_issue(
    hass: HomeAssistant,
    loaded_flowerhub: MockConfigEntry,
    flowerhub: FlowerHubSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Six hours of failures in a row raise a repair issue, cleared on recovery; the data's
    age stays shown meanwhile."""
    flowerhub.clock.now = time.time
    updated = known_state(hass, UPDATED).state
    assert dt_util.parse_datetime(updated) is not None
    flowerhub.state.faults.status = 503
    issues = ir.async_get(hass)
    for _ in range(5):
        await advance(hass, freezer, 3600)
    assert not [i for i in issues.issues.values() if i.translation_key == "flowerhub_portal_down"]
    for _ in range(61):
        await advance(hass, freezer, 60)
    (issue,) = [i for i in issues.issues.values() if i.translation_key == "flowerhub_portal_down"]
    assert issue.domain == DOMAIN
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["hours"] == "6"
    assert known_state(hass, UPDATED).state == updated
    assert known_state(hass, "sensor.flowerhub_battery_power_capacity").state == "unavailable"

    flowerhub.state.faults.clear()
    await advance(hass, freezer, 60)
    assert not [i for i in issues.issues.values() if i.translation_key == "flowerhub_portal_down"]
    assert known_state(hass, UPDATED).state != updated


async def test_the_moved_uptime_paths_are_asked_first(
    hass: HomeAssistant, flowerhub_entry: MockConfigEntry, flowerhub: FlowerHubSimulator
) -> None:
    """The portal moved uptime in July 2026: its new paths first; a portal that still has
    the old ones answers 404 there, and the old path is used and kept."""
    flowerhub.uptime_prefix = "/asset-uptime"
    assert await hass.config_entries.async_setup(flowerhub_entry.entry_id)
    await hass.async_block_till_done()
    first = next(r for r in flowerhub.state.requests if "uptime" in r.path)
    assert "/asset-effective-uptime/" in first.path
    assert first.status == 404
    assert known_state(hass, "sensor.flowerhub_uptime_this_month").state not in (
        "unknown",
        "unavailable",
    )
