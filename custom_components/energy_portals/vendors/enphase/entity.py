"""The base entities of an Enphase charger (its serial, its device, its latest status) and of
its finished sessions."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from ...const import DOMAIN
from .coordinator import EnphaseConfigEntry, EnphaseCoordinator, device_key
from .models import Charger
from .sessions import EnphaseSessionsCoordinator


def charger_device_info(coordinator: EnphaseCoordinator, serial: str) -> DeviceInfo:
    """The charger's device."""
    charger = coordinator.charger(serial)
    return DeviceInfo(
        identifiers={(DOMAIN, device_key(serial))},
        manufacturer="Enphase Energy",
        model="IQ EV Charger",
        name=(charger.name if charger else None) or f"IQ EV Charger {serial}",
        serial_number=serial,
        sw_version=charger.summary.firmware_version if charger and charger.summary else None,
    )


class EnphaseEntity(CoordinatorEntity[EnphaseCoordinator]):
    """An entity of one charger, unavailable while the site does not report it."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: EnphaseCoordinator, description: EntityDescription, serial: str
    ) -> None:
        super().__init__(coordinator)
        self.entity_description = description
        self.serial = serial
        self._attr_unique_id = f"{device_key(serial)}_{description.key}"
        self._attr_device_info = charger_device_info(coordinator, serial)

    @property
    def charger(self) -> Charger | None:
        """The charger's latest status."""
        return self.coordinator.charger(self.serial)

    @property
    def available(self) -> bool:
        """Available while the site reports the charger."""
        return super().available and self.charger is not None


class EnphaseSessionsEntity(CoordinatorEntity[EnphaseSessionsCoordinator]):
    """An entity of one charger's finished sessions (the session history)."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: EnphaseCoordinator, description: EntityDescription, serial: str
    ) -> None:
        super().__init__(coordinator.sessions)
        self.entity_description = description
        self.serial = serial
        self._attr_unique_id = f"{device_key(serial)}_{description.key}"
        self._attr_device_info = charger_device_info(coordinator, serial)


@callback
def add_charger_entities(
    entry: EnphaseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    entities_for: Callable[[str], Iterable[Entity]],
) -> None:
    """Add one platform's entities of each charger, now and when a charger joins the site."""
    coordinator = entry.runtime_data
    coordinator.chargers.add_entities(
        (coordinator,),
        async_add_entities,
        keys=lambda: coordinator.data.chargers,
        entities_for=entities_for,
        device_key=device_key,
    )
