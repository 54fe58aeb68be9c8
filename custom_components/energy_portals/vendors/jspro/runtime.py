"""A JSPro entry at run time: the controller, its SCCs and packs, added and removed as they come.

The controller is registered first so SCCs and packs can point at it with `via_device_id`.
Entities are added from a coordinator listener whenever a new SCC, pack or cell shows up; a
pack missing from both battery lists for an hour is removed with its device (devices.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from ...binary_sensor import PortalBinarySensor
from ...button import PortalButton
from ...const import DOMAIN
from ...devices import DeviceTracker
from ...entity import PortalDevice, PortalEntity
from ...runtime import GrowingRuntime, PortalConfigEntry
from ...sensor import PortalSensor
from .const import MANUFACTURER
from .coordinator import (
    JsproInformationCoordinator,
    JsproMonitoringCoordinator,
    JsproSystemCoordinator,
)
from .entities import (
    ACTIVE_BINARY_SENSORS,
    ALARM_SENSORS,
    CONTROLLER_BUTTONS,
    LOGGER_SENSORS,
    PACK_BINARY_SENSORS,
    PACK_SENSORS,
    RELAY_SENSORS,
    RESOURCE_SENSORS,
    SCC_BINARY_SENSORS,
    SCC_SENSORS,
    SITE_SENSORS,
    SYSTEMD_BINARY_SENSORS,
    SYSTEMD_SENSORS,
    cell_temperature,
    cell_voltage,
)
from .models import ActivePack, BatteryPack, DeviceInformation, MonitoringData, Scc

type EntityFactory = Callable[[Any, Any, PortalDevice[Any]], PortalEntity[Any, Any]]
FACTORIES: dict[Platform, EntityFactory] = {
    Platform.SENSOR: PortalSensor,
    Platform.BINARY_SENSOR: PortalBinarySensor,
    Platform.BUTTON: PortalButton,
}


@dataclass(frozen=True, slots=True)
class EntityGroup:
    """Entities that read one kind of data of one device through one coordinator."""

    coordinator: DataUpdateCoordinator[Any]
    device: PortalDevice[Any]
    descriptions: dict[Platform, Sequence[EntityDescription]]


@dataclass(frozen=True, slots=True)
class PackPlace:
    """Where a pack sits on the bus."""

    port: str
    slave_id: int


def site_title(info: DeviceInformation) -> str:
    """The entry title and controller name of a site."""
    return info.site_name or f"JSPro {info.site_id or info.serial_number}"


class JsproRuntime(GrowingRuntime):
    """The coordinators of one site controller and the devices behind it."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: PortalConfigEntry,
        *,
        key: str,
        information: JsproInformationCoordinator,
        monitoring: JsproMonitoringCoordinator,
        system: JsproSystemCoordinator,
    ) -> None:
        self.hass = hass
        self.entry = entry
        self.key = key
        self.information = information
        self.monitoring = monitoring
        self.system = system
        self.client = monitoring.client
        super().__init__()
        self._added: set[str] = set()
        self._sccs: set[str] = set()
        self._packs: dict[str, PackPlace] = {}
        self.controller_id = self._register_controller()
        self._pack_presence = DeviceTracker(hass, entry, self._pack_prefix(), "JSPro pack")
        self._track_presence(monitoring.data)
        self._note_monitoring()
        monitoring.on_fetched = self._track_presence
        entry.async_on_unload(self._stop_tracking)
        entry.async_on_unload(monitoring.async_add_listener(self._monitoring_updated))
        entry.async_on_unload(information.async_add_listener(self._information_updated))

    # Devices

    @callback
    def _register_controller(self) -> str:
        info = self.information.data
        device = dr.async_get(self.hass).async_get_or_create(
            config_entry_id=self.entry.entry_id,
            identifiers={(DOMAIN, self.key)},
            manufacturer=MANUFACTURER,
            model=info.model,
            model_id=info.part_number,
            name=site_title(info),
            serial_number=info.serial_number,
            sw_version=info.software_version,
            hw_version=info.hardware_version,
            configuration_url=self.client.base_url,
        )
        return device.id

    @callback
    def _stop_tracking(self) -> None:
        self.monitoring.on_fetched = None

    @callback
    def _information_updated(self) -> None:
        if self.information.last_update_success:
            self._register_controller()

    def _scc_key(self, scc_key: str) -> str:
        return f"{self.key}_{scc_key}"

    def _pack_prefix(self) -> str:
        return f"{self.key}_pack_"

    def _site_name(self) -> str:
        return site_title(self.information.data)

    def _controller_device[T](self, data: Callable[[], T | None]) -> PortalDevice[T]:
        return PortalDevice(
            key=self.key, info=DeviceInfo(identifiers={(DOMAIN, self.key)}), data=data
        )

    def _scc_device(self, scc_key: str) -> PortalDevice[Scc]:
        key = self._scc_key(scc_key)
        number = scc_key.removeprefix("scc")
        info = self.information.data
        return PortalDevice(
            key=key,
            info=DeviceInfo(
                identifiers={(DOMAIN, key)},
                manufacturer=MANUFACTURER,
                model=info.scc_type or "Solar charge controller",
                name=f"{self._site_name()} SCC {number}",
                via_device_id=self.controller_id,
            ),
            data=lambda: self.scc(scc_key),
        )

    def _pack_info(self, pack_key: str, place: PackPlace) -> DeviceInfo:
        key = f"{self._pack_prefix()}{pack_key}"
        info = DeviceInfo(
            identifiers={(DOMAIN, key)},
            manufacturer=MANUFACTURER,
            model=self.information.data.battery_type or "Battery pack",
            name=f"{self._site_name()} pack {place.port} {place.slave_id}",
            via_device_id=self.controller_id,
        )
        if (pack := self.pack(pack_key)) is not None:
            if pack.serial_code:
                info["serial_number"] = pack.serial_code
            if pack.pcb_code:
                info["hw_version"] = pack.pcb_code
        return info

    # Current data

    def scc(self, scc_key: str) -> Scc | None:
        """An SCC's latest data."""
        data = self.monitoring.data
        return data.scc.sccs.get(scc_key) if data and data.scc else None

    def pack(self, pack_key: str) -> BatteryPack | None:
        """A pack's latest BMS data."""
        data = self.monitoring.data
        return data.battery.get(pack_key) if data and data.battery else None

    def active_pack(self, pack_key: str) -> ActivePack | None:
        """A pack's latest entry in the active list."""
        data = self.monitoring.data
        return data.active.get(pack_key) if data and data.active else None

    # Entities

    def _groups(self) -> list[EntityGroup]:
        monitoring, system = self.monitoring, self.system
        groups = [
            EntityGroup(
                monitoring,
                self._controller_device(lambda: monitoring.data),
                {Platform.SENSOR: SITE_SENSORS},
            ),
            EntityGroup(
                monitoring,
                self._controller_device(
                    lambda: (
                        monitoring.data.scc.relays
                        if monitoring.data and monitoring.data.scc
                        else None
                    )
                ),
                {Platform.SENSOR: RELAY_SENSORS},
            ),
            EntityGroup(
                system,
                self._controller_device(lambda: system.data.resources if system.data else None),
                {Platform.SENSOR: RESOURCE_SENSORS},
            ),
            EntityGroup(
                system,
                self._controller_device(lambda: system.data.systemd if system.data else None),
                {Platform.SENSOR: SYSTEMD_SENSORS, Platform.BINARY_SENSOR: SYSTEMD_BINARY_SENSORS},
            ),
            EntityGroup(
                system,
                self._controller_device(lambda: system.data.logger if system.data else None),
                {Platform.SENSOR: LOGGER_SENSORS},
            ),
            EntityGroup(
                system,
                self._controller_device(lambda: system.data.alarms if system.data else None),
                {Platform.SENSOR: ALARM_SENSORS},
            ),
            EntityGroup(
                system,
                self._controller_device(lambda: system.data),
                {Platform.BUTTON: CONTROLLER_BUTTONS},
            ),
        ]
        groups += [
            EntityGroup(
                monitoring,
                self._scc_device(scc_key),
                {Platform.SENSOR: SCC_SENSORS, Platform.BINARY_SENSOR: SCC_BINARY_SENSORS},
            )
            for scc_key in sorted(self._sccs)
        ]
        for pack_key, place in self._packs.items():
            info = self._pack_info(pack_key, place)
            key = f"{self._pack_prefix()}{pack_key}"
            pack = self.pack(pack_key)
            cells = [cell_voltage(i) for i in range(len(pack.cell_voltages))] if pack else []
            cells += (
                [cell_temperature(i) for i in range(len(pack.cell_temperatures))] if pack else []
            )
            groups.append(
                EntityGroup(
                    monitoring,
                    PortalDevice(key=key, info=info, data=partial(self.pack, pack_key)),
                    {
                        Platform.SENSOR: [*PACK_SENSORS, *cells],
                        Platform.BINARY_SENSOR: PACK_BINARY_SENSORS,
                    },
                )
            )
            groups.append(
                EntityGroup(
                    monitoring,
                    PortalDevice(key=key, info=info, data=partial(self.active_pack, pack_key)),
                    {Platform.BINARY_SENSOR: ACTIVE_BINARY_SENSORS},
                )
            )
        return groups

    def _new_entities(self, platform: Platform) -> list[Entity]:
        factory = FACTORIES[platform]
        entities: list[Entity] = []
        for group in self._groups():
            for description in group.descriptions.get(platform, ()):
                unique_id = f"{group.device.key}_{description.key}"
                if unique_id not in self._added:
                    self._added.add(unique_id)
                    entities.append(factory(group.coordinator, description, group.device))
        return entities

    # Dynamic and stale devices

    @callback
    def _note_monitoring(self) -> None:
        """Remember the SCCs and packs of the latest data, so their entities get added."""
        data = self.monitoring.data
        if data.scc is not None:
            self._sccs |= set(data.scc.sccs)
        for pack_key in sorted(data.pack_keys - set(self._packs)):
            found = self.pack(pack_key) or self.active_pack(pack_key)
            assert found is not None
            self._packs[pack_key] = PackPlace(found.port, found.slave_id)

    @callback
    def _monitoring_updated(self) -> None:
        if not self.monitoring.last_update_success:
            return
        self._note_monitoring()
        self._add_new_entities()

    @callback
    def _track_presence(self, data: MonitoringData) -> None:
        """Note which packs answered; packs gone for an hour are removed with their devices."""
        if data.battery is None and data.active is None:
            return  # the device offers neither list: presence is unknown
        prefix = self._pack_prefix()
        for key in self._pack_presence.update(prefix + pack_key for pack_key in data.pack_keys):
            self._packs.pop(key.removeprefix(prefix), None)
            self._added = {uid for uid in self._added if not uid.startswith(f"{key}_")}

    def reported_device_keys(self) -> set[str]:
        data = self.monitoring.data
        return (
            {self.key}
            | {self._scc_key(scc_key) for scc_key in self._sccs}
            | {self._pack_prefix() + pack_key for pack_key in data.pack_keys}
        )

    def diagnostics(self) -> dict[str, Any]:
        monitoring, system = self.monitoring.data, self.system.data
        return {
            "information": asdict(self.information.data),
            "monitoring": asdict(monitoring) if monitoring else None,
            "system": asdict(system) if system else None,
            "unsupported_endpoints": sorted(
                self.monitoring.groups.unsupported | self.system.groups.unsupported
            ),
            "intervals": {
                "monitoring": str(self.monitoring.update_interval),
                "system": str(self.system.update_interval),
            },
        }
