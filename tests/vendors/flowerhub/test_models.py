"""FlowerHub parsers and derived values: nulls, strings for numbers, garbage, never a crash."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.errors import PortalResponseError
from custom_components.energy_portals.vendors.flowerhub.billing import (
    ConsumptionReading,
    parse_agreements,
    parse_consumption,
    parse_invoices,
)
from custom_components.energy_portals.vendors.flowerhub.binary_sensor import (
    ACCOUNT_BINARY_SENSORS,
)
from custom_components.energy_portals.vendors.flowerhub.coordinator import (
    previous_month,
    uptime_percent,
)
from custom_components.energy_portals.vendors.flowerhub.data import Account
from custom_components.energy_portals.vendors.flowerhub.models import (
    parse_asset,
    parse_asset_id,
    parse_asset_owner,
    parse_history,
    parse_login,
    parse_months,
    parse_notification,
    parse_pie,
    parse_profile,
)
from tests.helpers import known_state
from tests.simulator.flowerhub import FlowerHubSimulator


@pytest.mark.parametrize(
    "parser", [parse_asset_owner, parse_asset, parse_profile, parse_invoices, parse_login]
)
@pytest.mark.parametrize("body", [None, "text", 42])
def test_wrong_shapes_are_response_errors(parser: Any, body: Any) -> None:
    """Answers of the wrong shape are response errors."""
    with pytest.raises(PortalResponseError):
        parser(body)


def test_owner_without_id_is_a_response_error() -> None:
    """An asset owner without an id is a response error."""
    with pytest.raises(PortalResponseError):
        parse_asset_owner({"firstName": "Anna"})


def test_owner_with_nulls() -> None:
    """An asset owner with nulls and odd types reads what it can."""
    owner = parse_asset_owner({"id": "4711", "asset": None, "installer": "x", "assetId": 5})
    assert owner.owner_id == "4711"
    assert owner.asset_id == "5"
    assert owner.installer is None
    assert owner.compensation_start is None


def test_asset_with_nulls_and_other_status() -> None:
    """An asset with nulls and another status reads as unknown where it must."""
    asset = parse_asset({"flowerHubStatus": {"status": "Not Installed"}, "fuseSize": "n/a"})
    assert asset.status == "not_installed"
    assert asset.connected is None
    assert asset.fuse_size is None
    assert asset.battery.energy_capacity is None
    assert parse_asset({"flowerHubStatus": None}).status is None


def test_asset_id_answer() -> None:
    """The asset-id answer reads as a string; anything else as None."""
    assert parse_asset_id({"assetId": 812}) == "812"
    assert parse_asset_id([]) is None


def test_uptime_lists_skip_junk() -> None:
    """Uptime months, history and pie skip junk entries."""
    assert parse_months([{"value": "2025-03"}, {"label": "x"}, "junk"]) == ["2025-03"]
    assert parse_months(None) == []
    assert parse_history([{"date": "2025-03", "uptime": "99.5"}, {"date": "x"}, 3]) == {
        "2025-03": 99.5
    }
    assert parse_pie([{"name": "uptime", "value": "10"}, {"name": "downtime"}, None]) == {
        "uptime": 10.0
    }


def test_uptime_helpers() -> None:
    """The previous month and the uptime percentage are computed safely."""
    assert previous_month("2025-03") == "2025-02"
    assert previous_month("2025-01") == "2024-12"
    assert previous_month("March") is None
    assert uptime_percent({"uptime": 90, "downtime": 5, "noData": 5}) == 90.0
    assert uptime_percent({}) is None


def test_agreements_with_missing_parts() -> None:
    """Agreements with missing parts read as unknown."""
    agreements = parse_agreements({"consumption": None, "production": {"stateCategory": None}})
    assert agreements.consumption is None
    assert agreements.production is not None
    assert agreements.production.active is None
    assert parse_agreements("junk").consumption is None


def test_profile() -> None:
    """A profile with a numeric phone and no address reads safely."""
    profile = parse_profile({"phone": 46701234567, "address": None})
    assert profile.phone == "46701234567"
    assert profile.address.city is None


def test_invoices_under_a_key_and_empty() -> None:
    """Invoices under a key and empty lists read; no invoice means no amounts."""
    assert len(parse_invoices({"invoices": [{"id": "1"}]})) == 1
    assert parse_invoices([1, "junk"]) == ()
    account = Account(agreements=None, invoices=(), consumption=(), notification=None)
    assert account.latest_invoice is None
    assert account.unpaid_amount is None
    assert account.last_month_consumption is None
    (unpaid,) = parse_invoices([{"id": "1", "remaining_amount": None}])
    assert Account(None, (unpaid,), (), None).unpaid_amount == 0.0


def test_consumption_prefers_the_reading_and_sums_sites() -> None:
    """A month's consumption prefers the meter reading and sums the sites, counted once."""
    readings = parse_consumption(
        [
            {"site_id": "1", "invoiced_month": "2025-05-01", "volume": "10", "type": "Calculated"},
            {"site_id": "1", "invoiced_month": "2025-05-01", "volume": 12, "type": "Reading"},
            {"site_id": "1", "invoiced_month": "2025-05-01", "volume": "11", "type": "Calculated"},
            {"site_id": "2", "invoiced_month": "2025-05-01", "volume": "5,5", "type": "Reading"},
            {"site_id": "1", "invoiced_month": "2025-04-01", "volume": "99", "type": "Reading"},
            {"site_id": "3", "invoiced_month": "2025-05-01", "volume": None, "type": "Reading"},
            {"site_id": "4", "invoiced_month": "2025-05-01", "volume": "-40", "type": "Reading"},
            "junk",
        ]
    )
    account = Account(None, (), readings, None)
    assert account.last_invoiced_month == date(2025, 5, 1)
    assert account.last_month_consumption == 17.5
    assert isinstance(readings[0], ConsumptionReading)


def test_notification_bodies() -> None:
    """Notification bodies: empty, title, plain string, or nothing for junk."""
    assert parse_notification("") is None
    assert parse_notification("   ") is None
    assert parse_notification('{"title": "Hello"}') == "Hello"
    assert parse_notification('"Plain"') == "Plain"
    assert parse_notification("[1]") is None
    assert parse_notification("<html>") is None


def test_agreement_sensors_without_agreements() -> None:
    """The agreement sensors read unknown without agreements."""
    account = Account(None, (), (), None)
    for description in ACCOUNT_BINARY_SENSORS:
        assert description.is_on_fn(account) is None
        assert description.attrs_fn is not None
        assert description.attrs_fn(account) == {}


async def test_owner_without_asset_in_answer_asks_with_asset_id(
    hass: HomeAssistant, flowerhub_entry: MockConfigEntry, flowerhub: FlowerHubSimulator
) -> None:
    """An owner answer without the asset is completed from the asset-id endpoint."""
    flowerhub.owner_has_asset = False
    assert await hass.config_entries.async_setup(flowerhub_entry.entry_id)
    await hass.async_block_till_done()
    assert len(flowerhub.state.calls("GET", "/withAssetId")) == 1
    assert known_state(hass, "sensor.flowerhub_status").state == "connected"


async def test_account_without_battery_system_is_not_ready(
    hass: HomeAssistant, flowerhub_entry: MockConfigEntry, flowerhub: FlowerHubSimulator
) -> None:
    """An account without a battery system is not ready yet and asks for no asset."""
    flowerhub.owner_has_asset = False
    flowerhub.asset_assigned = False
    await hass.config_entries.async_setup(flowerhub_entry.entry_id)
    assert flowerhub_entry.state is ConfigEntryState.SETUP_RETRY
    assert not flowerhub.state.calls("GET", "/asset/")
