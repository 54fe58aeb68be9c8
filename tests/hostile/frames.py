"""The socket frames a hostile Emporia proxy sends (the hostile tests and their benchmark)."""

from __future__ import annotations

import json
from typing import Any


def frame(devices: list[dict[str, Any]]) -> str:
    """A deviceData frame naming `devices` (deviceListUsages' device items)."""
    return json.dumps(
        {
            "type": "deviceData",
            "data": {
                "deviceListUsages": {
                    "instant": "2026-12-07T00:00:00Z",
                    "scale": "1S",
                    "devices": devices,
                    "energyUnit": "KilowattHours",
                }
            },
        }
    )


def device(gid: int, *, nested: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A device with one channel, `nested` under that channel."""
    return {
        "deviceGid": gid,
        "channelUsages": [
            {
                "name": f"Circuit {gid}",
                "usage": 0.0001,
                "deviceGid": gid,
                "channelNum": "1",
                "nestedDevices": nested or [],
            }
        ],
    }


def chain(depth: int) -> list[dict[str, Any]]:
    """One device nested `depth` levels deep."""
    deepest = device(5000)
    for gid in range(5001, 5000 + depth):
        deepest = device(gid, nested=[deepest])
    return [deepest]
