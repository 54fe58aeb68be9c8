"""JSPro Powerdesk settings: config keys, options and their defaults."""

from datetime import timedelta
from typing import Final

VENDOR_KEY: Final = "jspro"
MANUFACTURER: Final = "JSPro"

CONF_URL: Final = "url"
CONF_API_TOKEN: Final = "api_token"
CONF_VERIFY_SSL: Final = "verify_ssl"

CONF_MONITORING_INTERVAL: Final = "monitoring_interval"
CONF_SYSTEM_INTERVAL: Final = "system_interval"
DEFAULT_MONITORING_INTERVAL: Final = 10
DEFAULT_SYSTEM_INTERVAL: Final = 60
MIN_INTERVAL: Final = 5
MAX_INTERVAL: Final = 3600

INFORMATION_INTERVAL: Final = timedelta(hours=6)
# A pack missing from both battery lists this long is gone for good: its device is removed.

MONITORING_GROUPS: Final = ("scc", "battery", "active")
SYSTEM_GROUPS: Final = ("resources", "systemd", "logger", "alarms")
