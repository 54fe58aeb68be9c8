"""The JSPro client against mocked HTTP: requests it sends, envelopes, errors and drift."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses
from yarl import URL

from custom_components.energy_portals.errors import (
    PortalAuthError,
    PortalConnectionError,
    PortalHtmlResponseError,
    PortalNotFoundError,
    PortalRateLimitError,
    PortalResponseError,
)
from custom_components.energy_portals.vendors.jspro.api import (
    JsproApiError,
    JsproClient,
    NotJsproError,
)
from tests.helpers import sent

from .fixtures import (
    ACTIVE,
    ALARM_OVERVIEW,
    BATTERY,
    INFORMATION,
    LOGGER_OVERVIEW,
    RESOURCES,
    SCC,
    SYSTEMD,
    envelope,
    error_envelope,
)

BASE = "http://192.0.2.10"


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def mock() -> Iterator[aioresponses]:
    with aioresponses() as mocked:
        yield mocked


def calls(mock: aioresponses, method: str, path: str) -> list[Any]:
    return sent(mock).get((method, URL(f"{BASE}{path}")), [])


async def test_information_with_bearer_token(
    session: aiohttp.ClientSession, mock: aioresponses
) -> None:
    """Device information is read with the bearer token and parsed with its identity."""
    mock.get(f"{BASE}/api/v1/device/information", payload=envelope(INFORMATION))
    client = JsproClient(session, f"{BASE}/", api_token="secret-token")
    info = await client.async_get_information()
    assert info.serial_number == "SN123456789"
    assert info.account_id == "SN123456789"
    assert info.site_id == "PAP9999"
    assert info.model == "JSPro MPPT"
    assert info.part_number == "JP-MPPT-40A"
    assert info.scc_ids == (1, 2)
    assert info.last_update == datetime(2025, 7, 18, 10, 10, 23)
    assert info.last_update.tzinfo is None
    (call,) = calls(mock, "GET", "/api/v1/device/information")
    assert call.kwargs["headers"]["Authorization"] == "Bearer secret-token"
    assert call.kwargs["headers"]["Accept"] == "application/json"


async def test_no_token_no_authorization_header(
    session: aiohttp.ClientSession, mock: aioresponses
) -> None:
    """Without a token, no Authorization header is sent."""
    mock.get(f"{BASE}/api/v1/device/information", payload=envelope(INFORMATION))
    await JsproClient(session, BASE).async_get_information()
    (call,) = calls(mock, "GET", "/api/v1/device/information")
    assert "Authorization" not in call.kwargs["headers"]


async def test_information_falls_back_to_site_id(
    session: aiohttp.ClientSession, mock: aioresponses
) -> None:
    """Without a serial number, the site id identifies the controller."""
    data = {**INFORMATION, "device_model": {"model": "JSPro MPPT"}}
    mock.get(f"{BASE}/api/v1/device/information", payload=envelope(data))
    info = await JsproClient(session, BASE).async_get_information()
    assert info.serial_number is None
    assert info.account_id == "PAP9999"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"payload": envelope({"device_model": {}})}, NotJsproError),
        ({"payload": {"hello": "world"}}, NotJsproError),
        ({"body": "[1, 2]"}, NotJsproError),
        ({"status": 404, "payload": error_envelope(404)}, NotJsproError),
        (
            {"body": "<html>router login</html>", "content_type": "text/html"},
            PortalHtmlResponseError,
        ),
        ({"body": '{"status_code": 200, "data": {,}'}, PortalResponseError),
    ],
)
async def test_information_not_jspro(
    session: aiohttp.ClientSession,
    mock: aioresponses,
    kwargs: dict[str, Any],
    error: type[Exception],
) -> None:
    """An answer that is not a JSPro's information raises the matching error."""
    mock.get(f"{BASE}/api/v1/device/information", **kwargs)
    with pytest.raises(error):
        await JsproClient(session, BASE).async_get_information()


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"status": 401, "payload": error_envelope(401, "Unauthorized")}, PortalAuthError),
        ({"status": 403, "body": "forbidden"}, PortalAuthError),
        ({"payload": error_envelope(401, "Invalid token")}, PortalAuthError),
        ({"status": 500, "payload": error_envelope(500, "Internal")}, JsproApiError),
        ({"payload": error_envelope(400, "Bad parameter")}, JsproApiError),
        ({"payload": {"status_code": 200, "status": "error", "data": None}}, JsproApiError),
        ({"payload": {"status_code": 200, "status": "success", "data": None}}, JsproApiError),
        ({"status": 502, "body": "Bad gateway"}, PortalConnectionError),
        ({"status": 500, "payload": {"message": "boom"}}, PortalConnectionError),
        ({"status": 429, "headers": {"Retry-After": "30"}}, PortalRateLimitError),
        ({"exception": aiohttp.ClientConnectionError()}, PortalConnectionError),
        ({"exception": TimeoutError()}, PortalConnectionError),
        ({"payload": envelope([1, 2])}, JsproApiError),
    ],
)
async def test_error_answers(
    session: aiohttp.ClientSession,
    mock: aioresponses,
    kwargs: dict[str, Any],
    error: type[Exception],
) -> None:
    """Each error answer raises its own error; a refusal is asked once more first."""
    mock.get(f"{BASE}/api/v1/monitoring/scc", **kwargs, repeat=True)
    with pytest.raises(error):
        await JsproClient(session, BASE).async_get_scc()
    calls = len(sent(mock)[("GET", URL(f"{BASE}/api/v1/monitoring/scc"))])
    assert calls == (2 if error is PortalAuthError else 1)  # a refusal is asked once more


async def test_error_envelope_message_in_error(
    session: aiohttp.ClientSession, mock: aioresponses
) -> None:
    """The device's error envelope message appears in the error."""
    mock.get(
        f"{BASE}/api/v1/monitoring/battery", status=500, payload=error_envelope(500, "BMS down")
    )
    with pytest.raises(JsproApiError, match="Device error 500: BMS down"):
        await JsproClient(session, BASE).async_get_battery()


async def test_rate_limit_keeps_retry_after(
    session: aiohttp.ClientSession, mock: aioresponses
) -> None:
    """A 429 keeps its Retry-After."""
    mock.get(f"{BASE}/api/v1/monitoring/scc", status=429, headers={"Retry-After": "30"})
    with pytest.raises(PortalRateLimitError) as err:
        await JsproClient(session, BASE).async_get_scc()
    assert err.value.retry_after == 30


async def test_scc_units_and_sentinels(session: aiohttp.ClientSession, mock: aioresponses) -> None:
    """SCC values are scaled, sentinels read as unknown, unknown load states and bad entries
    dropped.
    """
    data = {
        **SCC,
        "scc3": {"scc_id": 3, "pv_voltage": -1, "pv_current": "2.5", "load_status": "exploded"},
        "scc_bad": {"pv_voltage": 1},
    }
    mock.get(f"{BASE}/api/v1/monitoring/scc", payload=envelope(data))
    scc_data = await JsproClient(session, BASE).async_get_scc()
    assert list(scc_data.sccs) == ["scc1", "scc2", "scc3"]
    scc1, scc2, scc3 = scc_data.sccs.values()
    assert scc1.pv_voltage == 69.9
    assert scc1.pv_current == 3.3
    assert scc1.pv_power == 230.67
    assert scc1.load_power == 273
    assert scc1.heartbeat == 3
    assert scc1.load_status == "running"
    assert scc1.alarm_active("battery_status") is False
    assert scc1.alarm_active("charging_status") is False  # charging_state "running" is a state
    assert scc2.heartbeat is None  # -1: no heartbeat
    assert scc3.pv_voltage is None  # -1: missing
    assert scc3.pv_power is None
    assert scc3.load_status is None
    assert scc3.alarm_active("battery_status") is None
    assert scc_data.relays.vsat_reconnect == 47.0
    assert scc_data.relays.vsat_cutoff == 46.0
    assert scc_data.relays.bts_reconnect == 49.0
    assert scc_data.relays.bts_cutoff == 48.0
    assert scc_data.last_update == datetime(2025, 7, 18, 10, 10, 23)


async def test_battery_units_and_sentinels(
    session: aiohttp.ClientSession, mock: aioresponses
) -> None:
    """Pack values are scaled, 65535 reads as unknown, entries without a slave id are dropped."""
    broken = {"slave_id": 2, "port": "usb0", "soc": 65535, "cell_voltage": [3300, 65535, "x"]}
    data = {"bms_data": [*BATTERY["bms_data"], broken, {"port": "usb0"}, "junk"]}
    mock.get(f"{BASE}/api/v1/monitoring/battery", payload=envelope(data))
    packs = await JsproClient(session, BASE).async_get_battery()
    assert list(packs) == ["usb0_1", "usb0_2"]
    pack = packs["usb0_1"]
    assert pack.pack_voltage == 54.24
    assert pack.soc == 100.0
    assert pack.soh == 100.0
    assert pack.ambient_temperature == 33.8
    assert pack.environment_temperature == 33.8
    assert pack.fet_temperature == 31.8
    assert pack.average_cell_temperature == 31.5
    assert pack.max_cell_voltage == 3.396
    assert pack.min_cell_voltage == 3.386
    assert pack.cell_difference == 10
    assert pack.cell_voltages[0] == 3.386
    assert len(pack.cell_voltages) == 16
    assert pack.cell_temperatures == (31.8, 31.3, 31.3)
    assert pack.average_cell_voltage == pytest.approx(3.390)  # rounded to the mV a cell is read in
    assert pack.remaining_discharge_time is None  # 65535
    assert pack.remaining_charge_time == 0
    assert pack.full_capacity == 108
    assert pack.pack_current == 35
    assert pack.serial_code == "AO67950111"
    assert pack.pcb_code == "TBI24032703195"
    assert (pack.warning, pack.protection, pack.fault) == (False, False, False)
    other = packs["usb0_2"]
    assert other.soc is None
    assert other.cell_voltages == (3.3, None, None)
    assert other.average_cell_voltage == 3.3


async def test_active_list(session: aiohttp.ClientSession, mock: aioresponses) -> None:
    """The active list reads each pack's activity and skips junk."""
    data = {"bms_data": [*ACTIVE["bms_data"], {"port": "usb0"}, 7]}
    mock.get(f"{BASE}/api/v1/monitoring/battery/active", payload=envelope(data))
    active = await JsproClient(session, BASE).async_get_active()
    assert {key: pack.active for key, pack in active.items()} == {"usb0_1": True, "usb1_6": False}


async def test_system_endpoints(session: aiohttp.ClientSession, mock: aioresponses) -> None:
    """Resources, services, logger and alarm overviews parse from the spec's examples."""
    mock.get(f"{BASE}/api/v1/device/system-resources", payload=envelope(RESOURCES))
    mock.get(f"{BASE}/api/v1/device/systemd-status", payload=envelope(SYSTEMD))
    mock.get(f"{BASE}/api/v1/loggers/data/overview", payload=envelope(LOGGER_OVERVIEW))
    mock.get(f"{BASE}/api/v1/loggers/scc-alarm/overview", payload=envelope(ALARM_OVERVIEW))
    client = JsproClient(session, BASE)
    resources = await client.async_get_resources()
    assert (resources.cpu_usage, resources.memory_usage, resources.temperature) == (40, 50, 27.2)
    assert (resources.disk_free, resources.disk_used, resources.disk_total) == (8.6, 6.1, 15.4)
    systemd = await client.async_get_systemd()
    assert (systemd.active, systemd.inactive, systemd.failed) == (10, 2, 0)
    assert systemd.uptime == 2 * 86400 + 2 * 3600
    assert systemd.any_failed is False
    assert systemd.services["scc_logs.service"] == "inactive"
    logger = await client.async_get_logger_overview()
    assert (logger.logger_records, logger.sqlite_records) == (22, 100)
    assert (logger.redis_storage, logger.sqlite_storage) == (22, 133)
    alarms = await client.async_get_alarm_overview()
    assert alarms.total_alarm_logs == 100
    assert alarms.last_update == datetime(2025, 7, 18, 10, 10, 23)


async def test_systemd_drifted_path_is_remembered(
    session: aiohttp.ClientSession, mock: aioresponses
) -> None:
    """The services overview is found under a drifted path, which is remembered."""
    mock.get(f"{BASE}/api/v1/device/systemd-status", status=404, payload=error_envelope(404))
    mock.get(f"{BASE}/api/v1/service/systemd-status", status=404, body="Not Found")
    mock.get(f"{BASE}/api/v1/service/systemd", payload=envelope(SYSTEMD), repeat=True)
    client = JsproClient(session, BASE)
    assert (await client.async_get_systemd()).active == 10
    assert client.path_of("systemd") == "/api/v1/service/systemd"
    await client.async_get_systemd()
    assert len(calls(mock, "GET", "/api/v1/service/systemd")) == 2
    assert len(calls(mock, "GET", "/api/v1/device/systemd-status")) == 1


async def test_resources_dashboard_path(session: aiohttp.ClientSession, mock: aioresponses) -> None:
    """The resources are found under the dashboard path too."""
    mock.get(f"{BASE}/api/v1/device/system-resources", status=404)
    mock.get(f"{BASE}/api/v1/dashboard/system-resources", payload=envelope(RESOURCES))
    client = JsproClient(session, BASE)
    assert (await client.async_get_resources()).cpu_usage == 40
    assert client.path_of("resources") == "/api/v1/dashboard/system-resources"


async def test_group_404_everywhere_raises_not_found(
    session: aiohttp.ClientSession, mock: aioresponses
) -> None:
    """An endpoint missing on every path is not-found."""
    mock.get(f"{BASE}/api/v1/monitoring/battery/active", status=404, payload=error_envelope(404))
    with pytest.raises(PortalNotFoundError):
        await JsproClient(session, BASE).async_get_active()


async def test_get_logs_query(session: aiohttp.ClientSession, mock: aioresponses) -> None:
    """Reading logs sends the source's path with dates, paging and table."""
    records = {"records": [], "total_records": 0, "page_info": {"has_next": False}}
    path = (
        "/api/v1/loggers/data/sqlite?start_date=2025-07-21T10:00:00"
        "&end_date=2025-07-21T11:00:00&limit=10&offset=20&table=energy_logs"
    )
    mock.get(f"{BASE}{path}", payload=envelope(records))
    data = await JsproClient(session, BASE).async_get_logs(
        "sqlite",
        start=datetime(2025, 7, 21, 10),
        end=datetime(2025, 7, 21, 11),
        limit=10,
        offset=20,
        table="energy_logs",
    )
    assert data == records
    ((_, url), (call,)) = next(iter(sent(mock).items()))
    assert url.path == "/api/v1/loggers/data/sqlite"
    assert call.kwargs["params"] == {
        "start_date": "2025-07-21T10:00:00",
        "end_date": "2025-07-21T11:00:00",
        "limit": 10,
        "offset": 20,
        "table": "energy_logs",
    }


async def test_get_logs_redis_ignores_table_and_checks_shape(
    session: aiohttp.ClientSession, mock: aioresponses
) -> None:
    """Redis logs take no table; an alarm history that is not an object is refused."""
    mock.get(f"{BASE}/api/v1/loggers/data/redis", payload=envelope({"records": []}))
    mock.get(f"{BASE}/api/v1/loggers/scc-alarm/history", payload=envelope(["not", "an object"]))
    client = JsproClient(session, BASE)
    assert await client.async_get_logs("redis", table="x") == {"records": []}
    (call,) = calls(mock, "GET", "/api/v1/loggers/data/redis")
    assert call.kwargs["params"] is None
    with pytest.raises(JsproApiError):
        await client.async_get_logs("alarm_history")


async def test_deletes(session: aiohttp.ClientSession, mock: aioresponses) -> None:
    """Deletes report what was deleted; a 404 on one record deletes nothing."""
    mock.delete(
        f"{BASE}/api/v1/loggers/data/redis",
        payload={
            "data": {"total_deleted": 11},
            "message": "All deleted",
            "status": "success",
            "status_code": 200,
        },
    )
    mock.delete(
        f"{BASE}/api/v1/loggers/data/redis/20250804T154003",
        status=404,
        payload={
            "data": {"total_deleted": 0},
            "message": "Timestamp not found",
            "status": "error",
            "status_code": 404,
        },
    )
    mock.delete(
        f"{BASE}/api/v1/loggers/data/sqlite/5",
        payload={"status_code": 200, "status": "success", "message": "SQLite data deleted"},
    )
    mock.delete(
        f"{BASE}/api/v1/loggers/scc-alarm",
        payload={"status_code": 200, "status": "success", "message": "SCC Alarm data deleted"},
    )
    client = JsproClient(session, BASE, api_token="t")
    assert await client.async_delete_redis() == {"total_deleted": 11, "message": "All deleted"}
    with pytest.raises(JsproApiError, match="Timestamp not found"):
        await client.async_delete_redis(datetime(2025, 8, 4, 15, 40, 3))
    assert await client.async_delete_sqlite(5) == {"message": "SQLite data deleted"}
    assert await client.async_clear_alarm_log() == {"message": "SCC Alarm data deleted"}
    (call,) = calls(mock, "DELETE", "/api/v1/loggers/scc-alarm")
    assert call.kwargs["headers"]["Authorization"] == "Bearer t"


@pytest.mark.parametrize(
    "path", ["/api/v1/monitoring/battery", "/api/v1/monitoring/battery/active"]
)
async def test_pack_lists_without_any_slave_id_are_refused(
    session: aiohttp.ClientSession, mock: aioresponses, path: str
) -> None:
    """A pack list without any slave id is refused; an empty list is a site without packs."""
    client = JsproClient(session, BASE)
    get = client.async_get_active if path.endswith("active") else client.async_get_battery
    mock.get(f"{BASE}{path}", payload=envelope({"bms_data": [{"port": "usb0", "soc": None}]}))
    with pytest.raises(JsproApiError, match="no slave id"):
        await get()
    # An empty list is a site without packs, not garbage.
    mock.get(f"{BASE}{path}", payload=envelope({"bms_data": []}))
    assert await get() == {}
