"""Gaps in the live data filled from the proxy's history (no Home Assistant imports here).

A gap (restart, dropped socket, proxy down) is asked for once its last minute is complete:
one history request per channel and stretch (a day at most per request), which fills each
direction that lacks the stretch. The history sums channel
numbers, so the mains ("1,2,3") is asked as 1, 2 and 3; the Balance channel cannot be asked
and its gaps stay unfilled. A failed request is tried again a few minutes later, for an hour
at most. A gap whose minutes the history still lacks (null: the cloud settling late) is read
again a few minutes later too, for half an hour; then a missing minute is not counted.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from ...const import LOGGER
from ...errors import PortalAuthError, PortalError
from .api import HISTORY_STEP, EmporiaClient, History
from .live import MAX_CHANNEL_WATTS, Gap, LiveState
from .usage import ChannelKey

SETTLE = 180.0
"""Seconds after a gap ends before its last minute is complete in the history."""
RETRY_WAIT = 300.0
MAX_ATTEMPTS = 12
UNSETTLED_ATTEMPTS = 6
PIECE = 86400.0
"""Seconds of history asked for in one request."""
MAX_STEP_KWH = MAX_CHANNEL_WATTS * HISTORY_STEP / 3_600_000
"""More in one minute than any home circuit can carry: junk, not counted."""


def history_channels(num: str) -> list[str] | None:
    """The channel numbers the history sums for a channel; None when it cannot be asked."""
    parts = [part.strip() for part in num.split(",")]
    return parts if all(part.isdigit() for part in parts) else None


def settled(gap: Gap, history: History, asked_from: float) -> bool:
    """The history holds every minute of the gap (none null, none beyond its end)."""
    first = history.first if history.first is not None else asked_from
    covered = first + len(history.values) * HISTORY_STEP
    if first > gap.start or covered < gap.end:
        return False
    return all(
        value is not None
        for index, value in enumerate(history.values)
        if first + index * HISTORY_STEP < gap.end and first + (index + 1) * HISTORY_STEP > gap.start
    )


def gap_energy(gap: Gap, history: History, asked_from: float) -> tuple[float, float]:
    """kWh consumed and returned within the gap, edge minutes counted by their overlap."""
    first = history.first if history.first is not None else asked_from
    consumed = returned = 0.0
    for index, value in enumerate(history.values):
        if value is None or not math.isfinite(value) or abs(value) > MAX_STEP_KWH:
            continue
        start = first + index * HISTORY_STEP
        overlap = min(gap.end, start + HISTORY_STEP) - max(gap.start, start)
        if overlap <= 0:
            continue
        part = value * overlap / HISTORY_STEP
        if part >= 0:
            consumed += part
        else:
            returned -= part
    return consumed, returned


@dataclass(slots=True)
class Backfill:
    """Fills the live state's gaps from the history, each gap once."""

    client: EmporiaClient
    state: LiveState
    wall: Callable[[], float]
    attempts: dict[Gap, tuple[int, float]] = field(default_factory=dict)
    """Failed gaps: how often, and when to try again."""
    unfillable: int = 0
    """Gaps the history cannot serve (the Balance channel) or that failed for good."""

    def due(self) -> list[Gap]:
        """The gaps whose minutes are complete and whose next try has come."""
        now = self.wall()
        return [
            gap
            for gap in self.state.gaps
            if gap.end + SETTLE <= now and self.attempts.get(gap, (0, 0.0))[1] <= now
        ]

    async def async_fill_due(self) -> bool:
        """Fill every due gap; True when a total changed."""
        changed = False
        stretches: dict[tuple[ChannelKey, float, float], list[Gap]] = {}
        for gap in self.due():
            stretches.setdefault((gap.key, gap.start, gap.end), []).append(gap)
        for gaps in stretches.values():
            channels = history_channels(gaps[0].key[1])
            if channels is None:
                self.unfillable += 1
                for gap in gaps:
                    self.state.fill(gap, 0.0, 0.0)
                continue
            try:
                consumed, returned, complete = await self._async_read(gaps[0], channels)
            except PortalAuthError:
                raise
            except PortalError as err:
                self._failed(gaps, err)
                continue
            count = max(self.attempts.get(gap, (0, 0.0))[0] for gap in gaps) + 1
            if not complete and count < UNSETTLED_ATTEMPTS:
                for gap in gaps:
                    self.attempts[gap] = (count, self.wall() + RETRY_WAIT)
                continue
            for gap in gaps:
                self.attempts.pop(gap, None)
                self.state.fill(gap, consumed, returned)
            changed = changed or consumed > 0 or returned > 0
        return changed

    async def _async_read(self, gap: Gap, channels: list[str]) -> tuple[float, float, bool]:
        """The gap's energy in both directions, and whether the history had all of it."""
        consumed = returned = 0.0
        complete = True
        start = math.floor(gap.start / HISTORY_STEP) * HISTORY_STEP
        end = math.ceil(gap.end / HISTORY_STEP) * HISTORY_STEP
        while start < end:
            piece_end = min(end, start + PIECE)
            history = await self.client.async_get_history(gap.key[0], channels, start, piece_end)
            part = gap_energy(gap, history, start)
            consumed, returned = consumed + part[0], returned + part[1]
            piece = Gap(gap.key, max(gap.start, start), min(gap.end, piece_end), gap.direction)
            complete = complete and settled(piece, history, start)
            start = piece_end
        return consumed, returned, complete

    def _failed(self, gaps: list[Gap], err: PortalError) -> None:
        """One stretch's read failed: try again later, or give up after MAX_ATTEMPTS."""
        count = max(self.attempts.get(gap, (0, 0.0))[0] for gap in gaps) + 1
        if count >= MAX_ATTEMPTS:
            LOGGER.warning("Emporia history did not fill a gap in the energy totals: %s", err)
            self.unfillable += 1
            for gap in gaps:
                self.attempts.pop(gap, None)
                self.state.fill(gap, 0.0, 0.0)
            return
        LOGGER.debug("Emporia history not read this time: %s", err)
        for gap in gaps:
            self.attempts[gap] = (count, self.wall() + RETRY_WAIT)
