"""A simulated Enlighten cloud: sign-in (password, MFA, token renewal), one site and one IQ EV
charger whose session progresses, with the field's quirks (enphase-cloud-more.md) as knobs."""

from __future__ import annotations

import base64
import json
import math
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from aiohttp import web

from .clock import Clock
from .faults import Handler, VendorState, control_routes, fault_middleware

EMAIL = "owner@example.com"
PASSWORD = "sim-enphase-password"
MFA_EMAIL = "mfa-owner@example.com"
"""An account that must enter a code sent to its phone at every sign-in."""
E_AUTH_TOKEN = "sim-enphase-eauth-token"
"""The pasted token of a logged-in browser session (never expires in the simulator)."""
PASTED_SESSION = "sim-enphase-session-cookie"
COOKIE = f"_enlighten_4_session={PASTED_SESSION}; XSRF-TOKEN=sim-xsrf"
"""The pasted cookie string of the same browser session."""
SITE_ID = "3381244"
SERIAL = "482522020944"
MAX_LEVEL = 40
VOLTS = 230
LIFETIME_BEFORE_WH = 3_412_345.6
"""The charger's meter when the simulation begins (Wh)."""
TOKEN_LIFETIME = 6 * 3600
"""Seconds an access token lives (the real lifetime is undocumented)."""
SESSION_LIFETIME = 3 * 24 * 3600
"""Seconds a signed-in session lives before a new sign-in is needed."""
MILES_PER_KWH = 2.1
PRICE_PER_KWH = 0.25
CURRENCY = "AUD"
FIRMWARE = "25.37.1.13"
"""The site's currency, as the currency-conversion answer states it."""
LOGIN_WALL = "<html><body><form action='/login/login'>Enphase Enlighten sign in</form></html>"

MODES = ("MANUAL_CHARGING", "SCHEDULED_CHARGING", "GREEN_CHARGING", "SMART_CHARGING")
MODE_KEYS = {
    "MANUAL_CHARGING": "manualCharging",
    "SCHEDULED_CHARGING": "scheduledCharging",
    "GREEN_CHARGING": "greenCharging",
    "SMART_CHARGING": "smartCharging",
}
PLURAL = "/service/evse_controller/{site}/ev_chargers/{sn}"
SINGULAR = "/service/evse_controller/{site}/ev_charger/{sn}"
START_VARIANTS = {
    1: ("POST", PLURAL, "chargingLevel"),
    2: ("PUT", PLURAL, "chargingLevel"),
    3: ("POST", SINGULAR, "chargingLevel"),
    4: ("POST", PLURAL, "charging_level"),
    5: ("POST", PLURAL, "connectorId"),
    6: ("POST", PLURAL, None),
    7: ("POST", SINGULAR, None),
    8: ("POST", PLURAL, "levelOnly"),
}
"""The start variants the field notes list, by number: method, path and body shape."""
STOP_VARIANTS = {1: ("PUT", PLURAL), 2: ("POST", PLURAL), 3: ("POST", SINGULAR)}
OCPP_MESSAGES = (
    "BootNotification",
    "DiagnosticsStatusNotification",
    "FirmwareStatusNotification",
    "Heartbeat",
    "MeterValues",
    "StatusNotification",
)
"""The trigger messages the field knows (enphase-cloud-more.md)."""


def default_slots() -> list[dict[str, Any]]:
    """A weeknight schedule (off) and the off-peak one (off), as the field records them."""
    common = {
        "remindTime": 10,
        "remindFlag": False,
        "sourceType": "SYSTEM",
        "reminderTimeUtc": None,
        "serializedDays": None,
    }
    return [
        {
            "id": f"{SITE_ID}:{SERIAL}:7c1e",
            "startTime": "23:00",
            "endTime": "06:00",
            "chargingLevel": 32,
            "chargingLevelAmp": 32,
            "scheduleType": "CUSTOM",
            "days": [1, 2, 3, 4, 5],
            "enabled": False,
            "recurringKind": "Recurring",
            "chargeLevelType": "Weekly",
            **common,
        },
        {
            "id": f"{SITE_ID}:{SERIAL}:0ff9",
            "startTime": None,
            "endTime": None,
            "chargingLevel": None,
            "chargingLevelAmp": None,
            "scheduleType": "OFF_PEAK",
            "days": [1, 2, 3, 4, 5, 6, 7],
            "enabled": False,
            "recurringKind": None,
            "chargeLevelType": None,
            **common,
        },
    ]


@dataclass
class ChargerSimulation:
    """The charger's state; energy grows with time while charging (the ground truth)."""

    plugged_in: bool = True
    charging: bool = False
    level: int = 32
    session_start: float | None = None
    plugged_in_at: float | None = None
    plugged_out_at: float | None = None
    energy_before: float = 0.0
    """kWh of the session up to `charging_since`."""
    charging_since: float | None = None
    delivered_before: float = 0.0
    """kWh delivered by every session before the current one (the truth)."""
    mode: str = "MANUAL_CHARGING"
    override: bool = False
    """A start or stop in Green: "Manual override, till next plug-out" while the preference
    still reads Green (#640; the status `mode` says 0)."""
    connectors: int = 1
    use_battery: bool = True
    default_level: int | str | None = None
    """The config's `DefaultChargeLevel` (None: unset, as before any write; or "disabled")."""
    authentication: dict[str, str | None] = field(
        default_factory=lambda: {"sessionAuthentication": None, "rfidSessionAuthentication": None}
    )
    """The config's authentication keys ("enabled", "disabled", or None before any write, as
    recorded in the field); a key left out is a charger without it."""
    slots: list[dict[str, Any]] = field(default_factory=default_slots)
    """The charger's schedules in the answer's shape (field-payloads/enphase/schedules.json)."""

    @property
    def schedules_enabled(self) -> bool:
        return any(slot["enabled"] for slot in self.slots)

    @schedules_enabled.setter
    def schedules_enabled(self, enabled: bool) -> None:
        self.slots[0]["enabled"] = enabled

    def session_energy(self, now: float) -> float:
        if self.charging_since is None:
            return self.energy_before
        return self.energy_before + self.level * VOLTS / 1000 * (now - self.charging_since) / 3600

    def delivered(self, now: float) -> float:
        """kWh the charger delivered since the simulation began: what really flowed."""
        return self.delivered_before + self.session_energy(now)


@dataclass
class CloudKnobs:
    """What the cloud does beyond the contract; the defaults follow the field notes' good day."""

    mfa_accounts: set[str] = field(default_factory=lambda: {MFA_EMAIL})
    login_json_refused: bool = False
    """`/login/login.json` answers 406: the form post must be used."""
    login_wall: bool = False
    """JSON endpoints answer 200 with the HTML sign-in page (#528) when they refuse a call."""
    login_wall_always: bool = False
    """Data endpoints answer the sign-in page even to a fresh token (the field's #528)."""
    session_cap: bool = False
    """Sign-in answers "too many active sessions" (#621)."""
    blocked: bool = False
    """The account is blocked (too many wrong codes or passwords)."""
    token_lifetime: float = TOKEN_LIFETIME
    session_lifetime: float = SESSION_LIFETIME
    summary_offered: bool = True
    """False: the summary answers 404, as on clouds without it."""
    site_search_offered: bool = True
    start_variants: set[int] = field(default_factory=lambda: {1, 5})
    """The start variants this backend accepts: by default the contract's, and the
    connector-only one for starts without a level."""
    stop_variants: set[int] = field(default_factory=lambda: {1})
    rejects_level: bool = False
    min_level: int = 6
    level_step: int = 1
    """The charger accepts `min_level` to MAX_LEVEL in these steps (coarse: 16); the summary
    states them, and any other level answers 500 "Invalid charge level"."""
    ignores_commands: bool = False
    """Start and stop answer "accepted" but the charger does not follow (the anchor's #717)."""
    config_offered: bool = True
    """False: the charger config answers without `DefaultChargeLevel` (no default level)."""
    schedules_rejected: bool = False
    config_cookie_only: bool = False
    """The charger config refuses calls with tokens (403) and answers the session cookie
    alone: the case the field's retry without tokens is for (enphase-cloud-more.md, §2)."""
    """Schedule writes answer 400, as for a schedule the cloud does not take."""
    """An IQ 40 backend: any charge level answers 500 "Invalid charge level" (#544)."""
    preference_empty: bool = False
    """The charge-mode preference comes back without a mode (#424)."""
    history_lag: float = 0.0
    """Seconds after a session ends before the history lists it (the cloud settling late)."""
    cost_lag: float = 0.0
    """Seconds after a session ends before its cost is calculated (null until then)."""
    scheduler_down: bool = False
    mode_write_400: str | None = None
    """A mode write answers 400 anyway: "lands" (the mode changes all the same) or "lost"."""
    smart_offered: bool = False
    supports_use_battery: bool = True
    status_shape: Literal["current", "legacy"] = "current"
    """The status answer's shape: the current envelope (`data.chargers[]`, what accounts get
    today) or the spec's legacy `evChargerData` (field-payloads/enphase/)."""
    firmware_offered: bool = True
    """False: fwDetails answers 404 (not available on this cloud)."""
    firmware_target: str = FIRMWARE
    """The version the cloud offers (another than FIRMWARE: an update is pending)."""
    history_offered: bool = True
    """False: the session history answers 550 (the service is down, as the field sees it)."""
    history_missing: bool = False
    """True: the session history answers 404 (an account without it)."""
    currency_offered: bool = True
    """False: the currency-conversion answer is a 404 (Home Assistant's currency is used)."""


@dataclass
class Session:
    """A signed-in Enlighten session (the `_enlighten_4_session` cookie)."""

    email: str
    expires: float


class EnphaseSimulator:
    """Serves the Enphase spec under any prefix."""

    key = "enphase"

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self.state = VendorState()
        self.charger = ChargerSimulation()
        self.knobs = CloudKnobs()
        self.sessions: dict[str, Session] = {PASTED_SESSION: Session(EMAIL, float("inf"))}
        self.tokens: dict[str, float] = {E_AUTH_TOKEN: float("inf")}
        """Access tokens and when they expire."""
        self.pending_mfa: dict[str, str] = {}
        """Sign-ins waiting for a code: nonce -> e-mail."""
        self.password = PASSWORD
        """The account's password (a test may change it, as its owner would)."""
        self.mfa_code = "000000"
        self.codes_sent = 0
        self.wrong_codes = 0
        self.logins = 0
        """Sign-ins that succeeded (the cloud's session count for the account)."""
        self.token_mints = 0
        self._status_reads = 0
        self._finished: list[dict[str, Any]] | None = None

    @property
    def finished(self) -> list[dict[str, Any]]:
        """Finished sessions as the history answers them, oldest first: the ten days before
        the simulator is first asked (by the clock the test has set by then)."""
        if self._finished is None:
            self._finished = self._past_sessions()
        return self._finished

    @finished.setter
    def finished(self, sessions: list[dict[str, Any]]) -> None:
        self._finished = sessions

    @property
    def summary_offered(self) -> bool:
        return self.knobs.summary_offered

    @summary_offered.setter
    def summary_offered(self, offered: bool) -> None:
        self.knobs.summary_offered = offered

    def start(self, level: int | None) -> None:
        now = self.clock.now()
        charger = self.charger
        if charger.session_start is None:
            charger.session_start = now
            charger.energy_before = 0.0
        if charger.charging:
            charger.energy_before = charger.session_energy(now)
        if level is not None:
            charger.level = level
        charger.charging = True
        charger.charging_since = now

    def stop(self) -> None:
        charger = self.charger
        charger.energy_before = charger.session_energy(self.clock.now())
        charger.charging = False
        charger.charging_since = None

    def plug_in(self) -> None:
        charger = self.charger
        if not charger.plugged_in:
            charger.plugged_in = True
            charger.plugged_in_at, charger.plugged_out_at = self.clock.now(), None

    def unplug(self) -> None:
        self.stop()
        charger = self.charger
        charger.plugged_in = False
        charger.override = False
        charger.plugged_out_at = self.clock.now()
        if charger.session_start is not None:
            self.finished.append(
                self.history_item(
                    charger.session_start,
                    charger.plugged_out_at - charger.session_start,
                    charger.energy_before,
                )
            )
        charger.delivered_before += charger.energy_before
        charger.session_start = None
        charger.energy_before = 0.0

    def _costed(self, item: dict[str, Any], now: float) -> dict[str, Any]:
        """The session as the history lists it `now`: its cost null until calculated."""
        if _moment(item["endTime"]).timestamp() + self.knobs.cost_lag <= now:
            return item
        return item | {
            "sessionCost": None,
            "costCalculated": False,
            "sessionCostState": "COST_PENDING",
        }

    def _past_sessions(self) -> list[dict[str, Any]]:
        """An evening session on each of the ten days before the simulation began."""
        day = math.floor(self.clock.now() / 86400) * 86400
        return [
            self.history_item(day - days * 86400 + 8 * 3600, 3 * 3600, 3 * VOLTS * 32 / 1000)
            for days in range(10, 0, -1)
        ]

    def history_item(self, start: float, seconds: float, kwh: float) -> dict[str, Any]:
        """One finished session in the history's shape (field-payloads/enphase/)."""
        session_id = int(start)
        return {
            "id": f"{SERIAL}:{session_id}",
            "sessionId": session_id,
            "startTime": _cloud_time(start),
            "endTime": _cloud_time(start + seconds),
            "aggEnergyValue": round(kwh, 3),
            "activeChargeTime": int(seconds),
            "milesAdded": round(kwh * MILES_PER_KWH, 1),
            "sessionCost": round(kwh * PRICE_PER_KWH, 2),
            "costCalculated": True,
            "avgCostPerUnitEnergy": PRICE_PER_KWH,
            "sessionCostState": "COST_CALCULATED",
        }

    def delivered(self) -> float:
        """kWh delivered so far (the ground truth the benchmark compares with)."""
        return self.charger.delivered(self.clock.now())

    def expire_tokens(self) -> None:
        """Every access token and session ends now (the pasted ones too)."""
        self.tokens.clear()
        self.sessions.clear()

    # -- bodies -----------------------------------------------------------------------------

    def status_body(self) -> dict[str, Any]:
        """The status in the shape the knobs choose (the current envelope by default)."""
        self._status_reads += 1
        if self.knobs.status_shape == "legacy":
            return self._legacy_status()
        return self._current_status()

    def _connector_status(self) -> str:
        charger = self.charger
        if charger.charging:
            return "CHARGING"
        return "SUSPENDED" if charger.plugged_in else "AVAILABLE"

    def _current_status(self) -> dict[str, Any]:
        """The current envelope as field-payloads/enphase/status-current-envelope.json has it:
        `e_c` in Wh, `strt_chrg` in ms, times as ISO ending in `[UTC]`, the connector's fields
        in `connectors[]`; `session_d` keeps the last session after the car is unplugged."""
        charger = self.charger
        now = self.clock.now()
        if charger.plugged_in and charger.plugged_in_at is None:
            charger.plugged_in_at = now - 3600  # plugged in an hour before the first read
        energy_kwh = charger.session_energy(now)
        start = None if charger.session_start is None else int(charger.session_start * 1000)
        green = charger.mode == "GREEN_CHARGING"
        status_mode = 1 if green and not charger.override else 0
        return {
            "meta": {"serverTimeStamp": int(now * 1000)},
            "data": {
                "site": SITE_ID,
                "tz": "Australia/Sydney",
                "chargers": [
                    {
                        "smartEV": {"hasToken": False, "hasEVDetails": False},
                        "evManufacturerName": "Example OEM",
                        "offGrid": "ON_GRID",
                        "sn": SERIAL,
                        "name": "Garage EV",
                        "lst_rpt_at": _cloud_time(now - 5),
                        "offlineAt": None,
                        "connected": True,
                        "auth_token": None,
                        "mode": status_mode,
                        "charging": charger.charging,
                        "pluggedIn": charger.plugged_in,
                        "faulted": False,
                        "commissioned": 1,
                        "isEVDetailsSet": True,
                        "sch_d": {
                            "status": 1 if green else 0,
                            "info": [{"type": "greencharging", "limit": 0}] if green else [],
                        },
                        "session_d": {
                            "plg_in_at": _cloud_time(charger.plugged_in_at),
                            "strt_chrg": start,
                            "plg_out_at": _cloud_time(charger.plugged_out_at),
                            "e_c": round(energy_kwh * 1000, 1),
                            "miles": round(energy_kwh * MILES_PER_KWH, 5),
                            "session_cost": round(energy_kwh * PRICE_PER_KWH, 2),
                            "auth_status": 4,
                            "auth_type": None,
                            "auth_id": None,
                            "charge_level": charger.level if charger.plugged_in else None,
                        },
                        "connectors": [
                            {
                                "connectorId": number,
                                "connectorStatusType": self._connector_status(),
                                "connectorStatusInfo": "",
                                "connectorStatusReason": "",
                                "safeLimitState": 0,
                                "dlbActive": False,
                                "pluggedIn": charger.plugged_in,
                            }
                            for number in range(1, charger.connectors + 1)
                        ],
                    }
                ],
            },
            "error": {},
        }

    def _legacy_status(self) -> dict[str, Any]:
        """The spec's flat shape: `e_c` in Wh, the start time in seconds or in milliseconds
        (alternating), and null between sessions."""
        charger = self.charger
        now = self.clock.now()
        start: float | None = None
        if charger.session_start is not None:
            in_ms = self._status_reads % 2 == 0
            start = int(charger.session_start * 1000) if in_ms else int(charger.session_start)
        energy_kwh = charger.session_energy(now)
        green = charger.mode == "GREEN_CHARGING"
        return {
            "evChargerData": [
                {
                    "sn": SERIAL,
                    "name": "Garage EV",
                    "connected": True,
                    "pluggedIn": charger.plugged_in,
                    "charging": charger.charging,
                    "faulted": False,
                    "connectorStatusType": self._connector_status(),
                    "chargingLevel": charger.level,
                    "mode": 1 if green and not charger.override else 0,
                    "session_d": {
                        "e_c": round(energy_kwh * 1000, 1),
                        "cost": round(energy_kwh * PRICE_PER_KWH, 2),
                        "sch_kwh": 0.0,
                        "start_time": start,
                    },
                    "sch_d": {
                        "enabled": charger.schedules_enabled,
                        "info": [{"type": "greencharging"}] if green else [],
                    },
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
                        "min": str(self.knobs.min_level),
                        "max": str(MAX_LEVEL),
                        "granularity": str(self.knobs.level_step),
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
                    "firmwareVersion": FIRMWARE,
                    "lastReportedAt": "2026-11-29T10:00:00Z[UTC]",
                    "supportsUseBattery": self.knobs.supports_use_battery,
                    "isConnected": True,
                    "status": "NORMAL",
                    "networkConfig": "ipaddr=192.168.1.50,mac_addr=00:1D:C0:11:22:33",
                }
            ],
            "error": {},
        }

    def preference_body(self) -> dict[str, Any]:
        modes = {
            MODE_KEYS[mode]: {"chargingMode": mode, "enabled": self.charger.mode == mode}
            for mode in MODES
            if mode != "SMART_CHARGING" or self.knobs.smart_offered
        }
        if self.knobs.preference_empty:
            modes = {}
        return {
            "data": {
                "config": {"modeSyncStatus": "synced", "isModeCancellable": True},
                "modes": modes,
            }
        }

    def flow_inputs(self, base_url: str) -> list[dict[str, Any]]:
        """What a user types in the config flow to add this simulated account."""
        return [
            {"next_step_id": "enphase"},
            {"email": EMAIL, "password": PASSWORD, "advanced": {"base_url": base_url}},
        ]

    def known_states(self) -> dict[str, str]:
        """States Home Assistant shows right after adding this account ("*": any)."""
        return {
            "binary_sensor.garage_ev_plug": "on",
            "switch.garage_ev_charging": "off",
            "sensor.garage_ev_connector_status": "suspended",
            "sensor.garage_ev_charged_energy": "*",
            "select.garage_ev_charge_mode": "manual",
        }

    # -- the application ----------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(middlewares=[fault_middleware(self.state), self._auth_middleware])
        base = "/service/evse_controller"
        scheduler = "/service/evse_scheduler/api/v1/iqevc/charging-mode"
        routes = [
            *control_routes(self.state),
            web.post("/_sim/plug", self._sim_plug),
            web.get("/_sim/mfa_code", self._sim_mfa_code),
            web.post("/login/login.json", self._login_json),
            web.post("/login/login", self._login_form),
            web.get("/web/dashboard", self._dashboard),
            web.post("/app-api/validate_login_otp", self._validate_otp),
            web.post("/app-api/generate_mfa_login_otp", self._resend_otp),
            web.get("/users/self/token", self._mint_token),
            web.get("/app-api/search_sites.json", self._search_sites),
            web.get("/app-api/{site}/get_currency_conversion.json", self._currency),
            web.get(f"{base}/sites", self._sites),
            web.get("/service/evse_management/fwDetails/{site}", self._firmware),
            web.post(
                "/service/enho_historical_events_ms/{site}/sessions/{sn}/history", self._history
            ),
            web.get(f"{base}/{{site}}/ev_chargers/status", self._status),
            web.get(f"{base}/api/v2/{{site}}/ev_chargers/summary", self._summary),
            web.get(f"{base}/{{site}}/ev_chargers/start_live_stream", self._live_start),
            web.get(f"{base}/{{site}}/ev_chargers/stop_live_stream", self._live_stop),
            web.post(f"{base}/{{site}}/ev_charger/{{sn}}/trigger_message", self._trigger),
            web.get(f"{scheduler}/{{site}}/{{sn}}/preference", self._preference),
            web.put(f"{scheduler}/{{site}}/{{sn}}/preference", self._set_preference),
            web.get(f"{scheduler}/GREEN_CHARGING/{{site}}/{{sn}}/settings", self._green),
            web.put(f"{scheduler}/GREEN_CHARGING/{{site}}/{{sn}}/settings", self._set_green),
            web.post(f"{base}/api/v1/{{site}}/ev_chargers/{{sn}}/ev_charger_config", self._config),
            web.put(f"{base}/api/v1/{{site}}/ev_chargers/{{sn}}/ev_charger_config", self._config),
            web.get(f"{scheduler}/SCHEDULED_CHARGING/{{site}}/{{sn}}/schedules", self._schedules),
            web.patch(
                f"{scheduler}/SCHEDULED_CHARGING/{{site}}/{{sn}}/schedules", self._write_schedules
            ),
            web.post(
                f"{scheduler}/SCHEDULED_CHARGING/{{site}}/{{sn}}/schedule", self._add_schedule
            ),
            web.delete(
                f"{scheduler}/SCHEDULED_CHARGING/{{site}}/{{sn}}/schedule/{{slot}}",
                self._delete_schedule,
            ),
        ]
        for method, path, _ in START_VARIANTS.values():
            route = path.format(site="{site}", sn="{sn}") + "/start_charging"
            routes.append(web.route(method, route, self._start))
        for number, (method, path) in STOP_VARIANTS.items():
            route = path.format(site="{site}", sn="{sn}") + "/stop_charging"
            routes.append(web.route(method, route, self._stop_handler(number)))
        app.router.add_routes(_unique_routes(routes))
        return app

    # -- authentication -----------------------------------------------------------------------

    @web.middleware
    async def _auth_middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Data calls need a live session cookie, a live access token and a browser; control
        and scheduler calls a Bearer token too; writes the XSRF header."""
        path = request.path
        if "/_sim/" in path or "/login/" in path or "_login_otp" in path or "/web/" in path:
            return await handler(request)
        if "Mozilla/" not in request.headers.get("User-Agent", ""):
            return web.json_response({"message": "Not Acceptable"}, status=406)
        now = self.clock.now()
        session = self.sessions.get(request.cookies.get("_enlighten_4_session", ""))
        if session is None or session.expires <= now:
            return self._refused()
        if path.endswith("/users/self/token"):
            return await handler(request)
        if self.knobs.login_wall_always:
            return web.Response(text=LOGIN_WALL, content_type="text/html")
        if "ev_charger_config" in path and self.knobs.config_cookie_only:
            if "Authorization" in request.headers or "e-auth-token" in request.headers:
                return web.json_response({"message": "Forbidden"}, status=403)
            return await handler(request)
        token = request.headers.get("e-auth-token", "")
        if self.tokens.get(token, 0) <= now:
            return self._refused()
        needs_bearer = (
            "/evse_scheduler/" in path or path.endswith("_charging") or "search_sites" in path
        )
        if needs_bearer and not self._valid_bearer(request, now):
            return web.json_response({"message": "Bearer token required"}, status=401)
        if request.method != "GET":
            xsrf = request.cookies.get("XSRF-TOKEN")
            if xsrf is not None and request.headers.get("X-CSRF-Token") != xsrf:
                return web.json_response({"message": "Invalid CSRF token"}, status=403)
        return await handler(request)

    def _valid_bearer(self, request: web.Request, now: float) -> bool:
        bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
        manager = request.cookies.get("enlighten_manager_token_production")
        return bearer == manager or self.tokens.get(bearer, 0) > now

    def _refused(self) -> web.Response:
        if self.knobs.login_wall:
            return web.Response(text=LOGIN_WALL, content_type="text/html")
        return web.json_response({"message": "Unauthorized"}, status=401)

    def _signed_in(self, email: str, body: dict[str, Any]) -> web.Response:
        """A finished sign-in: a new session and its cookies."""
        self.logins += 1
        session_id = secrets.token_hex(8)
        self.sessions[session_id] = Session(email, self.clock.now() + self.knobs.session_lifetime)
        manager = f"sim-manager-{session_id}"
        response = web.json_response(
            {
                **body,
                "message": "success",
                "session_id": session_id,
                "manager_token": manager,
                "is_consumer": True,
            }
        )
        response.set_cookie("_enlighten_4_session", session_id)
        response.set_cookie("enlighten_manager_token_production", manager)
        response.set_cookie("XSRF-TOKEN", f"xsrf-{session_id}")
        response.set_cookie("appVersion", "3.4.0")
        response.set_cookie("login_otp_nonce", secrets.token_hex(8))  # every sign-in sets it
        return response

    async def _sign_in(self, request: web.Request) -> web.Response:
        form = await request.post()
        email = str(form.get("user[email]", ""))
        if self.knobs.session_cap:
            return web.json_response(
                {"message": "You have too many active sessions. Sign out of other sessions."},
                status=200,
            )
        if self.knobs.blocked:
            return web.json_response({"success": False, "isBlocked": True})
        if email not in (EMAIL, MFA_EMAIL) or form.get("user[password]") != self.password:
            return web.json_response({"success": False, "message": "Invalid"}, status=401)
        if email in self.knobs.mfa_accounts:
            nonce = secrets.token_hex(8)
            self.pending_mfa[nonce] = email
            response = web.json_response({"success": True, "isBlocked": False})
            response.set_cookie("login_otp_nonce", nonce)
            response.set_cookie("XSRF-TOKEN", f"xsrf-{nonce}")
            return response
        return self._signed_in(email, {})

    async def _login_json(self, request: web.Request) -> web.Response:
        if self.knobs.login_json_refused:
            return web.json_response({"message": "Not Acceptable"}, status=406)
        return await self._sign_in(request)

    async def _login_form(self, request: web.Request) -> web.Response:
        """The HTML form: a redirect to the dashboard that sets the cookies on the way."""
        response = await self._sign_in(request)
        if response.status != 200:
            return response
        target = request.path.replace("/login/login", "/web/dashboard")
        redirect = web.Response(status=302, headers={"Location": target})
        for name, morsel in response.cookies.items():
            redirect.set_cookie(name, morsel.value)
        return redirect

    async def _dashboard(self, request: web.Request) -> web.Response:
        return web.Response(text="<html><body>Enlighten</body></html>", content_type="text/html")

    def _pending(self, request: web.Request) -> str | None:
        nonce = request.cookies.get("login_otp_nonce", "")
        if request.headers.get("X-CSRF-Token") != request.cookies.get("XSRF-TOKEN"):
            return None
        return self.pending_mfa.get(nonce)

    async def _validate_otp(self, request: web.Request) -> web.Response:
        form = await request.post()
        email = self._pending(request)
        if self.knobs.blocked or self.wrong_codes >= 5:
            return web.json_response({"isValid": False, "isBlocked": True}, status=429)
        sent_email = base64.b64decode(str(form.get("email", ""))).decode()
        code = base64.b64decode(str(form.get("otp", ""))).decode()
        if email is None or sent_email != email or code != self.mfa_code:
            self.wrong_codes += 1
            return web.json_response({"isValid": False, "isBlocked": False})
        self.wrong_codes = 0
        self.pending_mfa.pop(request.cookies["login_otp_nonce"])
        return self._signed_in(email, {"isValidMobileNumber": True})

    async def _resend_otp(self, request: web.Request) -> web.Response:
        email = self._pending(request)
        if email is None:
            return web.json_response({"success": False}, status=401)
        self.codes_sent += 1
        self.mfa_code = f"{secrets.randbelow(1_000_000):06d}"
        nonce = secrets.token_hex(8)
        self.pending_mfa[nonce] = self.pending_mfa.pop(request.cookies["login_otp_nonce"])
        response = web.json_response({"success": True, "isBlocked": False})
        response.set_cookie("login_otp_nonce", nonce)
        return response

    async def _mint_token(self, request: web.Request) -> web.Response:
        """A new access token; the session cookie rotates (the old one ends)."""
        self.token_mints += 1
        now = self.clock.now()
        token = f"sim-access-{secrets.token_hex(8)}"
        self.tokens[token] = now + self.knobs.token_lifetime
        response = web.json_response({"token": token, "expires_at": int(self.tokens[token])})
        old = request.cookies["_enlighten_4_session"]
        if old != PASTED_SESSION:
            rotated = secrets.token_hex(8)
            self.sessions[rotated] = self.sessions.pop(old)
            response.set_cookie("_enlighten_4_session", rotated)
        return response

    # -- reads ----------------------------------------------------------------------------------

    async def _sim_plug(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("plugged_in", True):
            self.plug_in()
        else:
            self.unplug()
        return web.json_response({"plugged_in": self.charger.plugged_in})

    async def _sim_mfa_code(self, request: web.Request) -> web.Response:
        """The last code "sent to the phone" (for the end-to-end run)."""
        return web.json_response({"code": self.mfa_code, "sent": self.codes_sent})

    def sites_body(self) -> Any:
        return {"sites": [{"site_id": int(SITE_ID), "name": "Home"}]}

    async def _search_sites(self, request: web.Request) -> web.Response:
        if not self.knobs.site_search_offered:
            return web.json_response({"message": "Not found"}, status=404)
        body = self.sites_body()
        listed = body.get("sites", []) if isinstance(body, dict) else body
        found = [
            {
                "id": site.get("site_id"),
                "title": site.get("name"),
                "path": f"/web/{site.get('site_id')}?v=3.4.0",
                "favourite": False,
            }
            for site in listed
            if isinstance(site, dict)
        ]
        return web.json_response({"sites": found})

    async def _sites(self, request: web.Request) -> web.Response:
        return web.json_response(self.sites_body())

    def _known(self, request: web.Request) -> bool:
        sn = request.match_info.get("sn", SERIAL)
        return request.match_info["site"] == SITE_ID and sn == SERIAL

    async def _status(self, request: web.Request) -> web.Response:
        if not self._known(request):
            return web.json_response({"message": "Not found"}, status=404)
        return web.json_response(self.status_body())

    async def _currency(self, request: web.Request) -> web.Response:
        if not self._known(request) or not self.knobs.currency_offered:
            return web.json_response({"message": "Not found"}, status=404)
        conversion = {
            "show_currency_conversion": True,
            "value_per_kwh": str(PRICE_PER_KWH),
            "currency_unit": CURRENCY,
            "currency_symbol": "$",
        }
        return web.json_response({"site_id": int(SITE_ID), "currency_conversion": conversion})

    async def _firmware(self, request: web.Request) -> web.Response:
        """A bare array, as the field recorded it."""
        if not self._known(request) or not self.knobs.firmware_offered:
            return web.json_response({"message": "Not found"}, status=404)
        return web.json_response(
            [
                {
                    "serialNumber": SERIAL,
                    "siteId": int(SITE_ID),
                    "upgradeStatus": 5,
                    "currentFwVersion": FIRMWARE,
                    "targetFwVersion": self.knobs.firmware_target,
                    "lastSuccessfulUpgradeDate": "2025-12-08T22:41:46.568837098Z[UTC]",
                    "lastUpdatedAt": "2025-12-08T15:52:59.806385175Z[UTC]",
                    "statusDetail": None,
                    "isAutoOta": False,
                }
            ]
        )

    async def _history(self, request: web.Request) -> web.Response:
        """Finished sessions that started on the asked local days, newest first, by page; it
        wants the history headers (a Bearer and a request id)."""
        if not self._known(request) or request.match_info["sn"] != SERIAL:
            return web.json_response({"message": "Not found"}, status=404)
        if not self.knobs.history_offered:
            return web.json_response({"message": "Service unavailable"}, status=550)
        if self.knobs.history_missing:
            return web.json_response({"message": "Not found"}, status=404)
        if not request.headers.get("requestid") or not request.headers.get("Authorization"):
            return web.json_response({"message": "Bad request"}, status=400)
        params = (await request.json()).get("params", {})
        try:
            zone = ZoneInfo(params.get("timezone") or "UTC")
            first = datetime.strptime(params["startDate"], "%d-%m-%Y").date()
            last = datetime.strptime(params["endDate"], "%d-%m-%Y").date()
            offset, limit = int(params.get("offset", 0)), int(params.get("limit", 20))
        except KeyError, ValueError:
            return web.json_response({"message": "Bad request"}, status=400)
        now = self.clock.now()
        matching = [
            self._costed(item, now)
            for item in reversed(self.finished)
            if first <= _moment(item["startTime"]).astimezone(zone).date() <= last
            and _moment(item["endTime"]).timestamp() + self.knobs.history_lag <= now
        ]
        page = matching[offset : offset + limit]
        return web.json_response(
            {
                "source": "evse",
                "data": {
                    "result": page,
                    "hasMore": offset + limit < len(matching),
                    "offset": offset,
                    "limit": limit,
                },
            }
        )

    async def _summary(self, request: web.Request) -> web.Response:
        if not self._known(request) or not self.knobs.summary_offered:
            return web.json_response({"message": "Not found"}, status=404)
        return web.json_response(self.summary_body())

    async def _live_start(self, request: web.Request) -> web.Response:
        topic = f"v1/evse/prod/live-stream/{SERIAL}"
        return web.json_response(
            {"data": {"liveStreamTopicList": [topic], "liveStreamDuration": 900}}
        )

    async def _live_stop(self, request: web.Request) -> web.Response:
        return web.json_response({"data": None})

    async def _accepted(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "accepted"})

    async def _trigger(self, request: web.Request) -> web.Response:
        """The OCPP messages the field knows are accepted (field-payloads/enphase/
        trigger-message.json); another answers 400."""
        message = (await request.json()).get("requestedMessage")
        if message not in OCPP_MESSAGES:
            return web.json_response({"message": f"Unknown message {message}"}, status=400)
        details = {"initiatedAt": _cloud_time(self.clock.now()), "trackingId": "TICKET-SIM"}
        return web.json_response({"status": "accepted", "message": message, "details": details})

    # -- charge mode and green battery ------------------------------------------------------------

    def _scheduler_refusal(self, request: web.Request) -> web.Response | None:
        if self.knobs.scheduler_down:
            return web.json_response({"message": "Service Unavailable"}, status=503)
        if not self._known(request):
            return web.json_response({"message": "Not found"}, status=404)
        return None

    async def _preference(self, request: web.Request) -> web.Response:
        return self._scheduler_refusal(request) or web.json_response(self.preference_body())

    async def _set_preference(self, request: web.Request) -> web.Response:
        refusal = self._scheduler_refusal(request)
        if refusal is not None:
            return refusal
        mode = (await request.json()).get("mode")
        if self.knobs.mode_write_400 is not None:
            if self.knobs.mode_write_400 == "lands":
                self.charger.mode = mode
            return web.json_response({"error": {"displayMessage": "Try again"}}, status=400)
        offered = MODES if self.knobs.smart_offered else MODES[:3]
        if mode not in offered:
            return web.json_response({"error": {"displayMessage": "Invalid mode"}}, status=400)
        if mode == "SCHEDULED_CHARGING" and not self.charger.schedules_enabled:
            error = {
                "errorMessageCode": "iqevc_sch_10031",
                "displayMessage": "Scheduled charging: No Schedules enabled",
            }
            return web.json_response({"error": error}, status=400)
        self.charger.mode = mode
        self.charger.override = False
        return web.json_response({"data": {"mode": mode}})

    async def _green(self, request: web.Request) -> web.Response:
        refusal = self._scheduler_refusal(request)
        if refusal is not None:
            return refusal
        setting = {
            "chargerSettingName": "USE_BATTERY_FOR_SELF_CONSUMPTION",
            "enabled": self.charger.use_battery,
            "value": None,
        }
        return web.json_response({"data": [setting]})

    async def _set_green(self, request: web.Request) -> web.Response:
        refusal = self._scheduler_refusal(request)
        if refusal is not None:
            return refusal
        body = await request.json()
        for setting in body.get("chargerSettingList", []):
            if setting.get("chargerSettingName") == "USE_BATTERY_FOR_SELF_CONSUMPTION":
                self.charger.use_battery = bool(setting.get("enabled"))
        return web.json_response({"data": None})

    # -- charger config and schedules ---------------------------------------------------------

    def _accepted_level(self, level: int) -> bool:
        knobs = self.knobs
        return (
            knobs.min_level <= level <= MAX_LEVEL
            and (level - knobs.min_level) % (knobs.level_step) == 0
        )

    async def _config(self, request: web.Request) -> web.Response:
        """Reads (POST) and writes (PUT) config keys; the default level, the authentications
        and the phase switch are known."""
        if not self._known(request):
            return web.json_response({"message": "Not found"}, status=404)
        items = await request.json()
        if not isinstance(items, list):
            return web.json_response({"error": {"displayMessage": "Bad request"}}, status=400)
        known: dict[str, str | None] = {
            "phase_switch_config": "auto",
            **self.charger.authentication,
        }
        if self.knobs.config_offered:
            level = self.charger.default_level
            known["DefaultChargeLevel"] = None if level is None else str(level)
        answer = []
        for item in items:
            key = item.get("key")
            if key not in known:
                continue
            if request.method == "PUT" and key == "DefaultChargeLevel":
                level = int(item["value"])
                if not self._accepted_level(level):
                    error = {"displayMessage": "Invalid charge level"}
                    return web.json_response({"error": error}, status=400)
                self.charger.default_level = level
                known[key] = str(level)
            elif request.method == "PUT" and key in self.charger.authentication:
                if item.get("value") not in ("enabled", "disabled"):
                    error = {"displayMessage": "Invalid value"}
                    return web.json_response({"error": error}, status=400)
                self.charger.authentication[key] = known[key] = item["value"]
            status = 2 if request.method == "PUT" else 1
            answer.append({"key": key, "value": known[key], "reqValue": None, "status": status})
        meta = {"serverTimeStamp": int(self.clock.now() * 1000), "rowCount": len(answer)}
        return web.json_response({"meta": meta, "data": answer, "error": {}})

    async def _schedules(self, request: web.Request) -> web.Response:
        refusal = self._scheduler_refusal(request)
        if refusal is not None:
            return refusal
        config = {"isOffPeakEligible": True, "scheduleSyncStatus": "synced"}
        stamp = _cloud_time(self.clock.now())
        return web.json_response(
            {
                "meta": {"serverTimeStamp": stamp},
                "data": {"config": config, "slots": self.charger.slots},
                "error": {},
            }
        )

    async def _write_schedules(self, request: web.Request) -> web.Response:
        """Every slot (a slot left out is deleted), or states only (`{id: "ENABLED"}`)."""
        refusal = self._scheduler_refusal(request)
        if refusal is not None:
            return refusal
        body = await request.json()
        bad = {"error": {"displayMessage": "Schedule not saved"}}
        if self.knobs.schedules_rejected:
            return web.json_response(bad, status=400)
        if isinstance(body, dict) and isinstance(body.get("data"), list):
            slots = body["data"]
            if not all(_slot_valid(slot) for slot in slots):
                return web.json_response(bad, status=400)
            self.charger.slots = slots
        elif isinstance(body, dict):
            for slot in self.charger.slots:
                if slot["id"] in body:
                    slot["enabled"] = body[slot["id"]] == "ENABLED"
        else:
            return web.json_response(bad, status=400)
        return web.json_response({"data": None})

    async def _add_schedule(self, request: web.Request) -> web.Response:
        """One new slot (POST schedule); it gets an id as the field's are shaped."""
        refusal = self._scheduler_refusal(request)
        if refusal is not None:
            return refusal
        slot = await request.json()
        if self.knobs.schedules_rejected or not isinstance(slot, dict) or not _slot_valid(slot):
            return web.json_response(
                {"error": {"displayMessage": "Schedule not saved"}}, status=400
            )
        slot = {**slot, "id": f"{SITE_ID}:{SERIAL}:{secrets.token_hex(2)}"}
        self.charger.slots.append(slot)
        return web.json_response({"data": slot})

    async def _delete_schedule(self, request: web.Request) -> web.Response:
        refusal = self._scheduler_refusal(request)
        if refusal is not None:
            return refusal
        slot_id = request.match_info["slot"]
        kept = [slot for slot in self.charger.slots if slot.get("id") != slot_id]
        if len(kept) == len(self.charger.slots):
            return web.json_response({"error": {"displayMessage": "Not found"}}, status=404)
        self.charger.slots = kept
        return web.json_response({"data": None})

    # -- start and stop variants ------------------------------------------------------------------

    def _stop_handler(self, number: int) -> Handler:
        async def handler(request: web.Request) -> web.StreamResponse:
            return await self._stop(request, number)

        return handler

    async def _start(self, request: web.Request) -> web.Response:
        """Only the accepted variants work; the others answer as a routing miss would."""
        text = await request.text()
        body = json.loads(text) if text else {}
        level_value = body.get("chargingLevel", body.get("charging_level"))
        variant = _start_variant_of(request, body)
        if variant not in self.knobs.start_variants or not self._known(request):
            return web.json_response({"message": "No static resource"}, status=404)
        if not self.charger.plugged_in:
            return web.json_response({"message": "iqevc_ms-10008 EV not plugged"}, status=400)
        connector = body.get("connectorId", body.get("connector_id", 1))
        if not 1 <= int(connector) <= self.charger.connectors:
            return web.json_response({"message": "Invalid connector"}, status=400)
        level = None if level_value is None else int(level_value)
        if level is not None and (self.knobs.rejects_level or not self._accepted_level(level)):
            return web.json_response({"message": "Invalid charge level"}, status=500)
        if self.knobs.ignores_commands:
            return web.json_response({"status": "accepted", "chargingLevel": level})
        if self.charger.charging and level in (None, self.charger.level):
            error = {"message": "iqevc_ms-10012 already in charging state"}
            return web.json_response(error, status=400)
        if level is not None and self.charger.mode == "GREEN_CHARGING":
            self.charger.mode = "MANUAL_CHARGING"  # amps override Green at once (#165)
        if self.charger.mode == "GREEN_CHARGING":
            self.charger.override = True  # a start in Green overrides it till plug-out (#640)
        self.start(level)
        return web.json_response({"status": "accepted", "chargingLevel": self.charger.level})

    async def _stop(self, request: web.Request, number: int) -> web.Response:
        if number not in self.knobs.stop_variants or not self._known(request):
            return web.json_response({"message": "No static resource"}, status=404)
        if not self.charger.charging:
            return web.json_response({"message": "No active session"}, status=400)
        if self.knobs.ignores_commands:
            return web.json_response({"status": "accepted"})
        if self.charger.mode == "GREEN_CHARGING":
            self.charger.override = True  # a stop in Green overrides it till plug-out (#640)
        self.stop()
        return web.json_response({"status": "accepted"})


def _slot_valid(slot: Any) -> bool:
    """The cloud refuses a slot whose window is empty or that runs on no day."""
    if not isinstance(slot, dict):
        return False
    if slot.get("startTime") and slot["startTime"] == slot.get("endTime"):
        return False
    return not (isinstance(slot.get("days"), list) and not slot["days"])


def _start_variant_of(request: web.Request, body: dict[str, Any]) -> int:
    """Which numbered variant a start request is."""
    singular = "/ev_charger/" in request.path
    for number, (method, path, shape) in START_VARIANTS.items():
        if method != request.method or (path == SINGULAR) != singular:
            continue
        if shape == "chargingLevel" and "connectorId" in body and "chargingLevel" in body:
            return number
        if shape == "charging_level" and "charging_level" in body:
            return number
        if shape == "connectorId" and list(body) == ["connectorId"]:
            return number
        if shape is None and not body:
            return number
        if shape == "levelOnly" and list(body) == ["chargingLevel"]:
            return number
    return 0


def _unique_routes(routes: list[web.RouteDef]) -> list[web.RouteDef]:
    """Each method and path once (several variants share one route)."""
    seen: set[tuple[str, str]] = set()
    unique = []
    for route in routes:
        if (route.method, route.path) not in seen:
            seen.add((route.method, route.path))
            unique.append(route)
    return unique


def _cloud_time(moment: float | None) -> str | None:
    """A moment as the current shape writes it: ISO with milliseconds, ending in `Z[UTC]`."""
    if moment is None:
        return None
    text = datetime.fromtimestamp(moment, UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z[UTC]")


def charger_list(body: Any) -> list[dict[str, Any]]:
    """The chargers of a status answer in either shape (for tests that rewrite one)."""
    if "evChargerData" in body:
        chargers: list[dict[str, Any]] = body["evChargerData"]
        return chargers
    chargers = body["data"]["chargers"]
    return chargers


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.removesuffix("[UTC]").replace("Z", "+00:00"))
