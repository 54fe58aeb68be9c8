"""The Emporia sensors: per channel a power sensor, two energy totals (in and out) and Emporia's
own energy today and this month.

A channel's descriptions are built when it appears: their names carry the channel's own name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfElectricCurrent, UnitOfEnergy, UnitOfPower
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from ...const import DOMAIN
from .api import EmporiaDevice, EvCharger
from .const import BALANCE_CHANNEL, CONF_SOLAR_CHANNELS, MAINS_CHANNEL, WATT_DIGITS
from .coordinator import EmporiaConfigEntry, device_key
from .energy_sensor import EmporiaEnergyDescription, EmporiaEnergySensor
from .entity import EmporiaChannelEntity, EmporiaDeviceEntity, add_device_entities, device_info
from .live import CONSUMED, RETURNED
from .period_sensor import EmporiaPeriodDescription, EmporiaPeriodSensor
from .periods import DAY, EmporiaPeriodsCoordinator
from .usage import ChannelKey, channel_keys


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
        if channel is None or channel.watts is None:
            return None
        return round(channel.watts, WATT_DIGITS)


class EmporiaProductionPowerSensor(EmporiaChannelEntity, SensorEntity):
    """A producing circuit's output (W): its power with the sign turned, 0 while it draws."""

    @property
    def native_value(self) -> float | None:
        """What the circuit produces now."""
        channel = self.channel
        if channel is None or channel.watts is None:
            return None
        return max(round(-channel.watts, WATT_DIGITS), 0.0) + 0.0  # never "-0.0"


class EmporiaChargerSensor(EmporiaDeviceEntity, SensorEntity):
    """A sensor of an EV charger (read-only: the proxy cannot control it)."""

    entity_description: EmporiaChargerSensorEntityDescription

    @property
    def native_value(self) -> StateType:
        """The description's reading of the charger."""
        charger = self.device.ev_charger if self.device else None
        return None if charger is None else self.entity_description.value_fn(charger)
