"""The charged-energy total: counted once, never down, never beyond physics (Hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.energy_portals.vendors.enphase.charged_energy import (
    BOUND_SLACK,
    POWER_TOLERANCE,
    ChargedEnergyState,
)
from custom_components.energy_portals.vendors.enphase.const import MAX_CHARGER_POWER_KW
from custom_components.energy_portals.vendors.enphase.models import Charger, ChargerSummary

T0 = datetime(2026, 11, 1, tzinfo=UTC)
STARTS = [T0 - timedelta(hours=1), T0 + timedelta(hours=2), T0 + timedelta(hours=9)]


def charger(
    energy: float | None, start: datetime | None, meter: float | None = None, *, amps: int = 40
) -> Charger:
    summary = None
    if meter is not None:
        summary = ChargerSummary(
            serial="1",
            lifetime_energy=meter,
            min_current=6,
            max_current=amps,
            current_step=1,
            operating_voltage=230.0,
            phase_mode=1,
            firmware_version=None,
        )
    return Charger(
        serial="1",
        name=None,
        connected=True,
        plugged_in=True,
        charging=True,
        faulted=False,
        connector_status="charging",
        session_energy=energy,
        session_cost=None,
        session_start=start,
        charging_level=None,
        schedule_enabled=None,
        summary=summary,
        session_unit_known=True,
    )


readings = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=7200),  # seconds since the previous reading
        st.one_of(
            st.none(),
            st.floats(min_value=-5, max_value=500, allow_nan=False),
        ),
        st.one_of(st.none(), st.sampled_from(STARTS)),
    ),
    max_size=40,
)


@given(readings)
def test_session_total_never_decreases_nor_exceeds_physics(
    sequence: list[tuple[int, float | None, datetime | None]],
) -> None:
    """Any readings (nulls, drops, negatives, repeats): the total only grows, within physics."""
    state = ChargedEnergyState()
    now, last_total, counts = T0, 0.0, 0
    for seconds, energy, start in sequence:
        now += timedelta(seconds=seconds)
        state.count(charger(energy, start), now)
        assert state.total >= last_total
        counts += state.total > last_total
        last_total = state.total
    earliest = min([T0, *STARTS])
    hours = (now - earliest).total_seconds() / 3600
    # The charger's power with the grid's tolerance above its nominal voltage.
    limit = MAX_CHARGER_POWER_KW * POWER_TOLERANCE
    assert state.total <= limit * hours + BOUND_SLACK * counts + 1e-9


@given(readings)
def test_a_repeated_reading_is_not_counted_again(
    sequence: list[tuple[int, float | None, datetime | None]],
) -> None:
    """Each reading served twice (the cloud repeats itself) gives the same total as once."""
    once, twice = ChargedEnergyState(), ChargedEnergyState()
    now = T0
    for seconds, energy, start in sequence:
        now += timedelta(seconds=seconds)
        once.count(charger(energy, start), now)
        twice.count(charger(energy, start), now)
        twice.count(charger(energy, start), now)
    assert twice.total == once.total


@given(
    st.lists(
        st.tuples(st.integers(min_value=15, max_value=900), st.booleans(), st.booleans()),
        min_size=1,
        max_size=60,
    )
)
def test_one_session_counts_exactly_its_energy(polls: list[tuple[int, bool, bool]]) -> None:
    """A 7.36 kW session read with null start times and nulls between: counted exactly once."""
    state = ChargedEnergyState()
    now, delivered, readable = T0, 0.0, 0.0
    for seconds, start_missing, energy_missing in polls:
        now += timedelta(seconds=seconds)
        delivered += 7.36 * seconds / 3600
        energy = None if energy_missing else round(delivered, 4)
        state.count(charger(energy, None if start_missing else T0), now)
        if energy is not None and not start_missing:
            readable = energy  # the last reading that names its session
    assert abs(state.total - readable) < 1e-9


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=3600),
            st.floats(min_value=0, max_value=9.2, allow_nan=False),
            st.sampled_from(["reading", "missing", "stale", "drop"]),
            st.sampled_from(["named", "unnamed", "none"]),
            st.booleans(),  # a new session starts
            st.booleans(),  # Home Assistant restarts (the state goes through its store)
        ),
        max_size=60,
    )
)
def test_meter_and_sessions_together_count_exactly_what_flowed(
    steps: list[tuple[int, float, str, str, bool, bool]],
) -> None:
    """A charger whose meter and sessions agree (as real ones do): the meter read, missing
    (the summary failing), stale or glitching, the sessions named or not, new sessions and
    restarts in between. Whatever the mix, the total never goes down, never passes what
    flowed, and equals it once the meter is read again."""
    state = ChargedEnergyState()
    now, meter0 = T0, 3412.3456
    delivered, session_start, session_energy = 0.0, now, 0.0
    state.count(charger(0.0, session_start, meter0), now)
    last_total = 0.0
    for seconds, power, meter_kind, session_kind, new_session, restart in steps:
        if new_session:
            session_start, session_energy = now, 0.0
        now += timedelta(seconds=seconds)
        delivered += power * seconds / 3600  # at most 9.2 kW: 40 A at 230 V
        session_energy += power * seconds / 3600
        meter = {
            "reading": meter0 + delivered,
            "missing": None,
            "stale": meter0 + delivered - 0.5,
            "drop": 0.0,
        }[meter_kind]
        energy = None if session_kind == "none" else session_energy
        start = session_start if session_kind == "named" else None
        if restart:
            state = ChargedEnergyState.from_dict(state.as_dict())
        state.count(charger(energy, start, meter), now)
        assert last_total - 1e-9 <= state.total <= delivered + 1e-6
        last_total = state.total
    state.count(
        charger(session_energy, session_start, meter0 + delivered), now + timedelta(hours=1)
    )
    assert abs(state.total - delivered) < 1e-6


def test_the_meter_missing_for_a_while_counts_the_sessions_then_the_meter() -> None:
    """One 404 of the summary no longer freezes the total: the session counts meanwhile, and
    the meter's step when it returns adds only what the session did not see."""
    state = ChargedEnergyState()
    start = T0
    state.count(charger(0.0, start, 100.0), start)
    state.count(charger(7.36, start, 107.36), start + timedelta(hours=1))  # metered
    assert state.total == pytest.approx(7.36)
    # The summary fails: the first named reading anchors, the next ones count.
    state.count(charger(14.72, start, None), start + timedelta(hours=2))
    state.count(charger(18.4, start, None), start + timedelta(hours=2, minutes=30))
    assert state.total == pytest.approx(11.04)
    state.count(charger(None, None, None), start + timedelta(hours=3))  # nothing named
    state.count(charger(22.08, start, 122.08), start + timedelta(hours=4))  # back
    assert state.total == pytest.approx(22.08)
    state.count(charger(29.44, start, 129.44), start + timedelta(hours=5))
    assert state.total == pytest.approx(29.44)
    # A restart while the summary is missing still counts the sessions.
    state.count(charger(33.12, start, None), start + timedelta(hours=5, minutes=30))
    state = ChargedEnergyState.from_dict(state.as_dict())
    state.count(charger(36.8, start, None), start + timedelta(hours=6))
    assert state.total == pytest.approx(33.12)


def test_sessions_count_once_each_across_null_and_repeated_starts() -> None:
    """Null start times between sessions and a repeated start time never count twice."""
    state = ChargedEnergyState()
    start, later = STARTS[1], STARTS[2]
    state.count(charger(1.0, start), start + timedelta(hours=1))
    state.count(charger(2.5, start), start + timedelta(hours=2))
    state.count(charger(0.0, None), start + timedelta(hours=3))  # between sessions
    state.count(charger(2.5, start), start + timedelta(hours=3))  # the old session again
    same_in_ms = start + timedelta(milliseconds=480)  # milliseconds of the same second
    state.count(charger(2.5, same_in_ms), start + timedelta(hours=3))
    assert state.total == 2.5
    state.count(charger(0.5, later), later + timedelta(hours=1))  # a new session
    state.count(charger(0.2, later), later + timedelta(hours=2))  # a glitch below it
    state.count(charger(0.7, later), later + timedelta(hours=3))
    assert round(state.total, 3) == 3.2


def test_a_step_beyond_physics_is_not_counted() -> None:
    """A session that claims more than 22 kW for its time is not counted until it is possible."""
    state = ChargedEnergyState()
    start = STARTS[1]
    state.count(charger(100.0, start), start + timedelta(hours=1))
    assert state.total == 0.0
    state.count(charger(100.0, start), start + timedelta(hours=5))
    assert state.total == 100.0


def test_the_meter_takes_over_from_sessions_without_counting_twice() -> None:
    """When the summary appears, the meter is anchored: the session already counted stays."""
    state = ChargedEnergyState()
    start = STARTS[1]
    state.count(charger(3.0, start), start + timedelta(hours=1))
    state.count(charger(3.0, start, meter=1000.0), start + timedelta(hours=1))
    state.count(charger(4.0, start, meter=1001.0), start + timedelta(hours=2))
    assert state.total == 4.0
    # The summary disappears for a while: the session is not counted behind the meter's back.
    state.count(charger(6.0, start), start + timedelta(hours=3))
    assert state.total == 4.0
    state.count(charger(6.0, start, meter=1003.0), start + timedelta(hours=3))
    assert state.total == 6.0
    # A meter reading far below the last one is a glitch: nothing counted until it passes.
    state.count(charger(6.0, start, meter=2.0), start + timedelta(hours=4))
    state.count(charger(6.0, start, meter=1003.5), start + timedelta(hours=5))
    assert state.total == 6.5


def test_stored_state_round_trips_and_survives_garbage() -> None:
    """The restored state is what was stored; unreadable stored values start from zero."""
    state = ChargedEnergyState()
    state.count(charger(2.0, STARTS[1], meter=10.0), STARTS[1] + timedelta(hours=1))
    assert ChargedEnergyState.from_dict(state.as_dict()) == state
    assert ChargedEnergyState.from_dict({"total": "x", "meter": -1}) == ChargedEnergyState()
    old = ChargedEnergyState.from_dict(
        {"total": 10.0, "session_start": None, "session_energy": 0.0}
    )
    assert old.total == 10.0
    assert old.meter is None


def test_sessions_that_claim_to_overlap_never_exceed_physics() -> None:
    """A new session starting before the last counted reading is bounded from that reading.

    Found by Hypothesis: 67 kWh of a session that began at T0-1h were counted at T0+6.8h, then
    a session "started at T0+2h" reported 151 kWh. Each fits its own window, but one connector
    cannot charge both at once: 218 kWh in 9.8 h is beyond 22.1 kW.
    """
    state = ChargedEnergyState()
    first_read = T0 + timedelta(seconds=24596)
    state.count(charger(67.0, STARTS[0]), first_read)
    state.count(charger(151.0, STARTS[1]), first_read + timedelta(hours=2))
    assert state.total == 67.0  # not yet: 2 h since the last counted reading allow 44.2 kWh
    state.count(charger(151.0, STARTS[1]), first_read + timedelta(hours=7))
    assert state.total == 218.0  # counted once time makes it possible, never lost


def test_a_charger_above_its_nominal_power_is_counted_as_it_charges() -> None:
    """96 A at 240 V (23.04 kW, as 32 A on three phases) on a charger whose summary says
    230 V (22.08 kW): each minute's meter step is counted as it comes, not held back until
    charging stops."""
    state = ChargedEnergyState()
    state.count(charger(None, None, meter=100.0, amps=96), T0)
    for minute in range(1, 61):
        meter = 100.0 + 23.04 * minute / 60
        state.count(charger(None, None, meter=meter, amps=96), T0 + timedelta(minutes=minute))
    assert state.total == pytest.approx(23.04)


def test_readings_of_an_undecided_unit_wait_and_then_count_from_the_start() -> None:
    """While the session's unit is not decided (session_units.py) nothing is counted or
    anchored; the first decided reading counts the session from its start, once."""
    state = ChargedEnergyState()
    start = T0
    undecided = replace(charger(2.0, start), session_unit_known=False)
    state.count(undecided, start + timedelta(minutes=20))
    assert state.total == 0
    state.count(charger(3.0, start), start + timedelta(minutes=30))
    assert state.total == pytest.approx(3.0)
    # The meter went missing while metered: an undecided reading does not anchor.
    metered = ChargedEnergyState()
    metered.count(charger(0.0, start, 100.0), start)
    metered.count(charger(1.0, start, 101.0), start + timedelta(minutes=10))
    metered.count(
        replace(charger(2.0, start), session_unit_known=False), start + timedelta(minutes=20)
    )
    assert metered.session_start is None
    metered.count(charger(3.0, start), start + timedelta(minutes=30))  # anchors, counts nothing
    metered.count(charger(4.0, start), start + timedelta(minutes=40))
    assert metered.total == pytest.approx(2.0)
