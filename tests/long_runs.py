"""For tests that drive hours or days of frozen time with the recorder: asyncio's debug mode
(a stack trace taken for every callback) about doubles their time, so they run without it.
The rest of the suite keeps it on, and the same code paths run under it there.

Use it in a test module with `from tests.long_runs import enable_event_loop_debug`.
"""

import asyncio

import pytest


@pytest.fixture(autouse=True)
async def enable_event_loop_debug() -> None:
    """Replaces the test plugin's fixture of this name (which turns debug mode on)."""
    asyncio.get_running_loop().set_debug(False)
