"""Lenient parsing of the session history and the firmware details: what is not a finished
session or a charger is skipped, a missing list is an invalid answer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from custom_components.energy_portals.errors import PortalResponseError
from custom_components.energy_portals.vendors.enphase.firmware import parse_firmware
from custom_components.energy_portals.vendors.enphase.history import parse_history, parse_session
from custom_components.energy_portals.vendors.enphase.sessions import hourly_shares

START = "2026-11-29T08:00:00.000Z[UTC]"
END = "2026-11-29T09:00:00.000Z[UTC]"


@pytest.mark.parametrize(
    "item",
    [
        {"startTime": START, "endTime": END, "aggEnergyValue": 1},  # no id
        {"sessionId": 1, "startTime": END, "endTime": START, "aggEnergyValue": 1},  # backwards
        {"sessionId": 1, "startTime": START, "endTime": END, "aggEnergyValue": -2},
        {"sessionId": 1, "startTime": START, "endTime": END, "aggEnergyValue": None},
        {"sessionId": 1, "startTime": None, "endTime": END, "aggEnergyValue": 1},
        "not a session",
    ],
)
def test_what_is_not_a_finished_session_is_skipped(item: object) -> None:
    assert parse_session(item) is None
    assert parse_history({"data": {"result": [item], "hasMore": False}}).sessions == []


def test_a_cost_not_calculated_yet_is_unknown() -> None:
    session = parse_session(
        {
            "sessionId": "7",
            "startTime": START,
            "endTime": END,
            "aggEnergyValue": "3.5",
            "sessionCost": 0.0,
            "costCalculated": False,
        }
    )
    assert session is not None
    assert (session.energy, session.cost) == (3.5, None)


@pytest.mark.parametrize("body", [{}, {"data": {"result": None}}, [], "html", None])
def test_a_history_without_a_result_list_is_invalid(body: object) -> None:
    with pytest.raises(PortalResponseError):
        parse_history(body)


def test_firmware_in_an_envelope_and_items_without_a_serial() -> None:
    firmware = parse_firmware(
        {"data": [{"serialNumber": "A1", "currentFwVersion": "1.0"}, {"currentFwVersion": "2"}]}
    )
    assert list(firmware) == ["A1"]
    assert firmware["A1"].target is None
    with pytest.raises(PortalResponseError):
        parse_firmware({"data": "nothing"})


def test_hourly_shares_of_an_instant_session_and_of_nothing() -> None:
    """A session of no duration lands in its hour; a session without a value adds nothing."""
    instant = parse_session(
        {"sessionId": 1, "startTime": START, "endTime": START, "aggEnergyValue": 2.0}
    )
    empty = parse_session({"sessionId": 2, "startTime": START, "endTime": END, "aggEnergyValue": 0})
    assert instant is not None and empty is not None
    assert hourly_shares([instant, empty], lambda s: s.energy) == {
        datetime(2026, 11, 29, 8, tzinfo=UTC): 2.0
    }
    assert hourly_shares([instant], lambda s: s.cost) == {}
