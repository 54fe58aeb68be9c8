"""The vendor registry: one line per vendor folder. The config flow menu lists these keys."""

from homeassistant.config_entries import ConfigEntry

from ..const import CONF_VENDOR
from ..vendor import Vendor
from .allume import VENDOR as ALLUME
from .emporia import VENDOR as EMPORIA
from .enphase import VENDOR as ENPHASE
from .flowerhub import VENDOR as FLOWERHUB
from .jspro import VENDOR as JSPRO

VENDORS: dict[str, Vendor] = {
    vendor.key: vendor for vendor in (ALLUME, FLOWERHUB, ENPHASE, EMPORIA, JSPRO)
}


def vendor_of(entry: ConfigEntry) -> Vendor:
    """The vendor an entry belongs to."""
    return VENDORS[entry.data[CONF_VENDOR]]
