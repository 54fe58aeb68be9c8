"""A simulated Emporia proxy: REST login and devices, and the WebSocket pushing deviceData.

One Vue monitor (mains, three circuits of which one is solar, and the balance) with a smart plug
and an EV charger nested under it. Each channel's power is a function of time (the ground truth,
with `energy()` its exact integral), and the proxy answers as in the field (FIELD-NOTES.md):
`usage` is the kWh of the last `scale` window; the WebSocket authenticates first, then sends a
`1MIN` deviceData message right away and every `period` seconds, and keeps going after an
`error` frame; an expired token gets 403 on REST; `/devices/instant` needs `instant`, `scale`
and `energyUnit`; `/devices/:id/history` serves per-minute energy, but not the Balance channel.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import WSMsgType, web

from .clock import Clock
from .faults import Handler, VendorState, control_routes, fault_middleware

EMAIL = "owner@example.invalid"
PASSWORD = "sim-proxy-password"
USER_ID = 7
EMPORIA_USERNAME = "vue-owner@example.invalid"
EMPORIA_PASSWORD = "sim-emporia-password"
MONITOR_GID = 100123
PLUG_GID = 100456
CHARGER_GID = 100789
TOKEN_LIFETIME = 3600
DEVICES_FAILED = "Error fetching devices."
INVALID_TOKEN = "Invalid or expired token."

# channelNum -> (name, mean watts); "1,2,3" is the sum of the circuits plus the balance.
CIRCUITS = {"1": ("Kitchen", 420.0), "2": ("Heat pump", 1350.0), "3": ("Solar", -1800.0)}
CHANNEL_TYPES = {"1": "FiftyAmp", "2": "FiftyAmp", "3": "FiftyAmpBidirectional", "1,2,3": "Main"}
"""Emporia's channel types (FIELD-NOTES.md): the solar circuit runs both ways."""
BALANCE_WATTS = 230.0
PLUG_WATTS = 65.0
CHARGER_WATTS = 7200.0
SCALE_SECONDS = {"1S": 1, "1MIN": 60, "15MIN": 900, "1H": 3600}
PERIOD_SCALES = ("1D", "1MON")
"""Emporia's calendar buckets: the device's local day and month so far."""
TIME_ZONE = "Europe/Amsterdam"
HISTORY_DELAY = 60
"""Seconds after a minute ends before the history has it."""
MISSING_PARAMS = "Missing required query parameters."


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@dataclass
class EmporiaScenario:
    """What the proxy reports; tests change these."""

    password: str = PASSWORD
    linked: bool = True
    instant_served: bool = True
    scale: str = "1MIN"
    period: float = 1.0
    fixed_watts: dict[str, float] = field(default_factory=dict)
    """channelNum (or 'plug', 'charger') -> watts, instead of the time-varying default."""
    null_channels: set[str] = field(default_factory=set)
    error_ticks: int = 0
    """The next this many socket ticks send the proxy's error frame instead of data."""
    history_served: bool = True
    refuse_after_auth: bool = False
    """Complain about the token right after accepting it, then close (a confused proxy)."""
    plug_listed: str = "nested"
    """Where /devices lists the smart plug: "nested" under the monitor; "top" at the top level
    with a device-level `parentDeviceGid` (2026 captures); "top_outlet" at the top level with
    only `outlet.parentDeviceGid` (older ones)."""
    charger_only: bool = False
    """The account holds only the EV charger, at the top level (no Vue monitor, no plug), as
    recorded answers of public clients show."""
    periods_refused: set[str] = field(default_factory=set)
    """The bucket scales ("1D", "1MON") /devices/instant answers 400 for (Emporia failing them)."""
    periods_missing: bool = False
    """/devices/instant answers 404 for the buckets (a proxy that does not serve them)."""
    time_zone: str = TIME_ZONE
    """The device's zone: its days and months, and the local hours of the hourly history (a
    half-hour zone's hours begin at :30 UTC)."""
    history_delay: float = HISTORY_DELAY
    history_answer_delay: float = 0.0
    """Seconds each history answer takes (a slow proxy; the client times out at 30)."""
    """Seconds after a step ends before the history has it (the cloud settling late)."""
    emporia_down: bool = False
    """The proxy cannot reach Emporia (unlinked, down, its token refresh failed): as the real
    proxy (daylight-interview, src/websocket/index.ts), the socket authenticates, then sends
    "Error fetching devices." and closes; /devices answers 400 and /devices/instant 500."""


class EmporiaSimulator:
    """Serves the Emporia proxy spec under any prefix."""

    key = "emporia"

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self.state = VendorState()
        self.scenario = EmporiaScenario()
        self.tokens: dict[str, float] = {}
        self.connections = 0
        self.open_sockets: set[web.WebSocketResponse] = set()
        self.authentications = 0
        self.samples_sent = 0
        self._serial = 0
        self.outlet_on = True
        """The smart plug's outlet (read-only through the proxy)."""
        self.charger: dict[str, Any] = {
            "chargerOn": True,
            "chargingRate": 24,
            "maxChargingRate": 40,
            "status": "Charging",
            "message": "Charging your EV",
            "faultText": None,
        }
        """The EV charger's state as Emporia reports it."""
        self.offline: dict[int, str] = {}
        """Devices Emporia no longer hears from, and since when (ISO)."""

    # --- data -------------------------------------------------------------------------------

    def watts(self, channel: str) -> float | None:
        """The power a channel shows now (None when the scenario makes it null)."""
        if channel in self.scenario.null_channels:
            return None
        now = self.clock.now()
        return self.energy(channel, now - 1, now) * 3_600_000

    def energy(self, channel: str, start: float, end: float) -> float:
        """The ground truth: kWh that flowed through a channel in [start, end) (negative:
        returned). The circuits follow C x (1 + 0.1 sin(t / 20)), integrated exactly."""
        if channel in self.scenario.fixed_watts:
            return self.scenario.fixed_watts[channel] * (end - start) / 3_600_000
        if channel == "charger":
            return CHARGER_WATTS * (end - start) / 3_600_000
        if channel == "1,2,3":
            return sum(self.energy(num, start, end) for num in (*CIRCUITS, "Balance"))
        mean = {"plug": PLUG_WATTS, "Balance": BALANCE_WATTS}.get(channel)
        if mean is None:
            mean = CIRCUITS[channel][1]
        wave = (end - start) - 2 * (math.cos(end / 20) - math.cos(start / 20))
        return mean * wave / 3_600_000

    def period(self, scale: str, at: float) -> tuple[float, float]:
        """The device's local day (1D) or month (1MON) that `at` falls in."""
        zone = ZoneInfo(self.scenario.time_zone)
        local = datetime.fromtimestamp(at, zone).date()
        if scale == "1D":
            first, after = local, local + timedelta(days=1)
        else:
            first = local.replace(day=1)
            after = (first + timedelta(days=32)).replace(day=1)
        return (
            datetime.combine(first, time(), tzinfo=zone).timestamp(),
            datetime.combine(after, time(), tzinfo=zone).timestamp(),
        )

    def _usage(
        self, channel: str, scale: str | None = None, at: float | None = None
    ) -> float | None:
        """kWh of the last window of the scale, or of the bucket holding `at` (so far)."""
        if channel in self.scenario.null_channels:
            return None
        scale = scale or self.scenario.scale
        now = self.clock.now()
        if scale in PERIOD_SCALES:
            start, end = self.period(scale, now if at is None else at)
            return self.energy(channel, start, min(end, now))
        seconds = SCALE_SECONDS.get(scale, 60)
        return self.energy(channel, now - seconds, now)

    def _nested(self, gid: int, key: str, scale: str, at: float | None = None) -> dict[str, Any]:
        return {
            "deviceGid": gid,
            "channelUsages": [
                {
                    "name": "Main",
                    "usage": self._usage(key, scale, at),
                    "deviceGid": gid,
                    "channelNum": "1,2,3",
                    "percentage": 0,
                    "nestedDevices": [],
                }
            ],
        }

    def usage_body(
        self, scale: str | None = None, gids: list[int] | None = None, at: float | None = None
    ) -> dict[str, Any]:
        """The deviceListUsages structure (the /devices/instant answer and deviceData data),
        of the top-level devices `gids` names (all of them without), at `at` (default now)."""
        scale = scale or self.scenario.scale
        channels: list[dict[str, Any]] = [
            {
                "name": "Main",
                "usage": self._usage("1,2,3", scale, at),
                "deviceGid": MONITOR_GID,
                "channelNum": "1,2,3",
                "percentage": 100.0,
                "nestedDevices": [
                    *([self._nested(PLUG_GID, "plug", scale, at)] if self._plug_nested else []),
                    self._nested(CHARGER_GID, "charger", scale, at),
                ],
            }
        ]
        channels += [
            {
                "name": name,
                "usage": self._usage(num, scale, at),
                "deviceGid": MONITOR_GID,
                "channelNum": num,
                "percentage": 10.0,
                "nestedDevices": [],
            }
            for num, (name, _) in CIRCUITS.items()
        ]
        channels.append(
            {
                "name": "Balance",
                "usage": self._usage("Balance", scale, at),
                "deviceGid": MONITOR_GID,
                "channelNum": "Balance",
                "percentage": 5.0,
                "nestedDevices": [],
            }
        )
        moment = self.clock.now() if at is None else at
        instant = datetime.fromtimestamp(moment, UTC).isoformat().replace("+00:00", "Z")
        if self.scenario.charger_only:
            devices = [self._nested(CHARGER_GID, "charger", scale, at)]
            return {
                "deviceListUsages": {
                    "instant": instant,
                    "scale": scale,
                    "devices": [d for d in devices if gids is None or d["deviceGid"] in gids],
                    "energyUnit": "KilowattHours",
                }
            }
        return {
            "deviceListUsages": {
                "instant": instant,
                "scale": scale,
                "devices": [
                    device
                    for device in (
                        {"deviceGid": MONITOR_GID, "channelUsages": channels},
                        *([] if self._plug_nested else [self._nested(PLUG_GID, "plug", scale, at)]),
                    )
                    if gids is None or device["deviceGid"] in gids
                ],
                "energyUnit": "KilowattHours",
            }
        }

    @property
    def _plug_nested(self) -> bool:
        return self.scenario.plug_listed == "nested"

    def devices_body(self) -> dict[str, Any]:
        """The Emporia customer with its monitor and the devices nested under it."""

        def location(name: str) -> dict[str, Any]:
            return {"deviceName": name, "timeZone": self.scenario.time_zone, "zipCode": "1234"}

        def connected(gid: int) -> dict[str, Any]:
            since = self.offline.get(gid)
            return {"connected": since is None, "offlineSince": since}

        def outlet(gid: int, model: str, name: str) -> dict[str, Any]:
            charger = gid == CHARGER_GID
            return {
                "deviceGid": gid,
                "manufacturerDeviceId": f"SIM{gid}",
                "model": model,
                "firmware": "Outlet-1.3.0",
                "locationProperties": location(name),
                "channels": [
                    {"deviceGid": gid, "name": None, "channelNum": "1,2,3", "channelMultiplier": 1}
                ],
                "devices": [],
                "outlet": None
                if charger
                else {
                    "deviceGid": gid,
                    "outletOn": self.outlet_on,
                    "parentDeviceGid": MONITOR_GID,
                    "parentChannelNum": "1,2,3",
                    "loadGid": 0,
                },
                "evCharger": {
                    "deviceGid": gid,
                    "loadGid": 0,
                    "icon": "CarConnected",
                    **self.charger,
                }
                if charger
                else None,
                "deviceConnected": connected(gid),
            }

        if self.scenario.charger_only:
            charger = outlet(CHARGER_GID, "EVC001", "Driveway charger")
            return {"customerGid": 5001, "email": EMPORIA_USERNAME, "devices": [charger]}
        plug = outlet(PLUG_GID, "SSO001", "Aquarium")
        if self.scenario.plug_listed == "top":
            plug["parentDeviceGid"] = MONITOR_GID
            plug["parentChannelNum"] = "1,2,3"
            del plug["outlet"]["parentDeviceGid"]
        return {
            "customerGid": 5001,
            "email": EMPORIA_USERNAME,
            "firstName": "Sim",
            "devices": [
                {
                    "deviceGid": MONITOR_GID,
                    "manufacturerDeviceId": "A2107SIM0001",
                    "model": "VUE002",
                    "firmware": "Vue2-5.2.1",
                    "locationProperties": location("Home"),
                    "outlet": None,
                    "evCharger": None,
                    "deviceConnected": connected(MONITOR_GID),
                    "channels": [
                        {
                            "deviceGid": MONITOR_GID,
                            "name": name,
                            "channelNum": num,
                            "channelMultiplier": 1.0,
                            "type": CHANNEL_TYPES[num],
                        }
                        for num, (name, _) in CIRCUITS.items()
                    ]
                    + [
                        {
                            "deviceGid": MONITOR_GID,
                            "name": None,
                            "channelNum": "1,2,3",
                            "channelMultiplier": 1.0,
                            "type": CHANNEL_TYPES["1,2,3"],
                        }
                    ],
                    "devices": [
                        *([plug] if self._plug_nested else []),
                        outlet(CHARGER_GID, "EVC001", "Driveway charger"),
                    ],
                },
                *([] if self._plug_nested else [plug]),
            ],
        }

    # --- tokens -----------------------------------------------------------------------------

    def issue_token(self) -> str:
        self._serial += 1
        exp = self.clock.now() + TOKEN_LIFETIME
        token = (
            f"{_b64({'alg': 'HS256'})}.{_b64({'id': USER_ID, 'exp': exp, 'n': self._serial})}.sig"
        )
        self.tokens[token] = exp
        return token

    def token_valid(self, token: str | None) -> bool:
        return token is not None and self.tokens.get(token, 0) > self.clock.now()

    async def revoke_tokens(self) -> None:
        """Forget every token; open sockets get the spec's error and are closed."""
        self.tokens.clear()
        for ws in list(self.open_sockets):
            with contextlib.suppress(ConnectionError):
                await ws.send_json({"type": "error", "message": INVALID_TOKEN})
            await ws.close()

    async def broadcast(self, payload: str) -> None:
        """Send raw text to every open socket (for garbage and error messages)."""
        for ws in list(self.open_sockets):
            await ws.send_str(payload)

    async def send_raw(self, text: str) -> None:
        """Send one frame as it is to every open socket (a hostile or broken proxy)."""
        for ws in list(self.open_sockets):
            with contextlib.suppress(ConnectionError):
                await ws.send_str(text)

    async def drop_sockets(self) -> None:
        """Close every open socket (as a proxy restart would)."""
        for ws in list(self.open_sockets):
            await ws.close()

    async def _on_shutdown(self, app: web.Application) -> None:
        await self.drop_sockets()

    # --- the app ----------------------------------------------------------------------------

    def flow_inputs(self, base_url: str) -> list[dict[str, Any]]:
        """What a user types in the config flow to add this simulated proxy account."""
        return [
            {"next_step_id": "emporia"},
            {"url": base_url, "email": EMAIL, "password": PASSWORD},
            # Only asked while the proxy account has no Emporia link yet.
            {"emporia_username": EMPORIA_USERNAME, "emporia_password": EMPORIA_PASSWORD},
        ]

    def known_states(self) -> dict[str, str]:
        """States Home Assistant shows right after adding this account ("*": any)."""
        return {
            "sensor.home_mains_power": "*",
            "sensor.home_solar_power": "*",
            "sensor.home_kitchen_energy": "*",
            "sensor.driveway_charger_power": "*",
        }

    def app(self) -> web.Application:
        app = web.Application(middlewares=[fault_middleware(self.state), self._auth_middleware])
        app.on_shutdown.append(self._on_shutdown)
        app.add_routes(
            [
                *control_routes(self.state),
                web.get("/", self._websocket),
                web.post("/signup", self._signup),
                web.post("/login", self._login),
                web.get("/me", self._me),
                web.post("/emporia-auth", self._emporia_auth),
                web.get("/devices", self._devices),
                web.get("/devices/instant", self._instant),
                web.get("/devices/{gid}/history", self._history),
            ]
        )
        return app

    @web.middleware
    async def _auth_middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        public = ("/_sim/", "/login", "/signup")
        if any(part in request.path for part in public) or request.path.endswith("/"):
            return await handler(request)
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else None
        if not token:
            return web.json_response({"error": "Access token is missing."}, status=401)
        if not self.token_valid(token):  # bad or expired: 403, as the proxy answers
            return web.json_response({"error": INVALID_TOKEN}, status=403)
        return await handler(request)

    async def _signup(self, request: web.Request) -> web.Response:
        return web.json_response({"message": "Signups are closed on the simulator"}, status=409)

    async def _login(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            body = {}
        if not body.get("email") or not body.get("password"):
            return web.json_response({"message": "Email and password are required"}, status=400)
        if body["email"] != EMAIL or body["password"] != self.scenario.password:
            return web.json_response({"message": "Invalid email or password"}, status=401)
        return web.json_response({"token": self.issue_token()})

    async def _me(self, request: web.Request) -> web.Response:
        linked = self.scenario.linked
        return web.json_response(
            {
                "user": {
                    "id": USER_ID,
                    "email": EMAIL,
                    "emporiaUsername": EMPORIA_USERNAME if linked else None,
                    "emporiaIdTokenExpiresAt": "2030-01-01T00:00:00.000Z" if linked else None,
                }
            }
        )

    async def _emporia_auth(self, request: web.Request) -> web.Response:
        body = await request.json()
        if (
            body.get("emporiaUsername") != EMPORIA_USERNAME
            or body.get("emporiaPassword") != EMPORIA_PASSWORD
        ):
            return web.json_response({"message": "Emporia authentication failed"}, status=401)
        self.scenario.linked = True
        return web.json_response({"message": "Emporia authentication successful"})

    async def _devices(self, request: web.Request) -> web.Response:
        if not self.scenario.linked:
            return web.json_response({"message": "Emporia account not linked"}, status=400)
        if self.scenario.emporia_down:  # devicesController.ts: every upstream failure is a 400
            return web.json_response({"error": "Failed to fetch devices"}, status=400)
        return web.json_response(self.devices_body())

    async def _instant(self, request: web.Request) -> web.Response:
        if not self.scenario.instant_served:
            return web.json_response({"message": "Not found"}, status=404)
        query = request.query
        if not all(query.get(name) for name in ("instant", "scale", "energyUnit")):
            return web.json_response({"error": MISSING_PARAMS}, status=400)
        if self.scenario.emporia_down:
            return web.json_response({"error": "Failed to fetch instant usage"}, status=500)
        if query["scale"] in self.scenario.periods_refused:
            return web.json_response({"error": "Failed to fetch instant usage"}, status=400)
        if self.scenario.periods_missing and query["scale"] in PERIOD_SCALES:
            return web.json_response({"message": "Not found"}, status=404)
        try:
            gids = [int(gid) for gid in query.getall("devices", [])] or None
            at = datetime.fromisoformat(query["instant"].replace("Z", "+00:00")).timestamp()
        except ValueError:  # a comma list turns into NaN upstream
            return web.json_response({"error": "Failed to fetch instant usage"}, status=400)
        if query["scale"] not in PERIOD_SCALES:
            return web.json_response(self.usage_body(query["scale"], gids))
        return web.json_response(self.usage_body(query["scale"], gids, min(at, self.clock.now())))

    def history_channel(self, gid: int, nums: list[str]) -> str | None:
        """The simulated channel a history request sums (None: not one the proxy can serve)."""
        joined = ",".join(nums)
        if gid == PLUG_GID and joined == "1,2,3":
            return "plug"
        if gid == CHARGER_GID and joined == "1,2,3":
            return "charger"
        if gid == MONITOR_GID and (joined == "1,2,3" or joined in CIRCUITS):
            return joined
        return None

    async def _history(self, request: web.Request) -> web.Response:
        """Per-minute kWh of one channel; a minute not complete yet is null."""
        query = request.query
        nums = query.getall("channels", [])
        if not nums or not all(query.get(n) for n in ("start", "end", "scale", "energyUnit")):
            return web.json_response({"error": MISSING_PARAMS}, status=400)
        if self.scenario.history_answer_delay:
            await asyncio.sleep(self.scenario.history_answer_delay)
        if not self.scenario.history_served:
            return web.json_response({"error": "Error fetching usage history."}, status=400)
        try:
            start = datetime.fromisoformat(query["start"].replace("Z", "+00:00")).timestamp()
            end = datetime.fromisoformat(query["end"].replace("Z", "+00:00")).timestamp()
            gid = int(request.match_info["gid"])
        except ValueError:
            return web.json_response({"error": "Invalid date."}, status=400)
        channel = self.history_channel(gid, nums)
        step = SCALE_SECONDS.get(query["scale"])
        if channel is None or step is None:  # Balance turns into NaN upstream
            return web.json_response({"error": "Error fetching usage history."}, status=400)
        first: float = math.floor(start / step) * step
        if step == SCALE_SECONDS["1H"]:  # the device's local hours
            offset = datetime.fromtimestamp(start, ZoneInfo(self.scenario.time_zone)).utcoffset()
            shift = -offset.total_seconds() % step if offset else 0.0
            first = math.floor((start - shift) / step) * step + shift
        complete = self.clock.now() - self.scenario.history_delay
        values: list[float | None] = []
        moment = first
        while moment < end:
            if moment + step <= complete:
                values.append(round(self.energy(channel, moment, moment + step), 9))
            else:
                values.append(None)
            moment += step
        instant = datetime.fromtimestamp(first, UTC).isoformat().replace("+00:00", "Z")
        return web.json_response({"usageList": values, "firstUsageInstant": instant})

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.connections += 1
        self.open_sockets.add(ws)
        pusher: asyncio.Task[None] | None = None
        try:
            if self.state.faults.drop_websocket:
                await ws.close()
                return ws
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    continue
                try:
                    payload = json.loads(message.data)
                except ValueError:
                    payload = {}
                if payload.get("type") == "authenticate":
                    if not self.token_valid(payload.get("token")):
                        await ws.send_json({"type": "error", "message": INVALID_TOKEN})
                        await ws.close()
                        break
                    self.authentications += 1
                    await ws.send_json(
                        {"type": "authenticated", "message": "Authentication successful."}
                    )
                    if self.scenario.refuse_after_auth:
                        await ws.send_json({"type": "error", "message": INVALID_TOKEN})
                        await ws.close()
                        break
                    if self.scenario.emporia_down:
                        await ws.send_json({"type": "error", "message": DEVICES_FAILED})
                        await ws.close()
                        break
                    pusher = asyncio.create_task(self._push(ws))
                elif pusher is None:
                    await ws.send_json({"type": "error", "message": "Please authenticate first."})
        finally:
            self.open_sockets.discard(ws)
            if pusher is not None:
                pusher.cancel()
        return ws

    async def _push(self, ws: web.WebSocketResponse) -> None:
        """deviceData right away, then every period; the drop knob closes the socket."""
        while not ws.closed:
            if self.state.faults.drop_websocket:
                await ws.close()
                return
            try:
                if self.scenario.error_ticks > 0:  # a failed tick: the socket stays open
                    self.scenario.error_ticks -= 1
                    await ws.send_json({"type": "error", "message": "Error fetching device data."})
                else:
                    await ws.send_json({"type": "deviceData", "data": self.usage_body()})
            except ConnectionError:
                return
            self.samples_sent += 1
            await asyncio.sleep(self.scenario.period)
