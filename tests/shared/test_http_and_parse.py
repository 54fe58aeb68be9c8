"""The shared HTTP plumbing and value readers every vendor client uses."""

from __future__ import annotations

from datetime import UTC, datetime

import aiohttp
import pytest
from aiohttp import web

from custom_components.energy_portals.errors import (
    PortalConnectionError,
    PortalHtmlResponseError,
    PortalNotFoundError,
    PortalResponseError,
)
from custom_components.energy_portals.http import (
    HttpResponse,
    endpoint_name,
    parse_retry_after,
    raise_for_status,
    send,
)
from custom_components.energy_portals.parse import (
    as_bool,
    as_datetime,
    as_epoch,
    as_float,
    as_int,
    as_str,
)

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("", None),
        ("120", 120.0),
        ("-5", 0.0),
        ("Sun, 22 Nov 2026 12:01:30 GMT", 90.0),
        ("Sun, 22 Nov 2026 11:00:00 GMT", 0.0),
        ("2026-11-22T12:01:30", None),
        ("soon", None),
    ],
)
def test_retry_after(header: str | None, seconds: float | None) -> None:
    """Retry-After in seconds or as an HTTP date becomes the seconds to wait."""
    assert parse_retry_after(header, NOW) == seconds


def test_retry_after_defaults_to_now() -> None:
    """A Retry-After date already past means no wait."""
    assert parse_retry_after("Sun, 22 Nov 2020 12:01:30 GMT") == 0.0


def test_json_bodies() -> None:
    """JSON bodies parse; a list for an object, HTML and an empty body are clear errors."""
    assert HttpResponse(200, {}, '{"a": 1}').json_object() == {"a": 1}
    with pytest.raises(PortalResponseError):
        HttpResponse(200, {}, "[1]").json_object()
    with pytest.raises(PortalHtmlResponseError):
        HttpResponse(200, {"Content-Type": "text/html; charset=utf-8"}, "{}").json()
    with pytest.raises(PortalHtmlResponseError):
        HttpResponse(200, {}, "  <!doctype html>").json()
    with pytest.raises(PortalResponseError):
        HttpResponse(200, {}, "").json()


def test_status_mapping() -> None:
    """304 passes, 404 is not-found, any other error status keeps its status and body."""
    raise_for_status(HttpResponse(304, {}, ""))
    with pytest.raises(PortalNotFoundError):
        raise_for_status(HttpResponse(404, {}, "missing"))
    with pytest.raises(PortalResponseError) as caught:
        raise_for_status(HttpResponse(418, {}, "teapot"))
    assert caught.value.status == 418
    assert caught.value.body == "teapot"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1.0),
        (2.5, 2.5),
        ("3.25", 3.25),
        (" 4,5 ", 4.5),
        ("", None),
        ("abc", None),
        (None, None),
        (True, None),
        (float("nan"), None),
        (float("inf"), None),
        ([], None),
    ],
)
def test_as_float(value: object, expected: float | None) -> None:
    """Numbers, numeric strings and junk: a finite float or None."""
    assert as_float(value) == expected


def test_sentinels_and_ints() -> None:
    """Sentinel values read as None; integers round from numeric strings."""
    assert as_float(65535, sentinels=(65535,)) is None
    assert as_float("-1", sentinels=(-1,)) is None
    assert as_int("41.6") == 42
    assert as_int(None) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (0, False),
        ("true", True),
        ("Off", False),
        ("maybe", None),
        (None, None),
    ],
)
def test_as_bool(value: object, expected: bool | None) -> None:
    """Booleans, 0/1 and their strings read as bool; anything else as None."""
    assert as_bool(value) is expected


def test_as_str_and_dates() -> None:
    """Strings are trimmed (blank is None); epochs in s or ms and ISO dates parse, absurd ones do
    not.
    """
    assert as_str("  x ") == "x"
    assert as_str("   ") is None
    assert as_str(None) is None
    assert as_str(12) == "12"
    assert as_epoch(1725600000) == datetime(2024, 9, 6, 5, 20, tzinfo=UTC)
    assert as_epoch("1725600000000") == datetime(2024, 9, 6, 5, 20, tzinfo=UTC)
    assert as_epoch(0) is None
    assert as_epoch(1e300) is None
    assert as_datetime("2026-02-25T00:00:00.000Z") == datetime(2026, 2, 25, tzinfo=UTC)
    assert as_datetime("March 2025") is None
    assert as_datetime(None) is None


def test_deeply_nested_json_is_a_clear_invalid_response() -> None:
    """Nesting beyond what any vendor sends is an invalid answer, never a RecursionError."""
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(PortalResponseError, match="not valid JSON"):
        HttpResponse(200, {}, deep).json()
    nested = "[" * 70 + "]" * 70
    with pytest.raises(PortalResponseError, match="nested deeper"):
        HttpResponse(200, {}, nested).json()
    assert HttpResponse(200, {}, '{"a": [[{"b": 1}]]}').json() == {"a": [[{"b": 1}]]}


def test_endpoint_names_carry_no_ids() -> None:
    """Messages name the host and the endpoint, never the ids in the path or the query."""
    assert endpoint_name("/service/evse_controller/3381244/ev_chargers/status") == "status"
    assert endpoint_name("/properties/prop-unit-4/snapshots?from=1") == "snapshots"
    assert endpoint_name("/devices/100123/history") == "history"
    assert endpoint_name("/482522020944") == "/"


async def test_answers_are_size_capped_and_failures_name_no_ids(socket_enabled: None) -> None:
    """A 10 MiB answer is refused; a failure message has the host and endpoint name only."""
    app = web.Application()

    async def huge(request: web.Request) -> web.Response:
        return web.Response(body=b"[" + b"1," * (5 * 1024 * 1024) + b"1]")

    async def latin(request: web.Request) -> web.Response:
        return web.Response(body="caf\xe9".encode("latin-1"), content_type="text/plain",
                            charset="latin-1")  # fmt: skip

    app.router.add_get("/site/3381244/huge", huge)
    app.router.add_get("/latin", latin)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with aiohttp.ClientSession() as session:
            with pytest.raises(PortalResponseError, match="larger than 4 MiB") as caught:
                await send(session, "GET", f"http://127.0.0.1:{port}/site/3381244/huge")
            assert "3381244" not in str(caught.value)
            assert "huge" in str(caught.value)
            assert (await send(session, "GET", f"http://127.0.0.1:{port}/latin")).text == "caf\xe9"
    finally:
        await runner.cleanup()
    async with aiohttp.ClientSession() as session:
        with pytest.raises(PortalConnectionError) as refused:
            await send(session, "GET", f"http://127.0.0.1:{port}/site/3381244/status?token=s")
    assert "3381244" not in str(refused.value)
    assert "token" not in str(refused.value)
    assert "status" in str(refused.value)


async def test_secret_headers_never_follow_a_redirect_to_another_host(
    socket_enabled: None,
) -> None:
    """Same-origin redirects are followed with the headers; another host gets nothing."""
    seen: dict[str, list[str | None]] = {"elsewhere": [], "moved": []}
    other = web.Application()

    async def elsewhere(request: web.Request) -> web.Response:
        seen["elsewhere"].append(request.headers.get("e-auth-token"))
        return web.json_response({})

    other.router.add_get("/steal", elsewhere)
    other_runner = web.AppRunner(other, access_log=None)
    await other_runner.setup()
    await web.TCPSite(other_runner, "127.0.0.2", 0).start()
    other_port = other_runner.addresses[0][1]

    app = web.Application()

    async def away(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"http://127.0.0.2:{other_port}/steal")

    async def here(request: web.Request) -> web.Response:
        raise web.HTTPSeeOther("/moved")

    async def moved(request: web.Request) -> web.Response:
        seen["moved"].append(request.headers.get("e-auth-token"))
        return web.json_response({"ok": True})

    async def loop(request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop")

    app.router.add_get("/away", away)
    app.router.add_post("/here", here)
    app.router.add_get("/moved", moved)
    app.router.add_get("/loop", loop)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    headers = {"e-auth-token": "secret-token"}
    try:
        async with aiohttp.ClientSession() as session:
            answer = await send(session, "GET", f"{base}/away", headers=headers)
            assert answer.status == 302
            answer = await send(session, "POST", f"{base}/here", headers=headers, json_body={})
            assert answer.json() == {"ok": True}
            with pytest.raises(PortalResponseError, match="Too many redirects"):
                await send(session, "GET", f"{base}/loop", headers=headers)
    finally:
        await runner.cleanup()
        await other_runner.cleanup()
    assert seen == {"elsewhere": [], "moved": ["secret-token"]}
