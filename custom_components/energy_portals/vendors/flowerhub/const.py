"""FlowerHub settings: config keys, options, cadences."""

from datetime import timedelta
from typing import Final
from zoneinfo import ZoneInfo

VENDOR_KEY: Final = "flowerhub"

CONF_ASSET_OWNER_ID: Final = "asset_owner_id"
CONF_STATUS_INTERVAL: Final = "status_interval"

DEFAULT_STATUS_INTERVAL: Final = 60
MIN_STATUS_INTERVAL: Final = 30
MAX_STATUS_INTERVAL: Final = 3600

UPTIME_INTERVAL: Final = timedelta(hours=1)
PORTAL_ZONE: Final = ZoneInfo("Europe/Stockholm")
"""The portal's months (uptime, invoices) are Swedish months."""
OWNER_INTERVAL: Final = timedelta(hours=3)
ACCOUNT_INTERVAL: Final = timedelta(hours=3)

# A repair issue is raised once the battery has been disconnected this long.
DISCONNECTED_REPAIR_AFTER: Final = timedelta(hours=24)
ISSUE_DISCONNECTED: Final = "flowerhub_disconnected"

# A repair issue is raised once the portal has failed this long in a row.
PORTAL_DOWN_REPAIR_AFTER: Final = timedelta(hours=6)
ISSUE_PORTAL_DOWN: Final = "flowerhub_portal_down"

NOTIFICATION: Final = "active-flower"
CURRENCY: Final = "SEK"
PORTAL_URL: Final = "https://portal.flowerhub.se"
