"""Serve a fixture folder's recorded answers (scripts/fixtures-from-diagnostics) to an entry.

A download is redacted: its secrets read `**REDACTED**` and its URL is a placeholder. The entry
gets this server's URL and fresh stand-ins for its secrets; the answers are served by method
and path whatever the query, as they were recorded.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.const import DOMAIN
from custom_components.energy_portals.redact import SECRET_WORDS, key_words
from tests.helpers import serving

REDACTED = "**REDACTED**"
URL_KEYS = ("base_url", "url")


@dataclass(frozen=True)
class Fixture:
    """One fixture folder: the entry's redacted configuration and the answers."""

    vendor: str
    taken_at: datetime
    data: dict[str, Any]
    options: dict[str, Any]
    answers: list[dict[str, Any]]

    @classmethod
    def read(cls, folder: Path) -> Fixture:
        entry = json.loads((folder / "entry.json").read_text(encoding="utf-8"))
        answers = json.loads((folder / "answers.json").read_text(encoding="utf-8"))
        return cls(
            entry["data"]["vendor"],
            datetime.fromisoformat(entry["taken_at"]),
            entry["data"],
            entry["options"],
            answers,
        )

    def entry(self, url: str) -> MockConfigEntry:
        """The entry, pointed at the replay server, its secrets stood in for."""
        data = {
            key: url if key in URL_KEYS else self._secret(key, value)
            for key, value in self.data.items()
        }
        return MockConfigEntry(
            domain=DOMAIN, title=f"Fixture {self.vendor}", data=data, options=self.options
        )

    def _secret(self, key: str, value: Any) -> Any:
        """A token stands in as an unsigned JWT valid for a month; any other secret as text."""
        if value != REDACTED:
            return value
        return self.jwt() if "token" in key_words(key) else "fixture-secret"

    def jwt(self) -> str:
        def part(value: dict[str, Any]) -> str:
            return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

        issued = int(self.taken_at.timestamp())
        claims = {"sub": "fixture", "iat": issued, "exp": issued + 30 * 86400}
        return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}.fixture"

    def body(self, value: Any, key: str = "") -> Any:
        """An answer's body with each redacted token stood in for."""
        if isinstance(value, dict):
            return {name: self.body(child, name) for name, child in value.items()}
        if isinstance(value, list):
            return [self.body(child, key) for child in value]
        if value == REDACTED and key_words(key) & SECRET_WORDS:
            return self.jwt()
        return value


@dataclass
class Replay:
    """The running server and the requests it could not answer from the fixture."""

    url: str
    unrecorded: list[str]


@asynccontextmanager
async def replay(fixture: Fixture) -> AsyncIterator[Replay]:
    """The fixture's answers on a loopback port, for as long as the context lasts."""
    unrecorded: list[str] = []

    async def answer(request: web.Request) -> web.StreamResponse:
        recorded = _recorded(fixture.answers, request.method, request.path)
        if recorded is None:
            unrecorded.append(f"{request.method} {request.path}")
            return web.json_response({"message": "not recorded"}, status=404)
        headers = dict(recorded.get("headers", {}))
        content_type = headers.pop("Content-Type", "application/json")
        if "json" in recorded:
            text = json.dumps(fixture.body(recorded["json"]))
        else:
            text = recorded.get("text", "")
        return web.Response(
            status=recorded["status"],
            body=text.encode(),
            headers={**headers, "Content-Type": content_type},
        )

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    async with serving(app) as url:
        yield Replay(url, unrecorded)


def _recorded(answers: list[dict[str, Any]], method: str, path: str) -> dict[str, Any] | None:
    """The answer recorded for the path, under whatever base path the user's URL had."""
    matching = [
        answer
        for answer in answers
        if answer["method"] == method and answer["path"].endswith(path) and path != "/"
    ]
    return min(matching, key=lambda answer: len(answer["path"]), default=None)
