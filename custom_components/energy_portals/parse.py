"""Lenient readers for the values the vendors send (no Home Assistant imports here).

Numbers arrive as numbers, as strings, as null or as sentinels; these read them once.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, datetime
from typing import Any


def as_float(value: Any, *, sentinels: tuple[float, ...] = ()) -> float | None:
    """A float from a number or a numeric string; None for null, garbage or a sentinel."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
        if not value:
            return None
    try:
        number = float(value)
    except TypeError, ValueError, OverflowError:  # an integer beyond any float, too
        return None
    if math.isnan(number) or math.isinf(number) or number in sentinels:
        return None
    return number


def as_int(value: Any, *, sentinels: tuple[float, ...] = ()) -> int | None:
    """An int from a number or a numeric string (rounded); None when unreadable."""
    number = as_float(value, sentinels=sentinels)
    return None if number is None else round(number)


def as_bool(value: Any) -> bool | None:
    """A bool from true/false, 1/0 or their strings; None when unreadable."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "1", "yes", "on"):
            return True
        if lowered in ("false", "0", "no", "off"):
            return False
    return None


def as_str(value: Any) -> str | None:
    """A non-empty string, or None."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def as_epoch(value: Any) -> datetime | None:
    """A UTC datetime from Unix time in seconds or milliseconds (numbers or strings)."""
    number = as_float(value)
    if number is None or number <= 0:
        return None
    if number > 1e11:  # milliseconds: seconds stay below 1e11 until the year 5138
        number /= 1000
    try:
        return datetime.fromtimestamp(number, UTC)
    except OverflowError, OSError, ValueError:
        return None


def as_datetime(value: Any) -> datetime | None:
    """A datetime from an ISO 8601 string (a trailing Z is UTC); None when unreadable."""
    text = as_str(value)
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def as_object(value: Any) -> dict[str, Any]:
    """A JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """A JSON array, else an empty one."""
    return value if isinstance(value, list) else []


PEER_TEXT_LIMIT = 200
"""Characters of a peer's own text (an error message) that a log line or an error keeps."""
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
"""A terminal's control sequence (colours, cursor moves)."""
NAME_LIMIT = 64
"""Characters of a name a peer gives (a device, a channel) that reach a registry."""


def peer_text(value: Any, limit: int = PEER_TEXT_LIMIT) -> str:
    """A peer's text as a log line may carry it: quoted, control characters escaped (no line
    breaks or terminal escapes to forge lines with), cut to `limit` characters."""
    text = str(value)
    cut = len(text) > limit
    quoted = repr(text[:limit])
    return f"{quoted}... ({len(text)} characters)" if cut else quoted


def clean_name(value: Any, limit: int = NAME_LIMIT) -> str | None:
    """A name a peer gives, fit for a device or entity name: control and format characters
    (ANSI escapes, line breaks, bidi overrides) and markup brackets dropped, whitespace
    folded, cut to `limit` characters; None when nothing readable is left."""
    text = as_str(value)
    if text is None:
        return None
    text = ANSI_ESCAPE.sub("", text[: limit * 8])
    kept = "".join(
        char
        for char in text
        if char.isspace() or (unicodedata.category(char)[0] != "C" and char not in "<>")
    )
    name = " ".join(kept.split())[:limit].strip()
    return name or None
