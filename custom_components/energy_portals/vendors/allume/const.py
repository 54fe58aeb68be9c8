"""Allume SolCentre settings: config keys, options and their defaults."""

from datetime import timedelta
from typing import Final

VENDOR_KEY: Final = "allume"

CONF_EMAIL: Final = "email"
CONF_PASSWORD: Final = "password"

CONF_HISTORY_DAYS: Final = "history_days"
DEFAULT_HISTORY_DAYS: Final = 7
MAX_HISTORY_DAYS: Final = 60

# A closed interval appears about a minute after it ends.
LANDING_DELAY: Final = timedelta(minutes=1)
# A closed hour lands about a minute after it ends; refresh a few minutes after the hour.
REFRESH_OFFSET: Final = timedelta(minutes=5)

# Live readings: the newest closed 5-minute interval, every this many minutes (0: off).
CONF_LIVE_INTERVAL: Final = "live_interval"
DEFAULT_LIVE_INTERVAL: Final = 15
LIVE_INTERVALS: Final = (0, 5, 10, 15, 30)
