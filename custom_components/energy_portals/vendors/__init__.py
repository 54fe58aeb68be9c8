"""The vendor registry: one line per vendor folder. The config flow menu lists these keys."""

from ..vendor import Vendor
from .allume import VENDOR as ALLUME
from .emporia import VENDOR as EMPORIA
from .enphase import VENDOR as ENPHASE
from .flowerhub import VENDOR as FLOWERHUB
from .jspro import VENDOR as JSPRO

VENDORS: dict[str, Vendor] = {
    vendor.key: vendor for vendor in (ALLUME, FLOWERHUB, ENPHASE, EMPORIA, JSPRO)
}
