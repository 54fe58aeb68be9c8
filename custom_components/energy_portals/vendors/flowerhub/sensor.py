"""The sensors of the FlowerHub battery system, grouped by the coordinator that feeds them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfElectricCurrent,
    UnitOfEnergy,
    UnitOfPower,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import ExtraStoredData, RestoreEntity
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from ...parse import as_float
from .const import CURRENCY
from .coordinator import (
    CONSUMPTION,
    INVOICES,
    NOTIFICATION_GROUP,
    REVENUE,
    UPTIME_HISTORY,
    UPTIME_PIE,
    FlowerHubConfigEntry,
    FlowerHubData,
)
from .data import Account, OwnerData, Uptime
from .entity import FlowerHubEntity, OptionalGroup
from .models import Asset

# Known FlowerHub states; the status sensor adds any other state the portal reports.
STATUSES = ["connected", "disconnected"]


@dataclass(frozen=True, kw_only=True)
class FlowerHubSensorEntityDescription[DataT](OptionalGroup, SensorEntityDescription):
    """A sensor read from one coordinator's data."""

    value_fn: Callable[[DataT], StateType | date]
    attrs_fn: Callable[[DataT], Mapping[str, Any]] | None = None


STATUS_SENSOR = FlowerHubSensorEntityDescription[Asset](
    key="status",
    translation_key="flowerhub_status",
    device_class=SensorDeviceClass.ENUM,
    options=STATUSES,
    value_fn=lambda asset: asset.status,
)

STATUS_SENSORS: tuple[FlowerHubSensorEntityDescription[Asset], ...] = (
    FlowerHubSensorEntityDescription(
        key="status_message",
        translation_key="flowerhub_status_message",
        value_fn=lambda asset: asset.status_message,
    ),
    FlowerHubSensorEntityDescription(
        key="battery_energy_capacity",
        translation_key="flowerhub_battery_energy_capacity",
        device_class=SensorDeviceClass.ENERGY_STORAGE,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda asset: asset.battery.energy_capacity,
    ),
    FlowerHubSensorEntityDescription(
        key="battery_power_capacity",
        translation_key="flowerhub_battery_power_capacity",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda asset: asset.battery.power_capacity,
    ),
    FlowerHubSensorEntityDescription(
        key="inverter_power_capacity",
        translation_key="flowerhub_inverter_power_capacity",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda asset: asset.inverter.power_capacity,
    ),
    FlowerHubSensorEntityDescription(
        key="inverter_model",
        translation_key="flowerhub_inverter_model",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda asset: asset.inverter.model,
    ),
    FlowerHubSensorEntityDescription(
        key="battery_model",
        translation_key="flowerhub_battery_model",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda asset: asset.battery.model,
    ),
    FlowerHubSensorEntityDescription(
        key="battery_stacks_supported",
        translation_key="flowerhub_battery_stacks_supported",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda asset: asset.inverter.battery_stacks,
    ),
    FlowerHubSensorEntityDescription(
        key="min_battery_modules",
        translation_key="flowerhub_min_battery_modules",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda asset: asset.battery.min_modules,
    ),
    FlowerHubSensorEntityDescription(
        key="max_battery_modules",
        translation_key="flowerhub_max_battery_modules",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda asset: asset.battery.max_modules,
    ),
    FlowerHubSensorEntityDescription(
        key="fuse_size",
        translation_key="flowerhub_fuse_size",
        device_class=SensorDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda asset: asset.fuse_size,
    ),
)

OWNER_SENSORS: tuple[FlowerHubSensorEntityDescription[OwnerData], ...] = (
    FlowerHubSensorEntityDescription(
        key="compensation_status",
        translation_key="flowerhub_compensation_status",
        value_fn=lambda data: data.owner.compensation_status,
        attrs_fn=lambda data: {
            "message": data.owner.compensation_message,
            "start_date": (
                data.owner.compensation_start.isoformat() if data.owner.compensation_start else None
            ),
        },
    ),
    FlowerHubSensorEntityDescription(
        key="installer",
        translation_key="flowerhub_installer",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.owner.installer,
        attrs_fn=lambda data: {"distributor": data.owner.distributor},
    ),
    FlowerHubSensorEntityDescription(
        key="min_available_power",
        endpoint=REVENUE,
        translation_key="flowerhub_min_available_power",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        suggested_display_precision=1,
        value_fn=lambda data: data.revenue.min_available_power if data.revenue else None,
    ),
    FlowerHubSensorEntityDescription(
        key="compensation",
        endpoint=REVENUE,
        translation_key="flowerhub_compensation",
        device_class=SensorDeviceClass.MONETARY,
        native_unit_of_measurement=CURRENCY,
        suggested_display_precision=2,
        value_fn=lambda data: data.revenue.compensation if data.revenue else None,
    ),
    FlowerHubSensorEntityDescription(
        key="compensation_per_kw",
        endpoint=REVENUE,
        translation_key="flowerhub_compensation_per_kw",
        native_unit_of_measurement=f"{CURRENCY}/{UnitOfPower.KILO_WATT}",
        suggested_display_precision=2,
        value_fn=lambda data: data.revenue.compensation_per_kw if data.revenue else None,
    ),
)

UPTIME_SENSORS: tuple[FlowerHubSensorEntityDescription[Uptime], ...] = (
    FlowerHubSensorEntityDescription(
        key="uptime_this_month",
        translation_key="flowerhub_uptime_this_month",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda uptime: uptime.this_month,
        attrs_fn=lambda uptime: {"period": uptime.period},
    ),
    FlowerHubSensorEntityDescription(
        key="uptime_excluding_no_data",
        endpoint=UPTIME_PIE,
        translation_key="flowerhub_uptime_excluding_no_data",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda uptime: uptime.excluding_no_data,
        attrs_fn=lambda uptime: {"period": uptime.period},
    ),
    FlowerHubSensorEntityDescription(
        key="downtime_this_month",
        endpoint=UPTIME_PIE,
        translation_key="flowerhub_downtime_this_month",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.HOURS,
        suggested_display_precision=1,
        value_fn=lambda uptime: uptime.downtime,
    ),
    FlowerHubSensorEntityDescription(
        key="no_data_this_month",
        endpoint=UPTIME_PIE,
        translation_key="flowerhub_no_data_this_month",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.HOURS,
        suggested_display_precision=1,
        value_fn=lambda uptime: uptime.no_data,
    ),
    FlowerHubSensorEntityDescription(
        key="uptime_last_month",
        endpoint=UPTIME_HISTORY,
        translation_key="flowerhub_uptime_last_month",
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=1,
        value_fn=lambda uptime: uptime.last_month,
    ),
)

ACCOUNT_SENSORS: tuple[FlowerHubSensorEntityDescription[Account], ...] = (
    FlowerHubSensorEntityDescription(
        key="latest_invoice_amount",
        endpoint=INVOICES,
        translation_key="flowerhub_latest_invoice_amount",
        device_class=SensorDeviceClass.MONETARY,
        native_unit_of_measurement=CURRENCY,
        suggested_display_precision=2,
        value_fn=lambda account: (
            account.latest_invoice.total_amount if account.latest_invoice else None
        ),
        attrs_fn=lambda account: account.latest_invoice_details,
    ),
    FlowerHubSensorEntityDescription(
        key="latest_invoice_due_date",
        endpoint=INVOICES,
        translation_key="flowerhub_latest_invoice_due_date",
        device_class=SensorDeviceClass.DATE,
        value_fn=lambda account: (
            account.latest_invoice.due_date if account.latest_invoice else None
        ),
    ),
    FlowerHubSensorEntityDescription(
        key="latest_invoice_status",
        endpoint=INVOICES,
        translation_key="flowerhub_latest_invoice_status",
        value_fn=lambda account: account.latest_invoice.status if account.latest_invoice else None,
    ),
    FlowerHubSensorEntityDescription(
        key="latest_invoice_period",
        endpoint=INVOICES,
        translation_key="flowerhub_latest_invoice_period",
        value_fn=lambda account: account.latest_invoice.period if account.latest_invoice else None,
    ),
    FlowerHubSensorEntityDescription(
        key="unpaid_amount",
        endpoint=INVOICES,
        translation_key="flowerhub_unpaid_amount",
        device_class=SensorDeviceClass.MONETARY,
        native_unit_of_measurement=CURRENCY,
        suggested_display_precision=2,
        value_fn=lambda account: account.unpaid_amount,
    ),
    FlowerHubSensorEntityDescription(
        key="notification",
        endpoint=NOTIFICATION_GROUP,
        translation_key="flowerhub_notification",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda account: account.notification,
    ),
)

CONSUMPTION_SENSOR = FlowerHubSensorEntityDescription[Account](
    key="last_month_consumption",
    endpoint=CONSUMPTION,
    translation_key="flowerhub_last_month_consumption",
    device_class=SensorDeviceClass.ENERGY,
    state_class=SensorStateClass.TOTAL,
    native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
    suggested_display_precision=1,
    value_fn=lambda account: account.last_month_consumption,  # the newest month seen
)

DATA_UPDATED = SensorEntityDescription(
    key="data_updated",
    translation_key="flowerhub_data_updated",
    device_class=SensorDeviceClass.TIMESTAMP,
    entity_category=EntityCategory.DIAGNOSTIC,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FlowerHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the battery system's sensors (one device, always there)."""
    data = entry.runtime_data
    entities: list[Entity] = [FlowerHubStatusSensor(data, data.status, STATUS_SENSOR)]
    entities += [FlowerHubSensor(data, data.status, d) for d in STATUS_SENSORS]
    entities += [FlowerHubSensor(data, data.owner, d) for d in OWNER_SENSORS]
    entities += [FlowerHubSensor(data, data.uptime, d) for d in UPTIME_SENSORS]
    entities += [FlowerHubSensor(data, data.account, d) for d in ACCOUNT_SENSORS]
    entities.append(MonthlyConsumptionSensor(data, data.account, CONSUMPTION_SENSOR))
    entities.append(DataUpdatedSensor(data, DATA_UPDATED))
    async_add_entities(entities)


class FlowerHubSensor[DataT](FlowerHubEntity[DataT], SensorEntity):
    """A sensor of the battery system."""

    entity_description: FlowerHubSensorEntityDescription[DataT]

    @property
    def native_value(self) -> StateType | date:
        """The description's reading of its coordinator's data."""
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """The description's attributes, where it has any."""
        attrs_fn = self.entity_description.attrs_fn
        return None if attrs_fn is None else attrs_fn(self.coordinator.data)


class FlowerHubStatusSensor(FlowerHubSensor[Asset]):
    """The FlowerHub status: an enum that keeps states the portal adds later."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen = list(STATUSES)

    @property
    def options(self) -> list[str]:
        """The known states and every state the portal reported since."""
        status = self.coordinator.data.status
        if status is not None and status not in self._seen:
            self._seen.append(status)
        return self._seen


@dataclass(slots=True)
class InvoicedMonth(ExtraStoredData):
    """The newest invoiced month seen and its kWh (kept even while the sensor is
    unavailable, when Home Assistant keeps no attributes)."""

    month: date | None
    value: float | None

    def as_dict(self) -> dict[str, Any]:
        """The stored form."""
        return {"month": self.month.isoformat() if self.month else None, "value": self.value}

    @classmethod
    def from_dict(cls, data: Any) -> InvoicedMonth:
        """The stored form read back; garbage is nothing seen."""
        if not isinstance(data, dict):
            return cls(None, None)
        return cls(_as_date(data.get("month")), as_float(data.get("value")))


class MonthlyConsumptionSensor(FlowerHubSensor[Account], RestoreEntity):
    """The last invoiced month's kWh; each month starts a new total (last_reset).

    The month never goes back: an answer that lacks the newest month seen (the portal listing
    fewer months for a while) keeps showing that month, because the recorder would count an
    older month again as a new one. A month after the current one is not taken (garbage). The
    month seen is kept across restarts.
    """

    _seen = InvoicedMonth(None, None)

    async def async_added_to_hass(self) -> None:
        """The month seen before the restart, then the portal's answer."""
        await super().async_added_to_hass()
        if (last := await self.async_get_last_extra_data()) is not None:
            self._seen = InvoicedMonth.from_dict(last.as_dict())
        self._take(self.coordinator.data)

    @callback
    def _handle_coordinator_update(self) -> None:
        self._take(self.coordinator.data)
        super()._handle_coordinator_update()

    def _take(self, account: Account | None) -> None:
        month = account.last_invoiced_month if account is not None else None
        this_month = dt_util.now().date().replace(day=1)
        if account is None or month is None or month > this_month:
            return
        seen = self._seen.month
        if seen is not None and month < seen <= this_month:
            return  # the portal listing fewer months for a while
        value = account.last_month_consumption
        if month != seen or value is not None:
            self._seen = InvoicedMonth(month, value)

    @property
    def native_value(self) -> float | None:
        """The kWh of the newest invoiced month seen."""
        return self._seen.value

    @property
    def extra_state_attributes(self) -> Mapping[str, Any]:
        """The invoiced month the value is of."""
        month = self._seen.month
        return {"invoiced_month": month.isoformat() if month else None}

    @property
    def extra_restore_state_data(self) -> InvoicedMonth:
        """The month seen and its value."""
        return self._seen

    @property
    def last_reset(self) -> datetime | None:
        """The start of the invoiced month."""
        if self._seen.month is None:
            return None
        return dt_util.start_of_local_day(self._seen.month.replace(day=1))


def _as_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


class DataUpdatedSensor(FlowerHubEntity[Asset], SensorEntity):
    """When the portal last answered the battery's status: how old the data is."""

    def __init__(self, data: FlowerHubData, description: SensorEntityDescription) -> None:
        super().__init__(data, data.status, description)
        self._status = data.status

    @property
    def available(self) -> bool:
        """Known even while the portal fails (that is when it matters)."""
        return self._status.data_updated is not None

    @property
    def native_value(self) -> datetime | None:
        """The time of the last status the portal sent."""
        return self._status.data_updated
