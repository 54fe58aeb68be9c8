"""Live state: energy integrated from every sample, gaps, nulls, negative power; backoff."""

from __future__ import annotations

import pytest

from custom_components.energy_portals.vendors.emporia.live import LiveState
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
    state = LiveState(max_gap=30)
    assert state.ingest(sample(3600), 0.0) == [KEY]
    for second in range(1, 11):
        assert state.ingest(sample(3600), float(second)) == []
    assert state.channels[KEY].consumed == pytest.approx(0.01)
    assert state.snapshot(10.0).channels[KEY].watts == 3600


def test_negative_power_counts_as_returned() -> None:
    state = LiveState(max_gap=30)
    for second in range(11):
        state.ingest(sample(-1800), float(second))
    channel = state.snapshot(10.0).channels[KEY]
    assert channel.watts == -1800
    assert channel.consumed == 0
    assert channel.returned == pytest.approx(0.005)


def test_gap_longer_than_max_gap_is_not_integrated() -> None:
    state = LiveState(max_gap=30)
    state.ingest(sample(3600), 0.0)
    state.ingest(sample(3600), 300.0)  # after a long outage: no jump
    assert state.channels[KEY].consumed == 0
    state.ingest(sample(3600), 301.0)
    assert state.channels[KEY].consumed == pytest.approx(0.001)


def test_null_keeps_last_power_briefly_then_unknown() -> None:
    state = LiveState(max_gap=60, null_hold=30)
    state.ingest(sample(500), 0.0)
    state.ingest(sample(None), 1.0)
    assert state.snapshot(20.0).channels[KEY].watts == 500
    state.ingest(sample(None), 40.0)
    assert state.snapshot(40.0).channels[KEY].watts is None
    assert state.channels[KEY].consumed == 0  # nulls add nothing
    assert state.snapshot(40.0).fresh
    assert not state.snapshot(101.0).fresh


def test_backoff_grows_to_five_minutes_with_jitter() -> None:
    assert [backoff_delay(n, 0.5) for n in range(4)] == [1, 2, 4, 8]
    assert backoff_delay(0, 0.0) == pytest.approx(0.8)
    assert backoff_delay(0, 1.0) == pytest.approx(1.2)
    assert backoff_delay(20, 1.0) == 300
    assert backoff_delay(8, 0.5) == 256
