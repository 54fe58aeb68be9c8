"""The vendor registry: one line per vendor folder. The config flow menu lists these keys."""

from ..vendor import Vendor
from .enphase import VENDOR as ENPHASE
from .jspro import VENDOR as JSPRO

VENDORS: dict[str, Vendor] = {vendor.key: vendor for vendor in (ENPHASE, JSPRO)}
