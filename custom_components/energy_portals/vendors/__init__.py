"""The vendor registry: one line per vendor folder. The config flow menu lists these keys."""

from ..vendor import Vendor
from .emporia import VENDOR as EMPORIA
from .enphase import VENDOR as ENPHASE

VENDORS: dict[str, Vendor] = {vendor.key: vendor for vendor in (ENPHASE, EMPORIA)}
