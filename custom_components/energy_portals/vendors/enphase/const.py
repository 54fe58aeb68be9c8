"""Enphase settings: config keys, options and their defaults."""

from datetime import timedelta
from typing import Final

VENDOR_KEY: Final = "enphase"

CONF_E_AUTH_TOKEN: Final = "e_auth_token"
CONF_COOKIE: Final = "cookie"
CONF_SITE_ID: Final = "site_id"

CONF_STATUS_INTERVAL: Final = "status_interval"
CONF_IDLE_INTERVAL: Final = "idle_interval"
CONF_CHARGING_CURRENT: Final = "charging_current"

DEFAULT_STATUS_INTERVAL: Final = 15
MIN_STATUS_INTERVAL: Final = 10
DEFAULT_IDLE_INTERVAL: Final = 60
DEFAULT_CHARGING_CURRENT: Final = 32
MIN_CHARGING_CURRENT: Final = 6
MAX_CHARGING_CURRENT: Final = 40

METER_VALUES: Final = "MeterValues"

# How often the charger summary (lifetime meter, amp limits) is read.
SUMMARY_FAST_INTERVAL: Final = timedelta(minutes=1)
SUMMARY_IDLE_INTERVAL: Final = timedelta(minutes=10)
# A home charger delivers at most 22 kW (32 A on three 230 V phases); the bound for a charger
# whose summary does not tell its own.
MAX_CHARGER_POWER_KW: Final = 22.1
