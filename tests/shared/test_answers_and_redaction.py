"""The raw answers http.send keeps for diagnostics, and how redact.py takes identities out."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from custom_components.energy_portals.answers import MAX_ENDPOINTS, MAX_TEXT, AnswerLog
from custom_components.energy_portals.http import send
from custom_components.energy_portals.redact import Redactor
from tests.helpers import serving


@pytest.fixture
async def peer(socket_enabled: None) -> AsyncIterator[str]:
    """A loopback peer answering JSON, HTML, a long text, a redirect and numbered paths."""
    app = web.Application()

    async def status(request: web.Request) -> web.Response:
        return web.json_response(
            {"serial": "SN-1", "watts": 5}, headers={"ETag": '"v1"', "Set-Cookie": "sid=secret"}
        )

    async def html(request: web.Request) -> web.Response:
        return web.Response(text="<html>sign in</html>", content_type="text/html")

    async def long(request: web.Request) -> web.Response:
        return web.Response(text="x" * (MAX_TEXT + 10), content_type="text/plain")

    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPFound("/status?token=secret")

    async def numbered(request: web.Request) -> web.Response:
        return web.json_response({"n": request.match_info["n"]})

    async def devices(request: web.Request) -> web.Response:
        device = {"deviceGid": 100123, "firstName": "Anna", "channels": ["x" * 100] * 10}
        return web.json_response({"devices": [device] * 200})

    app.router.add_get("/status", status)
    app.router.add_get("/html", html)
    app.router.add_get("/long", long)
    app.router.add_get("/moved", moved)
    app.router.add_get("/n/{n}", numbered)
    app.router.add_get("/devices", devices)
    async with serving(app) as url:
        yield url


async def test_each_endpoint_keeps_its_last_answer_as_received(peer: str) -> None:
    """JSON as JSON, HTML as text, a long body cut with its size, both legs of a redirect,
    only the headers that say how to read an answer, and no query (it may carry a token)."""
    answers = AnswerLog()
    async with aiohttp.ClientSession() as session:
        for path in ("/status", "/html", "/long", "/moved"):
            await send(session, "GET", f"{peer}{path}", params={"key": "secret"}, answers=answers)
    kept = {answer["path"]: answer for answer in answers.as_list()}
    assert set(kept) == {"/status", "/html", "/long", "/moved"}
    assert kept["/status"]["json"] == {"serial": "SN-1", "watts": 5}
    assert kept["/status"]["headers"] == {
        "Content-Type": "application/json; charset=utf-8",
        "ETag": '"v1"',
    }
    assert kept["/html"]["text"] == "<html>sign in</html>"
    assert "json" not in kept["/html"]
    assert len(kept["/long"]["text"]) == MAX_TEXT
    assert kept["/long"]["cut"] == 10
    assert kept["/moved"]["status"] == 302
    assert "Location" not in kept["/moved"]["headers"]
    assert "secret" not in str(kept)


async def test_the_endpoint_read_longest_ago_goes_first(peer: str) -> None:
    """The log is bounded: one more endpoint than it keeps pushes out the oldest."""
    answers = AnswerLog()
    async with aiohttp.ClientSession() as session:
        for n in range(MAX_ENDPOINTS + 1):
            await send(session, "GET", f"{peer}/n/{n}", answers=answers)
        await send(session, "GET", f"{peer}/n/1", answers=answers)  # read again: kept
        await send(session, "GET", f"{peer}/status", answers=answers)
    paths = {answer["path"] for answer in answers.as_list()}
    assert len(paths) == MAX_ENDPOINTS
    assert {"/n/0", "/n/2"}.isdisjoint(paths)
    assert {"/n/1", "/n/3", f"/n/{MAX_ENDPOINTS}", "/status"} <= paths


def test_one_identity_gets_one_placeholder_of_its_shape_everywhere() -> None:
    """An id sent as a number and as text, in a path, as a key and inside a composite id is
    the same placeholder; an e-mail stays an e-mail, a UUID a UUID, digits stay digits."""
    redacted = Redactor().redact(
        {
            "entry": {"unique_id": "vendor_3381244", "site_id": "3381244"},
            "answers": [
                {"path": "/sites/3381244/status", "json": {"siteId": 3381244, "units": {}}},
                {
                    "json": {
                        "deviceGid": 100123,
                        "byGid": {"100123": "Kitchen"},
                        "userUuid": "0f1c2a9e-1234-4abc-8def-0123456789ab",
                        "contactEmail": "anna@example.se",
                    }
                },
            ],
        }
    )
    site = redacted["entry"]["site_id"]
    assert site.isdigit() and len(site) == 7 and site != "3381244"
    assert redacted["entry"]["unique_id"] == f"vendor_{site}"
    first, second = redacted["answers"]
    assert first["path"] == f"/sites/{site}/status"
    assert first["json"]["siteId"] == int(site)
    gid = second["json"]["deviceGid"]
    assert gid != 100123 and len(str(gid)) == 6
    assert second["json"]["byGid"] == {str(gid): "Kitchen"}
    assert second["json"]["userUuid"].startswith("00000000-0000-4000-8000-")
    assert second["json"]["contactEmail"].endswith("@example.invalid")


def test_secrets_are_replaced_whole_and_tokens_in_text_too() -> None:
    """A secret key's value goes whatever it holds; a JWT or a bearer token in free text goes."""
    redacted = Redactor().redact(
        {
            "accessToken": {"value": "abc", "expires": 5},
            "session_id": "s3cr3t",
            "apiKey": "k",
            "text": "Authorization: Bearer abc.def-12345 and eyJhbGciOi.eyJzdWIi.c2ln",
        }
    )
    assert redacted["accessToken"] == "**REDACTED**"
    assert redacted["session_id"].startswith("id-")  # a placeholder: as safe, and still unique
    assert redacted["apiKey"] == "**REDACTED**"
    assert redacted["text"] == "Authorization: Bearer **REDACTED** and **REDACTED**"


def test_addresses_people_and_networks_are_found_by_key_and_in_text() -> None:
    """An address object goes as a whole; a person's name is replaced in free text too; IP
    and MAC addresses are found in any text, but a firmware version is no IP address."""
    redacted = Redactor().redact(
        {
            "owner": {"firstName": "Anna", "role": "Consumer", "since": 2025.5},
            "address": {"street": "Storgatan 1", "zip": 11122, "floor": 3},
            "position": {"lat": -33.9, "lng": 151.2},
            "note": "Anna's charger at 192.168.1.50 (mac 00:1D:C0:11:22:33)",
            "firmwareVersion": "25.37.1.13",
            "networkConfig": "ipaddr=192.168.1.50",
        }
    )
    assert redacted["owner"]["firstName"].startswith("name-")
    assert redacted["owner"]["role"] == "Consumer"  # an object under `owner` is read by its keys
    assert redacted["owner"]["since"] == 2025.5
    address = redacted["address"]
    assert address["street"].startswith("address-")
    assert address["zip"] != 11122
    assert address["floor"] == 3  # small numbers name nothing
    assert redacted["position"] == {"lat": 0.0, "lng": 0.0}
    name, ip = redacted["owner"]["firstName"], redacted["networkConfig"].removeprefix("ipaddr=")
    assert ip.startswith("192.0.2.")
    assert redacted["note"].startswith(f"{name}'s charger at {ip} (mac 02:00:00:00:")
    assert redacted["firmwareVersion"] == "25.37.1.13"


def test_a_label_is_replaced_under_its_key_only() -> None:
    """A channel named "Solar" is a label; the same word as a type is no identity, a model
    name is a thing's name, and a vendor's own key counts in any case style."""
    redacted = Redactor(["time_zone"]).redact(
        {
            "channels": [{"name": "Solar", "type": "Solar"}, {"name": "Solar"}],
            "modelName": "IQ-EVSE",
            "device": {"timeZone": "Europe/Amsterdam"},
            "settings": [{"name": "USE_BATTERY_FOR_SELF_CONSUMPTION"}, {"name": "noData"}],
        }
    )
    first, second = redacted["channels"]
    assert first["name"].startswith("label-")
    assert second["name"] == first["name"]
    assert first["type"] == "Solar"
    assert redacted["modelName"] == "IQ-EVSE"
    assert redacted["device"]["timeZone"].startswith("redacted-")
    # A setting named by a code constant is no label: the client looks it up by that name.
    assert redacted["settings"] == [
        {"name": "USE_BATTERY_FOR_SELF_CONSUMPTION"},
        {"name": "noData"},
    ]


def test_what_a_review_found_is_redacted() -> None:
    """Keys run together or named in other styles, identities in text that is no JSON, and a
    person's name under a person's key, from the vendors' real answer shapes."""
    redacted = Redactor().redact(
        {
            "familyName": "Svensson",
            "surname": "Svensson",
            "zipcode": "19103",
            "cellphone": "+46701234567",
            "ipv6": "2001:db8:85a3::8a2e:370:7334",
            "macaddr": "AABBCCDDEEFF",
            "accountNumber": "5000112345",
            "jwt": "opaque",
            "pin": "1234",
            "user": {"name": "Anna Svensson"},
            "note": "Invoice for Anna Svensson",
            "networkConfig": "ipaddr=192.168.1.5,mac_addr=001DC0AABBCD,ssid=Smith5G",
            "error": "Controller unreachable at 192.168.1.5. Retry.",
            "page": '<input name="authenticity_token" value="s3cr3t-form-token">',
            "broken": '{"token": "opaque-abc123", trailing,}',
        }
    )
    text = str(redacted)
    for value in (
        "Svensson",
        "19103",
        "+46701234567",
        "8a2e",
        "AABBCCDDEEFF",
        "5000112345",
        "opaque",
        "1234",
        "192.168.1.5",
        "001DC0AABBCD",
        "Smith5G",
        "s3cr3t-form-token",
        "opaque-abc123",
    ):
        assert value not in text, value


def test_numbers_that_equal_an_id_are_left_alone_but_its_path_is_not() -> None:
    """An owner id of 2025 rewrites no date and no amount; a three-digit asset id is replaced
    in its paths as in its fields, so that a replay still finds the answer."""
    redacted = Redactor().redact(
        {
            "entry": {"asset_owner_id": 2025},
            "json": {"assetId": 118, "due_date": "2025-03-31", "capacity": 2025, "x": "0.2025"},
            "path": "/asset/118/revenue",
        }
    )
    owner, asset = redacted["entry"]["asset_owner_id"], redacted["json"]["assetId"]
    assert owner != 2025 and asset != 118
    assert redacted["json"]["due_date"] == "2025-03-31"
    assert redacted["json"]["capacity"] == 2025
    assert redacted["json"]["x"] == "0.2025"
    assert redacted["path"] == f"/asset/{asset}/revenue"


def test_a_url_names_its_host_in_any_case() -> None:
    """The Emporia proxy's unique id holds its URL lowercased: the host goes there too."""
    redacted = Redactor().redact(
        {
            "url": "https://Smith-Home.duckdns.org:3000",
            "unique_id": "emporia_https://smith-home.duckdns.org:3000_7",
            "log": "connected to smith-home.duckdns.org",
        }
    )
    assert "smith" not in str(redacted).lower()


def test_odd_values_never_fail_the_download() -> None:
    """An id of thousands of digits, a set, a body of 70 000 digits (a quadratic pattern
    would hold the event loop for many seconds here)."""
    huge = "9" * 5000
    redacted = Redactor().redact(
        {"serial": huge, "ids": {123456, 654321}, "data": "0" * 70_000, "n": 10**50}
    )
    assert redacted["serial"] != huge
    assert sorted(redacted["ids"]) != [123456, 654321]
    assert redacted["data"] == "0" * 70_000
    assert redacted["n"] == 10**50


async def test_a_long_json_answer_keeps_its_shape(peer: str) -> None:
    """A body longer than the log keeps is cut by its lists and strings, so it stays JSON and
    its keys still say which values to redact."""
    answers = AnswerLog()
    async with aiohttp.ClientSession() as session:
        await send(session, "GET", f"{peer}/devices", answers=answers)
    (kept,) = answers.as_list()
    assert kept["cut"] > 0
    devices = kept["json"]["devices"]
    assert len(devices) == 20
    redacted = Redactor().redact(kept)
    assert "Anna" not in str(redacted)
