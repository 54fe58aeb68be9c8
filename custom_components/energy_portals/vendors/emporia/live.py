"""Live channel state fed by every sample: power and integrated energy (no Home Assistant imports).

Energy is integrated from every sample (power x time since that channel's previous sample), so
throttled state writes lose nothing. Gaps longer than `max_gap` (a dropped socket, a restart,
the proxy down) are not integrated: they are noted as `Gap`s (wall-clock times) and filled later
from the proxy's history (backfill.py), so a reconnect never makes the total jump and the
energy of the gap is still counted once. Consumption and return (negative power, solar) are
integrated separately: both totals only grow. Each direction of a channel has one energy
sensor, which owns the stretches it did not count: a gap belongs to one direction, so a
sensor restored from an older state fills its own stretch without its sibling counting it
again. A non-finite or physically absurd power never
reaches a total.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ...peer_limits import MAX_CHANNELS, MAX_DEVICES
from .usage import ChannelKey, UsageSample


def clock() -> float:
    """Monotonic seconds, read at call time (so tests that freeze time can move it)."""
    return time.monotonic()


NULL_HOLD = 30.0
"""Seconds a channel keeps its last power after the proxy starts sending null usage."""
MAX_CHANNEL_WATTS = 150_000.0
"""No home circuit carries more (a 200 A three-phase service is about 140 kW): beyond is junk."""
MAX_BACKFILL = 7 * 86400.0
"""Seconds of a gap the history is asked for (the most recent part of a longer one)."""
CONSUMED = "consumed"
RETURNED = "returned"


def in_direction(consumed: float, returned: float, direction: str, *, reversed_flow: bool) -> float:
    """One direction's energy of a (consumed, returned) pair the history gave, for a clamp that
    may be reversed (its history's directions are swapped)."""
    if reversed_flow:
        consumed, returned = returned, consumed
    return consumed if direction == CONSUMED else returned


DIRECTIONS = (CONSUMED, RETURNED)


@dataclass(frozen=True, slots=True)
class Gap:
    """Wall-clock seconds [start, end) of one channel's direction that its total lacks."""

    key: ChannelKey
    start: float
    end: float
    direction: str


@dataclass(slots=True)
class ChannelState:
    """What one channel has delivered so far."""

    name: str | None = None
    watts: float | None = None
    watts_at: float | None = None
    seen_at: float | None = None
    consumed: float = 0.0
    """kWh integrated from positive power (and filled gaps) since setup."""
    returned: float = 0.0
    """kWh integrated from negative power (and filled gaps) since setup."""
    wall_at: float | None = None
    """Wall-clock seconds up to which the totals account for the channel's energy."""
    first_wall_at: float | None = None
    """Wall-clock seconds of the channel's first sample since setup."""
    resume_at: dict[str, float] = field(default_factory=dict)
    """Per direction, the wall-clock seconds up to which its restored total counted (until
    the first sample)."""

    def total(self, direction: str) -> float:
        """kWh of one direction since setup."""
        return self.consumed if direction == CONSUMED else self.returned


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

    def __init__(
        self,
        *,
        max_gap: float,
        null_hold: float = NULL_HOLD,
        reversed_channels: frozenset[ChannelKey] = frozenset(),
    ) -> None:
        self.max_gap = max_gap
        self.null_hold = null_hold
        self.reversed = reversed_channels
        """Channels whose clamp sits the wrong way round: their flow is inverted."""
        self.channels: dict[ChannelKey, ChannelState] = {}
        self.parents: dict[int, int] = {}
        self.last_sample_at: float | None = None
        self.samples = 0
        self.gaps: list[Gap] = []
        """Gaps waiting to be filled from the history, oldest first."""
        self._noted: set[Gap] = set()
        self.devices: set[int] = set()
        """The devices whose channels are kept (at most MAX_DEVICES)."""
        self.refused = 0
        """Channels not taken because the entry holds MAX_DEVICES or MAX_CHANNELS already."""

    def ingest(self, sample: UsageSample, now: float, wall: float) -> list[ChannelKey]:
        """Take one sample at monotonic `now` and wall-clock `wall` seconds.

        Returns the channels seen for the first time.
        """
        self.samples += 1
        self.last_sample_at = now
        new: list[ChannelKey] = []
        for key, reading in sample.readings.items():
            channel = self.channels.get(key)
            if channel is None:
                if not self._room_for(key[0]):
                    self.refused += 1
                    continue
                channel = self.channels[key] = ChannelState()
                self.devices.add(key[0])
                new.append(key)
            channel.name = reading.name or channel.name
            watts = reading.watts
            if watts is not None and key in self.reversed:
                watts = -watts
            if watts is not None and abs(watts) > MAX_CHANNEL_WATTS:
                continue  # junk: as if this sample had not come
            if channel.seen_at is None:
                channel.first_wall_at = wall
                for direction, resume_at in channel.resume_at.items():
                    self.note_gap(Gap(key, resume_at, wall, direction))
            elif now - channel.seen_at > self.max_gap and channel.wall_at is not None:
                for direction in DIRECTIONS:
                    self.note_gap(Gap(key, channel.wall_at, wall, direction))
            elif watts is not None and now > channel.seen_at:
                kwh = watts * (now - channel.seen_at) / 3_600_000
                if kwh >= 0:
                    channel.consumed += kwh
                else:
                    channel.returned -= kwh
            if watts is not None:
                channel.watts, channel.watts_at = watts, now
            channel.seen_at, channel.wall_at = now, wall
        self.parents.update(
            (gid, parent) for gid, parent in sample.parents.items() if gid in self.devices
        )
        return new

    def _room_for(self, gid: int) -> bool:
        """A new channel of `gid` fits within the entry's bounds."""
        if len(self.channels) >= MAX_CHANNELS:
            return False
        return gid in self.devices or len(self.devices) < MAX_DEVICES

    def restore(
        self, key: ChannelKey, direction: str, counted_until: float, gaps: list[Gap]
    ) -> None:
        """One direction's restored total counted until `counted_until`; `gaps` were open.

        The time from then to where the channel's totals start for this sensor (its first
        sample, or the newest one when the sensor joins a running channel) is its gap too.
        """
        channel = self.channels.setdefault(key, ChannelState())
        self.devices.add(key[0])
        for gap in gaps:
            self.note_gap(gap)
        if channel.wall_at is not None:
            self.note_gap(Gap(key, counted_until, channel.wall_at, direction))
        elif counted_until > channel.resume_at.get(direction, float("-inf")):
            channel.resume_at[direction] = counted_until

    def note_gap(self, gap: Gap) -> None:
        """Remember a gap to fill (once, at most the last MAX_BACKFILL seconds of it)."""
        start = max(gap.start, gap.end - MAX_BACKFILL)
        gap = Gap(gap.key, start, gap.end, gap.direction)
        if gap.end > gap.start and gap not in self._noted:
            self._noted.add(gap)
            self.gaps.append(gap)

    def fill(self, gap: Gap, consumed: float, returned: float) -> None:
        """Add the energy the history gave for a gap (kWh, both non-negative) to its direction."""
        if gap not in self.gaps:
            return  # filled already
        self.gaps.remove(gap)
        energy = max(
            in_direction(consumed, returned, gap.direction, reversed_flow=gap.key in self.reversed),
            0.0,
        )
        channel = self.channels.setdefault(gap.key, ChannelState())
        if gap.direction == CONSUMED:
            channel.consumed += energy
        else:
            channel.returned += energy

    def open_gaps(self, key: ChannelKey, direction: str) -> list[Gap]:
        """The gaps of one channel's direction not filled yet."""
        return [gap for gap in self.gaps if gap.key == key and gap.direction == direction]

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
