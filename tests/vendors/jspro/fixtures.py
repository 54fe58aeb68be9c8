"""The spec's example answers as valid JSON (the spec's own carry trailing commas)."""

from __future__ import annotations

from typing import Any

from tests.simulator.jspro import EXAMPLE_PACKS, JsproSimulator

LAST_UPDATE = "2025-07-18 10:10:23"


def envelope(data: Any, status_code: int = 200) -> dict[str, Any]:
    return {"status_code": status_code, "status": "success", "data": data}


def error_envelope(status_code: int, message: str = "Error description") -> dict[str, Any]:
    return {"status_code": status_code, "message": message, "data": None}


def _sim() -> JsproSimulator:
    sim = JsproSimulator()
    sim.drift = False
    return sim


INFORMATION = _sim().information_body()
SCC = _sim().scc_body()
SYSTEMD = _sim().systemd_body()
RESOURCES = {
    "cpu_usage": 40,
    "memory_usage": 50,
    "temperature": 27.2,
    "disk_usage": {"free": 8.6, "used": 6.1, "total": 15.4, "unit": "GB"},
    "last_update": LAST_UPDATE,
}
PACK_1 = {
    **EXAMPLE_PACKS[1],
    "counter": 9,
    "error_messages": ["Pack voltage 5424 exceeds limit 5325"],
    "fault_status_flag": [
        "state of charge",
        "charge Mosfet ON",
        "discharge Mosfet ON",
        "charge limit current function is ON",
    ],
    "port": "usb0",
    "protection_flag": ["no alarm detected"],
    "remaining_charge_time": 0,
    "remaining_discharge_time": 65535,
    "slave_id": 1,
    "warning_flag": ["no alarm detected"],
}
BATTERY = {"bms_data": [PACK_1], "last_update": LAST_UPDATE}
ACTIVE = {
    "bms_data": [
        {"slave_id": 1, "port": "usb0", "status": True},
        {"slave_id": 6, "port": "usb1", "status": False},
    ],
    "last_update": LAST_UPDATE,
}
LOGGER_OVERVIEW = {
    "storage_overview": {
        "redis_storage": 22,
        "sqlite_storage": 133,
        "disk_usage": {"free": 8.6, "used": 6.1, "total": 15.4},
    },
    "data_statistics": {"logger_records": 22, "sqlite_records": 100},
    "last_update": LAST_UPDATE,
}
ALARM_OVERVIEW = {"data_statistics": {"total_alarm_logs": 100, "last_update": LAST_UPDATE}}
