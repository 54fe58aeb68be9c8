"""A channel's energy total in one direction: integrated from the live power, restored across
restarts, its gaps filled from the history, and (when new) its past days imported."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorEntityDescription,
    SensorExtraStoredData,
)
from homeassistant.const import UnitOfEnergy
from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.util import dt as dt_util

from ...parse import as_float
from ...recorded_totals import async_first_total, async_last_total
from .const import KWH_DIGITS
from .coordinator import EmporiaData
from .entity import EmporiaChannelEntity
from .live import MAX_BACKFILL, ChannelState, Gap
from .past_days import PastDaysJob
from .usage import ChannelKey


@dataclass(frozen=True, kw_only=True)
class EmporiaEnergyDescription(SensorEntityDescription):
    """An energy total integrated from a channel's power, in one direction."""

    direction: str


@dataclass(slots=True)
class EmporiaEnergyStoredData(SensorExtraStoredData):
    """The total, the wall-clock time it counted up to, the gaps not filled yet, and the
    past-days import still to be written (waiting for the first sample, or from when)."""

    counted_until: float | None = None
    open_gaps: list[tuple[float, float]] = field(default_factory=list)
    past_days_pending: bool = False
    past_days_from: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """The stored form: the sensor's own data plus what the restart must carry on."""
        return {
            **SensorExtraStoredData.as_dict(self),
            "counted_until": self.counted_until,
            "open_gaps": [list(gap) for gap in self.open_gaps],
            "past_days_pending": self.past_days_pending,
            "past_days_from": self.past_days_from,
        }


def _restored_gaps(raw: Any) -> list[tuple[float, float]]:
    gaps = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, list) and len(item) == 2:
            start, end = as_float(item[0]), as_float(item[1])
            if start is not None and end is not None and end > start:
                gaps.append((start, end))
    return gaps


class EmporiaEnergySensor(EmporiaChannelEntity, RestoreSensor):
    """A channel's energy total: restored at start, then grown by the samples and the backfill.

    The stored data says until when the total counted and which gaps were still open, so a
    restart's downtime and any unfilled gap are filled from the history afterwards.
    """

    entity_description: EmporiaEnergyDescription

    def __init__(
        self,
        data: EmporiaData,
        description: EmporiaEnergyDescription,
        key: ChannelKey,
        info: DeviceInfo,
    ) -> None:
        super().__init__(data, description, key, info)
        self._base = 0.0
        self._offset = 0.0
        """The channel's total in this direction when the sensor joined it (0 at setup)."""
        self._counted_until: float | None = None
        self._past_days_pending = False
        """New: its past days are to be imported once the live counting has started."""

    async def async_added_to_hass(self) -> None:
        """Restore the total and hand its counted-until time and open gaps to the live state.

        A restored sensor counts from where it joins the channel (which may have run without
        it): what it missed since its stored total is its own gap, never its sibling's.
        """
        await super().async_added_to_hass()
        last = await self.async_get_last_extra_data()
        data: Any = last.as_dict() if last is not None else {}
        if not isinstance(data, dict):  # the stored form of a store that is garbage
            data = {}
        total = as_float(data.get("native_value"))
        if total is None or total < 0:
            await self._async_continue_recorded()
            return
        self._restore(
            total,
            as_float(data.get("counted_until")),
            _restored_gaps(data.get("open_gaps")),
        )
        if data.get("past_days_pending") is True and self._data.past_days.enabled:
            live_from = as_float(data.get("past_days_from"))
            if live_from is None:  # restarted before its first sample
                self._past_days_pending = True
                self._schedule_past_days()
            else:
                self._data.past_days.schedule(self._job(live_from))

    async def _async_continue_recorded(self) -> None:
        """Without a stored total: new, or its restore data lost (a lost or corrupt store, or
        re-enabled after Home Assistant dropped it, 7 days on). A sensor the recorder has
        states of continues from its last total (never a fall the Energy dashboard would
        read as a reset), its time since then filled as a restart's downtime is, when within
        the days the history can fill; a new one gets its past days in its statistics."""
        last = await async_last_total(self.hass, self.entity_id)
        if last is None:
            self._past_days_pending = self._data.past_days.enabled
            self._schedule_past_days()
            return
        total, at = last
        since = dt_util.utcnow() - timedelta(seconds=MAX_BACKFILL)
        fillable = at >= since
        self._restore(total, at.timestamp() if fillable else None, [])
        first = await async_first_total(self.hass, self.entity_id, since)
        if first is not None and first[0] == 0.0 and self._data.past_days.enabled:
            # A sensor this new (its first total is 0) may not have its import written yet:
            # from its first sample, unless it was (the import is written once).
            self._data.past_days.schedule(self._job(first[1].timestamp()))

    def _restore(
        self, total: float, counted_until: float | None, gaps: list[tuple[float, float]]
    ) -> None:
        self._base = total
        self._counted_until = counted_until
        direction = self.entity_description.direction
        state = self._channel()
        self._offset = state.total(direction) if state else 0.0
        if counted_until is not None:
            self.coordinator.state.restore(
                self._key,
                direction,
                counted_until,
                [Gap(self._key, a, b, direction) for a, b in gaps],
            )

    @callback
    def _handle_coordinator_update(self) -> None:
        self._schedule_past_days()
        super()._handle_coordinator_update()

    def _schedule_past_days(self) -> None:
        """Once the channel's live counting has started, have its past days imported."""
        state = self._channel()
        if not self._past_days_pending or state is None or state.first_wall_at is None:
            return
        self._past_days_pending = False
        self._data.past_days.schedule(self._job(state.first_wall_at))

    def _job(self, live_from: float) -> PastDaysJob:
        return PastDaysJob(
            self.entity_id,
            self._key,
            self.entity_description.direction,
            live_from,
            reversed_flow=self._key in self.coordinator.state.reversed,
        )

    def _channel(self) -> ChannelState | None:
        return self.coordinator.state.channels.get(self._key)

    def _total(self) -> float:
        state = self._channel()
        direction = self.entity_description.direction
        integrated = state.total(direction) - self._offset if state else 0.0
        return round(self._base + integrated, KWH_DIGITS)

    @property
    def native_value(self) -> float | None:
        """The restored total plus what this run integrated and backfilled."""
        return self._total() if self.channel is not None else None

    @property
    def extra_restore_state_data(self) -> EmporiaEnergyStoredData:
        """The live total (it may be one interval newer than the state), its gaps, and the
        past-days import not written yet."""
        state = self._channel()
        counted_until = state.wall_at if state and state.wall_at else self._counted_until
        gaps = self.coordinator.state.open_gaps(self._key, self.entity_description.direction)
        job = self._data.past_days.pending.get(self.entity_id)
        return EmporiaEnergyStoredData(
            self._total(),
            UnitOfEnergy.KILO_WATT_HOUR,
            counted_until,
            [(gap.start, gap.end) for gap in gaps],
            past_days_pending=self._past_days_pending or job is not None,
            past_days_from=job.live_from if job else None,
        )
