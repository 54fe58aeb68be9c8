"""Emporia totals for any readings (Hypothesis): they only grow, stay within physics, and a gap
filled from the history counts each minute once."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.energy_portals.vendors.emporia.api import History
from custom_components.energy_portals.vendors.emporia.backfill import gap_energy
from custom_components.energy_portals.vendors.emporia.live import (
    CONSUMED,
    MAX_CHANNEL_WATTS,
    Gap,
    LiveState,
)
from custom_components.energy_portals.vendors.emporia.usage import ChannelReading, UsageSample

KEY = (1, "1")

readings = st.lists(
    st.tuples(
        st.floats(min_value=0.1, max_value=600),  # seconds since the previous sample
        st.one_of(
            st.none(),
            st.floats(allow_nan=True, allow_infinity=True),
            st.floats(min_value=-20_000, max_value=20_000),
        ),
    ),
    max_size=80,
)


def sample(watts: float | None) -> UsageSample:
    if watts is not None and not math.isfinite(watts):
        watts = None  # the parser turns non-finite numbers into None
    return UsageSample(
        instant=None,
        scale="1MIN",
        energy_unit="KilowattHours",
        readings={KEY: ChannelReading(watts=watts, name=None)},
    )


@given(readings)
def test_totals_only_grow_and_stay_within_physics(
    sequence: list[tuple[float, float | None]],
) -> None:
    """Nulls, junk, negative power, drops and gaps: both totals only grow, within physics."""
    state = LiveState(max_gap=30)
    now = 0.0
    consumed = returned = 0.0
    for seconds, watts in sequence:
        now += seconds
        state.ingest(sample(watts), now, 1_000_000 + now)
        channel = state.channels[KEY]
        assert channel.consumed >= consumed
        assert channel.returned >= returned
        consumed, returned = channel.consumed, channel.returned
    bound = MAX_CHANNEL_WATTS * now / 3_600_000 + 1e-9
    assert consumed <= bound
    assert returned <= bound


@settings(max_examples=200)
@given(
    st.floats(min_value=-5000, max_value=5000),
    st.floats(min_value=0, max_value=3600),
    st.floats(min_value=0, max_value=3600),
    st.floats(min_value=0, max_value=3600),
)
def test_split_gaps_count_each_minute_once(watts: float, a: float, b: float, c: float) -> None:
    """A gap split anywhere gives the same energy as the whole: edges are prorated, not doubled."""
    start, middle, end = sorted((a, b, c))
    minutes = math.ceil(end / 60) + 1
    history = History(first=0.0, values=tuple(watts * 60 / 3_600_000 for _ in range(minutes)))
    whole = gap_energy(Gap(KEY, start, end, CONSUMED), history, 0.0)
    first = gap_energy(Gap(KEY, start, middle, CONSUMED), history, 0.0)
    second = gap_energy(Gap(KEY, middle, end, CONSUMED), history, 0.0)
    assert math.isclose(whole[0], first[0] + second[0], abs_tol=1e-9)
    assert math.isclose(whole[1], first[1] + second[1], abs_tol=1e-9)
    expected = abs(watts) * (end - start) / 3_600_000
    assert math.isclose(whole[0] + whole[1], expected, abs_tol=1e-9)


def test_missing_and_absurd_minutes_are_not_counted() -> None:
    """A null minute is missing, not zero; a minute beyond physics is junk."""
    history = History(first=0.0, values=(0.01, None, 1e6, float("nan"), -0.02))
    assert gap_energy(Gap(KEY, 0.0, 300.0, CONSUMED), history, 0.0) == (0.01, 0.02)
    unanchored = History(first=None, values=(0.01,))
    assert gap_energy(Gap(KEY, 600.0, 660.0, CONSUMED), unanchored, 600.0) == (0.01, 0.0)
