"""One WebSocket session with the Emporia proxy (no Home Assistant imports here).

Connect, send `authenticate`, wait for `authenticated`, then hand every `deviceData` to a
callback until the connection ends. Reconnecting is the caller's job.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp

from ...answers import AnswerLog
from ...errors import PortalAuthError, PortalConnectionError, PortalResponseError
from ...http import MAX_BODY, parse_json
from ...parse import as_str, peer_text
from .usage import UsageSample, parse_usage

CLOSE_TIMEOUT = 10.0
_ENDED = (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED)


class StreamTokenError(PortalAuthError):
    """The proxy refused the token on the socket ("Invalid or expired token")."""


class EmporiaStream:
    """The socket of one config entry; `async_close` ends a running session from outside."""

    def __init__(self, session: aiohttp.ClientSession, url: str, answers: AnswerLog) -> None:
        self._session = session
        self._url = url
        self._answers = answers
        """The client's answer log: the last frame of each type goes to the diagnostics."""
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self.refused_frames = 0
        """deviceData frames refused as unusable (bad JSON, too deep, links in a cycle)."""

    async def async_listen(
        self,
        token: str,
        *,
        on_authenticated: Callable[[], None],
        on_sample: Callable[[UsageSample], None],
        idle_timeout: float,
    ) -> None:
        """Run one session; it always ends by raising (closed, silent, token refused)."""
        try:
            ws = await self._session.ws_connect(
                self._url,
                timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=CLOSE_TIMEOUT),
                autoping=True,
                max_msg_size=MAX_BODY,
            )
        except (aiohttp.ClientError, TimeoutError, OSError) as err:
            raise PortalConnectionError(f"Cannot open the socket: {type(err).__name__}") from err
        self._ws = ws
        try:
            await ws.send_json({"type": "authenticate", "token": token})
            await self._consume(ws, on_authenticated, on_sample, idle_timeout)
        except (aiohttp.ClientError, ConnectionError) as err:
            raise PortalConnectionError(f"Socket failed: {type(err).__name__}") from err
        finally:
            self._ws = None
            await ws.close()

    async def _consume(
        self,
        ws: aiohttp.ClientWebSocketResponse,
        on_authenticated: Callable[[], None],
        on_sample: Callable[[UsageSample], None],
        idle_timeout: float,
    ) -> None:
        authenticated = False
        while True:
            try:
                message = await ws.receive(timeout=idle_timeout)
            except TimeoutError as err:
                raise PortalConnectionError(f"No data for {idle_timeout:.0f} s") from err
            if message.type in _ENDED or message.type is aiohttp.WSMsgType.ERROR:
                raise PortalConnectionError("The proxy closed the socket")
            if message.type is not aiohttp.WSMsgType.TEXT:
                continue
            payload = _decode(message.data)
            if not payload:
                self.refused_frames += 1
                continue
            kind = payload.get("type")
            self._answers.record_frame(self._url, str(kind), message.data)
            if kind == "authenticated":
                authenticated = True
                on_authenticated()
            elif kind == "error":
                text = as_str(payload.get("message")) or ""
                # Before `authenticated` every error means the token was not accepted.
                if not authenticated or "token" in text.lower():
                    raise StreamTokenError(f"Socket refused the token: {peer_text(text)}")
            elif kind == "deviceData" and authenticated:
                try:
                    sample = parse_usage(payload.get("data"))
                except PortalResponseError:
                    self.refused_frames += 1
                    continue
                on_sample(sample)

    async def async_close(self) -> None:
        """Close the open socket, if any (the running session then ends)."""
        if self._ws is not None:
            await self._ws.close()


def _decode(text: Any) -> dict[str, Any]:
    """A frame's JSON object; {} for anything else (the REST answers' limits apply)."""
    if not isinstance(text, str):
        return {}
    try:
        payload = parse_json(text)
    except PortalResponseError:
        return {}
    return payload if isinstance(payload, dict) else {}
