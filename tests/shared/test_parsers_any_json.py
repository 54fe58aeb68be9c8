"""Every parser, fed any JSON value (Hypothesis): it returns a model or raises the vendor's own
error, never a KeyError, TypeError, RecursionError or anything else."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.energy_portals.errors import PortalError
from custom_components.energy_portals.vendors.allume import api as allume
from custom_components.energy_portals.vendors.emporia import api as emporia
from custom_components.energy_portals.vendors.emporia import usage as emporia_usage
from custom_components.energy_portals.vendors.enphase import models as enphase
from custom_components.energy_portals.vendors.flowerhub import billing as flowerhub_billing
from custom_components.energy_portals.vendors.flowerhub import models as flowerhub
from custom_components.energy_portals.vendors.jspro import models as jspro
from custom_components.energy_portals.vendors.jspro import packs as jspro_packs

KEYS = st.sampled_from(
    [
        # Field names the parsers look for, so generated objects reach deep into them.
        "accessToken", "user", "id", "email", "properties", "startAt", "endAt", "energyDemand",
        "solarConsumed", "deviceGid", "devices", "channels", "channelNum", "channelUsages",
        "nestedDevices", "usage", "deviceListUsages", "scale", "energyUnit", "instant",
        "usageList", "firstUsageInstant", "evChargerData", "sn", "session_d", "e_c",
        "start_time", "data", "serialNumber", "chargeLevelDetails", "lifeTimeConsumption",
        "sites", "site_id", "assetOwnerId", "assetId", "flowerHubStatus", "status", "invoices",
        "sub_group_invoices", "volume", "invoiced_month", "uptime", "bms_data", "slave_id",
        "port", "soc", "scc1", "pv_voltage", "serial_number", "cycle_count", "x",
    ]
)  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["1,2,3", "1MIN", "KilowattHours", "2026-04-11T04:00:00.000Z", "65535"]),
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=6)
    ),
    max_leaves=40,
)


PARSERS: dict[str, Callable[[Any], Any]] = {
    "allume login": allume.parse_login,
    "allume properties": allume.parse_properties,
    "allume snapshots": allume.parse_snapshots,
    "emporia user": emporia.parse_user,
    "emporia devices": emporia.parse_devices,
    "emporia history": emporia.parse_history,
    "emporia usage": emporia_usage.parse_usage,
    "enphase status": enphase.parse_status,
    "enphase summaries": enphase.parse_summaries,
    "enphase sites": enphase.parse_sites,
    "enphase charge modes": enphase.parse_charge_modes,
    "enphase use battery": enphase.parse_use_battery,
    "enphase live stream": enphase.live_stream_seconds,
    "flowerhub login": flowerhub.parse_login,
    "flowerhub owner": flowerhub.parse_asset_owner,
    "flowerhub asset id": flowerhub.parse_asset_id,
    "flowerhub profile": flowerhub.parse_profile,
    "flowerhub asset": flowerhub.parse_asset,
    "flowerhub months": flowerhub.parse_months,
    "flowerhub history": flowerhub.parse_history,
    "flowerhub pie": flowerhub.parse_pie,
    "flowerhub agreements": flowerhub_billing.parse_agreements,
    "flowerhub invoices": flowerhub_billing.parse_invoices,
    "flowerhub consumption": flowerhub_billing.parse_consumption,
    "jspro information": jspro.parse_information,
    "jspro resources": jspro.parse_resources,
    "jspro systemd": jspro.parse_systemd,
    "jspro logger": jspro.parse_logger_overview,
    "jspro alarms": jspro.parse_alarm_overview,
    "jspro scc": jspro.parse_scc_data,
    "jspro battery": jspro_packs.parse_battery,
    "jspro active": jspro_packs.parse_active,
}


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_a_parser_raises_only_the_vendor_s_errors(name: str) -> None:
    """Any JSON value: a model, or a PortalError the coordinator turns into 'unavailable'."""
    parser = PARSERS[name]

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(JSON)
    def check(body: Any) -> None:
        with contextlib.suppress(PortalError):
            parser(body)

    check()
