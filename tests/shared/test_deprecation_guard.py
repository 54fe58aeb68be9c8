"""The suite fails on a deprecation: the guard in tests/conftest.py and pyproject's filters."""

from __future__ import annotations

import logging
import warnings

import pytest

from tests.conftest import DeprecationGuard


def test_a_deprecation_warning_in_our_code_is_an_error() -> None:
    """pyproject.toml turns a DeprecationWarning raised in custom_components into an error."""
    with pytest.raises(DeprecationWarning):
        warnings.warn_explicit(
            "old", DeprecationWarning, "x.py", 1, module="custom_components.energy_portals.x"
        )


def test_the_guard_collects_report_usage_and_caught_deprecations() -> None:
    """Home Assistant's report_usage line about us, and a DeprecationWarning it caught and
    logged, are collected; other lines are not."""
    guard = DeprecationGuard()
    logger = logging.getLogger("tests.guard")
    logger.propagate = False  # the suite's own guard must not fail this test
    logger.addHandler(guard)
    try:
        logger.warning(
            "Detected that custom integration 'energy_portals' does a thing. "
            "This will stop working in Home Assistant 2027.1.0"
        )
        logger.warning("Detected that custom integration 'other' does a thing")
        logger.info("an ordinary line")
        try:
            raise DeprecationWarning("gone soon")
        except DeprecationWarning:
            logger.exception("Error doing job")
    finally:
        logger.removeHandler(guard)
        logger.propagate = True
    assert len(guard.found) == 2
    assert "energy_portals" in guard.found[0]
    assert guard.found[1] == "Error doing job: gone soon"
