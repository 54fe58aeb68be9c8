"""The oracle's fixtures: the recorder for every scenario, and the vendors' simulators and
entries (shared with the vendor tests)."""

import asyncio
from typing import Any

import pytest

from tests.vendors.emporia.conftest import emporia, emporia_url
from tests.vendors.enphase.conftest import enphase, enphase_entry, no_command_check_pause

__all__ = ["emporia", "emporia_url", "enphase", "enphase_entry", "no_command_check_pause"]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_mock: Any, enable_custom_integrations: None) -> None:
    """The recorder first, then our integration (every scenario reads its statistics)."""


@pytest.fixture(autouse=True)
async def enable_event_loop_debug() -> None:
    """Not here: the oracle drives hours of frozen time, and asyncio's debug mode (a stack
    trace taken for every callback) doubled its time. The rest of the suite keeps it on."""
    asyncio.get_running_loop().set_debug(False)
