"""The base entities of a JSPro site: the controller, its charge controllers (SCC) and packs.

The controller is registered first, so SCCs and packs can point at it with `via_device_id`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from ...const import DOMAIN
from ...coordinator import PortalCoordinator
from .const import MANUFACTURER
from .coordinator import JsproConfigEntry, JsproData, JsproMonitoringCoordinator
from .models import DeviceInformation, Scc
from .packs import ActivePack, BatteryPack


def site_title(info: DeviceInformation) -> str:
    """The controller's device name, which its SCCs' and packs' names begin with.

    Unlike the entry title, a site without a name keeps the name older releases gave it
    (`JSPro <site id>`): entity ids were made from it.
    """
    return info.site_name or f"JSPro {info.site_id or info.serial_number}"


@callback
def register_controller(hass: HomeAssistant, entry: JsproConfigEntry) -> str:
    """Register (or update) the controller's device; returns its registry id."""
    data = entry.runtime_data
    info = data.information.data
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, data.key)},
        manufacturer=MANUFACTURER,
        model=info.model,
        model_id=info.part_number,
        name=site_title(info),
        serial_number=info.serial_number,
        sw_version=info.software_version,
        hw_version=info.hardware_version,
        configuration_url=data.client.base_url,
    )
    return device.id


@callback
def add_power_entities(
    entry: JsproConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    entities: Callable[[], Iterable[Entity]],
) -> None:
    """Add the power management entities once the controller offers the group: a firmware
    without it has none of them (a later firmware gets them at its next system read)."""
    system = entry.runtime_data.system
    added = False

    @callback
    def add_when_offered() -> None:
        nonlocal added
        if not added and system.data is not None and system.data.power is not None:
            added = True
            async_add_entities(entities())

    add_when_offered()
    if not added:
        entry.async_on_unload(system.async_add_listener(add_when_offered))


class JsproControllerEntity[DataT](CoordinatorEntity[PortalCoordinator[DataT]]):
    """An entity of the controller that reads one part of one coordinator's data.

    The part (the SCC relays, the systemd overview ...) is None while the controller does
    not offer its endpoint; the entity is unavailable then.
    """

    _attr_has_entity_name = True
    entity_description: Any  # a platform's description with a part_fn

    def __init__(
        self, data: JsproData, coordinator: PortalCoordinator[DataT], description: Any
    ) -> None:
        super().__init__(coordinator)
        self.entity_description = description
        self._attr_unique_id = f"{data.key}_{description.key}"
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, data.key)})

    @property
    def part(self) -> Any:
        """The part of the coordinator's data this entity reads."""
        part_fn = self.entity_description.part_fn
        data = self.coordinator.data
        return None if data is None else part_fn(data)

    @property
    def available(self) -> bool:
        """Available while the controller offers the part."""
        return super().available and self.part is not None


class JsproSccEntity(CoordinatorEntity[JsproMonitoringCoordinator]):
    """An entity of one solar charge controller."""

    _attr_has_entity_name = True

    def __init__(self, data: JsproData, description: EntityDescription, scc: str) -> None:
        super().__init__(data.monitoring)
        self.entity_description = description
        self.scc_id = scc
        key = data.monitoring.scc_key(scc)
        info = data.information.data
        self._attr_unique_id = f"{key}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, key)},
            manufacturer=MANUFACTURER,
            model=info.scc_type or "Solar charge controller",
            name=f"{site_title(info)} SCC {scc.removeprefix('scc')}",
            via_device_id=data.controller_id,
        )

    @property
    def scc(self) -> Scc | None:
        """The SCC's latest data."""
        data = self.coordinator.data
        return data.scc.sccs.get(self.scc_id) if data and data.scc else None

    @property
    def available(self) -> bool:
        """Available while the SCC reports."""
        return super().available and self.scc is not None


class JsproPackEntity(CoordinatorEntity[JsproMonitoringCoordinator]):
    """An entity of one battery pack: its BMS data and its entry in the active list."""

    _attr_has_entity_name = True

    def __init__(self, data: JsproData, description: EntityDescription, pack: str) -> None:
        super().__init__(data.monitoring)
        self.entity_description = description
        self.pack_id = pack
        monitoring = data.monitoring
        key = monitoring.pack_key(pack)
        place = monitoring.places[pack]
        info = DeviceInfo(
            identifiers={(DOMAIN, key)},
            manufacturer=MANUFACTURER,
            model=data.information.data.battery_type or "Battery pack",
            name=f"{site_title(data.information.data)} pack {place.port} {place.slave_id}",
            via_device_id=data.controller_id,
        )
        if (bms := self.pack) is not None:
            if bms.serial_code:
                info["serial_number"] = bms.serial_code
            if bms.pcb_code:
                info["hw_version"] = bms.pcb_code
        self._attr_unique_id = f"{key}_{description.key}"
        self._attr_device_info = info

    @property
    def pack(self) -> BatteryPack | None:
        """The pack's latest BMS data."""
        data = self.coordinator.data
        return data.battery.get(self.pack_id) if data and data.battery else None

    @property
    def active_pack(self) -> ActivePack | None:
        """The pack's latest entry in the active list."""
        data = self.coordinator.data
        return data.active.get(self.pack_id) if data and data.active else None


@callback
def add_scc_entities(
    entry: JsproConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    entities_for: Callable[[str], Iterable[Entity]],
) -> None:
    """Add one platform's entities of each SCC, now and when an SCC first reports."""
    monitoring = entry.runtime_data.monitoring
    monitoring.scc_tracker.add_entities(
        (monitoring,),
        async_add_entities,
        keys=lambda: sorted(monitoring.sccs),
        entities_for=entities_for,
        device_key=monitoring.scc_key,
    )


@callback
def add_pack_entities(
    entry: JsproConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    entities_for: Callable[[str], Iterable[Entity]],
) -> None:
    """Add one platform's entities of each pack, now and when a pack joins (or comes back)."""
    monitoring = entry.runtime_data.monitoring
    monitoring.packs.add_entities(
        (monitoring,),
        async_add_entities,
        keys=lambda: list(monitoring.places),
        entities_for=entities_for,
        device_key=monitoring.pack_key,
    )
