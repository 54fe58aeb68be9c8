"""A FlowerHub entry at run time: its client, four coordinators and the battery system device."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from homeassistant.const import Platform
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...binary_sensor import PortalBinarySensor
from ...const import DOMAIN
from ...entity import PortalDevice
from ...runtime import VendorRuntime
from ...sensor import PortalSensor
from .api import FlowerHubClient
from .const import PORTAL_URL, VENDOR_KEY
from .coordinator import (
    FlowerHubAccountCoordinator,
    FlowerHubOwnerCoordinator,
    FlowerHubStatusCoordinator,
    FlowerHubUptimeCoordinator,
)
from .entities import (
    ACCOUNT_BINARY_SENSORS,
    ACCOUNT_SENSORS,
    CONSUMPTION_SENSOR,
    OWNER_SENSORS,
    STATUS_BINARY_SENSORS,
    STATUS_SENSOR,
    STATUS_SENSORS,
    UPTIME_SENSORS,
)
from .sensors import FlowerHubStatusSensor, MonthlyConsumptionSensor


def device_key(owner: FlowerHubOwnerCoordinator) -> str:
    """The battery system's identifier: its serial number, else the asset id."""
    data = owner.data.owner
    return f"{VENDOR_KEY}_{data.serial_number or data.asset_id}"


class FlowerHubRuntime(VendorRuntime):
    """The account's coordinators and its one battery system."""

    def __init__(
        self,
        client: FlowerHubClient,
        owner: FlowerHubOwnerCoordinator,
        status: FlowerHubStatusCoordinator,
        uptime: FlowerHubUptimeCoordinator,
        account: FlowerHubAccountCoordinator,
    ) -> None:
        self.client = client
        self.owner = owner
        self.status = status
        self.uptime = uptime
        self.account = account

    def device_info(self) -> DeviceInfo:
        """The battery system: battery maker and model, inverter as hardware, serial."""
        owner, asset = self.owner.data.owner, self.status.data
        inverter = " ".join(
            part for part in (asset.inverter.manufacturer, asset.inverter.model) if part
        )
        return DeviceInfo(
            identifiers={(DOMAIN, device_key(self.owner))},
            name="FlowerHub",
            manufacturer=asset.battery.manufacturer or owner.asset_manufacturer,
            model=asset.battery.model or owner.asset_model,
            model_id=owner.asset_model,
            hw_version=inverter or None,
            serial_number=owner.serial_number,
            configuration_url=PORTAL_URL,
        )

    def add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        key, info = device_key(self.owner), self.device_info()
        status = PortalDevice(key, info, lambda: self.status.data)
        owner = PortalDevice(key, info, lambda: self.owner.data)
        uptime = PortalDevice(key, info, lambda: self.uptime.data)
        account = PortalDevice(key, info, lambda: self.account.data)
        entities: list[Entity] = []
        if platform is Platform.SENSOR:
            entities.append(FlowerHubStatusSensor(self.status, STATUS_SENSOR, status))
            entities += [PortalSensor(self.status, d, status) for d in STATUS_SENSORS]
            entities += [PortalSensor(self.owner, d, owner) for d in OWNER_SENSORS]
            entities += [PortalSensor(self.uptime, d, uptime) for d in UPTIME_SENSORS]
            entities += [PortalSensor(self.account, d, account) for d in ACCOUNT_SENSORS]
            entities.append(MonthlyConsumptionSensor(self.account, CONSUMPTION_SENSOR, account))
        elif platform is Platform.BINARY_SENSOR:
            entities += [PortalBinarySensor(self.status, d, status) for d in STATUS_BINARY_SENSORS]
            entities += [
                PortalBinarySensor(self.account, d, account) for d in ACCOUNT_BINARY_SENSORS
            ]
        async_add_entities(entities)

    def reported_device_keys(self) -> set[str]:
        return {device_key(self.owner)}

    def diagnostics(self) -> dict[str, Any]:
        def dump(value: Any) -> Any:
            # A JSON round trip turns the models' tuples into lists, which redaction walks.
            return json.loads(json.dumps(asdict(value), default=str)) if value else None

        return {
            "uptime_prefix": self.client.uptime_prefix,
            "status_interval": str(self.status.update_interval),
            "disconnected_since": self.status.disconnected_since,
            "owner": dump(self.owner.data),
            "asset": dump(self.status.data),
            "uptime": dump(self.uptime.data),
            "account": dump(self.account.data),
        }
