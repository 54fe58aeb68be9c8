"""The oracle's fixtures: the vendors' simulators (shared with the vendor tests)."""

from tests.vendors.emporia.conftest import emporia, emporia_url

__all__ = ["emporia", "emporia_url"]
