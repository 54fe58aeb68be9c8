"""A simulated JSPro Powerdesk site controller: two SCCs and battery packs whose state drifts.

Knobs beyond the shared faults: `drift` (off: the spec's example values exactly),
`configure(packs, cells)`, `add_pack`/`remove_pack`/`fail_pack`, `missing` (paths answering
404), `systemd_path` (the drifted path the systemd status is served under), `error` (an error
envelope `(http_status, status_code)`), `token` (None: no auth), `scc_alarm(...)`,
`failed_services`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .clock import Clock
from .faults import Handler, VendorState, control_routes, fault_middleware

TOKEN = "sim-jspro-bearer-token"
SERIAL = "SN123456789"
SITE_ID = "PAP9999"
SITE_NAME = "Bakti Tower"
LAST_UPDATE = "2025-07-18 10:10:23"
SYSTEMD_PATH = "/api/v1/device/systemd-status"

# The spec's two example packs, exactly (units as on the wire).
EXAMPLE_PACKS: dict[int, dict[str, Any]] = {
    1: {
        "ambient_temperature": 338,
        "average_cell_temperature": 315,
        "cell_difference": 10,
        "cell_temperature": [318, 313, 313],
        "cell_voltage": [
            *(3386, 3392, 3396, 3390, 3393, 3388, 3389, 3390),
            *(3388, 3392, 3396, 3393, 3390, 3386, 3387, 3389),
        ],
        "cycle_count": 1,
        "environment_temperature": 338,
        "fet_temperature": 318,
        "full_charged_capacity": 108,
        "max_cell_temperature": 318,
        "max_cell_voltage": 3396,
        "min_cell_temperature": 313,
        "min_cell_voltage": 3386,
        "pack_current": 35,
        "pack_voltage": 5424,
        "pcb_code": "TBI24032703195",
        "remaining_capacity": 108,
        "sn1_code": "AO67950111",
        "soc": 10000,
        "soh": 10000,
    },
    6: {
        "ambient_temperature": 337,
        "average_cell_temperature": 315,
        "cell_difference": 17,
        "cell_temperature": [314, 314, 315],
        "cell_voltage": [
            *(3388, 3387, 3386, 3386, 3386, 3388, 3389, 3390),
            *(3385, 3395, 3388, 3385, 3387, 3387, 3402, 3385),
        ],
        "cycle_count": 2,
        "environment_temperature": 337,
        "fet_temperature": 319,
        "full_charged_capacity": 108,
        "max_cell_temperature": 320,
        "max_cell_voltage": 3402,
        "min_cell_temperature": 314,
        "min_cell_voltage": 3385,
        "pack_current": 33,
        "pack_voltage": 5421,
        "pcb_code": "TBI24032703301",
        "remaining_capacity": 108,
        "sn1_code": "AO67950135",
        "soc": 10000,
        "soh": 10000,
    },
}
NORMAL_ALARMS: dict[str, dict[str, str]] = {
    "battery_status": {
        "battery_condition": "normal",
        "battery_temperature": "normal",
        "battery_inner_resistance": "normal",
        "battery_identification": "normal",
    },
    "charging_status": {
        "charging_state": "running",
        "charging_condition": "normal",
        "charging_status": "no_charging",
        "pv_input_short": "normal",
        "disequilibrium": "normal",
        "load_mosfet_short": "normal",
        "load_short": "normal",
        "load_over_current": "normal",
        "input_over_current": "normal",
        "anti_reverse_mosfet": "normal",
        "charging_anti_reverse_mosfet": "normal",
        "charging_mosfet_short": "normal",
        "input_voltage_status": "normal",
    },
    "discharging_status": {
        "discharging_state": "running",
        "discharging_condition": "normal",
        "boost_voltage": "normal",
        "high_voltage_side": "normal",
        "input_voltage": "normal",
        "output_voltage": "normal",
        "stop_discharging": "normal",
        "discharge_short": "normal",
        "discharging_output": "normal",
        "output_power": "light_load",
    },
}
EXAMPLE_SCCS: dict[int, dict[str, Any]] = {
    1: {
        "battery_temperature": 22,
        "counter_heartbeat": 3,
        "device_temperature": 25,
        "load_status": "is running",
        "pv_current": 3.3,
        "pv_voltage": 69.9,
        "load_voltage": 55.67,
        "load_current": 1.68,
        "load_power": 273,
    },
    2: {
        "battery_temperature": 19,
        "counter_heartbeat": -1,
        "device_temperature": 24,
        "load_status": "is running",
        "pv_current": 3.1,
        "pv_voltage": 71.7,
        "load_voltage": 55.67,
        "load_current": 5.68,
        "load_power": 222,
    },
}


@dataclass
class PackSimulation:
    """One pack on the bus."""

    port: str
    slave_id: int
    cells: int = 16
    temperatures: int = 3
    active: bool = True


@dataclass
class JsproSite:
    """The site's mutable state."""

    packs: dict[tuple[str, int], PackSimulation] = field(default_factory=dict)
    alarms: dict[int, dict[str, dict[str, str]]] = field(default_factory=dict)
    failed_services: list[str] = field(default_factory=list)
    redis: list[dict[str, Any]] = field(default_factory=list)
    sqlite: list[dict[str, Any]] = field(default_factory=list)
    alarm_log: list[dict[str, Any]] = field(default_factory=list)


def _log_record(index: int) -> dict[str, Any]:
    return {
        "timestamp": f"2025-07-21 10:{index:02d}:00",
        "energy_data": {
            "scc_voltage": 48.5,
            "scc_current": 12.3,
            "battery_voltage": 47.8,
            "load_power": 250.5,
        },
        "bms_data": [{"slave_id": 1, "voltage": 3.65, "current": 2.1, "temperature": 25.4}],
    }


@dataclass
class PowerState:
    """The power management group of newer firmware (field-payloads/jspro/)."""

    booted_at: float | None = None
    """None: 1 day and 20 minutes before the first read (the recorded answer's uptime)."""
    disk_used: float = 1.8
    disk_total: float = 13.2
    auto_reboot_enabled: bool = True
    disk_threshold: int = 85
    reboots_this_month: int = 3
    reboots_total: int = 15
    last_reboot: str = "2025-08-15T08:30:00"


def uptime_text(seconds: float) -> str:
    """The controller's uptime text ("1 day, 20 minutes"), to the minute."""
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 1440)
    hours, minutes = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    return ", ".join(f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n) or "0 minutes"


class JsproSimulator:
    """Serves the JSPro Powerdesk spec under any prefix."""

    key = "jspro"

    def __init__(self, clock: Clock | None = None) -> None:
        self.site_name: str | None = SITE_NAME
        """None: a controller whose site has no name yet."""
        self.clock = clock or Clock()
        self.state = VendorState()
        self.token: str | None = TOKEN
        self.drift = True
        self.missing: set[str] = set()
        self.systemd_path = SYSTEMD_PATH
        self.error: tuple[int, int] | None = None
        self.serial = SERIAL
        self.site = JsproSite()
        self.power = PowerState()
        self.configure()

    # Scenario knobs

    def configure(self, packs: int = 10, cells: int = 16) -> None:
        """`packs` packs, half on usb0 and half on usb1 (the spec's layout for 10)."""
        self.site.packs.clear()
        first_port = (packs + 1) // 2
        for slave_id in range(1, packs + 1):
            self.add_pack("usb0" if slave_id <= first_port else "usb1", slave_id, cells)
        self.site.alarms = {n: {g: dict(f) for g, f in NORMAL_ALARMS.items()} for n in (1, 2)}
        self.site.redis = [_log_record(i) for i in range(5)]
        self.site.sqlite = [{"id": i + 1, **_log_record(i)} for i in range(3)]
        self.site.alarm_log = [
            {
                "device": "scc2",
                "alarm": "batt_overdisc",
                "battery_temperature": 25,
                "battery_voltage": 5333,
                "device_temperature": 28,
                "load_status": "is standby",
                "timestamp": "2025-07-21 10:30:00",
            }
        ]

    def add_pack(self, port: str, slave_id: int, cells: int = 16) -> None:
        self.site.packs[(port, slave_id)] = PackSimulation(port, slave_id, cells)

    def remove_pack(self, port: str, slave_id: int) -> None:
        """The pack is taken away: it leaves both lists."""
        self.site.packs.pop((port, slave_id), None)

    def fail_pack(self, port: str, slave_id: int, active: bool = False) -> None:
        """The pack stops answering: inactive in the active list, gone from the BMS data."""
        self.site.packs[(port, slave_id)].active = active

    def scc_alarm(self, scc: int, group: str, flag: str, value: str) -> None:
        self.site.alarms[scc][group][flag] = value

    # Bodies

    def _wave(self, period: float, phase: float = 0.0) -> float:
        if not self.drift:
            return 0.0
        return math.sin(2 * math.pi * (self.clock.now() / period + phase))

    def pack_body(self, pack: PackSimulation) -> dict[str, Any]:
        example = EXAMPLE_PACKS.get(pack.slave_id, EXAMPLE_PACKS[1 if pack.slave_id < 6 else 6])
        body: dict[str, Any] = dict(example)
        wave = self._wave(600, pack.slave_id / 7)
        cells = [
            int(example["cell_voltage"][i % 16] + wave * (25 + 6 * math.cos(i)))
            for i in range(pack.cells)
        ]
        temps = [int(t + 5 * wave) for t in example["cell_temperature"]][: pack.temperatures]
        soc = 10000 if not self.drift else int(9000 + 900 * wave)
        body.update(
            {
                "cell_voltage": cells,
                "cell_temperature": temps,
                "max_cell_voltage": max(cells),
                "min_cell_voltage": min(cells),
                "cell_difference": max(cells) - min(cells),
                "pack_voltage": round(sum(cells) / 10) if self.drift else example["pack_voltage"],
                "pack_current": int(example["pack_current"] * (1 + wave)),
                "soc": soc,
                "counter": 9,
                "error_messages": [],
                "fault_status_flag": [
                    "state of charge",
                    "charge Mosfet ON",
                    "discharge Mosfet ON",
                    "charge limit current function is ON",
                ],
                "protection_flag": ["no alarm detected"],
                "warning_flag": ["no alarm detected"],
                "remaining_charge_time": 0,
                "remaining_discharge_time": 65535,
                "port": pack.port,
                "slave_id": pack.slave_id,
            }
        )
        if pack.slave_id not in EXAMPLE_PACKS:
            body["pcb_code"] = f"TBI2403270{3000 + pack.slave_id}"
            body["sn1_code"] = f"AO6795{pack.slave_id:04d}"
        return body

    def scc_body(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for number, example in EXAMPLE_SCCS.items():
            wave = self._wave(900, number / 3)
            data[f"scc{number}"] = {
                "scc_id": number,
                **example,
                "pv_current": round(example["pv_current"] * (1 + 0.5 * wave), 2),
                "pv_voltage": round(example["pv_voltage"] + 2 * wave, 1),
                "alarm_status": self.site.alarms[number],
            }
        data["relay_configuration"] = {
            "vsat_reconnect": 4700,
            "vsat_cutoff": 4600,
            "bts_reconnect": 4900,
            "bts_cutoff": 4800,
        }
        data["last_update"] = LAST_UPDATE
        return data

    def information_body(self) -> dict[str, Any]:
        return {
            "site_information": {
                "site_id": SITE_ID,
                "site_name": self.site_name,
                "address": "Jl. Bakti No. 1",
            },
            "device_version": {
                "ehub_version": "new",
                "panel2_type": "new",
                "site_type": "bakti",
                "scc_type": "scc-epveper",
                "scc_source": "serial",
                "scc_id": [2, 1],
                "battery_type": "talis5",
            },
            "device_model": {
                "model": "JSPro MPPT",
                "part_number": "JP-MPPT-40A",
                "serial_number": self.serial,
                "software_version": "2.0.0",
                "hardware_version": "2.0.0",
            },
            "last_update": LAST_UPDATE,
        }

    def systemd_body(self) -> dict[str, Any]:
        services = {
            "mqtt_publish.service": "active",
            "redis.service": "active",
            "thread_bms.service": "active",
            "scc.service": "active",
            "scc_logs.service": "inactive",
            "scc_logs.timer": "active",
        }
        for name in self.site.failed_services:
            services[name] = "failed"
        return {
            "active_service": 10,
            "inactive_service": 2,
            "failed_service": len(self.site.failed_services),
            "services_status": services,
            "system_uptime": "2d 2h",
            "last_update": LAST_UPDATE,
        }

    # Aiohttp

    def known_states(self) -> dict[str, str]:
        """States Home Assistant shows right after adding this site ("*": any)."""
        return {
            "sensor.bakti_tower_pack_usb0_1_pack_voltage": "*",
            "sensor.bakti_tower_site_state_of_charge": "*",
            "sensor.bakti_tower_scc_1_pv_voltage": "*",
            "binary_sensor.bakti_tower_service_failed": "off",
        }

    def flow_inputs(self, base_url: str) -> list[dict[str, Any]]:
        """What a user types in the config flow to add this simulated controller."""
        return [
            {"next_step_id": "jspro"},
            {"url": base_url, "api_token": TOKEN, "verify_ssl": True},
        ]

    def app(self) -> web.Application:
        app = web.Application(
            middlewares=[
                self._auth_middleware,
                fault_middleware(self.state),
                self._missing_middleware,
            ]
        )
        api = "/api/v1"
        app.add_routes(
            [
                *control_routes(self.state),
                web.get(f"{api}/device/information", self._information),
                web.get(f"{api}/device/system-resources", self._resources),
                web.get(f"{api}/power/overview", self._power_overview),
                web.get(f"{api}/power/auto-reboot-stats", self._power_stats),
                web.get(f"{api}/power/settings", self._power_settings),
                web.get(f"{api}/device/systemd-status", self._systemd),
                web.get(f"{api}/service/systemd-status", self._systemd),
                web.get(f"{api}/service/systemd", self._systemd),
                web.get(f"{api}/monitoring/scc", self._scc),
                web.get(f"{api}/monitoring/battery", self._battery),
                web.get(f"{api}/monitoring/battery/active", self._active),
                web.get(f"{api}/loggers/data/overview", self._overview),
                web.get(f"{api}/loggers/scc-alarm/overview", self._alarm_overview),
                web.get(f"{api}/loggers/scc-alarm/history", self._alarm_history),
                web.delete(f"{api}/loggers/scc-alarm", self._clear_alarms),
                web.get(f"{api}/loggers/data/redis", self._redis),
                web.delete(f"{api}/loggers/data/redis", self._delete_redis_all),
                web.delete(f"{api}/loggers/data/redis/{{ts}}", self._delete_redis_entry),
                web.get(f"{api}/loggers/data/sqlite", self._sqlite),
                web.delete(f"{api}/loggers/data/sqlite/{{id}}", self._delete_sqlite),
            ]
        )
        return app

    @staticmethod
    def _ok(data: Any, status: int = 200) -> web.Response:
        return web.json_response({"status_code": status, "status": "success", "data": data})

    @staticmethod
    def _fail(status: int, message: str, http_status: int | None = None) -> web.Response:
        return web.json_response(
            {"status_code": status, "message": message, "data": None},
            status=http_status or status,
        )

    @web.middleware
    async def _auth_middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if "/_sim/" in request.path or self.token is None:
            return await handler(request)
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return self._fail(401, "Unauthorized")
        return await handler(request)

    @web.middleware
    async def _missing_middleware(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        path = request.path.removeprefix(f"/{self.key}")
        systemd_paths = (SYSTEMD_PATH, "/api/v1/service/systemd-status", "/api/v1/service/systemd")
        if path in self.missing or (path in systemd_paths and path != self.systemd_path):
            return self._fail(404, "Not Found")
        if self.error is not None and "/_sim/" not in path:
            http_status, code = self.error
            return self._fail(code, "simulated device error", http_status)
        return await handler(request)

    async def _information(self, request: web.Request) -> web.Response:
        return self._ok(self.information_body())

    async def _resources(self, request: web.Request) -> web.Response:
        return self._ok(
            {
                "cpu_usage": round(40 + 10 * self._wave(300)),
                "memory_usage": 50,
                "temperature": 27.2,
                "disk_usage": {"free": 8.6, "used": 6.1, "total": 15.4, "unit": "GB"},
                "last_update": LAST_UPDATE,
            }
        )

    async def _systemd(self, request: web.Request) -> web.Response:
        return self._ok(self.systemd_body())

    async def _power_overview(self, request: web.Request) -> web.Response:
        power, now = self.power, self.clock.now()
        if power.booted_at is None:
            power.booted_at = now - 87_600
        disk = {
            "free": round(power.disk_total - power.disk_used, 1),
            "used": power.disk_used,
            "total": power.disk_total,
            "unit": "GB",
        }
        return self._ok(
            {
                "disk_usage": disk,
                "uptime": uptime_text(now - power.booted_at),
                "auto_reboot": int(power.auto_reboot_enabled),
                "last_operation": "reboot",
                "last_update": LAST_UPDATE,
            }
        )

    async def _power_stats(self, request: web.Request) -> web.Response:
        power = self.power
        usage = round(power.disk_used / power.disk_total * 100)
        stats = {
            "monthly_count": power.reboots_this_month,
            "total_count": power.reboots_total,
            "last_reboot": {"timestamp": power.last_reboot, "disk_usage": usage},
        }
        return web.json_response({"success": True, "data": stats})

    async def _power_settings(self, request: web.Request) -> web.Response:
        power = self.power
        settings = {
            "auto_reboot_enabled": power.auto_reboot_enabled,
            "disk_threshold": power.disk_threshold,
            "check_interval": 300,
            "reboot_delay": 60,
            "last_modified": "2025-08-15T10:30:00",
            "modified_by": "admin",
        }
        return web.json_response({"success": True, "data": settings})

    async def _scc(self, request: web.Request) -> web.Response:
        return self._ok(self.scc_body())

    async def _battery(self, request: web.Request) -> web.Response:
        packs = [self.pack_body(p) for p in self.site.packs.values() if p.active]
        return self._ok({"bms_data": packs, "last_update": LAST_UPDATE})

    async def _active(self, request: web.Request) -> web.Response:
        packs = [
            {"slave_id": p.slave_id, "port": p.port, "status": p.active}
            for p in self.site.packs.values()
        ]
        return self._ok({"bms_data": packs, "last_update": LAST_UPDATE})

    async def _overview(self, request: web.Request) -> web.Response:
        return self._ok(
            {
                "storage_overview": {
                    "redis_storage": 22,
                    "sqlite_storage": 133,
                    "disk_usage": {"free": 8.6, "used": 6.1, "total": 15.4},
                },
                "data_statistics": {
                    "logger_records": len(self.site.redis),
                    "sqlite_records": len(self.site.sqlite),
                },
                "last_update": LAST_UPDATE,
            }
        )

    async def _alarm_overview(self, request: web.Request) -> web.Response:
        return self._ok(
            {
                "data_statistics": {
                    "total_alarm_logs": len(self.site.alarm_log),
                    "last_update": LAST_UPDATE,
                }
            }
        )

    @staticmethod
    def _page(request: web.Request, records: list[dict[str, Any]]) -> tuple[list[Any], Any]:
        limit = int(request.query.get("limit", 50))
        offset = int(request.query.get("offset", 0))
        start, end = request.query.get("start_date"), request.query.get("end_date")
        chosen = [
            r
            for r in records
            if (start is None or r["timestamp"] >= start.replace("T", " "))
            and (end is None or r["timestamp"] <= end.replace("T", " "))
        ]
        page = chosen[offset : offset + limit]
        info = {"limit": limit, "offset": offset, "has_next": offset + limit < len(chosen)}
        return page, {"records": page, "total_records": len(chosen), "page_info": info}

    async def _alarm_history(self, request: web.Request) -> web.Response:
        page, body = self._page(request, self.site.alarm_log)
        return self._ok(
            {
                "logger_records": body["total_records"],
                "logs": page,
                "page_info": body["page_info"],
                "last_update": LAST_UPDATE,
            }
        )

    async def _clear_alarms(self, request: web.Request) -> web.Response:
        self.site.alarm_log.clear()
        return web.json_response(
            {
                "status_code": 200,
                "status": "success",
                "message": "SCC Alarm data deleted successfully",
            }
        )

    async def _redis(self, request: web.Request) -> web.Response:
        _, body = self._page(request, self.site.redis)
        return self._ok({**body, "last_update": LAST_UPDATE})

    async def _sqlite(self, request: web.Request) -> web.Response:
        _, body = self._page(request, self.site.sqlite)
        return self._ok({**body, "last_update": LAST_UPDATE})

    async def _delete_redis_all(self, request: web.Request) -> web.Response:
        count = len(self.site.redis)
        self.site.redis.clear()
        return web.json_response(
            {
                "data": {
                    "bms_entries_deleted": count,
                    "energy_entries_deleted": count,
                    "total_deleted": 2 * count,
                },
                "message": "All Redis stream data deleted successfully",
                "status": "success",
                "status_code": 200,
            }
        )

    async def _delete_redis_entry(self, request: web.Request) -> web.Response:
        ts = request.match_info["ts"]
        wanted = f"{ts[0:4]}-{ts[4:6]}-{ts[6:8]} {ts[9:11]}:{ts[11:13]}:{ts[13:15]}"
        kept = [r for r in self.site.redis if r["timestamp"] != wanted]
        deleted = len(self.site.redis) - len(kept)
        self.site.redis = kept
        if not deleted:
            return web.json_response(
                {
                    "data": {"bms_deleted": 0, "energy_deleted": 0, "total_deleted": 0},
                    "message": f"Timestamp exact match '{ts}' not found in Redis streams",
                    "status": "error",
                    "status_code": 404,
                },
                status=404,
            )
        return web.json_response(
            {
                "data": {"bms_deleted": deleted, "energy_deleted": deleted, "total_deleted": 2},
                "message": f"Successfully deleted entries with timestamp exactly matching '{ts}'",
                "status": "success",
                "status_code": 200,
            }
        )

    async def _delete_sqlite(self, request: web.Request) -> web.Response:
        record_id = int(request.match_info["id"])
        self.site.sqlite = [r for r in self.site.sqlite if r["id"] != record_id]
        return web.json_response(
            {"status_code": 200, "status": "success", "message": "SQLite data deleted successfully"}
        )
