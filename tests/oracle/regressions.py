"""Every scenario that ever failed, by name: replayed by the suite for good."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

EMPORIA: dict[str, Callable[[], Any]] = {}
