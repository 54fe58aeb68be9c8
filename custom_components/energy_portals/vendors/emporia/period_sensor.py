"""A channel's energy today or this month, from Emporia's own buckets (the app's figures)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from homeassistant.components.sensor import SensorEntity, SensorEntityDescription
from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.restore_state import RestoreEntity
from homeassistant.helpers.update_coordinator import CoordinatorEntity
from homeassistant.util import dt as dt_util

from .const import KWH_DIGITS
from .coordinator import EmporiaData, device_key
from .periods import EmporiaPeriodsCoordinator, PeriodReading
from .usage import ChannelKey


@dataclass(frozen=True, kw_only=True)
class EmporiaPeriodDescription(SensorEntityDescription):
    """A channel's energy in Emporia's own bucket of a day or a month."""

    scale: str
    produces: bool
    """Shown the other way round: a producing circuit's bucket is negative while it produces."""


class EmporiaPeriodSensor(
    CoordinatorEntity[EmporiaPeriodsCoordinator], RestoreEntity, SensorEntity
):
    """A channel's energy today or this month from Emporia's own bucket; it resets with the
    bucket (at the device's local midnight, or the month's first).

    When a new bucket is first read and the sensor last showed the one before, it shows that
    bucket's final value first (restored across restarts through its last reset), so the
    recorder's sum holds the period's last minutes before the reset.
    """

    _attr_has_entity_name = True
    entity_description: EmporiaPeriodDescription

    def __init__(
        self,
        data: EmporiaData,
        description: EmporiaPeriodDescription,
        key: ChannelKey,
        info: DeviceInfo,
    ) -> None:
        super().__init__(data.periods[description.scale])
        self.entity_description = description
        self._data = data
        self._key = key
        self._attr_unique_id = f"{device_key(key[0])}_{description.key}"
        self._attr_device_info = info
        self._shown_start: datetime | None = None
        """The start of the bucket last shown."""
        self._closing: PeriodReading | None = None
        """A finished bucket being shown for one write."""

    async def async_added_to_hass(self) -> None:
        """Take the last shown bucket from the restored state, and close it if it ended."""
        await super().async_added_to_hass()
        last = await self.async_get_last_state()
        if last is not None:
            self._shown_start = dt_util.parse_datetime(str(last.attributes.get("last_reset")))
        if self._closes_shown_bucket():
            # Home Assistant writes the first state once this returns: the closed bucket;
            # the current one follows right after.
            self.hass.loop.call_soon(self._show_current_bucket)

    @callback
    def _handle_coordinator_update(self) -> None:
        if self._closes_shown_bucket():
            self.async_write_ha_state()
            self._closing = None
        super()._handle_coordinator_update()

    def _closes_shown_bucket(self) -> bool:
        """Whether the bucket last shown has ended and its final value is to be written (it is
        then what the sensor shows, until `_closing` is cleared)."""
        reading = self._reading
        if reading is None:
            return False
        closed = reading.closed
        shown, self._shown_start = self._shown_start, reading.start
        if closed is None or shown is None or closed.start != shown:
            return False
        self._closing = closed
        return True

    @callback
    def _show_current_bucket(self) -> None:
        self._closing = None
        self.async_write_ha_state()

    @property
    def _reading(self) -> PeriodReading | None:
        return (self.coordinator.data or {}).get((self.entity_description.scale, self._key))

    @property
    def _shown(self) -> PeriodReading | None:
        return self._closing or self._reading

    @property
    def available(self) -> bool:
        """Available while the last read had the channel's bucket."""
        return super().available and self._reading is not None

    @property
    def native_value(self) -> float | None:
        """The bucket's kWh so far (a producing circuit's production positive)."""
        reading = self._shown
        if reading is None or reading.energy is None:
            return None
        # A reversed clamp's bucket is inverted like its flow; a producing circuit's is shown
        # as production.
        flipped = (self._key in self._data.live.state.reversed) != self.entity_description.produces
        return round(-reading.energy if flipped else reading.energy, KWH_DIGITS) + 0.0

    @property
    def last_reset(self) -> datetime | None:
        """The bucket's start."""
        reading = self._shown
        return None if reading is None else reading.start
