"""What the FlowerHub battery system shows, grouped by the coordinator that feeds it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfElectricCurrent,
    UnitOfEnergy,
    UnitOfPower,
    UnitOfTime,
)

from ...binary_sensor import PortalBinarySensorDescription
from ...sensor import PortalSensorDescription
from .const import CURRENCY
from .data import Account, OwnerData, Uptime
from .models import Agreement, Asset

# Known FlowerHub states; the status sensor adds any other state the portal reports.
STATUSES = ["connected", "disconnected"]


def _agreement_attrs(agreement: Agreement | None) -> Mapping[str, Any]:
    if agreement is None:
        return {}
    return {
        "state": agreement.state,
        "start_date": agreement.start.date().isoformat() if agreement.start else None,
        "termination_date": (
            agreement.termination.date().isoformat() if agreement.termination else None
        ),
    }


def _agreement_active(agreement: Agreement | None) -> bool | None:
    return None if agreement is None else agreement.active


STATUS_SENSOR = PortalSensorDescription[Asset](
    key="status",
    translation_key="flowerhub_status",
    device_class=SensorDeviceClass.ENUM,
    options=STATUSES,
    value_fn=lambda asset: asset.status,
)

STATUS_SENSORS: tuple[PortalSensorDescription[Asset], ...] = (
    PortalSensorDescription(
        key="status_message",
        translation_key="flowerhub_status_message",
        value_fn=lambda asset: asset.status_message,
    ),
    PortalSensorDescription(
        key="battery_energy_capacity",
        translation_key="flowerhub_battery_energy_capacity",
        device_class=SensorDeviceClass.ENERGY_STORAGE,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda asset: asset.battery.energy_capacity,
    ),
    PortalSensorDescription(
        key="battery_power_capacity",
        translation_key="flowerhub_battery_power_capacity",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda asset: asset.battery.power_capacity,
    ),
    PortalSensorDescription(
        key="inverter_power_capacity",
        translation_key="flowerhub_inverter_power_capacity",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda asset: asset.inverter.power_capacity,
    ),
    PortalSensorDescription(
        key="fuse_size",
        translation_key="flowerhub_fuse_size",
        device_class=SensorDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda asset: asset.fuse_size,
    ),
)

STATUS_BINARY_SENSORS: tuple[PortalBinarySensorDescription[Asset], ...] = (
    PortalBinarySensorDescription(
        key="connected",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        is_on_fn=lambda asset: asset.connected,
    ),
    PortalBinarySensorDescription(
        key="installed",
        translation_key="flowerhub_installed",
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda asset: asset.installed,
    ),
)

OWNER_SENSORS: tuple[PortalSensorDescription[OwnerData], ...] = (
    PortalSensorDescription(
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
    PortalSensorDescription(
        key="installer",
        translation_key="flowerhub_installer",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.owner.installer,
        attrs_fn=lambda data: {"distributor": data.owner.distributor},
    ),
)

UPTIME_SENSORS: tuple[PortalSensorDescription[Uptime], ...] = (
    PortalSensorDescription(
        key="uptime_this_month",
        translation_key="flowerhub_uptime_this_month",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda uptime: uptime.this_month,
        attrs_fn=lambda uptime: {"period": uptime.period},
    ),
    PortalSensorDescription(
        key="downtime_this_month",
        translation_key="flowerhub_downtime_this_month",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.HOURS,
        suggested_display_precision=1,
        value_fn=lambda uptime: uptime.downtime,
    ),
    PortalSensorDescription(
        key="no_data_this_month",
        translation_key="flowerhub_no_data_this_month",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.HOURS,
        suggested_display_precision=1,
        value_fn=lambda uptime: uptime.no_data,
    ),
    PortalSensorDescription(
        key="uptime_last_month",
        translation_key="flowerhub_uptime_last_month",
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=1,
        value_fn=lambda uptime: uptime.last_month,
    ),
)

ACCOUNT_BINARY_SENSORS: tuple[PortalBinarySensorDescription[Account], ...] = (
    PortalBinarySensorDescription(
        key="consumption_agreement",
        translation_key="flowerhub_consumption_agreement",
        is_on_fn=lambda account: _agreement_active(
            account.agreements.consumption if account.agreements else None
        ),
        attrs_fn=lambda account: _agreement_attrs(
            account.agreements.consumption if account.agreements else None
        ),
    ),
    PortalBinarySensorDescription(
        key="production_agreement",
        translation_key="flowerhub_production_agreement",
        is_on_fn=lambda account: _agreement_active(
            account.agreements.production if account.agreements else None
        ),
        attrs_fn=lambda account: _agreement_attrs(
            account.agreements.production if account.agreements else None
        ),
    ),
)

ACCOUNT_SENSORS: tuple[PortalSensorDescription[Account], ...] = (
    PortalSensorDescription(
        key="latest_invoice_amount",
        translation_key="flowerhub_latest_invoice_amount",
        device_class=SensorDeviceClass.MONETARY,
        native_unit_of_measurement=CURRENCY,
        suggested_display_precision=2,
        value_fn=lambda account: (
            account.latest_invoice.total_amount if account.latest_invoice else None
        ),
    ),
    PortalSensorDescription(
        key="latest_invoice_due_date",
        translation_key="flowerhub_latest_invoice_due_date",
        device_class=SensorDeviceClass.DATE,
        value_fn=lambda account: (
            account.latest_invoice.due_date if account.latest_invoice else None
        ),
    ),
    PortalSensorDescription(
        key="latest_invoice_status",
        translation_key="flowerhub_latest_invoice_status",
        value_fn=lambda account: account.latest_invoice.status if account.latest_invoice else None,
    ),
    PortalSensorDescription(
        key="latest_invoice_period",
        translation_key="flowerhub_latest_invoice_period",
        value_fn=lambda account: account.latest_invoice.period if account.latest_invoice else None,
    ),
    PortalSensorDescription(
        key="unpaid_amount",
        translation_key="flowerhub_unpaid_amount",
        device_class=SensorDeviceClass.MONETARY,
        native_unit_of_measurement=CURRENCY,
        suggested_display_precision=2,
        value_fn=lambda account: account.unpaid_amount,
    ),
    PortalSensorDescription(
        key="notification",
        translation_key="flowerhub_notification",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda account: account.notification,
    ),
)

CONSUMPTION_SENSOR = PortalSensorDescription[Account](
    key="last_month_consumption",
    translation_key="flowerhub_last_month_consumption",
    device_class=SensorDeviceClass.ENERGY,
    state_class=SensorStateClass.TOTAL,
    native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
    suggested_display_precision=1,
    value_fn=lambda account: account.last_month_consumption,
    attrs_fn=lambda account: {
        "invoiced_month": (
            account.last_invoiced_month.isoformat() if account.last_invoiced_month else None
        )
    },
)
