"""The hour book and its windows: sums only grow, hours count once and equal the truth."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.energy_portals.vendors.allume.hours import (
    DAY_WINDOW,
    RECENT,
    HourBook,
    Window,
    plan_windows,
)
from custom_components.energy_portals.vendors.allume.models import HOUR, Energy, HourlyEnergy
from custom_components.energy_portals.vendors.allume.statistics import ready_hours

T0 = datetime(2026, 2, 20, tzinfo=UTC)


def truth(hour: datetime) -> Energy:
    """What really flowed in an hour (a made-up but fixed function)."""
    index = int(hour.timestamp() // 3600)
    return Energy(demand=0.1 + (index % 7) / 10, solar_delivered=(index % 5) / 4)


def answer(window: Window, now: datetime, lost: set[datetime], outage: bool) -> list[HourlyEnergy]:
    """The API: [] for long windows over the last 48 h or in an outage; lost hours absent."""
    if outage or (window.end - window.start > HOUR and window.end > now - RECENT):
        return []
    hours = []
    moment = window.start
    while moment < window.end:
        if moment not in lost and moment + HOUR <= now:
            hours.append(HourlyEnergy(moment, truth(moment), complete=True))
        moment += HOUR
    return hours


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=6),  # hours until the next refresh
            st.booleans(),  # the vendor is down at that refresh
        ),
        min_size=1,
        max_size=40,
    ),
    st.sets(st.integers(min_value=0, max_value=200), max_size=8),
    st.sets(st.integers(min_value=0, max_value=200), max_size=4),
)
def test_the_book_only_grows_and_holds_the_truth(
    refreshes: list[tuple[int, bool]], late: set[int], lost_for_good: set[int]
) -> None:
    """Any refresh times, outages, late and lost hours: sums never fall, hours are true,
    the statistics walk counts each hour once, in order, and passes only given-up hours."""
    book = HourBook()
    start = T0 - timedelta(days=3)
    now = T0
    late_hours = {start + HOUR * i for i in late}
    lost = {start + HOUR * i for i in lost_for_good}
    imported: list[datetime] = []
    last_total = Energy()
    for hours, outage in refreshes:
        now += HOUR * hours
        recent_lost = {h for h in late_hours if h + HOUR > now - RECENT} | lost
        for window in plan_windows(book.missing(start, now - HOUR, now), now):
            span = window.end - window.start
            assert span == HOUR or (span <= DAY_WINDOW and window.end <= now - RECENT)
            book.record(window, answer(window, now, recent_lost, outage), now)
        total = book.total(start, now)
        assert total.demand >= last_total.demand
        assert total.solar_delivered >= last_total.solar_delivered
        last_total = total
        for moment, energy in book.hours.items():
            assert energy == truth(moment)
        resume = imported[-1] + HOUR if imported else start
        ready = ready_hours(book, resume, now)
        for ready_hour in ready:
            assert not imported or ready_hour.start > imported[-1]
            imported.append(ready_hour.start)
    expected = start
    for hour in imported:
        while expected < hour:  # a passed hour is one the API lost for good
            assert expected in book.given_up or expected in lost
            expected += HOUR
        expected = hour + HOUR


def test_windows_for_recent_and_old_hours() -> None:
    """Recent hours one by one; runs of old hours in windows of at most a day."""
    now = T0 + timedelta(minutes=5)
    old = [T0 - timedelta(hours=h) for h in range(49, 49 + 30)]
    recent = [T0 - timedelta(hours=h) for h in (1, 2, 30)]
    windows = plan_windows(old + recent, now)
    long_ones = [w for w in windows if w.end - w.start > HOUR]
    assert [w.end - w.start for w in long_ones] == [DAY_WINDOW, timedelta(hours=6)]
    assert all(w.end <= now - RECENT for w in long_ones)
    assert [w.start for w in windows if w.end - w.start == HOUR] == sorted(recent)


def test_a_missed_recent_hour_is_asked_once_more_then_waits_for_the_roll_up() -> None:
    """A recent hour asked in vain: once more three hours later, then when 48 hours old."""
    book = HourBook()
    hour = T0
    now = T0 + timedelta(hours=1, minutes=5)
    asked = []
    for step in range(50):
        moment = now + HOUR * step
        if hour in book.missing(hour, hour + HOUR, moment):
            asked.append(step)
            book.record(Window(hour, hour + HOUR), [], moment)
    assert asked == [0, 3, 48, 49]  # then given up: two old reads found nothing
