"""Optional endpoints: tracked per thing asked for, reported once, asked again a day later."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory

from custom_components.energy_portals.errors import (
    PortalAccessDeniedError,
    PortalNotFoundError,
)
from custom_components.energy_portals.optional_endpoints import OptionalEndpoints


class Peer:
    """Answers per key: a value, or the error it raises."""

    def __init__(self) -> None:
        self.missing: set[str] = set()
        self.refused: set[str] = set()
        self.asked: list[str] = []

    def read(self, key: str) -> Callable[[], Awaitable[str]]:
        async def call() -> str:
            self.asked.append(key)
            if key in self.missing:
                raise PortalNotFoundError("Not found (HTTP 404)", status=404)
            if key in self.refused:
                raise PortalAccessDeniedError("refused (HTTP 403)", status=403)
            return f"data of {key}"

        return call


async def test_one_missing_key_leaves_the_others(
    freezer: FrozenDateTimeFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """One charger's history missing: the other's is still read, at every poll; the missing
    one is asked again a day later; one WARNING for the endpoint, one INFO when back."""
    freezer.move_to("2026-12-07T10:00:00+00:00")
    endpoints = OptionalEndpoints("The account", "nothing to do")
    peer = Peer()
    peer.missing.add("B")
    assert await endpoints.fetch("history", peer.read("A"), key="A") == "data of A"
    assert await endpoints.fetch("history", peer.read("B"), key="B") is None
    assert endpoints.offered("history", "A")
    assert not endpoints.offered("history", "B")
    assert endpoints.unsupported == {"history"}
    changes = endpoints.changes
    for _ in range(3):
        freezer.tick(timedelta(hours=1))
        await endpoints.fetch("history", peer.read("A"), key="A")
        await endpoints.fetch("history", peer.read("B"), key="B")
    assert peer.asked.count("A") == 4
    assert peer.asked.count("B") == 1
    assert endpoints.changes == changes
    peer.missing.clear()
    freezer.tick(timedelta(hours=21, seconds=1))
    assert await endpoints.fetch("history", peer.read("B"), key="B") == "data of B"
    assert endpoints.changes == changes + 1
    assert endpoints.offered("history", "B")
    lines = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert [level for level, _ in lines] == [logging.WARNING, logging.INFO]
    assert "HTTP 404" in lines[0][1]
    assert "nothing to do" in lines[0][1]


async def test_a_refused_group_and_a_clock_that_went_back(
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 403 counts as not offered; a clock set back does not stretch the wait; a reprobe asks
    at the next read."""
    freezer.move_to("2026-12-07T10:00:00+00:00")
    endpoints = OptionalEndpoints("The account")
    peer = Peer()
    peer.refused.add("x")
    assert await endpoints.fetch("invoices", peer.read("x")) is None
    freezer.move_to("2026-12-06T10:00:00+00:00")  # the clock went back a day
    assert await endpoints.fetch("invoices", peer.read("x")) is None
    assert peer.asked.count("x") == 2
    endpoints.reprobe()
    assert await endpoints.fetch("invoices", peer.read("x")) is None
    assert peer.asked.count("x") == 3
