"""The oracle's fixtures: the vendors' simulators and entries (shared with the vendor tests)."""

from tests.vendors.emporia.conftest import emporia, emporia_url
from tests.vendors.enphase.conftest import enphase, enphase_entry, no_command_check_pause

__all__ = ["emporia", "emporia_url", "enphase", "enphase_entry", "no_command_check_pause"]
