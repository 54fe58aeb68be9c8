"""Emporia usage samples: kWh over a scale window turned into watts (no Home Assistant imports).

`usage` is energy in `energyUnit` over the `scale` window, so for kWh the mean power in watts
is usage x 3 600 000 / window seconds (1MIN: x 60 000, 1S: x 3 600 000).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ...errors import PortalResponseError
from ...parse import as_datetime, as_float, as_int, as_str, clean_name
from ...peer_limits import nesting_ok

KWH = "KilowattHours"
SCALE_SECONDS = {"1S": 1, "1MIN": 60, "15MIN": 900, "1H": 3600}

type ChannelKey = tuple[int, str]
"""(deviceGid, channelNum)."""


@dataclass(frozen=True, slots=True)
class ChannelReading:
    """One channel in one sample: watts (None when the proxy sent null) and its label."""

    watts: float | None
    name: str | None
    energy: float | None = None
    """kWh of the sample's scale window (None: null, or another unit)."""


@dataclass(frozen=True, slots=True)
class UsageSample:
    """One deviceListUsages message, flattened over nested devices."""

    instant: datetime | None
    scale: str | None
    energy_unit: str | None
    readings: dict[ChannelKey, ChannelReading] = field(default_factory=dict)
    parents: dict[int, int] = field(default_factory=dict)
    """deviceGid of a nested device -> deviceGid of the monitor it hangs under."""


def channel_num(value: Any) -> str | None:
    """A channel's number as the proxy names it ("1", "1,2,3", "Balance"), fit for a unique
    id: cleaned and cut like a name."""
    return clean_name(value, limit=32)


def watts(usage: Any, scale: str | None, energy_unit: str | None) -> float | None:
    """Mean power over the window; None for null usage, another unit or an unknown scale."""
    energy = as_float(usage)
    seconds = SCALE_SECONDS.get(scale or "")
    if energy is None or seconds is None or energy_unit not in (KWH, None):
        return None
    return energy * 3_600_000 / seconds


def _collect(
    devices: Any,
    parent: int | None,
    scale: str | None,
    unit: str | None,
    sample: UsageSample,
) -> None:
    for device in devices if isinstance(devices, list) else []:
        if not isinstance(device, dict) or (gid := as_int(device.get("deviceGid"))) is None:
            continue
        if parent is not None:
            sample.parents[gid] = parent
        channels = device.get("channelUsages")
        for channel in channels if isinstance(channels, list) else []:
            if not isinstance(channel, dict):
                continue
            num = channel_num(channel.get("channelNum"))
            if num is not None:
                sample.readings[gid, num] = ChannelReading(
                    watts=watts(channel.get("usage"), scale, unit),
                    name=clean_name(channel.get("name")),
                    energy=as_float(channel.get("usage")) if unit in (KWH, None) else None,
                )
            _collect(channel.get("nestedDevices"), gid, scale, unit, sample)


def parse_usage(body: Any) -> UsageSample:
    """A deviceData payload or /devices/instant answer: `{deviceListUsages: {...}}`."""
    usages = body.get("deviceListUsages") if isinstance(body, dict) else None
    if not isinstance(usages, dict):
        raise PortalResponseError("Usage data has no deviceListUsages")
    scale = as_str(usages.get("scale"))
    unit = as_str(usages.get("energyUnit"))
    sample = UsageSample(instant=as_datetime(usages.get("instant")), scale=scale, energy_unit=unit)
    _collect(usages.get("devices"), None, scale, unit, sample)
    if not all(nesting_ok(gid, sample.parents.get) for gid in sample.parents):
        raise PortalResponseError("Usage data links devices in a cycle or nests them too deep")
    return sample


def option_value(key: ChannelKey) -> str:
    """A channel as the options store it: `<device gid>:<channel number>`."""
    return f"{key[0]}:{key[1]}"


def channel_keys(values: Iterable[str]) -> list[ChannelKey]:
    """The channels an option lists (unreadable values are skipped)."""
    keys: list[ChannelKey] = []
    for value in values:
        gid, sep, num = str(value).partition(":")
        if sep and gid.isdigit() and num:
            keys.append((int(gid), num))
    return keys
