"""A simulated FlowerHub portal: cookie login, one battery system, uptime, invoices.

Cookies are set on login (Path=/ so every endpoint under the prefix sees them) and checked on
every data call together with the portal's Origin. `expire_access()` and `expire_refresh()`
make the cookies go stale the way the real portal's do; answers carry ETags and honour
If-None-Match.
"""

from __future__ import annotations

import copy
import hashlib
import json
import secrets
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from .clock import Clock
from .faults import Handler, VendorState, control_routes, fault_middleware

USERNAME = "anna@example.se"
PASSWORD = "sim-flowerhub-password"
OWNER_ID = 4711
ASSET_ID = 812
SERIAL = "FH-2024-00812"
ORIGIN = "https://portal.flowerhub.se"
UPTIME_PREFIXES = ("/asset-uptime", "/asset-effective-uptime")
FIRST_UPTIME_MONTH = (2025, 3)
PORTAL_ZONE = ZoneInfo("Europe/Stockholm")
"""The portal's months are Swedish months."""
PAST_MONTHS_UPTIME = (100, 99, 92, 98.5, 97)
DOWNTIME_SHARE, NO_DATA_SHARE = 0.02, 0.01
"""This month so far: 2 % of the elapsed time down, 1 % without data."""
OPEN_PATHS = ("/auth/login", "/_sim/")


def month_key(moment: datetime) -> str:
    return f"{moment.year}-{moment.month:02d}"


def months_until(moment: datetime) -> list[str]:
    """`YYYY-MM` from March 2025 to the moment's month (at least that month)."""
    year, month = FIRST_UPTIME_MONTH
    months = []
    while (year, month) <= (moment.year, moment.month):
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months or [month_key(moment)]


CONSUMPTION: list[dict[str, Any]] = [
    {
        "site_id": "7001",
        "valid_from": "2025-04-01",
        "valid_to": "2025-04-30",
        "invoiced_month": "2025-04-01",
        "volume": "412.5",
        "type": "Reading",
        "type_id": "1",
    },
    {
        "site_id": "7001",
        "valid_from": "2025-05-01",
        "valid_to": None,
        "invoiced_month": "2025-05-01",
        "volume": 388,
        "type": "Reading",
        "type_id": 1,
    },
    {
        "site_id": "7001",
        "valid_from": "2025-05-01",
        "valid_to": None,
        "invoiced_month": "2025-05-01",
        "volume": "390.0",
        "type": "Calculated",
        "type_id": "2",
    },
]
"""The portal's invoiced consumption as recorded (a month with a reading and a calculated
value both); `FlowerHubSimulator.consumption` starts as a copy."""


class FlowerHubSimulator:
    """Serves the FlowerHub spec under any prefix."""

    key = "flowerhub"

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self.state = VendorState()
        self.password = PASSWORD
        self.status = "Connected"
        self.status_message = "FlowerHub is connected and working"
        self.uptime_prefix = "/asset-effective-uptime"
        self.access_token = ""
        self.refresh_token = ""
        self.invoices: list[dict[str, Any]] = default_invoices()
        self.notification = ""
        self.owner_has_asset = True
        self.consumption = copy.deepcopy(CONSUMPTION)
        """False: the owner answer lacks the asset id (the client asks /withAssetId)."""
        self.asset_assigned = True
        """False: the account has no battery system yet."""
        self.fuse_size: float = 20
        """The main fuse the installer entered; 0 when nobody did (seen in the field)."""

    def expire_access(self) -> None:
        """The access cookie stops working; the refresh cookie still mints a new one."""
        self.access_token = f"expired-{secrets.token_hex(4)}"

    def expire_refresh(self) -> None:
        """Both cookies stop working: only a new login helps."""
        self.expire_access()
        self.refresh_token = f"expired-{secrets.token_hex(4)}"

    def now(self) -> datetime:
        """The simulated moment, in the portal's own zone."""
        return datetime.fromtimestamp(self.clock.now(), PORTAL_ZONE)

    def month_so_far(self) -> dict[str, int]:
        """This month's pie (seconds) up to now: the history's current month agrees with it."""
        now = self.now()
        month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        elapsed = max(0, int(now.timestamp() - month_start.timestamp()))
        downtime, no_data = int(elapsed * DOWNTIME_SHARE), int(elapsed * NO_DATA_SHARE)
        return {"uptime": elapsed - downtime - no_data, "downtime": downtime, "noData": no_data}

    def monthly_uptime(self) -> dict[str, float]:
        """The history: a fixed percentage for past months, this month's from its pie."""
        months = months_until(self.now())
        values = {
            m: float(PAST_MONTHS_UPTIME[i % len(PAST_MONTHS_UPTIME)]) for i, m in enumerate(months)
        }
        pie = self.month_so_far()
        elapsed = sum(pie.values())
        values[months[-1]] = round(pie["uptime"] / elapsed * 100, 2) if elapsed else 100.0
        return values

    def pie(self, period: str) -> dict[str, int]:
        """The pie of a `YYYY-MM` period: so far for this month, whole for a past one."""
        if period == month_key(self.now()):
            return self.month_so_far()
        uptime = self.monthly_uptime().get(period)
        if uptime is None:
            return {"uptime": 0, "downtime": 0, "noData": 0}
        start = datetime.strptime(period, "%Y-%m").replace(tzinfo=PORTAL_ZONE)
        end = (start + timedelta(days=32)).replace(day=1)
        total = int(end.timestamp() - start.timestamp())
        up = int(total * uptime / 100)
        return {"uptime": up, "downtime": total - up, "noData": 0}

    def flow_inputs(self, base_url: str) -> list[dict[str, Any]]:
        """What a user types in the config flow to add this simulated account."""
        return [
            {"next_step_id": "flowerhub"},
            {"username": USERNAME, "password": PASSWORD, "advanced": {"base_url": base_url}},
        ]

    def known_states(self) -> dict[str, str]:
        """States Home Assistant shows right after adding this account ("*": any)."""
        return {
            "sensor.flowerhub_status": "connected",
            "binary_sensor.flowerhub_connectivity": "on",
            "sensor.flowerhub_uptime_this_month": "*",
            "sensor.flowerhub_latest_invoice_amount": "*",
        }

    def app(self) -> web.Application:
        app = web.Application(middlewares=[fault_middleware(self.state), self._auth_middleware])
        owner = "/asset-owner/{owner}"
        routes = [
            *control_routes(self.state),
            web.post("/_sim/status", self._sim_status),
            web.post("/auth/login", self._login),
            web.get("/auth/refresh-token", self._refresh),
            web.get(owner, self._owner),
            web.get(f"{owner}/withAssetId", self._with_asset_id),
            web.get(f"{owner}/profile", self._profile),
            web.get(f"{owner}/electricity-agreement", self._agreement),
            web.get(f"{owner}/invoice", self._invoices),
            web.get(f"{owner}/consumption", self._consumption),
            web.get("/asset/{asset}", self._asset),
            web.get("/asset/{asset}/revenue", self._revenue),
            web.get("/system-notification/{name}", self._notification),
        ]
        for prefix in UPTIME_PREFIXES:
            routes += [
                web.get(f"{prefix}/available-months/{{asset}}", self._months),
                web.get(f"{prefix}/bar-chart/history/{{asset}}", self._history),
                web.get(f"{prefix}/pie-chart/{{asset}}", self._pie),
            ]
        app.add_routes(routes)
        return app

    @web.middleware
    async def _auth_middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        if any(open_path in path for open_path in OPEN_PATHS):
            return await handler(request)
        if request.headers.get("Origin") != ORIGIN:
            return web.json_response({"message": "Origin not allowed"}, status=403)
        if "/auth/refresh-token" in path:
            return await handler(request)
        if not self.access_token or request.cookies.get("Authentication") != self.access_token:
            return web.json_response({"message": "Unauthorized", "statusCode": 401}, status=401)
        return await handler(request)

    def _json(self, request: web.Request, body: Any) -> web.Response:
        """A JSON answer with an ETag; 304 when the client already has it."""
        text = json.dumps(body)
        etag = '"' + hashlib.sha256(text.encode()).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(text=text, content_type="application/json", headers={"ETag": etag})

    def _set_cookies(self, request: web.Request, response: web.Response, *, refresh: bool) -> None:
        self.access_token = f"access-{secrets.token_hex(8)}"
        options: dict[str, Any] = {"path": "/", "httponly": True, "samesite": "None"}
        options["secure"] = request.secure
        response.set_cookie("Authentication", self.access_token, **options)
        if refresh:
            self.refresh_token = f"refresh-{secrets.token_hex(8)}"
            response.set_cookie("Refresh", self.refresh_token, **options)

    def _user(self) -> dict[str, Any]:
        return {
            "id": 90210,
            "email": USERNAME,
            "role": 3,
            "name": "Anna Andersson",
            "distributorId": None,
            "installerId": 12,
            "assetOwnerId": OWNER_ID,
        }

    async def _sim_status(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.status = str(body.get("status", self.status))
        return web.json_response({"status": self.status})

    async def _login(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            body = {}
        if body.get("username") != USERNAME or body.get("password") != self.password:
            return web.json_response({"message": "Invalid credentials"}, status=401)
        response = web.json_response(
            {"user": self._user(), "refreshTokenExpirationDate": "2099-01-01T00:00:00.000Z"}
        )
        self._set_cookies(request, response, refresh=True)
        return response

    async def _refresh(self, request: web.Request) -> web.Response:
        if not self.refresh_token or request.cookies.get("Refresh") != self.refresh_token:
            return web.json_response({"message": "Unauthorized"}, status=401)
        response = web.json_response(self._user())
        self._set_cookies(request, response, refresh=False)
        return response

    def _owner_ok(self, request: web.Request) -> bool:
        return request.match_info["owner"] == str(OWNER_ID)

    def _asset_ok(self, request: web.Request) -> bool:
        return request.match_info["asset"] == str(ASSET_ID)

    async def _owner(self, request: web.Request) -> web.Response:
        if not self._owner_ok(request):
            return web.json_response({"message": "Not found"}, status=404)
        asset: dict[str, Any] = {
            "serialNumber": SERIAL,
            "assetModel": {"id": 5, "name": "FlowerHub 10", "manufacturer": "FlowerHub"},
        }
        if self.owner_has_asset:
            asset["id"] = ASSET_ID
        return self._json(
            request,
            {
                "id": OWNER_ID,
                "firstName": "Anna",
                "lastName": "Andersson",
                "installer": {"id": 12, "name": "Solkraft Installation AB"},
                "distributor": {"id": 3, "name": "Nordic Distribution AB"},
                "asset": asset if self.asset_assigned else None,
                "compensation": {"status": "Qualified", "message": "Your battery qualifies"},
                "bessCompensationStartDate": "2025-03-01",
            },
        )

    async def _with_asset_id(self, request: web.Request) -> web.Response:
        if not self._owner_ok(request):
            return web.json_response({"message": "Not found"}, status=404)
        asset_id = ASSET_ID if self.asset_assigned else None
        return self._json(request, {"id": OWNER_ID, "assetId": asset_id, "firstName": "Anna"})

    async def _profile(self, request: web.Request) -> web.Response:
        address = {"street": "Storgatan 1", "postalCode": "111 22", "city": "Stockholm"}
        return self._json(
            request,
            {
                "id": OWNER_ID,
                "firstName": "Anna",
                "lastName": "Andersson",
                "mainEmail": USERNAME,
                "contactEmail": None,
                "phone": "+46701234567",
                "address": address,
                "accountStatus": "Verified",
                "installer": {
                    "id": 12,
                    "name": "Solkraft Installation AB",
                    "address": {
                        "street": "Verkstadsvägen 4",
                        "postalCode": "123 45",
                        "city": "Solna",
                    },
                },
            },
        )

    async def _agreement(self, request: web.Request) -> web.Response:
        return self._json(
            request,
            {
                "consumption": {
                    "stateCategory": "Active",
                    "stateId": 2,
                    "siteId": 7001,
                    "startDate": "2025-02-01T00:00:00.000Z",
                    "terminationDate": None,
                },
                "production": {
                    "stateCategory": "Pending",
                    "stateId": 1,
                    "siteId": 7002,
                    "startDate": "2025-06-01T00:00:00.000Z",
                    "terminationDate": None,
                },
            },
        )

    async def _invoices(self, request: web.Request) -> web.Response:
        return self._json(request, self.invoices)

    async def _consumption(self, request: web.Request) -> web.Response:
        return self._json(request, self.consumption)

    async def _revenue(self, request: web.Request) -> web.Response:
        """The last invoice's compensation: numbers, `compensation` = power x rate."""
        if not self._asset_ok(request):
            return web.json_response({"message": "Not found"}, status=404)
        return self._json(
            request,
            {"id": 118, "minAvailablePower": 4.5, "compensation": 247.5, "compensationPerKW": 55},
        )

    async def _asset(self, request: web.Request) -> web.Response:
        if not self._asset_ok(request):
            return web.json_response({"message": "Not found"}, status=404)
        return self._json(
            request,
            {
                "id": ASSET_ID,
                "inverter": {
                    "manufacturerId": 1,
                    "manufacturerName": "Sungrow",
                    "inverterModelId": 4,
                    "name": "SH10RT",
                    "numberOfBatteryStacksSupported": 1,
                    "capacityId": 2,
                    "powerCapacity": 10,
                },
                "battery": {
                    "manufacturerId": 1,
                    "manufacturerName": "Sungrow",
                    "batteryModelId": 9,
                    "name": "SBR096",
                    "minNumberOfBatteryModules": 3,
                    "maxNumberOfBatteryModules": 8,
                    "capacityId": 3,
                    "energyCapacity": 9.6,
                    "powerCapacity": 5.76,
                },
                "fuseSize": self.fuse_size,
                "flowerHubStatus": {"status": self.status, "message": self.status_message},
                "isInstalled": True,
            },
        )

    async def _notification(self, request: web.Request) -> web.Response:
        if self.notification:
            return web.json_response({"message": self.notification})
        return web.Response(status=200)

    def _uptime_ok(self, request: web.Request) -> bool:
        return request.path.find(self.uptime_prefix + "/") >= 0 and self._asset_ok(request)

    async def _months(self, request: web.Request) -> web.Response:
        if not self._uptime_ok(request):
            return web.json_response({"message": "Not found"}, status=404)
        months = months_until(self.now())
        return self._json(
            request,
            [
                {"value": m, "label": datetime.strptime(m, "%Y-%m").strftime("%B %Y")}
                for m in months
            ],
        )

    async def _history(self, request: web.Request) -> web.Response:
        if not self._uptime_ok(request):
            return web.json_response({"message": "Not found"}, status=404)
        history = self.monthly_uptime()
        return self._json(request, [{"date": m, "uptime": v} for m, v in history.items()])

    async def _pie(self, request: web.Request) -> web.Response:
        if not self._uptime_ok(request):
            return web.json_response({"message": "Not found"}, status=404)
        if "period" not in request.query:
            return web.json_response({"message": "period is required"}, status=400)
        pie = self.pie(request.query["period"])
        return self._json(request, [{"name": name, "value": value} for name, value in pie.items()])


def default_invoices() -> list[dict[str, Any]]:
    """Two invoices; the newer one groups two per-site invoices."""
    line: dict[str, Any] = {
        "item_id": "101",
        "name": "Elhandel",
        "description": None,
        "price": "0.85",
        "volume": "388",
        "amount": "329.80",
        "settlements": [],
    }
    return [
        {
            "id": "50001",
            "due_date": "2025-05-31T00:00:00.000Z",
            "ocr": "5000112345",
            "invoice_status": "Paid",
            "invoice_status_id": "3",
            "invoice_period": "April 2025",
            "total_amount": "412.00",
            "remaining_amount": "0.00",
            "invoice_lines": [line],
            "invoice_pdf": "https://invoices.example/50001.pdf?token=secret",
            "invoice_type": "Invoice",
            "site_id": "7001",
            "sub_group_invoices": [],
        },
        {
            "id": "50002",
            "due_date": "2025-06-30T00:00:00.000Z",
            "ocr": "5000212345",
            "invoice_status": "Unpaid",
            "invoice_status_id": "1",
            "invoice_period": "May 2025",
            "total_amount": "389.50",
            "remaining_amount": "389.50",
            "invoice_lines": [],
            "invoice_pdf": "https://invoices.example/50002.pdf?token=secret",
            "invoice_type": "GroupInvoice",
            "site_id": "7001",
            "sub_group_invoices": [
                {
                    "id": "50003",
                    "invoice_status": "Unpaid",
                    "invoice_period": "May 2025",
                    "total_amount": "329.80",
                    "invoice_lines": [line],
                    "invoice_pdf": "https://invoices.example/50003.pdf",
                    "invoice_type": "SiteInvoice",
                    "site_id": "7001",
                },
                {
                    "id": "50004",
                    "invoice_status": "Unpaid",
                    "invoice_period": "May 2025",
                    "total_amount": "59.70",
                    "invoice_lines": [{**line, "amount": "59.70", "volume": "70.2"}],
                    "invoice_pdf": "https://invoices.example/50004.pdf",
                    "invoice_type": "SiteInvoice",
                    "site_id": "7002",
                },
            ],
        },
    ]
