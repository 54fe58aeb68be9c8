"""JSPro models: units, sentinels, flags and site totals."""

from __future__ import annotations

from datetime import datetime

import pytest

from custom_components.energy_portals.vendors.jspro.models import (
    MonitoringData,
    parse_local_time,
    parse_resources,
    parse_scc_data,
    parse_systemd,
    parse_uptime,
)
from custom_components.energy_portals.vendors.jspro.packs import parse_battery

from .fixtures import PACK_1, SCC


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("2d 2h", 180000),
        ("3 days, 4 hours, 5 minutes", 3 * 86400 + 4 * 3600 + 300),
        ("1w 1s", 604801),
        (3600, 3600),
        ("90", 90),
        (-5, None),
        ("forever", None),
        (None, None),
    ],
)
def test_uptime(value: object, seconds: int | None) -> None:
    """Uptime texts in weeks, days, hours, minutes and seconds become seconds."""
    assert parse_uptime(value) == seconds


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-07-18 10:10:23", datetime(2025, 7, 18, 10, 10, 23)),
        ("2025-07-18T10:10:23", datetime(2025, 7, 18, 10, 10, 23)),
        ("2025-07-18T10:10:23+07:00", datetime(2025, 7, 18, 10, 10, 23)),
        ("yesterday", None),
        (None, None),
    ],
)
def test_last_update_is_naive_local_time(value: object, expected: datetime | None) -> None:
    """The last update is a naive local time; unreadable values are None."""
    parsed = parse_local_time(value)
    assert parsed == expected
    assert parsed is None or parsed.tzinfo is None


def test_disk_units() -> None:
    """Disk sizes in any unit become GB; unknown units and junk read as unknown."""
    mb = parse_resources({"disk_usage": {"free": 8600, "used": "6100", "unit": "MB"}})
    assert (mb.disk_free, mb.disk_used) == (8.6, 6.1)
    odd = parse_resources({"disk_usage": {"free": 1, "unit": "parsecs"}, "cpu_usage": "x"})
    assert (odd.disk_free, odd.cpu_usage) == (None, None)
    none = parse_resources(None)
    assert none.disk_total is None


def test_failed_services() -> None:
    """Failed services are listed; a count without names still means a failure."""
    status = parse_systemd(
        {"failed_service": 1, "services_status": {"b.service": "FAILED", "a.service": "active"}}
    )
    assert status.failed_services == ["b.service"]
    assert status.any_failed is True
    assert parse_systemd({"failed_service": 2}).any_failed is True
    assert parse_systemd({}).any_failed is None


def test_alarm_flags() -> None:
    """SCC alarm groups are active only for conditions, not for reported states."""
    data = dict(SCC)
    scc1 = {
        **data["scc1"],
        "alarm_status": {
            "battery_status": {
                "battery_condition": "over_voltage",
                "battery_temperature": "normal",
            },
            "charging_status": {"charging_state": "stopped", "charging_status": "float"},
            "discharging_status": {"output_power": "overload", "discharge_short": "short"},
        },
    }
    scc = parse_scc_data({**data, "scc1": scc1}).sccs["scc1"]
    assert scc.alarm_active("battery_status") is True
    assert scc.alarm_active("charging_status") is False
    assert scc.alarm_active("discharging_status") is True
    assert scc.alarm_flags("battery_status")["battery_condition"] == "over_voltage"
    assert scc.alarm_flags("missing") == {}


def test_pack_flags() -> None:
    """Pack flags raise warning, protection and fault; status bits and "no alarm" do not."""
    pack = parse_battery(
        {
            "bms_data": [
                {
                    **PACK_1,
                    "warning_flag": ["cell over voltage"],
                    "protection_flag": ["no alarm detected", "discharge over current"],
                    "fault_status_flag": ["charge Mosfet ON", "cell fault"],
                }
            ]
        }
    )["usb0_1"]
    assert (pack.warning, pack.protection, pack.fault) == (True, True, True)
    empty = parse_battery({"bms_data": [{"slave_id": 3}]})["bus_3"]
    assert (empty.warning, empty.protection, empty.fault) == (False, False, False)


def test_site_totals() -> None:
    """Site PV and load power sum the SCCs; site SOC is weighted by capacity, ignoring unknowns."""
    packs = parse_battery(
        {
            "bms_data": [
                {"slave_id": 1, "port": "usb0", "soc": 10000, "full_charged_capacity": 100},
                {"slave_id": 2, "port": "usb0", "soc": 5000, "full_charged_capacity": 300},
                {"slave_id": 3, "port": "usb0", "soc": 65535, "full_charged_capacity": 100},
                {"slave_id": 4, "port": "usb0", "soc": 2000, "full_charged_capacity": 0},
            ]
        }
    )
    data = MonitoringData(scc=parse_scc_data(SCC), battery=packs, active=None)
    assert data.state_of_charge == 62.5  # (100*100 + 50*300) / 400
    assert data.pv_power == round(69.9 * 3.3 + 71.7 * 3.1, 2)
    assert data.load_power == 495
    assert data.pack_keys == {"usb0_1", "usb0_2", "usb0_3", "usb0_4"}
    scc2_missing = {**SCC, "scc2": {**SCC["scc2"], "pv_voltage": -1, "load_power": -1}}
    partial = MonitoringData(scc=parse_scc_data(scc2_missing), battery={}, active={})
    assert partial.pv_power == 230.67
    assert partial.load_power == 273
    assert partial.state_of_charge is None
    empty = MonitoringData(scc=None, battery=None, active=None)
    assert (empty.pv_power, empty.load_power, empty.state_of_charge) == (None, None, None)


def test_cycle_count_is_never_negative() -> None:
    """A pack's cycle count only grows: the sentinel and negative junk are unknown."""
    packs = parse_battery(
        {
            "bms_data": [
                {"slave_id": 1, "port": "usb0", "cycle_count": 12},
                {"slave_id": 2, "port": "usb0", "cycle_count": -3},
                {"slave_id": 3, "port": "usb0", "cycle_count": 65535},
            ]
        }
    )
    assert [packs[key].cycle_count for key in ("usb0_1", "usb0_2", "usb0_3")] == [12, None, None]
