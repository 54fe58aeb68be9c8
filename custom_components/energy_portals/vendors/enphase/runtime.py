"""An Enphase entry at run time: the site's coordinator and a device per charger."""

from __future__ import annotations

from dataclasses import asdict
from functools import partial
from typing import Any

from homeassistant.const import Platform
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...binary_sensor import PortalBinarySensor
from ...button import PortalButton
from ...const import DOMAIN
from ...entity import PortalDevice
from ...runtime import VendorRuntime
from ...sensor import PortalSensor
from ...switch import PortalSwitch
from .api import Charger
from .charged_energy import CHARGED_ENERGY, ChargedEnergySensor
from .charging_current import ChargingCurrentNumber
from .const import VENDOR_KEY
from .coordinator import EnphaseCoordinator
from .entities import BINARY_SENSORS, BUTTONS, NUMBERS, SENSORS, SWITCHES


def device_key(serial: str) -> str:
    """The device identifier and unique-id prefix of a charger."""
    return f"{VENDOR_KEY}_{serial}"


class EnphaseRuntime(VendorRuntime):
    """The site's coordinator and its chargers."""

    def __init__(self, coordinator: EnphaseCoordinator) -> None:
        self.coordinator = coordinator

    def charger(self, serial: str) -> Charger | None:
        """The charger's latest status, None when the site no longer reports it."""
        data = self.coordinator.data
        return data.chargers.get(serial) if data else None

    def charger_devices(self) -> list[PortalDevice[Charger]]:
        """A device for every charger the site reported at setup."""
        return [
            PortalDevice(
                key=device_key(serial),
                info=DeviceInfo(
                    identifiers={(DOMAIN, device_key(serial))},
                    manufacturer="Enphase Energy",
                    model="IQ EV Charger",
                    name=charger.name or f"IQ EV Charger {serial}",
                    serial_number=serial,
                ),
                data=partial(self.charger, serial),
            )
            for serial, charger in self.coordinator.data.chargers.items()
        ]

    def add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        coordinator = self.coordinator
        entities: list[Entity] = []
        for device in self.charger_devices():
            if platform is Platform.SENSOR:
                entities += [PortalSensor(coordinator, d, device) for d in SENSORS]
                entities.append(ChargedEnergySensor(coordinator, CHARGED_ENERGY, device))
            elif platform is Platform.BINARY_SENSOR:
                entities += [PortalBinarySensor(coordinator, d, device) for d in BINARY_SENSORS]
            elif platform is Platform.SWITCH:
                entities += [PortalSwitch(coordinator, d, device) for d in SWITCHES]
            elif platform is Platform.NUMBER:
                entities += [ChargingCurrentNumber(coordinator, d, device) for d in NUMBERS]
            elif platform is Platform.BUTTON:
                entities += [PortalButton(coordinator, d, device) for d in BUTTONS]
        async_add_entities(entities)

    def diagnostics(self) -> dict[str, Any]:
        data = self.coordinator.data
        return {
            "site_id": self.coordinator.site_id,
            "update_interval": str(self.coordinator.update_interval),
            "chargers": [asdict(charger) for charger in data.chargers.values()] if data else [],
        }
