"""Allume SolCentre settings: config keys, options and their defaults."""

from datetime import timedelta
from typing import Final

VENDOR_KEY: Final = "allume"

CONF_EMAIL: Final = "email"
CONF_PASSWORD: Final = "password"

CONF_HISTORY_DAYS: Final = "history_days"
DEFAULT_HISTORY_DAYS: Final = 7
MAX_HISTORY_DAYS: Final = 60

# A closed hour lands about a minute after it ends; refresh a few minutes after the hour.
REFRESH_OFFSET: Final = timedelta(minutes=5)
