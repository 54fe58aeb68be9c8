"""An Enphase entry at run time: the site's coordinator and a device per charger it reports."""

from __future__ import annotations

from dataclasses import asdict
from functools import partial
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity

from ...binary_sensor import PortalBinarySensor
from ...button import PortalButton
from ...const import DOMAIN
from ...devices import DevicePresence
from ...entity import PortalDevice
from ...runtime import GrowingRuntime, PortalConfigEntry
from ...sensor import PortalSensor
from ...switch import PortalSwitch
from .api import Charger, EvseStatus
from .charged_energy import CHARGED_ENERGY, ChargedEnergySensor
from .charging_current import ChargingCurrentNumber
from .const import VENDOR_KEY
from .coordinator import EnphaseCoordinator
from .entities import BINARY_SENSORS, BUTTONS, NUMBERS, SENSORS, SWITCHES


def device_key(serial: str) -> str:
    """The device identifier and unique-id prefix of a charger."""
    return f"{VENDOR_KEY}_{serial}"


class EnphaseRuntime(GrowingRuntime):
    """The site's coordinator and its chargers, added and removed as the site reports them."""

    def __init__(
        self, hass: HomeAssistant, entry: PortalConfigEntry, coordinator: EnphaseCoordinator
    ) -> None:
        self.coordinator = coordinator
        super().__init__()
        self._added: dict[Platform, set[str]] = {}
        self._presence = DevicePresence(hass, entry, device_key(""), "Enphase charger")
        self._track_presence(coordinator.data)
        coordinator.on_fetched = self._track_presence
        entry.async_on_unload(self._stop_tracking)
        entry.async_on_unload(coordinator.async_add_listener(self._status_updated))

    def charger(self, serial: str) -> Charger | None:
        """The charger's latest status, None when the site no longer reports it."""
        data = self.coordinator.data
        return data.chargers.get(serial) if data else None

    def charger_device(self, serial: str, charger: Charger) -> PortalDevice[Charger]:
        """The device of one charger."""
        return PortalDevice(
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

    def _new_entities(self, platform: Platform) -> list[Entity]:
        """The entities of this platform for chargers that have none yet."""
        coordinator = self.coordinator
        added = self._added.setdefault(platform, set())
        entities: list[Entity] = []
        for serial, charger in coordinator.data.chargers.items():
            if serial in added:
                continue
            added.add(serial)
            device = self.charger_device(serial, charger)
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
        return entities

    @callback
    def _stop_tracking(self) -> None:
        self.coordinator.on_fetched = None

    @callback
    def _track_presence(self, status: EvseStatus) -> None:
        """Note the chargers the site reports; one gone for an hour is removed."""
        for key in self._presence.update(device_key(serial) for serial in status.chargers):
            serial = key.removeprefix(device_key(""))
            for added in self._added.values():
                added.discard(serial)

    @callback
    def _status_updated(self) -> None:
        """Add the entities of a charger that joined the site."""
        if not self.coordinator.last_update_success:
            return
        self._add_new_entities()

    def reported_device_keys(self) -> set[str]:
        return {device_key(serial) for serial in self.coordinator.data.chargers}

    def diagnostics(self) -> dict[str, Any]:
        data = self.coordinator.data
        return {
            "site_id": self.coordinator.site_id,
            "update_interval": str(self.coordinator.update_interval),
            "chargers": [asdict(charger) for charger in data.chargers.values()] if data else [],
        }
