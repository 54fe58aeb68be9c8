"""The oracle's fixtures: the recorder for every scenario, and the vendors' simulators and
entries (shared with the vendor tests)."""

from typing import Any

import pytest

from tests.long_runs import enable_event_loop_debug
from tests.vendors.emporia.conftest import emporia, emporia_url
from tests.vendors.enphase.conftest import enphase, enphase_entry, no_command_check_pause

__all__ = [
    "emporia",
    "emporia_url",
    "enable_event_loop_debug",
    "enphase",
    "enphase_entry",
    "no_command_check_pause",
]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_mock: Any, enable_custom_integrations: None) -> None:
    """The recorder first, then our integration (every scenario reads its statistics)."""
