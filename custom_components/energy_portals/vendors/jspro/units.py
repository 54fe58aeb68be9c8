"""JSPro units and sentinels: the scaling and "not known" values every JSPro model shares.

Units on the wire (QUIRKS.md): cell voltages in mV, pack voltage and relay thresholds in 10 mV,
temperatures in 0.1 degC, SOC/SOH in 0.01 %. `remaining_*_time` and other pack registers use
65535 for "not known"; SCC values use -1 for "missing".
"""

from __future__ import annotations

from typing import Any

from ...parse import as_float, as_list, as_str

PACK_UNKNOWN = (65535.0,)
SCC_MISSING = (-1.0,)
NO_ALARM = "no alarm detected"


def scaled(value: Any, factor: float, sentinels: tuple[float, ...] = ()) -> float | None:
    """A number in the wire's unit, converted by `factor`; None for a sentinel."""
    number = as_float(value, sentinels=sentinels)
    return None if number is None else round(number * factor, 4)


def strings(value: Any) -> tuple[str, ...]:
    """The strings of a JSON array (anything else is left out)."""
    return tuple(text for item in as_list(value) if (text := as_str(item)) is not None)
