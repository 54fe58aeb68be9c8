"""The binary sensors of the FlowerHub battery system: connection, installation, agreements."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .billing import Agreement
from .coordinator import AGREEMENTS, FlowerHubConfigEntry
from .data import Account
from .entity import FlowerHubEntity, OptionalGroup
from .models import Asset


@dataclass(frozen=True, kw_only=True)
class FlowerHubBinarySensorEntityDescription[DataT](OptionalGroup, BinarySensorEntityDescription):
    """A binary sensor read from one coordinator's data."""

    is_on_fn: Callable[[DataT], bool | None]
    attrs_fn: Callable[[DataT], Mapping[str, Any]] | None = None


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


STATUS_BINARY_SENSORS: tuple[FlowerHubBinarySensorEntityDescription[Asset], ...] = (
    FlowerHubBinarySensorEntityDescription(
        key="connected",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        is_on_fn=lambda asset: asset.connected,
    ),
    FlowerHubBinarySensorEntityDescription(
        key="installed",
        translation_key="flowerhub_installed",
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda asset: asset.installed,
    ),
)

ACCOUNT_BINARY_SENSORS: tuple[FlowerHubBinarySensorEntityDescription[Account], ...] = (
    FlowerHubBinarySensorEntityDescription(
        key="consumption_agreement",
        endpoint=AGREEMENTS,
        translation_key="flowerhub_consumption_agreement",
        is_on_fn=lambda account: _agreement_active(
            account.agreements.consumption if account.agreements else None
        ),
        attrs_fn=lambda account: _agreement_attrs(
            account.agreements.consumption if account.agreements else None
        ),
    ),
    FlowerHubBinarySensorEntityDescription(
        key="production_agreement",
        endpoint=AGREEMENTS,
        translation_key="flowerhub_production_agreement",
        is_on_fn=lambda account: _agreement_active(
            account.agreements.production if account.agreements else None
        ),
        attrs_fn=lambda account: _agreement_attrs(
            account.agreements.production if account.agreements else None
        ),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FlowerHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the battery system's binary sensors."""
    data = entry.runtime_data
    entities: list[Entity] = [
        FlowerHubBinarySensor(data, data.status, d) for d in STATUS_BINARY_SENSORS
    ]
    entities += [FlowerHubBinarySensor(data, data.account, d) for d in ACCOUNT_BINARY_SENSORS]
    async_add_entities(entities)


class FlowerHubBinarySensor[DataT](FlowerHubEntity[DataT], BinarySensorEntity):
    """A binary sensor of the battery system."""

    entity_description: FlowerHubBinarySensorEntityDescription[DataT]

    @property
    def is_on(self) -> bool | None:
        """The description's reading of its coordinator's data."""
        return self.entity_description.is_on_fn(self.coordinator.data)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """The description's attributes, where it has any."""
        attrs_fn = self.entity_description.attrs_fn
        return None if attrs_fn is None else attrs_fn(self.coordinator.data)
