"""Live state: energy integrated from every sample, gaps, nulls, negative power; backoff."""

from __future__ import annotations

import pytest

from custom_components.energy_portals.vendors.emporia.live import CONSUMED, RETURNED, Gap, LiveState
from custom_components.energy_portals.vendors.emporia.push import backoff_delay
from custom_components.energy_portals.vendors.emporia.usage import ChannelReading, UsageSample

KEY = (1, "1")


def sample(watts: float | None) -> UsageSample:
    return UsageSample(
        instant=None,
        scale="1S",
        energy_unit="KilowattHours",
        readings={KEY: ChannelReading(watts=watts, name="Kitchen")},
    )


def test_integrates_every_sample() -> None:
    """Every sample is integrated into the channel's energy; a new channel is reported once."""
    state = LiveState(max_gap=30)
    assert state.ingest(sample(3600), 0.0, 0.0) == [KEY]
    for second in range(1, 11):
        assert state.ingest(sample(3600), float(second), float(second)) == []
    assert state.channels[KEY].consumed == pytest.approx(0.01)
    assert state.snapshot(10.0).channels[KEY].watts == 3600


def test_negative_power_counts_as_returned() -> None:
    """Negative power counts as returned energy, never as consumed."""
    state = LiveState(max_gap=30)
    for second in range(11):
        state.ingest(sample(-1800), float(second), float(second))
    channel = state.snapshot(10.0).channels[KEY]
    assert channel.watts == -1800
    assert channel.consumed == 0
    assert channel.returned == pytest.approx(0.005)


def test_gap_longer_than_max_gap_is_noted_for_the_history() -> None:
    """A long outage is not integrated (no jump): it becomes a gap of each direction, each
    filled once into its own direction."""
    state = LiveState(max_gap=30)
    state.ingest(sample(3600), 0.0, 1000.0)
    state.ingest(sample(3600), 300.0, 1300.0)
    assert state.channels[KEY].consumed == 0
    assert state.gaps == [Gap(KEY, 1000.0, 1300.0, CONSUMED), Gap(KEY, 1000.0, 1300.0, RETURNED)]
    state.ingest(sample(3600), 301.0, 1301.0)
    assert state.channels[KEY].consumed == pytest.approx(0.001)
    state.fill(Gap(KEY, 1000.0, 1300.0, CONSUMED), 0.3, 0.1)
    state.fill(Gap(KEY, 1000.0, 1300.0, CONSUMED), 0.3, 0.1)  # a second fill adds nothing
    assert state.channels[KEY].consumed == pytest.approx(0.301)
    assert state.channels[KEY].returned == 0
    state.fill(Gap(KEY, 1000.0, 1300.0, RETURNED), 0.3, 0.1)
    assert state.channels[KEY].returned == pytest.approx(0.1)
    assert state.gaps == []
    state.note_gap(Gap(KEY, 1000.0, 1300.0, CONSUMED))  # noted again (restored): once
    assert state.gaps == []


def test_absurd_power_never_reaches_a_total() -> None:
    """A reading beyond any home circuit is ignored, as if it had not come."""
    state = LiveState(max_gap=30)
    state.ingest(sample(3600), 0.0, 0.0)
    state.ingest(sample(9e9), 1.0, 1.0)
    state.ingest(sample(3600), 2.0, 2.0)
    assert state.channels[KEY].consumed == pytest.approx(0.002)
    assert state.snapshot(2.0).channels[KEY].watts == 3600


def test_restored_total_resumes_at_its_time() -> None:
    """After a restart, the time from each direction's last count to the first sample is that
    direction's gap; a sensor joining a running channel owns the stretch up to its newest
    sample."""
    state = LiveState(max_gap=30)
    state.restore(KEY, CONSUMED, 500.0, [Gap(KEY, 100.0, 200.0, CONSUMED)])
    state.restore(KEY, RETURNED, 300.0, [])
    state.ingest(sample(3600), 0.0, 900.0)
    assert state.gaps == [
        Gap(KEY, 100.0, 200.0, CONSUMED),
        Gap(KEY, 500.0, 900.0, CONSUMED),
        Gap(KEY, 300.0, 900.0, RETURNED),
    ]
    late = LiveState(max_gap=30)
    late.ingest(sample(3600), 0.0, 900.0)  # samples before the sensor restored
    late.ingest(sample(3600), 10.0, 910.0)
    late.restore(KEY, RETURNED, 500.0, [])
    assert late.gaps == [Gap(KEY, 500.0, 910.0, RETURNED)]


def test_null_keeps_last_power_briefly_then_unknown() -> None:
    """A null usage keeps the last power briefly, then unknown; nulls add no energy."""
    state = LiveState(max_gap=60, null_hold=30)
    state.ingest(sample(500), 0.0, 0.0)
    state.ingest(sample(None), 1.0, 1.0)
    assert state.snapshot(20.0).channels[KEY].watts == 500
    state.ingest(sample(None), 40.0, 40.0)
    assert state.snapshot(40.0).channels[KEY].watts is None
    assert state.channels[KEY].consumed == 0  # nulls add nothing
    assert state.snapshot(40.0).fresh
    assert not state.snapshot(101.0).fresh


def test_backoff_grows_to_five_minutes_with_jitter() -> None:
    """Reconnect waits double up to five minutes, spread by plus or minus 20 %."""
    assert [backoff_delay(n, 0.5) for n in range(4)] == [1, 2, 4, 8]
    assert backoff_delay(0, 0.0) == pytest.approx(0.8)
    assert backoff_delay(0, 1.0) == pytest.approx(1.2)
    assert backoff_delay(20, 1.0) == 300
    assert backoff_delay(8, 0.5) == 256
