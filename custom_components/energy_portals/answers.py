"""The last raw answer of each endpoint a client read, kept for diagnostics (no Home Assistant
imports here).

A user's diagnostics download then shows what the service really said (a firmware, a region or
a plan nobody has recorded), and `scripts/fixtures-from-diagnostics` turns it into a test. The
answers are kept as received; `redact.py` takes the secrets and identities out of the download.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from yarl import URL

from .errors import PortalResponseError
from .http import HttpResponse, parse_json

MAX_ENDPOINTS = 64
"""Endpoints kept per client; the one read longest ago goes first."""
MAX_TEXT = 64 * 1024
"""Characters of a body kept; a longer one is cut (`_bounded`) and says by how much."""
MAX_ITEMS = 20
"""Items of a list kept when a JSON body is longer than MAX_TEXT."""
MAX_STRING = 1024
"""Characters of a string kept when a JSON body is longer than MAX_TEXT."""
KEPT_HEADERS = ("Content-Type", "ETag", "Last-Modified", "Retry-After", "Cache-Control")
"""The headers that say how to read an answer; never cookies, never a redirect's target."""


@dataclass(frozen=True, slots=True)
class RawAnswer:
    """One answer as received: the request's method and path (no host, no query)."""

    method: str
    path: str
    status: int
    headers: dict[str, str]
    text: str
    cut: int
    """Characters left out of `text` (0: the whole body)."""
    frame: str | None = None
    """The type of a socket frame (`deviceData`); None for an HTTP answer."""

    def as_dict(self) -> dict[str, Any]:
        """The answer for diagnostics: a JSON body as JSON, anything else as text."""
        answer: dict[str, Any] = {
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "headers": self.headers,
        }
        if self.frame is not None:
            answer["frame"] = self.frame
        if self.cut:
            answer["cut"] = self.cut
        try:
            answer["json"] = parse_json(self.text)
        except PortalResponseError:
            answer["text"] = self.text
        return answer


class AnswerLog:
    """The last answer of each endpoint (method and path) one client read."""

    def __init__(self) -> None:
        self._answers: OrderedDict[str, RawAnswer] = OrderedDict()

    def record(self, method: str, url: str, response: HttpResponse) -> None:
        """Keep an answer, replacing the previous one of its endpoint."""
        received = {name.lower(): value for name, value in response.headers.items()}
        headers = {
            name: received[name.lower()] for name in KEPT_HEADERS if name.lower() in received
        }
        text = _bounded(response.text)
        cut = len(response.text) - len(text)
        self._keep(RawAnswer(method, URL(url).path, response.status, headers, text, cut))

    def record_frame(self, url: str, frame: str, text: str) -> None:
        """Keep a socket frame as received, replacing the previous one of its type."""
        kept = _bounded(text)
        self._keep(RawAnswer("WS", URL(url).path, 101, {}, kept, len(text) - len(kept), frame))

    def _keep(self, answer: RawAnswer) -> None:
        key = f"{answer.method} {answer.path} {answer.frame or ''}"
        self._answers.pop(key, None)
        self._answers[key] = answer
        while len(self._answers) > MAX_ENDPOINTS:
            self._answers.popitem(last=False)

    def as_list(self) -> list[dict[str, Any]]:
        """Every kept answer, by endpoint."""
        return [self._answers[key].as_dict() for key in sorted(self._answers)]


def _bounded(text: str) -> str:
    """The body within MAX_TEXT: a longer JSON body keeps its shape, its lists cut to their
    first MAX_ITEMS and its strings to MAX_STRING (still JSON, so its keys say what each value
    is when it is redacted); any other body is cut."""
    if len(text) <= MAX_TEXT:
        return text
    try:
        value = parse_json(text)
    except PortalResponseError:
        return text[:MAX_TEXT]
    trimmed = json.dumps(_trimmed(value), ensure_ascii=False, separators=(",", ":"))
    return trimmed if len(trimmed) <= MAX_TEXT else ""


def _trimmed(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _trimmed(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_trimmed(child) for child in value[:MAX_ITEMS]]
    if isinstance(value, str):
        return value[:MAX_STRING]
    return value
