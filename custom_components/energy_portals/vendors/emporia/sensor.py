"""The Emporia sensors: per channel a power sensor, two energy totals (in and out) and Emporia's
own energy today and this month.

A channel's descriptions are built when it appears: their names carry the channel's own name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorExtraStoredData,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfElectricCurrent, UnitOfEnergy, UnitOfPower
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import RestoreEntity
from homeassistant.helpers.typing import StateType
from homeassistant.helpers.update_coordinator import CoordinatorEntity
from homeassistant.util import dt as dt_util

from ...const import DOMAIN
from ...parse import as_float
from .api import EmporiaDevice, EvCharger
from .const import BALANCE_CHANNEL, CONF_SOLAR_CHANNELS, MAINS_CHANNEL
from .coordinator import EmporiaConfigEntry, EmporiaData, device_key
from .entity import EmporiaChannelEntity, EmporiaDeviceEntity, add_device_entities, device_info
from .history import PastDaysJob
from .live import CONSUMED, RETURNED, ChannelState, Gap
from .periods import DAY, EmporiaPeriodsCoordinator, PeriodReading
from .usage import ChannelKey, channel_keys


@dataclass(frozen=True, kw_only=True)
class EmporiaEnergyDescription(SensorEntityDescription):
    """An energy total integrated from a channel's power, in one direction."""

    direction: str


def channel_slug(num: str) -> str:
    """The unique-id part of a channel: mains, balance, or channel_<n>."""
    if num == MAINS_CHANNEL:
        return "mains"
    if num == BALANCE_CHANNEL:
        return "balance"
    return "channel_" + "_".join(part.strip() for part in num.split(","))


def _naming(num: str, name: str | None, nested: bool) -> tuple[str | None, dict[str, str]]:
    """Translation-key prefix and placeholders: plugs use plain device-class names."""
    if nested:
        return None, {}
    if num == MAINS_CHANNEL:
        return "emporia_mains", {}
    if num == BALANCE_CHANNEL:
        return "emporia_balance", {}
    return "emporia_channel", {"channel": name or f"Channel {num}"}


def power_description(num: str, name: str | None, *, nested: bool) -> SensorEntityDescription:
    """Power of one channel (W); negative while a solar circuit produces."""
    prefix, placeholders = _naming(num, name, nested)
    return SensorEntityDescription(
        key=f"{channel_slug(num)}_power",
        translation_key=f"{prefix}_power" if prefix else None,
        translation_placeholders=placeholders or None,
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        suggested_display_precision=0,
    )


def production_power_description(num: str, name: str | None) -> SensorEntityDescription:
    """A producing circuit's output (W), positive while it produces."""
    return SensorEntityDescription(
        key=f"{channel_slug(num)}_power_produced",
        translation_key="emporia_channel_power_produced",
        translation_placeholders={"channel": name or f"Channel {num}"},
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        suggested_display_precision=0,
    )


def produces(entry: EmporiaConfigEntry, key: ChannelKey) -> bool:
    """A circuit whose flow the other way is production: the owner's choice in the options,
    else a channel type that runs both ways (bidirectional, merged)."""
    chosen = entry.options.get(CONF_SOLAR_CHANNELS)
    if chosen is not None:
        return key in channel_keys(chosen)
    return entry.runtime_data.bidirectional(key)


def energy_descriptions(
    num: str, name: str | None, *, nested: bool, solar: bool = False
) -> tuple[EmporiaEnergyDescription, EmporiaEnergyDescription]:
    """Consumed energy (for the Energy dashboard) and returned energy (solar, export).

    On a channel the owner marks as solar, the returned energy is the circuit's production:
    named so and enabled, the Energy dashboard's solar source.
    """
    prefix, placeholders = _naming(num, name, nested)
    slug = channel_slug(num)
    consumed = EmporiaEnergyDescription(
        key=f"{slug}_energy",
        translation_key=f"{prefix}_energy" if prefix else None,
        translation_placeholders=placeholders or None,
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=3,
        direction=CONSUMED,
    )
    produced = solar and prefix == "emporia_channel"
    if produced:
        returned_key: str | None = "emporia_channel_energy_produced"
    elif prefix:
        returned_key = f"{prefix}_energy_returned"
    else:
        returned_key = "emporia_energy_returned"
    returned = EmporiaEnergyDescription(
        key=f"{slug}_energy_returned",
        translation_key=returned_key,
        translation_placeholders=placeholders or None,
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=3,
        # Only the mains see export on most homes; other circuits' return is opt-in (or on,
        # for a circuit the owner marked as solar).
        entity_registry_enabled_default=produced or (num == MAINS_CHANNEL and not nested),
        direction=RETURNED,
    )
    return consumed, returned


@dataclass(frozen=True, kw_only=True)
class EmporiaPeriodDescription(SensorEntityDescription):
    """A channel's energy in Emporia's own bucket of a day or a month."""

    scale: str
    produces: bool
    """Shown the other way round: a producing circuit's bucket is negative while it produces."""


def period_description(
    num: str, name: str | None, scale: str, *, nested: bool, solar: bool
) -> EmporiaPeriodDescription:
    """Energy today (1D) or this month (1MON) as the Emporia app shows it."""
    prefix, placeholders = _naming(num, name, nested)
    produces = solar and prefix == "emporia_channel"
    period = "today" if scale == DAY else "this_month"
    if produces:
        translation_key = f"emporia_channel_production_{period}"
    else:
        translation_key = f"{prefix or 'emporia'}_energy_{period}"
    return EmporiaPeriodDescription(
        key=f"{channel_slug(num)}_energy_{period}",
        translation_key=translation_key,
        translation_placeholders=placeholders or None,
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        scale=scale,
        produces=produces,
    )


@dataclass(frozen=True, kw_only=True)
class EmporiaChargerSensorEntityDescription(SensorEntityDescription):
    """A sensor of an EV charger behind the Vue, read from /devices."""

    value_fn: Callable[[EvCharger], StateType]


CHARGER_SENSORS: tuple[EmporiaChargerSensorEntityDescription, ...] = (
    EmporiaChargerSensorEntityDescription(
        key="charging_rate",
        translation_key="emporia_charging_rate",
        device_class=SensorDeviceClass.CURRENT,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        suggested_display_precision=0,
        value_fn=lambda charger: charger.charging_rate,
    ),
    EmporiaChargerSensorEntityDescription(
        key="max_charging_rate",
        translation_key="emporia_max_charging_rate",
        device_class=SensorDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda charger: charger.max_charging_rate,
    ),
    EmporiaChargerSensorEntityDescription(
        key="charger_status",
        translation_key="emporia_charger_status",
        value_fn=lambda charger: charger.status,
    ),
    EmporiaChargerSensorEntityDescription(
        key="charger_message",
        translation_key="emporia_charger_message",
        value_fn=lambda charger: charger.message,
    ),
    EmporiaChargerSensorEntityDescription(
        key="charger_fault",
        translation_key="emporia_charger_fault",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda charger: charger.fault_text,
    ),
)


@dataclass(slots=True)
class EmporiaEnergyStoredData(SensorExtraStoredData):
    """The total, the wall-clock time it counted up to, and the gaps not filled yet."""

    counted_until: float | None = None
    open_gaps: list[tuple[float, float]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The stored form: the sensor's own data plus counted-until and open gaps."""
        return {
            **SensorExtraStoredData.as_dict(self),
            "counted_until": self.counted_until,
            "open_gaps": [list(gap) for gap in self.open_gaps],
        }


def _restored_gaps(raw: Any) -> list[tuple[float, float]]:
    gaps = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, list) and len(item) == 2:
            start, end = as_float(item[0]), as_float(item[1])
            if start is not None and end is not None and end > start:
                gaps.append((start, end))
    return gaps


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EmporiaConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each channel's sensors, now and when a channel first reports."""
    data = entry.runtime_data

    def entities_for(key: ChannelKey) -> list[Entity]:
        gid, num = key
        nested = not data.is_monitor(gid)
        name = data.channel_name(key)
        info = device_info(hass, entry, gid)
        solar = produces(entry, key)
        descriptions = energy_descriptions(num, name, nested=nested, solar=solar)
        entities: list[Entity] = [
            EmporiaPowerSensor(data, power_description(num, name, nested=nested), key, info),
            *(EmporiaEnergySensor(data, description, key, info) for description in descriptions),
        ]
        if descriptions[1].translation_key == "emporia_channel_energy_produced":
            _enable_production(hass, device_key(gid), descriptions[1])
            entities.append(
                EmporiaProductionPowerSensor(
                    data, production_power_description(num, name), key, info
                )
            )
        return entities

    data.channels.add_entities(
        (data.live, data.devices),
        async_add_entities,
        keys=data.all_channels,
        entities_for=entities_for,
        device_key=lambda key: device_key(key[0]),
    )

    def period_entities(period_key: tuple[str, ChannelKey]) -> list[Entity]:
        scale, key = period_key
        gid, num = key
        description = period_description(
            num,
            data.channel_name(key),
            scale,
            nested=not data.is_monitor(gid),
            solar=produces(entry, key),
        )
        return [EmporiaPeriodSensor(data, description, key, device_info(hass, entry, gid))]

    for periods in data.periods.values():
        data.channels.add_entities(
            (periods,),
            async_add_entities,
            keys=partial(_period_keys, periods),
            entities_for=period_entities,
            device_key=lambda period_key: device_key(period_key[1][0]),
        )

    def charger_entities(device: EmporiaDevice, info: DeviceInfo) -> list[Entity]:
        if device.ev_charger is None:
            return []
        return [
            EmporiaChargerSensor(data, description, device.gid, info)
            for description in CHARGER_SENSORS
        ]

    add_device_entities(hass, entry, async_add_entities, charger_entities)


def _period_keys(periods: EmporiaPeriodsCoordinator) -> list[tuple[str, ChannelKey]]:
    return list(periods.data or {})


def _enable_production(
    hass: HomeAssistant, device: str, description: EmporiaEnergyDescription
) -> None:
    """A returned-energy sensor created disabled (before the channel was marked as solar) is
    enabled: it is the circuit's production now."""
    registry = er.async_get(hass)
    entity_id = registry.async_get_entity_id("sensor", DOMAIN, f"{device}_{description.key}")
    entity = registry.async_get(entity_id) if entity_id else None
    if entity is not None and entity.disabled_by is er.RegistryEntryDisabler.INTEGRATION:
        registry.async_update_entity(entity.entity_id, disabled_by=None)


class EmporiaPowerSensor(EmporiaChannelEntity, SensorEntity):
    """A channel's power (W)."""

    @property
    def native_value(self) -> float | None:
        """The channel's latest power."""
        channel = self.channel
        return None if channel is None else channel.watts


class EmporiaProductionPowerSensor(EmporiaChannelEntity, SensorEntity):
    """A producing circuit's output (W): its power with the sign turned, 0 while it draws."""

    @property
    def native_value(self) -> float | None:
        """What the circuit produces now."""
        channel = self.channel
        if channel is None or channel.watts is None:
            return None
        return max(-channel.watts, 0.0)


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

    async def async_added_to_hass(self) -> None:
        """Restore the total and hand its counted-until time and open gaps to the live state.

        A restored sensor counts from where it joins the channel (which may have run without
        it): what it missed since its stored total is its own gap, never its sibling's.
        """
        await super().async_added_to_hass()
        last = await self.async_get_last_extra_data()
        if last is None:
            # New, or re-added under a new entity id: it counts on as it did; a new one gets
            # its past days in its statistics.
            self._past_days_pending = self._data.past_days.enabled
            self._schedule_past_days()
            return
        data = last.as_dict()
        self._base = max(as_float(data.get("native_value")) or 0.0, 0.0)
        self._counted_until = as_float(data.get("counted_until"))
        direction = self.entity_description.direction
        state = self._channel()
        self._offset = state.total(direction) if state else 0.0
        if self._counted_until is not None:
            gaps = [
                Gap(self._key, a, b, direction) for a, b in _restored_gaps(data.get("open_gaps"))
            ]
            self.coordinator.state.restore(self._key, direction, self._counted_until, gaps)

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
        self._data.past_days.schedule(
            PastDaysJob(
                self.entity_id,
                self._key,
                self.entity_description.direction,
                state.first_wall_at,
                reversed_flow=self._key in self.coordinator.state.reversed,
            )
        )

    def _channel(self) -> ChannelState | None:
        return self.coordinator.state.channels.get(self._key)

    def _total(self) -> float:
        state = self._channel()
        direction = self.entity_description.direction
        integrated = state.total(direction) - self._offset if state else 0.0
        return round(self._base + integrated, 4)

    @property
    def native_value(self) -> float | None:
        """The restored total plus what this run integrated and backfilled."""
        return self._total() if self.channel is not None else None

    @property
    def extra_restore_state_data(self) -> EmporiaEnergyStoredData:
        """The live total (it may be one interval newer than the state), and its gaps."""
        state = self._channel()
        counted_until = state.wall_at if state and state.wall_at else self._counted_until
        gaps = self.coordinator.state.open_gaps(self._key, self.entity_description.direction)
        return EmporiaEnergyStoredData(
            self._total(),
            UnitOfEnergy.KILO_WATT_HOUR,
            counted_until,
            [(gap.start, gap.end) for gap in gaps],
        )


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
        return -reading.energy + 0.0 if flipped else reading.energy

    @property
    def last_reset(self) -> datetime | None:
        """The bucket's start."""
        reading = self._shown
        return None if reading is None else reading.start


class EmporiaChargerSensor(EmporiaDeviceEntity, SensorEntity):
    """A sensor of an EV charger (read-only: the proxy cannot control it)."""

    entity_description: EmporiaChargerSensorEntityDescription

    @property
    def native_value(self) -> StateType:
        """The description's reading of the charger."""
        charger = self.device.ev_charger if self.device else None
        return None if charger is None else self.entity_description.value_fn(charger)
