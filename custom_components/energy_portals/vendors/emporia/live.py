"""Live channel state fed by every sample: power and integrated energy (no Home Assistant imports).

Energy is integrated from every sample (power x time since that channel's previous sample), so
throttled state writes lose nothing. Gaps longer than `max_gap` (a dropped socket) are not
integrated, so a reconnect never makes the total jump. Consumption and return (negative power,
solar) are integrated separately: both totals only grow.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from .usage import ChannelKey, UsageSample


def clock() -> float:
    """Monotonic seconds, read at call time (so tests that freeze time can move it)."""
    return time.monotonic()


NULL_HOLD = 30.0
"""Seconds a channel keeps its last power after the proxy starts sending null usage."""


@dataclass(slots=True)
class ChannelState:
    """What one channel has delivered so far."""

    name: str | None = None
    watts: float | None = None
    watts_at: float | None = None
    seen_at: float | None = None
    consumed: float = 0.0
    """kWh integrated from positive power since setup."""
    returned: float = 0.0
    """kWh integrated from negative power since setup."""


@dataclass(frozen=True, slots=True)
class ChannelSnapshot:
    """One channel as entities show it."""

    watts: float | None
    consumed: float
    returned: float


@dataclass(frozen=True, slots=True)
class LiveSnapshot:
    """The channels at one moment; `fresh` is False when no data came for too long."""

    fresh: bool
    channels: dict[ChannelKey, ChannelSnapshot]


class LiveState:
    """Every channel's state across reconnects."""

    def __init__(self, *, max_gap: float, null_hold: float = NULL_HOLD) -> None:
        self.max_gap = max_gap
        self.null_hold = null_hold
        self.channels: dict[ChannelKey, ChannelState] = {}
        self.parents: dict[int, int] = {}
        self.last_sample_at: float | None = None
        self.samples = 0

    def ingest(self, sample: UsageSample, now: float) -> list[ChannelKey]:
        """Take one sample at monotonic time `now`; returns the channels seen for the first time."""
        self.samples += 1
        self.last_sample_at = now
        self.parents.update(sample.parents)
        new: list[ChannelKey] = []
        for key, reading in sample.readings.items():
            channel = self.channels.get(key)
            if channel is None:
                channel = self.channels[key] = ChannelState()
                new.append(key)
            channel.name = reading.name or channel.name
            watts = reading.watts
            if watts is not None:
                if channel.seen_at is not None and 0 < now - channel.seen_at <= self.max_gap:
                    kwh = watts * (now - channel.seen_at) / 3_600_000
                    if kwh >= 0:
                        channel.consumed += kwh
                    else:
                        channel.returned -= kwh
                channel.watts, channel.watts_at = watts, now
            channel.seen_at = now
        return new

    def fresh(self, now: float) -> bool:
        """Data arrived within `max_gap`."""
        return self.last_sample_at is not None and now - self.last_sample_at <= self.max_gap

    def snapshot(self, now: float) -> LiveSnapshot:
        """The channels now: a power older than `null_hold` (nulls since) is unknown."""
        return LiveSnapshot(
            fresh=self.fresh(now),
            channels={
                key: ChannelSnapshot(
                    watts=channel.watts
                    if channel.watts_at is not None and now - channel.watts_at <= self.null_hold
                    else None,
                    consumed=channel.consumed,
                    returned=channel.returned,
                )
                for key, channel in self.channels.items()
            },
        )
