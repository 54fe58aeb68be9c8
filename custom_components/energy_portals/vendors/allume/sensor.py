"""The Allume sensors: a property's day, last hour and live interval, and its building's day."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, UnitOfEnergy, UnitOfMass, UnitOfPower
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import ExtraStoredData, RestoreEntity
from homeassistant.helpers.update_coordinator import CoordinatorEntity
from homeassistant.util import dt as dt_util

from ...recorded_totals import async_last_total
from .coordinator import (
    AllumeConfigEntry,
    AllumeCoordinator,
    PropertyData,
    building_book,
    local_day,
)
from .entity import AllumeBuildingEntity, AllumeLiveEntity, AllumePropertyEntity
from .live import LiveReading
from .models import Energy


@dataclass(frozen=True, kw_only=True)
class AllumePropertySensorEntityDescription(SensorEntityDescription):
    """A sensor read from a property's data."""

    value_fn: Callable[[PropertyData], float | None]
    attrs_fn: Callable[[PropertyData], Mapping[str, Any]] | None = None


@dataclass(frozen=True, kw_only=True)
class AllumeDaySensorEntityDescription(SensorEntityDescription):
    """A running total of the local day, read from a property's or a building's day."""

    value_fn: Callable[[Energy], float]


def _hour_attrs(data: PropertyData) -> Mapping[str, Any]:
    hour = data.last_hour
    return {"hour_start": hour.start.isoformat() if hour else None}


# Today's energy only grows during the local day and resets at local midnight.
PROPERTY_DAY_SENSORS: tuple[AllumeDaySensorEntityDescription, ...] = (
    AllumeDaySensorEntityDescription(
        key="energy_demand_today",
        translation_key="allume_energy_demand_today",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda energy: energy.demand,
    ),
    AllumeDaySensorEntityDescription(
        key="solar_consumed_today",
        translation_key="allume_solar_consumed_today",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda energy: energy.solar_consumed,
    ),
    AllumeDaySensorEntityDescription(
        key="solar_delivered_today",
        translation_key="allume_solar_delivered_today",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda energy: energy.solar_delivered,
    ),
    AllumeDaySensorEntityDescription(
        key="solar_exported_today",
        translation_key="allume_solar_exported_today",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda energy: energy.solar_exported,
    ),
    AllumeDaySensorEntityDescription(
        key="grid_import_today",
        translation_key="allume_grid_import_today",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda energy: energy.grid_import,
    ),
    AllumeDaySensorEntityDescription(
        key="emissions_avoided_today",
        translation_key="allume_emissions_avoided_today",
        device_class=SensorDeviceClass.WEIGHT,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfMass.KILOGRAMS,
        suggested_display_precision=2,
        value_fn=lambda energy: energy.emissions_avoided,
    ),
)

PROPERTY_SENSORS: tuple[AllumePropertySensorEntityDescription, ...] = (
    AllumePropertySensorEntityDescription(
        key="self_consumption_rate",
        translation_key="allume_self_consumption_rate",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda data: data.today.self_consumption_rate,
    ),
    AllumePropertySensorEntityDescription(
        key="solar_share",
        translation_key="allume_solar_share",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda data: data.today.solar_share,
    ),
    AllumePropertySensorEntityDescription(
        key="last_hour_energy_demand",
        translation_key="allume_last_hour_energy_demand",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda data: round(data.last_hour.energy.demand, 3) if data.last_hour else None,
        attrs_fn=_hour_attrs,
    ),
    AllumePropertySensorEntityDescription(
        key="last_hour_solar_consumed",
        translation_key="allume_last_hour_solar_consumed",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda data: (
            round(data.last_hour.energy.solar_consumed, 3) if data.last_hour else None
        ),
        attrs_fn=_hour_attrs,
    ),
    AllumePropertySensorEntityDescription(
        key="last_hour_grid_import",
        translation_key="allume_last_hour_grid_import",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda data: (
            round(data.last_hour.energy.grid_import, 3) if data.last_hour else None
        ),
        attrs_fn=_hour_attrs,
    ),
    AllumePropertySensorEntityDescription(
        key="last_hour_solar_exported",
        translation_key="allume_last_hour_solar_exported",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda data: (
            round(data.last_hour.energy.solar_exported, 3) if data.last_hour else None
        ),
        attrs_fn=_hour_attrs,
    ),
    AllumePropertySensorEntityDescription(
        key="last_hour_solar_share",
        translation_key="allume_last_hour_solar_share",
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=0,
        value_fn=lambda data: data.last_hour.energy.solar_share if data.last_hour else None,
        attrs_fn=_hour_attrs,
    ),
)


@dataclass(frozen=True, kw_only=True)
class AllumeLiveSensorEntityDescription(SensorEntityDescription):
    """A sensor read from a property's newest 5-minute interval."""

    value_fn: Callable[[LiveReading], float | None]


def _watts(kwh: Callable[[Energy], float]) -> Callable[[LiveReading], float]:
    return lambda reading: reading.average_watts(kwh(reading.energy))


# Average power over the newest closed 5-minute interval (the API has no instantaneous power).
LIVE_SENSORS: tuple[AllumeLiveSensorEntityDescription, ...] = (
    AllumeLiveSensorEntityDescription(
        key="live_solar_consumed",
        translation_key="allume_live_solar_consumed",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        suggested_display_precision=0,
        value_fn=_watts(lambda energy: energy.solar_consumed),
    ),
    AllumeLiveSensorEntityDescription(
        key="live_grid_import",
        translation_key="allume_live_grid_import",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        suggested_display_precision=0,
        value_fn=_watts(lambda energy: energy.grid_import),
    ),
    AllumeLiveSensorEntityDescription(
        key="live_solar_exported",
        translation_key="allume_live_solar_exported",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        suggested_display_precision=0,
        value_fn=_watts(lambda energy: energy.solar_exported),
    ),
    AllumeLiveSensorEntityDescription(
        key="live_solar_share",
        translation_key="allume_live_solar_share",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda reading: reading.energy.solar_share,
    ),
)

# Only for properties whose building data the account may read.
BUILDING_SHARE = AllumePropertySensorEntityDescription(
    key="building_solar_share",
    translation_key="allume_building_solar_share",
    native_unit_of_measurement=PERCENTAGE,
    state_class=SensorStateClass.MEASUREMENT,
    suggested_display_precision=0,
    value_fn=lambda data: data.building_share,
)

BUILDING_SENSORS: tuple[AllumeDaySensorEntityDescription, ...] = (
    AllumeDaySensorEntityDescription(
        key="solar_delivered_today",
        translation_key="allume_building_solar_delivered_today",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=1,
        value_fn=lambda energy: energy.solar_delivered,
    ),
    AllumeDaySensorEntityDescription(
        key="solar_consumed_today",
        translation_key="allume_building_solar_consumed_today",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=1,
        value_fn=lambda energy: energy.solar_consumed,
    ),
    AllumeDaySensorEntityDescription(
        key="solar_exported_today",
        translation_key="allume_building_solar_exported_today",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=1,
        value_fn=lambda energy: energy.solar_exported,
    ),
    AllumeDaySensorEntityDescription(
        key="energy_demand_today",
        translation_key="allume_building_energy_demand_today",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=1,
        value_fn=lambda energy: energy.demand,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AllumeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of every property and building (the entry reloads when they change)."""
    coordinator = entry.runtime_data
    entities: list[Entity] = []
    for prop in coordinator.properties:
        entities += [
            AllumePropertyDaySensor(coordinator, description, prop)
            for description in PROPERTY_DAY_SENSORS
        ]
        entities += [
            AllumePropertySensor(coordinator, description, prop) for description in PROPERTY_SENSORS
        ]
        if prop.project_id in coordinator.buildings:
            entities.append(AllumePropertySensor(coordinator, BUILDING_SHARE, prop))
        if coordinator.live is not None:
            entities += [
                AllumeLiveSensor(coordinator.live, description, prop)
                for description in LIVE_SENSORS
            ]
    for building in coordinator.buildings.values():
        entities += [
            AllumeBuildingDaySensor(coordinator, description, building)
            for description in BUILDING_SENSORS
        ]
    async_add_entities(entities)


class AllumePropertySensor(AllumePropertyEntity, SensorEntity):
    """A sensor of a property."""

    entity_description: AllumePropertySensorEntityDescription

    @property
    def native_value(self) -> float | None:
        """The description's reading of the property's data."""
        data = self.property_data
        return None if data is None else self.entity_description.value_fn(data)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """The hour a last-hour sensor describes."""
        data, attrs_fn = self.property_data, self.entity_description.attrs_fn
        return None if data is None or attrs_fn is None else attrs_fn(data)


def _seen_as_reset(value: float, shown: float) -> bool:
    """The recorder takes a fall below 90 % as a reset (a smaller one as a dip), so a new
    day's total that is not far enough below the last one shown needs a 0 before it."""
    return shown <= 0 or value < 0.9 * shown


def _amount(value: Any) -> float | None:
    """A stored amount: None stays None; anything but a finite number >= 0 is ValueError."""
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise ValueError("a stored amount that cannot be right")
    return number


@dataclass(slots=True)
class DayWritten(ExtraStoredData):
    """The local day a day total last wrote and its value, kept across restarts: what it
    held beyond the day's read hours, and when it was written."""

    day: datetime | None
    value: float | None
    carried: float = 0.0
    """Shown beyond the day's hours in the books: late hours that books lost since counted
    (the day goes on from what it showed, never lower)."""
    late: float | None = None
    """Of the value, the late hours the books counted into the day (None: not known)."""
    at: datetime | None = None
    pending: bool = False
    """Its carry is still to be settled (its data was not there since the books were lost)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat() if self.day else None,
            "value": self.value,
            "carried": self.carried,
            "late": self.late,
            "at": self.at.isoformat() if self.at else None,
            "pending": self.pending,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DayWritten | None:
        """The stored day, None when it cannot be read (written before 2026-12: the day and
        its value only)."""
        try:
            day = dt_util.parse_datetime(data["day"]) if data.get("day") else None
            at = dt_util.parse_datetime(data["at"]) if data.get("at") else None
            if any(moment is not None and moment.tzinfo is None for moment in (day, at)):
                return None
            carried = _amount(data.get("carried", 0.0))
            return cls(
                day,
                _amount(data.get("value")),
                0.0 if carried is None else carried,
                _amount(data.get("late")),
                at,
                data.get("pending") is True,
            )
        except AttributeError, TypeError, ValueError, KeyError:
            return None


class AllumeDayTotalSensor(CoordinatorEntity[AllumeCoordinator], RestoreEntity, SensorEntity):
    """A running total of the local day, reset at local midnight.

    A day's last hour is read a few minutes after midnight, and an outage's hours when it ends.
    Before it shows the new day, the sensor writes each finished day's final total (with a 0
    between days where the recorder would not see a reset), so the recorder, which sums a
    total_increasing sensor from its states, counts every hour in the energy history. The day
    it wrote last is restored after a restart for the same reason.
    """

    entity_description: AllumeDaySensorEntityDescription
    _written: DayWritten | None = None
    _carry_pending = False
    """What it showed is still to be carried, once the day's data is there."""
    _queue: tuple[float, ...] = ()
    """Finished days' states still to write before today's."""

    @property
    def book_key(self) -> str:
        """The coordinator's book of this property or building."""
        raise NotImplementedError

    def days(self) -> tuple[Energy, tuple[tuple[datetime, Energy], ...]] | None:
        """Today's energy and the finished days' of this property or building."""
        raise NotImplementedError

    def _value(self, energy: Energy) -> float:
        return round(self.entity_description.value_fn(energy), 3)

    def _carried(self) -> float:
        """What today shows beyond its hours in the books (0 once the day changed)."""
        written, data = self._written, self.coordinator.data
        if written is None or data is None or written.day != data.day_start:
            return 0.0
        return written.carried

    @property
    def native_value(self) -> float | None:
        """Today's total (a finished day's, for the moment it is written)."""
        if self._queue:
            return self._queue[0]
        days = self.days()
        return None if days is None else round(self._value(days[0]) + self._carried(), 3)

    @property
    def extra_restore_state_data(self) -> DayWritten:
        """The day written last, for the first update after a restart."""
        if self._written is not None and self._carry_pending:
            return replace(self._written, pending=True)
        return self._written or DayWritten(None, None)

    async def async_added_to_hass(self) -> None:
        """Restore the day written before a restart, and close the days finished since.

        A state written before the entity is added is dropped: the platform's first write
        shows the first finished day, the rest and today's follow right after it.
        """
        await super().async_added_to_hass()
        if (extra := await self.async_get_last_extra_data()) is not None:
            self._written = DayWritten.from_dict(extra.as_dict())
        written, lost_at = self._written, self.coordinator.books_lost_at
        if written is None or written.late is None or written.at is None:
            # None, or from before 2026-12: what the recorder holds.
            self._written = await self._async_written_from_recorder() or written
            self._carry_pending = True
        elif written.pending or (lost_at is not None and written.at <= lost_at):
            self._carry_pending = True  # written from books that are lost since
        self._settle_carry()
        self._queue = tuple(self._closing_values())
        if self._queue:
            self.hass.loop.call_soon(self._write_after_first)
        else:
            self._note_written()

    async def _async_written_from_recorder(self) -> DayWritten | None:
        """The last total the recorder holds (restore data lost, or gone a week after the
        sensor was last seen), as written on its local day."""
        unit = self.native_unit_of_measurement
        if (recorded := await async_last_total(self.hass, self.entity_id, unit)) is None:
            return None
        value, at = recorded
        return DayWritten(local_day(at)[0], value, at=at)

    def _settle_carry(self) -> None:
        """Once the day's data is there: the day it showed goes on from what it showed when
        that was built from books that are lost, or is not known (from the recorder), never
        lower (today's value, or a finished day's final total when it closes)."""
        data, days, written = self.coordinator.data, self.days(), self._written
        if not self._carry_pending or data is None or days is None:
            return
        self._carry_pending = False
        if written is None or written.value is None or written.day is None:
            return
        books = {data.day_start: days[0], **dict(days[1])}
        if written.day not in books:
            return
        if written.late is not None:
            # The books read again count none of the late hours it showed.
            carried = written.carried + written.late
        else:
            # What it showed beyond the day's hours that could have been read by then.
            at = written.at or dt_util.utcnow()
            read_then = self.coordinator.day_read_by(self.book_key, written.day, at)
            carried = written.value - self._value(read_then)
        carried = max(carried, written.value - self._value(books[written.day]), 0.0)
        # Settled: none of the value is late hours of the books now, and it is written after
        # the loss (settled again after a crash, it stays the same).
        self._written = DayWritten(
            written.day, written.value, round(carried, 3), 0.0, dt_util.utcnow()
        )
        if carried:
            self.coordinator.async_save_restore_states()  # a crash must not lose it

    @callback
    def _write_after_first(self) -> None:
        self._queue = self._queue[1:]  # the platform's first write showed it
        self._write_queue()
        self.async_write_ha_state()
        self._note_written()
        self.coordinator.async_save_restore_states()

    @callback
    def _handle_coordinator_update(self) -> None:
        self._settle_carry()  # its source refused when it was added
        self._queue = tuple(self._closing_values())
        closed = bool(self._queue)
        self._write_queue()
        super()._handle_coordinator_update()
        self._note_written()
        if closed:
            self.coordinator.async_save_restore_states()

    def _write_queue(self) -> None:
        while self._queue:
            self.async_write_ha_state()
            self._queue = self._queue[1:]

    def _closing_values(self) -> list[float]:
        """The states to write before today's: the final totals of the days finished since
        the day written last, each day counted from zero."""
        data, days, written = self.coordinator.data, self.days(), self._written
        if data is None or days is None or written is None:
            return []
        if written.day is None or written.value is None or written.day >= data.day_start:
            return []
        values: list[float] = []
        shown = written.value
        for day, energy in days[1]:
            if day < written.day:
                continue
            final = self._value(energy)
            if day == written.day:
                final = round(final + written.carried, 3)
                if final > shown:
                    values.append(final)
                    shown = final
            elif final > 0:
                if not _seen_as_reset(final, shown):
                    values.append(0.0)
                values.append(final)
                shown = final
        if not _seen_as_reset(self._value(days[0]), shown):
            values.append(0.0)  # today starts from zero too
        return values

    def _note_written(self) -> None:
        data, value = self.coordinator.data, self.native_value
        if data is not None and value is not None and not self._carry_pending:
            late = self._value(self.coordinator.late_today(self.book_key, data.day_start))
            self._written = DayWritten(
                data.day_start, value, self._carried(), late, dt_util.utcnow()
            )


class AllumePropertyDaySensor(AllumeDayTotalSensor, AllumePropertyEntity):
    """A property's running total of the day."""

    @property
    def book_key(self) -> str:
        return self.property_id

    def days(self) -> tuple[Energy, tuple[tuple[datetime, Energy], ...]] | None:
        data = self.property_data
        return None if data is None else (data.today, data.closed_days)


class AllumeBuildingDaySensor(AllumeDayTotalSensor, AllumeBuildingEntity):
    """A building's running total of the day."""

    @property
    def book_key(self) -> str:
        return building_book(self.project_id)

    def days(self) -> tuple[Energy, tuple[tuple[datetime, Energy], ...]] | None:
        data, today = self.coordinator.data, self.building_today
        if data is None or today is None:
            return None
        return today, data.buildings_closed_days.get(self.project_id, ())


class AllumeLiveSensor(AllumeLiveEntity, SensorEntity):
    """A live sensor of a property: its newest 5-minute interval."""

    entity_description: AllumeLiveSensorEntityDescription

    @property
    def native_value(self) -> float | None:
        """The description's reading of the interval (unknown once it is too old)."""
        reading = self.reading
        return None if reading is None else self.entity_description.value_fn(reading)
