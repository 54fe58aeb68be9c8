"""A simulated Enlighten cloud with one site and one IQ EV charger whose session progresses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .clock import Clock
from .faults import Handler, VendorState, control_routes, fault_middleware

E_AUTH_TOKEN = "sim-enphase-eauth-token"
COOKIE = "SESSION=sim-enphase-session-cookie; XSRF=sim"
SITE_ID = "3381244"
SERIAL = "482522020944"
MAX_LEVEL = 40
VOLTS = 230
LIFETIME_BEFORE_WH = 3_412_345.6
"""The charger's meter when the simulation begins (Wh)."""


@dataclass
class ChargerSimulation:
    """The charger's state; energy grows with time while charging (the ground truth)."""

    plugged_in: bool = True
    charging: bool = False
    level: int = 32
    session_start: float | None = None
    energy_before: float = 0.0
    """kWh of the session up to `charging_since`."""
    charging_since: float | None = None
    delivered_before: float = 0.0
    """kWh delivered by every session before the current one (the truth)."""

    def session_energy(self, now: float) -> float:
        if self.charging_since is None:
            return self.energy_before
        return self.energy_before + self.level * VOLTS / 1000 * (now - self.charging_since) / 3600

    def delivered(self, now: float) -> float:
        """kWh the charger delivered since the simulation began: what really flowed."""
        return self.delivered_before + self.session_energy(now)


class EnphaseSimulator:
    """Serves the Enphase spec under any prefix."""

    key = "enphase"

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self.state = VendorState()
        self.charger = ChargerSimulation()
        self.summary_offered = True
        """False: the summary answers 404, as on clouds without it."""
        self._status_reads = 0

    def start(self, level: int) -> None:
        now = self.clock.now()
        charger = self.charger
        if charger.session_start is None:
            charger.session_start = now
            charger.energy_before = 0.0
        charger.level = level
        charger.charging = True
        charger.charging_since = now

    def stop(self) -> None:
        charger = self.charger
        charger.energy_before = charger.session_energy(self.clock.now())
        charger.charging = False
        charger.charging_since = None

    def unplug(self) -> None:
        self.stop()
        charger = self.charger
        charger.plugged_in = False
        charger.delivered_before += charger.energy_before
        charger.session_start = None
        charger.energy_before = 0.0

    def delivered(self) -> float:
        """kWh delivered so far (the ground truth the benchmark compares with)."""
        return self.charger.delivered(self.clock.now())

    def status_body(self) -> dict[str, Any]:
        """The status as the field sends it: `e_c` in Wh, the start time in seconds or in
        milliseconds (alternating), and null between sessions."""
        charger = self.charger
        now = self.clock.now()
        self._status_reads += 1
        start: float | None = None
        if charger.session_start is not None:
            in_ms = self._status_reads % 2 == 0
            start = int(charger.session_start * 1000) if in_ms else int(charger.session_start)
        energy_kwh = charger.session_energy(now)
        return {
            "evChargerData": [
                {
                    "sn": SERIAL,
                    "name": "Garage EV",
                    "connected": True,
                    "pluggedIn": charger.plugged_in,
                    "charging": charger.charging,
                    "faulted": False,
                    "connectorStatusType": "CHARGING"
                    if charger.charging
                    else ("SUSPENDED" if charger.plugged_in else "AVAILABLE"),
                    "chargingLevel": charger.level,
                    "session_d": {
                        "e_c": round(energy_kwh * 1000, 1),
                        "cost": round(energy_kwh * 0.25, 2),
                        "sch_kwh": 0.0,
                        "start_time": start,
                    },
                    "sch_d": {"enabled": False},
                }
            ],
            "ts": int(now),
        }

    def summary_body(self) -> dict[str, Any]:
        """The charger summary (v2): amp limits as strings, the lifetime meter in Wh."""
        now = self.clock.now()
        return {
            "meta": {"serverTimeStamp": int(now * 1000), "rowCount": 1},
            "data": [
                {
                    "serialNumber": SERIAL,
                    "displayName": "Garage EV",
                    "chargeLevelDetails": {
                        "min": "6",
                        "max": str(MAX_LEVEL),
                        "granularity": "1",
                        "defaultChargeLevel": "disabled",
                    },
                    "maxCurrent": MAX_LEVEL,
                    "ratedCurrent": str(MAX_LEVEL),
                    "operatingVoltage": str(VOLTS),
                    "lifeTimeConsumption": round(
                        LIFETIME_BEFORE_WH + self.charger.delivered(now) * 1000, 2
                    ),
                    "phaseMode": 1,
                    "phaseCount": 1,
                    "firmwareVersion": "25.37.1.13",
                    "lastReportedAt": "2026-11-29T10:00:00Z[UTC]",
                    "isConnected": True,
                    "status": "NORMAL",
                    "networkConfig": "ipaddr=192.168.1.50,mac_addr=00:1D:C0:11:22:33",
                }
            ],
            "error": {},
        }

    def flow_inputs(self, base_url: str) -> list[dict[str, Any]]:
        """What a user types in the config flow to add this simulated account."""
        return [
            {"next_step_id": "enphase"},
            {
                "e_auth_token": E_AUTH_TOKEN,
                "cookie": COOKIE,
                "advanced": {"base_url": base_url},
            },
        ]

    def known_states(self) -> dict[str, str]:
        """States Home Assistant shows right after adding this account ("*": any)."""
        return {
            "binary_sensor.garage_ev_plug": "on",
            "switch.garage_ev_charging": "off",
            "sensor.garage_ev_connector_status": "suspended",
            "sensor.garage_ev_charged_energy": "*",
        }

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._auth_middleware, fault_middleware(self.state)])
        base = "/service/evse_controller"
        app.add_routes(
            [
                *control_routes(self.state),
                web.post("/_sim/plug", self._sim_plug),
                web.get(f"{base}/sites", self._sites),
                web.get(f"{base}/{{site}}/ev_chargers/status", self._status),
                web.get(f"{base}/api/v2/{{site}}/ev_chargers/summary", self._summary),
                web.get(f"{base}/{{site}}/ev_chargers/start_live_stream", self._live_start),
                web.get(f"{base}/{{site}}/ev_chargers/stop_live_stream", self._accepted),
                web.post(f"{base}/{{site}}/ev_chargers/{{sn}}/start_charging", self._start),
                web.put(f"{base}/{{site}}/ev_chargers/{{sn}}/stop_charging", self._stop),
                web.post(f"{base}/{{site}}/ev_charger/{{sn}}/trigger_message", self._accepted),
            ]
        )
        return app

    @web.middleware
    async def _auth_middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if "/_sim/" in request.path:
            return await handler(request)
        if (
            request.headers.get("e-auth-token") != E_AUTH_TOKEN
            or request.headers.get("Cookie") != COOKIE
        ):
            return web.json_response({"message": "Unauthorized"}, status=401)
        return await handler(request)

    async def _sim_plug(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("plugged_in", True):
            self.charger.plugged_in = True
        else:
            self.unplug()
        return web.json_response({"plugged_in": self.charger.plugged_in})

    def sites_body(self) -> Any:
        return {"sites": [{"site_id": int(SITE_ID), "name": "Home"}]}

    async def _sites(self, request: web.Request) -> web.Response:
        return web.json_response(self.sites_body())

    async def _status(self, request: web.Request) -> web.Response:
        if request.match_info["site"] != SITE_ID:
            return web.json_response({"message": "Not found"}, status=404)
        return web.json_response(self.status_body())

    async def _summary(self, request: web.Request) -> web.Response:
        if request.match_info["site"] != SITE_ID or not self.summary_offered:
            return web.json_response({"message": "Not found"}, status=404)
        return web.json_response(self.summary_body())

    async def _live_start(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"status": "accepted", "topics": [f"evse/{SERIAL}/status"], "duration_s": 60}
        )

    async def _accepted(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "accepted"})

    async def _start(self, request: web.Request) -> web.Response:
        body = await request.json()
        level = int(body.get("chargingLevel", 0))
        if not self.charger.plugged_in:
            return web.json_response({"message": "EV not plugged in"}, status=400)
        if level < 6 or level > MAX_LEVEL:
            return web.json_response({"message": "Invalid charge level"}, status=500)
        if self.charger.charging and level == self.charger.level:
            return web.json_response({"message": "Already charging"}, status=409)
        self.start(level)
        return web.json_response({"status": "accepted", "chargingLevel": level})

    async def _stop(self, request: web.Request) -> web.Response:
        if not self.charger.charging:
            return web.json_response({"message": "Already stopped"}, status=409)
        self.stop()
        return web.json_response({"status": "accepted"})
