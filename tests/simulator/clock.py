"""The simulator's sense of time: real time by default, settable by tests and the benchmark."""

from __future__ import annotations

import time
from collections.abc import Callable


class Clock:
    """Seconds since the epoch, from a function that tests may replace."""

    def __init__(self, now: Callable[[], float] = time.time) -> None:
        self.now = now
