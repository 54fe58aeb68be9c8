"""The shared HTTP plumbing and value readers every vendor client uses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from custom_components.energy_portals.errors import (
    PortalHtmlResponseError,
    PortalNotFoundError,
    PortalResponseError,
)
from custom_components.energy_portals.http import HttpResponse, parse_retry_after, raise_for_status
from custom_components.energy_portals.parse import (
    as_bool,
    as_datetime,
    as_epoch,
    as_float,
    as_int,
    as_str,
)

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("", None),
        ("120", 120.0),
        ("-5", 0.0),
        ("Sun, 22 Nov 2026 12:01:30 GMT", 90.0),
        ("Sun, 22 Nov 2026 11:00:00 GMT", 0.0),
        ("2026-11-22T12:01:30", None),
        ("soon", None),
    ],
)
def test_retry_after(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, NOW) == seconds


def test_retry_after_defaults_to_now() -> None:
    assert parse_retry_after("Sun, 22 Nov 2020 12:01:30 GMT") == 0.0


def test_json_bodies() -> None:
    assert HttpResponse(200, {}, '{"a": 1}').json_object() == {"a": 1}
    with pytest.raises(PortalResponseError):
        HttpResponse(200, {}, "[1]").json_object()
    with pytest.raises(PortalHtmlResponseError):
        HttpResponse(200, {"Content-Type": "text/html; charset=utf-8"}, "{}").json()
    with pytest.raises(PortalHtmlResponseError):
        HttpResponse(200, {}, "  <!doctype html>").json()
    with pytest.raises(PortalResponseError):
        HttpResponse(200, {}, "").json()


def test_status_mapping() -> None:
    raise_for_status(HttpResponse(304, {}, ""))
    with pytest.raises(PortalNotFoundError):
        raise_for_status(HttpResponse(404, {}, "missing"))
    with pytest.raises(PortalResponseError) as caught:
        raise_for_status(HttpResponse(418, {}, "teapot"))
    assert caught.value.status == 418
    assert caught.value.body == "teapot"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1.0),
        (2.5, 2.5),
        ("3.25", 3.25),
        (" 4,5 ", 4.5),
        ("", None),
        ("abc", None),
        (None, None),
        (True, None),
        (float("nan"), None),
        (float("inf"), None),
        ([], None),
    ],
)
def test_as_float(value: object, expected: float | None) -> None:
    assert as_float(value) == expected


def test_sentinels_and_ints() -> None:
    assert as_float(65535, sentinels=(65535,)) is None
    assert as_float("-1", sentinels=(-1,)) is None
    assert as_int("41.6") == 42
    assert as_int(None) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (0, False),
        ("true", True),
        ("Off", False),
        ("maybe", None),
        (None, None),
    ],
)
def test_as_bool(value: object, expected: bool | None) -> None:
    assert as_bool(value) is expected


def test_as_str_and_dates() -> None:
    assert as_str("  x ") == "x"
    assert as_str("   ") is None
    assert as_str(None) is None
    assert as_str(12) == "12"
    assert as_epoch(1725600000) == datetime(2024, 9, 6, 5, 20, tzinfo=UTC)
    assert as_epoch("1725600000000") == datetime(2024, 9, 6, 5, 20, tzinfo=UTC)
    assert as_epoch(0) is None
    assert as_epoch(1e300) is None
    assert as_datetime("2026-02-25T00:00:00.000Z") == datetime(2026, 2, 25, tzinfo=UTC)
    assert as_datetime("March 2025") is None
    assert as_datetime(None) is None
