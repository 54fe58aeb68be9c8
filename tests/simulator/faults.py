"""Fault knobs every simulated vendor shares, applied by one aiohttp middleware."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, fields
from typing import Any

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class RecordedRequest:
    """A request the simulator saw."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: str
    status: int | None = None
    """The answer's HTTP status, once answered."""
    at: float = field(default_factory=lambda: time.time())  # noqa: PLW0108 (frozen when called)
    """When it came (Unix seconds; frozen time in tests)."""


@dataclass
class Faults:
    """What the simulator should do wrong. Every knob off means it follows the spec.

    `path` limits the faults to paths that contain it. `unauthorized_after` answers 401 once
    that many requests have been served (counting from when it was set). `times` ends the
    faults after that many requests went through them. `rewrite` replaces every JSON answer's
    body by what it returns for it (a full answer: If-None-Match is ignored meanwhile).
    """

    status: int | None = None
    delay: float = 0.0
    malformed: bool = False
    html: bool = False
    empty: bool = False
    retry_after: int | None = None
    unauthorized_after: int | None = None
    drop_websocket: bool = False
    rewrite: Callable[[Any], Any] | None = None
    huge: bool = False
    """Answer a 10 MiB JSON body."""
    deep: bool = False
    """Answer JSON nested 100 000 levels deep."""
    trickle: float = 0.0
    """Send the headers and the first bytes at once, the rest after this many seconds."""
    charset: str | None = None
    """Name this charset in a JSON answer's Content-Type (a codec such as `hex` is no text
    encoding: a hostile or broken peer)."""
    times: int | None = None
    path: str | None = None
    served: int = 0

    def applies_to(self, path: str) -> bool:
        return self.path is None or self.path in path

    def clear(self) -> None:
        """Back to following the spec."""
        for knob in fields(self):
            setattr(self, knob.name, knob.default)


@dataclass
class VendorState:
    """The requests a simulated vendor saw and the faults it injects."""

    faults: Faults = field(default_factory=Faults)
    requests: list[RecordedRequest] = field(default_factory=list)

    def calls(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        """The recorded requests, filtered by method and by a part of the path."""
        return [
            r
            for r in self.requests
            if (method is None or r.method == method) and (path is None or path in r.path)
        ]


def fault_middleware(state: VendorState) -> Any:
    """Record each request, then apply the faults before the real handler runs."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        body = await request.text() if request.can_read_body else ""
        record = RecordedRequest(
            request.method, request.path, dict(request.query), dict(request.headers), body
        )
        state.requests.append(record)
        try:
            response = await _faulty(request, handler, state.faults)
        except web.HTTPException as err:
            record.status = err.status
            raise
        record.status = response.status
        return response

    return middleware


async def _faulty(request: web.Request, handler: Handler, faults: Faults) -> web.StreamResponse:
    """The answer with the faults applied."""
    if "/_sim/" in request.path or not faults.applies_to(request.path):
        return await handler(request)
    if faults.times is not None:
        if faults.times <= 0:
            return await handler(request)
        faults.times -= 1
    faults.served += 1
    if faults.delay:
        await asyncio.sleep(faults.delay)
    if faults.unauthorized_after is not None and faults.served > faults.unauthorized_after:
        return web.json_response({"message": "Unauthorized"}, status=401)
    headers = {"Retry-After": str(faults.retry_after)} if faults.retry_after is not None else {}
    if faults.status is not None:
        return web.json_response(
            {"message": "simulated failure"}, status=faults.status, headers=headers
        )
    if faults.html:
        return web.Response(
            text="<!DOCTYPE html><html><body>Please log in</body></html>",
            content_type="text/html",
        )
    if faults.malformed:
        return web.Response(text='{"truncated": ', content_type="application/json")
    if faults.empty:
        return web.Response(status=200)
    if faults.huge:
        return web.Response(
            body=b'{"padding": "' + b"x" * (10 * 1024 * 1024) + b'"}',
            content_type="application/json",
        )
    if faults.deep:
        depth = 100_000
        return web.Response(text="[" * depth + "]" * depth, content_type="application/json")
    if faults.trickle:
        return await _trickled(request, faults.trickle)
    if faults.rewrite is not None:
        return await _rewritten(request, handler, faults.rewrite)
    if faults.charset is not None:
        return await _with_charset(request, handler, faults.charset)
    return await handler(request)


async def _with_charset(request: web.Request, handler: Handler, charset: str) -> web.StreamResponse:
    """The handler's JSON answer, its Content-Type naming `charset` (never a 304)."""
    response = await handler(_without_etag(request))
    if isinstance(response, web.Response) and response.content_type == "application/json":
        response.headers["Content-Type"] = f"application/json; charset={charset}"
    return response


async def _trickled(request: web.Request, pause: float) -> web.StreamResponse:
    """A slow server: the answer starts at once, then stalls before its end."""
    response = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
    await response.prepare(request)
    await response.write(b'{"slow": ')
    await asyncio.sleep(pause)
    with contextlib.suppress(ConnectionError):  # the client gave up meanwhile
        await response.write(b"true}")
        await response.write_eof()
    return response


def _without_etag(request: web.Request) -> web.Request:
    """The request without If-None-Match: the answer is a full one, not a 304."""
    if "If-None-Match" not in request.headers:
        return request
    headers = {k: v for k, v in request.headers.items() if k.lower() != "if-none-match"}
    return request.clone(headers=headers)


async def _rewritten(
    request: web.Request, handler: Handler, rewrite: Callable[[Any], Any]
) -> web.StreamResponse:
    """The handler's answer with its JSON body rewritten (never a 304 from an old ETag)."""
    response = await handler(_without_etag(request))
    if (
        not isinstance(response, web.Response)
        or response.content_type != "application/json"
        or not isinstance(response.body, bytes)
    ):
        return response
    response.body = json.dumps(rewrite(json.loads(response.body))).encode()
    response.headers.pop("ETag", None)
    return response


def control_routes(state: VendorState) -> list[web.RouteDef]:
    """`/_sim/faults` (GET, POST to set knobs, DELETE to clear) and `/_sim/requests`."""

    async def get_faults(request: web.Request) -> web.Response:
        return web.json_response(
            {
                k: getattr(v, "__name__", "rewrite") if callable(v) else v
                for k, v in vars(state.faults).items()
                if not k.startswith("_")
            }
        )

    async def set_faults(request: web.Request) -> web.Response:
        knobs = await request.json()
        state.faults.clear()
        for key, value in knobs.items():
            if hasattr(state.faults, key):
                setattr(state.faults, key, value)
        return await get_faults(request)

    async def clear_faults(request: web.Request) -> web.Response:
        state.faults.clear()
        return await get_faults(request)

    async def get_requests(request: web.Request) -> web.Response:
        return web.json_response(
            [{"method": r.method, "path": r.path, "body": r.body} for r in state.requests]
        )

    return [
        web.get("/_sim/faults", get_faults),
        web.post("/_sim/faults", set_faults),
        web.delete("/_sim/faults", clear_faults),
        web.get("/_sim/requests", get_requests),
    ]
