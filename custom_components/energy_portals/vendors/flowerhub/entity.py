"""The base entity of the FlowerHub battery system: one device, fed by one of four coordinators."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from ...const import DOMAIN
from ...coordinator import PortalCoordinator
from .const import PORTAL_URL
from .coordinator import FlowerHubData


def device_info(data: FlowerHubData) -> DeviceInfo:
    """The battery system: battery maker and model, inverter as hardware, serial."""
    owner, asset = data.owner.data.owner, data.status.data
    inverter = " ".join(
        part for part in (asset.inverter.manufacturer, asset.inverter.model) if part
    )
    return DeviceInfo(
        identifiers={(DOMAIN, data.device_key)},
        name="FlowerHub",
        manufacturer=asset.battery.manufacturer or owner.asset_manufacturer,
        model=asset.battery.model or owner.asset_model,
        model_id=owner.asset_model,
        hw_version=inverter or None,
        serial_number=owner.serial_number,
        configuration_url=PORTAL_URL,
    )


@dataclass(frozen=True, kw_only=True)
class OptionalGroup:
    """Part of an entity description: the optional data group the entity shows."""

    endpoint: str | None = None
    """Unavailable while the account lacks it (404) or is refused it (403)."""


class FlowerHubEntity[DataT](CoordinatorEntity[PortalCoordinator[DataT]]):
    """An entity of the battery system that reads one coordinator's data."""

    _attr_has_entity_name = True

    def __init__(
        self,
        data: FlowerHubData,
        coordinator: PortalCoordinator[DataT],
        description: EntityDescription,
    ) -> None:
        super().__init__(coordinator)
        self.entity_description = description
        self._attr_unique_id = f"{data.device_key}_{description.key}"
        self._attr_device_info = device_info(data)
        self._endpoints = data.endpoints

    @property
    def available(self) -> bool:
        """Unavailable while the account lacks the data group the entity shows."""
        description = self.entity_description
        endpoint = description.endpoint if isinstance(description, OptionalGroup) else None
        return super().available and (endpoint is None or self._endpoints.offered(endpoint))
