"""A simulated SolCentre API: two apartments of one SolShare building under a daily solar curve.

Energy is a pure function of time (the ground truth), and the windows answer as in the field
(FIELD-NOTES.md): a window of an hour or less gives 5-minute buckets, which live 48 hours; a
longer window gives hourly rows, but answers `[]` when it touches the last 48 hours; an interval
appears a minute after it ends and the current hour is partial. Some hours never get their
5-minute rows (they show up only in the hourly roll-up, once older than 48 hours).
`solarConsumed` is slightly negative in some night hours.
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from .clock import Clock
from .faults import Handler, VendorState, control_routes, fault_middleware

EMAIL = "resident@example.com"
PASSWORD = "sim-allume-password"
USER_ID = "6f1c2a9e-user"
PROJECT_ID = "proj-42"
METER_ID = "meter-9"
TOKEN_LIFETIME = 14 * 86400
BUCKET = 300
LANDING = 60
FIVE_MINUTE_RETENTION = 48 * 3600
LATE_HOUR_PERIOD = 53
"""One hour in this many (by its Unix hour number) has no 5-minute rows."""
UNITS = 8
"""Apartments on the building's SolShare (the account sees the first PROPERTIES of them)."""
PEAK_KW = 12.0
UTC_OFFSET = 10 * 3600
"""The curve follows Sydney standard time."""


@dataclass(frozen=True)
class SimProperty:
    property_id: str
    unit: str
    nmi: str
    index: int


PROPERTIES = (
    SimProperty("prop-unit-4", "Unit 4", "4103000001", 0),
    SimProperty("prop-unit-7", "Unit 7", "4103000002", 1),
)
STREET = "12 Example Street, Marrickville NSW 2204"


def _solar_kw(t: float) -> float:
    hour = ((t + UTC_OFFSET) % 86400) / 3600
    if not 6 < hour < 19:
        return 0.0
    return PEAK_KW * math.sin(math.pi * (hour - 6) / 13)


def _demand_kw(t: float, index: int) -> float:
    hour = ((t + UTC_OFFSET) % 86400) / 3600
    kw = 0.3
    if 7 <= hour < 9:
        kw += 0.8
    if 17 <= hour < 22:
        kw += 1.2
    return kw * (1 + 0.1 * index)


def bucket(t: int, index: int) -> dict[str, float]:
    """The energy of one unit in the 5-minute bucket starting at t (kWh, kg)."""
    hours = BUCKET / 3600
    delivered = _solar_kw(t) / UNITS * hours
    demand = _demand_kw(t, index) * hours
    consumed = min(demand, delivered)
    if delivered == 0 and (t // 3600) % 7 == 0:
        consumed = -0.002  # the API's negative quirk
    return {
        "energyDemand": demand,
        "solarConsumed": consumed,
        "solarDelivered": delivered,
        "solarExported": max(0.0, delivered - max(consumed, 0.0)),
        "emissionReduced": max(consumed, 0.0) * 0.79,
    }


def _iso(t: int) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@dataclass
class Account:
    password: str = PASSWORD
    properties: int = len(PROPERTIES)
    tokens: dict[str, float] = field(default_factory=dict)
    """Issued token -> expiry."""


class AllumeSimulator:
    """Serves the SolCentre spec under any prefix."""

    key = "allume"

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self.state = VendorState()
        self.account = Account()
        self.project_status = 200
        self.meter_status = 200
        self.hidden_hours: set[int] = set()
        """Hour starts (Unix seconds) the API leaves out, as if not landed."""
        self.failing_windows: set[int] = set()
        """Window starts (Unix seconds) answered with a 503, as a request that fails."""
        self.late_hour_period: int | None = LATE_HOUR_PERIOD
        """Hours whose number is a multiple of this have no 5-minute rows; None: every hour has."""
        self._issued = 0

    # What the API holds, for tests to compare with.
    def rows(self, units: list[int], start: int, end: int) -> list[dict[str, Any]]:
        """Snapshot rows of the summed units for [start, end), as the field answers them."""
        now = int(self.clock.now())
        landed = now - LANDING
        retained = now - FIVE_MINUTE_RETENTION
        if end - start > 3600 and end > retained:
            return []  # a long window over the last 48 hours answers nothing, silently
        first = -(-start // BUCKET) * BUCKET
        buckets = [
            t
            for t in range(first, end, BUCKET)
            if t + BUCKET <= landed and (t // 3600) * 3600 not in self.hidden_hours
        ]
        if end - start <= 3600:
            # An hour's 5-minute rows are rolled up, all together, once it is 48 hours old.
            rolled_up = [t for t in buckets if (t // 3600) * 3600 + 3600 <= retained]
            five_minute = [t for t in buckets if t not in rolled_up and not self.is_late(t)]
            return [self._row(t, t + BUCKET, [t], units) for t in five_minute] + self._hourly(
                rolled_up, units
            )
        return self._hourly(buckets, units)

    def is_late(self, t: int) -> bool:
        """The hour of t has no 5-minute rows."""
        return self.late_hour_period is not None and (t // 3600) % self.late_hour_period == 0

    def _hourly(self, buckets: list[int], units: list[int]) -> list[dict[str, Any]]:
        by_hour: dict[int, list[int]] = {}
        for t in buckets:
            by_hour.setdefault(t // 3600 * 3600, []).append(t)
        return [self._row(h, h + 3600, ts, units) for h, ts in sorted(by_hour.items())]

    def hour_energy(self, units: list[int], hour_start: int) -> dict[str, float]:
        """The ground truth: what really flowed in a whole hour (unrounded).

        The API's slightly negative `solarConsumed` is a reporting quirk: no solar flowed.
        """
        total: dict[str, float] = {}
        for t in range(hour_start, hour_start + 3600, BUCKET):
            for index in units:
                for key, value in bucket(t, index).items():
                    total[key] = total.get(key, 0.0) + max(value, 0.0)
        return total

    def _row(self, start: int, end: int, buckets: list[int], units: list[int]) -> dict[str, Any]:
        total: dict[str, float] = {}
        for t in buckets:
            for index in units:
                for key, value in bucket(t, index).items():
                    total[key] = total.get(key, 0.0) + value
        return {
            "startAt": _iso(start),
            "endAt": _iso(end),
            **{key: round(value, 6) for key, value in total.items()},
            "emissionReducedUnit": "kg",
        }

    def issue_token(self, lifetime: float = TOKEN_LIFETIME) -> str:
        now = self.clock.now()
        self._issued += 1
        header = _b64({"alg": "HS256", "typ": "JWT"})
        claims = {"sub": USER_ID, "iat": int(now), "exp": int(now + lifetime), "n": self._issued}
        token = f"{header}.{_b64(claims)}.sim-signature"
        self.account.tokens[token] = now + lifetime
        return token

    def revoke_tokens(self) -> None:
        """Every issued token is refused from now on (a server-side logout)."""
        self.account.tokens.clear()

    def visible_properties(self) -> list[SimProperty]:
        return list(PROPERTIES[: self.account.properties])

    def flow_inputs(self, base_url: str) -> list[dict[str, Any]]:
        """What a user types in the config flow to add this simulated account."""
        return [
            {"next_step_id": "allume"},
            {
                "email": EMAIL,
                "password": PASSWORD,
                "history_days": 7,
                "advanced": {"base_url": base_url},
            },
        ]

    def known_states(self) -> dict[str, str]:
        """States Home Assistant shows right after adding this account ("*": any)."""
        unit = "sensor.unit_4_12_example_street_marrickville_nsw_2204"
        return {
            f"{unit}_energy_demand_today": "*",
            f"{unit}_grid_import_today": "*",
            "sensor.solshare_12_example_street_marrickville_nsw_2204_solar_delivered_today": "*",
        }

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._auth_middleware, fault_middleware(self.state)])
        app.add_routes(
            [
                *control_routes(self.state),
                web.post("/auth/customer-login", self._login),
                web.get("/consumers/me/properties", self._properties),
                web.get("/properties/{id}/snapshots", self._property_snapshots),
                web.get("/projects/{id}/snapshots", self._project_snapshots),
                web.get("/meters/{id}/snapshots", self._meter_snapshots),
            ]
        )
        return app

    @web.middleware
    async def _auth_middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if "/_sim/" in request.path or request.path.endswith("/auth/customer-login"):
            return await handler(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        expiry = self.account.tokens.get(token)
        if expiry is None or self.clock.now() >= expiry:
            return web.json_response({"statusCode": 401, "message": "Unauthorized"}, status=401)
        return await handler(request)

    async def _login(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"message": "Bad request"}, status=400)
        if body.get("email") != EMAIL or body.get("password") != self.account.password:
            return web.json_response(
                {"statusCode": 401, "message": "Invalid email or password"}, status=401
            )
        user = {
            "id": USER_ID,
            "email": EMAIL,
            "firstName": "Sam",
            "lastName": "Resident",
            "role": "Consumer",
            "activated": True,
        }
        return web.json_response({"accessToken": self.issue_token(), "user": user}, status=201)

    async def _properties(self, request: web.Request) -> web.Response:
        properties = [
            {
                "id": prop.property_id,
                "meterId": METER_ID,
                "projectId": PROJECT_ID,
                "siteId": "site-3",
                "consumerId": "consumer-1",
                "address1": prop.unit,
                "address2": STREET,
                "NMI": prop.nmi,
                "billingFrom": "2026-02-24T00:00:00.000Z",
                "isInvoiceEnabled": False,
                "calcStrategy": "Standard",
                "isSnapshotEnabled": True,
                "remark": "",
            }
            for prop in self.visible_properties()
        ]
        return web.json_response({"email": EMAIL, "properties": properties})

    def _window(self, request: web.Request) -> tuple[int, int] | None:
        try:
            start, end = int(request.query["from"]), int(request.query["to"])
        except KeyError, ValueError:
            return None
        return (start, end) if start < end else None

    async def _snapshots(self, request: web.Request, units: list[int]) -> web.Response:
        window = self._window(request)
        if window is None:
            return web.json_response({"message": "from and to are required"}, status=400)
        if window[0] in self.failing_windows:
            return web.json_response({"message": "Service Unavailable"}, status=503)
        return web.json_response(self.rows(units, *window))

    async def _property_snapshots(self, request: web.Request) -> web.Response:
        ident = request.match_info["id"]
        prop = next((p for p in self.visible_properties() if p.property_id == ident), None)
        if prop is None:
            return web.json_response({"message": "Forbidden"}, status=403)
        return await self._snapshots(request, [prop.index])

    async def _project_snapshots(self, request: web.Request) -> web.Response:
        if self.project_status != 200 or request.match_info["id"] != PROJECT_ID:
            status = self.project_status if self.project_status != 200 else 404
            return web.json_response({"message": "Not allowed"}, status=status)
        return await self._snapshots(request, list(range(UNITS)))

    async def _meter_snapshots(self, request: web.Request) -> web.Response:
        if self.meter_status != 200 or request.match_info["id"] != METER_ID:
            status = self.meter_status if self.meter_status != 200 else 404
            return web.json_response({"message": "Not allowed"}, status=status)
        return await self._snapshots(request, list(range(UNITS)))
