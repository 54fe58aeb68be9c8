"""The instants every time-sensitive path is run at (the calendar matrix), each with the Home
Assistant zone it matters in.

Each is a moment at which a local day, month or year turns, or a clock jumps: the tests freeze
time there, set Home Assistant's zone (`hass.config.async_set_time_zone`), and run across it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Instant:
    name: str
    moment: str
    """UTC, ISO 8601."""
    zone: str
    """Home Assistant's zone for the case."""


INSTANTS = [
    Instant("month-end-sydney", "2026-02-28T13:00:00+00:00", "Australia/Sydney"),
    Instant("new-year-sydney", "2026-12-31T13:00:00+00:00", "Australia/Sydney"),
    Instant("leap-day-stockholm", "2028-02-29T23:00:00+00:00", "Europe/Stockholm"),
    Instant("dst-ends-sydney", "2026-04-04T16:00:00+00:00", "Australia/Sydney"),  # 25-hour day
    Instant("dst-starts-sydney", "2026-10-03T16:00:00+00:00", "Australia/Sydney"),  # 23 hours
    Instant("dst-starts-stockholm", "2026-03-29T01:00:00+00:00", "Europe/Stockholm"),
    Instant("dst-ends-stockholm", "2026-10-25T01:00:00+00:00", "Europe/Stockholm"),
    Instant("midnight-adelaide", "2026-06-14T14:30:00+00:00", "Australia/Adelaide"),  # UTC+9:30
    Instant("zone-differs", "2026-11-30T23:00:00+00:00", "America/Los_Angeles"),  # 1 Dec in SE
]
