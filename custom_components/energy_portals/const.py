"""Constants shared by every vendor of Energy Portals."""

import logging
from typing import Final

DOMAIN: Final = "energy_portals"
LOGGER = logging.getLogger(__package__)

CONF_VENDOR: Final = "vendor"
CONF_ADVANCED: Final = "advanced"
CONF_BASE_URL: Final = "base_url"
