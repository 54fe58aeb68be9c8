"""Emporia settings: config keys, options and their defaults."""

from datetime import timedelta
from typing import Final

VENDOR_KEY: Final = "emporia"
MANUFACTURER: Final = "Emporia Energy"

CONF_EMPORIA_USERNAME: Final = "emporia_username"
CONF_EMPORIA_PASSWORD: Final = "emporia_password"

CONF_STATE_INTERVAL: Final = "state_update_interval"
DEFAULT_STATE_INTERVAL: Final = 10
MIN_STATE_INTERVAL: Final = 1
MAX_STATE_INTERVAL: Final = 60
PUBLISH_JITTER: Final = 0.1
"""Seconds a sample may come early (socket and timer jitter) and still be published at once."""

WATT_DIGITS: Final = 1
"""Decimals of a power state: the proxy's kWh per window carries float noise far below 0.1 W,
and every noisy digit would write a recorder row."""
KWH_DIGITS: Final = 4
"""Decimals of an energy state (0.1 Wh), for the same reason."""

DEVICES_INTERVAL: Final = timedelta(hours=6)
"""How often names, firmware and channels are read again from /devices."""
DEVICES_INTERVAL_WITH_PLUGS: Final = timedelta(minutes=5)
"""How often /devices is read while a smart plug or an EV charger exists (their state)."""

CONF_HISTORY_DAYS: Final = "history_days"
DEFAULT_HISTORY_DAYS: Final = 7
MAX_HISTORY_DAYS: Final = 30
"""Past days a new energy sensor gets from the proxy's history (0: none)."""

CONF_SOLAR_CHANNELS: Final = "solar_channels"
CONF_REVERSED_CHANNELS: Final = "reversed_channels"
STALE_INTERVALS: Final = 3
MIN_STALE_SECONDS: Final = 30.0
BACKOFF_BASE: Final = 1.0
BACKOFF_MAX: Final = 300.0
STABLE_SESSION: Final = 60.0
"""Seconds a socket must stay up (or deliver data) before the backoff starts over: the real
proxy authenticates, then closes with "Error fetching devices." while Emporia fails."""
NO_DATA_REPAIR_AFTER: Final = timedelta(minutes=30)
ISSUE_NO_DATA: Final = "emporia_no_data"
ISSUE_TOO_MANY: Final = "emporia_too_many_devices"

MAINS_CHANNEL: Final = "1,2,3"
BALANCE_CHANNEL: Final = "Balance"


def stale_after(interval: float) -> float:
    """Seconds without data before entities go unavailable (several state intervals)."""
    return max(STALE_INTERVALS * interval, MIN_STALE_SECONDS)
