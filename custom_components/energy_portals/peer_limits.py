"""What a peer's answer may create (no Home Assistant imports here).

A proxy someone else runs or a compromised device can name thousands of devices in one frame,
or link devices in a cycle. These bounds sit far above any real home (a few monitors, a few
dozen plugs and chargers, under a hundred circuits), so they refuse only such answers.
"""

from __future__ import annotations

from collections.abc import Callable

MAX_DEVICES = 100
"""Devices one entry may hold."""
MAX_CHANNELS = 1000
"""Channels (circuits) one entry may hold."""
MAX_NESTING = 4
"""Levels a device may hang below another (Emporia nests one: a plug under its monitor)."""


def nesting_ok(gid: int, parent_of: Callable[[int], int | None]) -> bool:
    """The chain of parents from `gid` ends within MAX_NESTING steps and never comes back."""
    seen = {gid}
    current = gid
    for _ in range(MAX_NESTING + 1):
        parent = parent_of(current)
        if parent is None:
            return True
        if parent in seen:
            return False
        seen.add(parent)
        current = parent
    return False
