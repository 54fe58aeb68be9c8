"""The HTTP plumbing every vendor client shares (no Home Assistant imports here).

One place turns transport failures, status codes and bodies into the errors of errors.py,
so no vendor client repeats it.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

import aiohttp
from yarl import URL

from .errors import (
    PortalAuthError,
    PortalConnectionError,
    PortalHtmlResponseError,
    PortalNotFoundError,
    PortalRateLimitError,
    PortalResponseError,
)

if TYPE_CHECKING:
    from .answers import AnswerLog

DEFAULT_TIMEOUT = 30.0
MAX_BODY = 4 * 1024 * 1024
"""Bytes an answer may have; no vendor answers more than a few hundred KiB."""
MAX_DEPTH = 64
"""Levels of nesting a JSON answer may have; the vendors' deepest is about six."""
MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """A complete answer: status, headers and the body as text."""

    status: int
    headers: Mapping[str, str]
    text: str
    cookies: Mapping[str, str] = field(default_factory=dict)
    """Every cookie the answer sets, by name (`headers` keeps only one Set-Cookie)."""

    def json(self) -> Any:
        """Parse the body as JSON; HTML or garbage raise a response error."""
        stripped = self.text.lstrip()
        content_type = self.headers.get("Content-Type", "")
        if "text/html" in content_type or stripped[:1] == "<":
            raise PortalHtmlResponseError(
                f"HTML answer where JSON was expected (HTTP {self.status})",
                status=self.status,
            )
        return parse_json(self.text, status=self.status)

    def json_object(self) -> dict[str, Any]:
        """Parse the body as a JSON object."""
        value = self.json()
        if not isinstance(value, dict):
            raise PortalResponseError("Answer is not a JSON object", status=self.status)
        return value


SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:@+-]{0,127}")
"""What an id a service sent may look like where a path is built from it."""


def path_id(value: object) -> str:
    """An id from a service's answer, fit to be a path segment; an id carrying `/`, `..`,
    `?`, `#` or anything else that would change the path is an unusable answer."""
    text = str(value)
    if not SAFE_ID.fullmatch(text) or ".." in text:
        raise PortalResponseError("An id in the answer cannot be used in a path")
    return text


class CrossOriginRedirectError(PortalConnectionError):
    """A redirect to another origin (another host or port, or from TLS to plain) refused."""


def same_origin_only(url: str) -> aiohttp.ClientMiddlewareType:
    """A client middleware for a session that talks to one peer only (the Emporia socket):
    aiohttp follows a WebSocket handshake's redirects itself, so each request of the chain is
    checked here, and one to another origin is never sent (nor anything after it)."""
    origin = URL(url).origin()

    async def middleware(
        request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
    ) -> aiohttp.ClientResponse:
        if request.url.origin() != origin:
            raise CrossOriginRedirectError(
                f"{_where(str(origin))} redirected to another origin ({request.url.scheme}://"
                f"{request.url.host}); refused, the credentials go only to the configured one"
            )
        return await handler(request)

    return middleware


def parse_json(text: str, *, status: int | None = None) -> Any:
    """JSON a peer sent (an answer's body, a socket frame), with the same limits for both:
    garbage or nesting deeper than MAX_DEPTH raise a response error, never RecursionError."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as err:
        where = f" (HTTP {status})" if status is not None else ""
        raise PortalResponseError(f"Answer is not valid JSON{where}", status=status) from err
    if _too_deep(value):
        raise PortalResponseError(f"Answer is nested deeper than {MAX_DEPTH} levels", status=status)
    return value


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except TypeError, ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


async def send(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str | int] | None = None,
    json_body: Any = None,
    form: Mapping[str, str] | None = None,
    total_timeout: float = DEFAULT_TIMEOUT,
    answers: AnswerLog | None = None,
) -> HttpResponse:
    """Send one request and read the whole answer; transport failures raise.

    Redirects are followed only within the same origin (scheme, host and port): our headers
    carry tokens and cookies, and never go to another host. A redirect elsewhere comes back
    as the 3xx answer it is. Each answer is kept in `answers` (the client's, for diagnostics).
    """
    origin = URL(url).origin()
    cookies: dict[str, str] = {}
    """Cookies set along the way: a sign-in often sets them on the redirect itself."""
    for _ in range(MAX_REDIRECTS + 1):
        response = await _send_once(
            session,
            method,
            url,
            headers=headers,
            params=params,
            json_body=json_body,
            form=form,
            total_timeout=total_timeout,
        )
        if answers is not None:
            answers.record(method, url, response)
        cookies.update(response.cookies)
        response = replace(response, cookies=dict(cookies))
        location = response.headers.get("Location")
        if response.status not in REDIRECTS or not location:
            return response
        target = URL(url).join(URL(location))
        if target.origin() != origin:
            return response
        if response.status == 303 or (response.status in (301, 302) and method != "GET"):
            method, json_body, form = "GET", None, None
        url, params = str(target), None
    raise PortalResponseError(f"Too many redirects from {_where(url)}")


async def _send_once(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None,
    params: Mapping[str, str | int] | None,
    json_body: Any,
    form: Mapping[str, str] | None,
    total_timeout: float,
) -> HttpResponse:
    try:
        async with session.request(
            method,
            url,
            headers=dict(headers or {}),
            params=dict(params) if params else None,
            json=json_body,
            data=dict(form) if form is not None else None,
            timeout=aiohttp.ClientTimeout(total=total_timeout),
            allow_redirects=False,
        ) as response:
            body = await _read_capped(response.content)
            if len(body) > MAX_BODY:
                raise PortalResponseError(
                    f"Answer from {_where(url)} is larger than {MAX_BODY // 1024 // 1024} MiB",
                    status=response.status,
                )
            text = _decode(body, response.headers.get("Content-Type"), url, response.status)
            cookies = {name: morsel.value for name, morsel in response.cookies.items()}
            return HttpResponse(response.status, dict(response.headers), text, cookies)
    except TimeoutError as err:
        raise PortalConnectionError(f"Timeout talking to {_where(url)}") from err
    except aiohttp.ClientError as err:
        raise PortalConnectionError(f"Cannot reach {_where(url)}: {type(err).__name__}") from err


def raise_for_status(response: HttpResponse) -> None:
    """Turn an error status into the matching error; 2xx and 304 pass."""
    status = response.status
    if status < 400:
        return
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    if status in (401, 403):
        raise PortalAuthError(f"Access refused (HTTP {status})")
    if status == 429:
        raise PortalRateLimitError("Rate limited (HTTP 429)", retry_after=retry_after)
    if status >= 500:
        raise PortalConnectionError(f"Server error (HTTP {status})", retry_after=retry_after)
    if status == 404:
        raise PortalNotFoundError("Not found (HTTP 404)", status=404, body=response.text)
    raise PortalResponseError(f"Request refused (HTTP {status})", status=status, body=response.text)


async def retry_once_when_refused[T](request: Callable[[], Awaitable[T]]) -> T:
    """Run a read; ask once more when it is refused (401/403) before calling it a refusal.

    For services whose credentials cannot be renewed by the client (pasted sessions, device
    tokens): a single spurious 401 must not send the user to re-authenticate.
    """
    try:
        return await request()
    except PortalAuthError:
        return await request()


def _where(url: str) -> str:
    """The host and the endpoint's name, for messages and logs.

    Never the query (it may carry secrets) nor the path's ids (sites, serials, owners).
    """
    parsed = URL(url)
    return f"{parsed.host or 'the service'} ({endpoint_name(parsed.path)})"


def endpoint_name(path: str) -> str:
    """The last path segment that is not an id (ids carry digits): `status`, `snapshots`."""
    words = [part for part in path.split("?", 1)[0].split("/") if part]
    names = [part for part in words if not any(char.isdigit() for char in part)]
    return names[-1] if names else "/"


async def _read_capped(content: aiohttp.StreamReader) -> bytes:
    """The body, or its first MAX_BODY + 1 bytes when it is larger (not read further)."""
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_BODY:
        chunk = await content.read(MAX_BODY + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _decode(body: bytes, content_type: str | None, url: str, status: int) -> str:
    """The body as text in the charset its Content-Type names (UTF-8 when none or unknown).

    A peer may name a codec that is no text encoding (hex, base64, zlib, rot13): bytes do not
    decode with those, and the answer is unusable.
    """
    charset = _charset(content_type)
    try:
        return body.decode(charset, errors="replace")
    except LookupError as err:
        raise PortalResponseError(
            f"Answer from {_where(url)} names a charset that is not a text encoding",
            status=status,
        ) from err


def _charset(content_type: str | None) -> str:
    """The charset a Content-Type names, else UTF-8 (JSON's own)."""
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            try:
                return codecs.lookup(value.strip('"')).name
            except LookupError:
                break
    return "utf-8"


def _too_deep(value: Any) -> bool:
    """The JSON value nests deeper than MAX_DEPTH (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return False
