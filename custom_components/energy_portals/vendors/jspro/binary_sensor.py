"""The binary sensors of a JSPro site: failed services, auto reboot and a disk near it, SCC
alarms, pack problems, activity."""

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
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import JsproConfigEntry
from .entity import (
    JsproControllerEntity,
    JsproPackEntity,
    JsproSccEntity,
    add_pack_entities,
    add_power_entities,
    add_scc_entities,
)
from .models import PowerManagement, Scc, SystemData, SystemdStatus
from .packs import ActivePack, BatteryPack


@dataclass(frozen=True, kw_only=True)
class JsproBinarySensorEntityDescription[PartT](BinarySensorEntityDescription):
    """A binary sensor read from one part of the site's data."""

    is_on_fn: Callable[[PartT], bool | None]
    attrs_fn: Callable[[PartT], Mapping[str, Any]] | None = None
    part_fn: Callable[[Any], PartT | None] = lambda data: data
    """The controller's binary sensors: which part of their coordinator's data they read."""


def _problem[T](
    key: str, is_on_fn: Callable[[T], bool | None], attrs_fn: Callable[[T], dict[str, Any]]
) -> JsproBinarySensorEntityDescription[T]:
    return JsproBinarySensorEntityDescription(
        key=key,
        translation_key=f"jspro_{key}",
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=is_on_fn,
        attrs_fn=attrs_fn,
    )


def _scc_alarm(group: str) -> JsproBinarySensorEntityDescription[Scc]:
    return _problem(
        f"{group.removesuffix('_status')}_alarm",
        lambda scc: scc.alarm_active(group),
        lambda scc: {"flags": scc.alarm_flags(group)},
    )


SCC_BINARY_SENSORS: tuple[JsproBinarySensorEntityDescription[Scc], ...] = (
    _scc_alarm("battery_status"),
    _scc_alarm("charging_status"),
    _scc_alarm("discharging_status"),
)

SYSTEMD_BINARY_SENSORS: tuple[JsproBinarySensorEntityDescription[SystemdStatus], ...] = (
    JsproBinarySensorEntityDescription(
        key="service_failed",
        translation_key="jspro_service_failed",
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=lambda sd: sd.any_failed,
        attrs_fn=lambda sd: {"failed_services": sd.failed_services},
        part_fn=lambda system: system.systemd,
    ),
)

POWER_BINARY_SENSORS: tuple[JsproBinarySensorEntityDescription[PowerManagement], ...] = (
    JsproBinarySensorEntityDescription(
        key="auto_reboot",
        translation_key="jspro_auto_reboot",
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda power: power.auto_reboot,
        part_fn=lambda system: system.power,
    ),
    JsproBinarySensorEntityDescription(
        key="disk_near_auto_reboot",
        translation_key="jspro_disk_near_auto_reboot",
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=lambda power: power.disk_near_threshold,
        part_fn=lambda system: system.power,
    ),
)

PACK_BINARY_SENSORS: tuple[JsproBinarySensorEntityDescription[BatteryPack], ...] = (
    _problem("pack_warning", lambda pack: pack.warning, lambda p: {"flags": list(p.warning_flags)}),
    _problem(
        "pack_protection",
        lambda pack: pack.protection,
        lambda p: {"flags": list(p.protection_flags)},
    ),
    _problem("pack_fault", lambda pack: pack.fault, lambda p: {"flags": list(p.fault_flags)}),
)

ACTIVE_BINARY_SENSORS: tuple[JsproBinarySensorEntityDescription[ActivePack], ...] = (
    JsproBinarySensorEntityDescription(
        key="active",
        translation_key="jspro_pack_active",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        is_on_fn=lambda pack: pack.active,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: JsproConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the controller's binary sensors, and each SCC's and pack's as they appear."""
    data = entry.runtime_data
    async_add_entities(
        JsproControllerBinarySensor(data, data.system, description)
        for description in SYSTEMD_BINARY_SENSORS
    )
    add_power_entities(
        entry,
        async_add_entities,
        lambda: [JsproControllerBinarySensor(data, data.system, d) for d in POWER_BINARY_SENSORS],
    )
    add_scc_entities(
        entry,
        async_add_entities,
        lambda scc: [JsproSccBinarySensor(data, d, scc) for d in SCC_BINARY_SENSORS],
    )
    add_pack_entities(
        entry,
        async_add_entities,
        lambda pack: [
            *(JsproPackBinarySensor(data, d, pack) for d in PACK_BINARY_SENSORS),
            *(JsproActivePackBinarySensor(data, d, pack) for d in ACTIVE_BINARY_SENSORS),
        ],
    )


def _attributes[PartT](
    description: JsproBinarySensorEntityDescription[PartT], part: PartT | None
) -> Mapping[str, Any] | None:
    attrs_fn = description.attrs_fn
    return None if part is None or attrs_fn is None else attrs_fn(part)


class JsproControllerBinarySensor(JsproControllerEntity[SystemData], BinarySensorEntity):
    """A binary sensor of the controller."""

    entity_description: JsproBinarySensorEntityDescription[Any]

    @property
    def is_on(self) -> bool | None:
        """The description's reading of its part."""
        part = self.part
        return None if part is None else self.entity_description.is_on_fn(part)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """What is behind the state (the failed services)."""
        return _attributes(self.entity_description, self.part)


class JsproSccBinarySensor(JsproSccEntity, BinarySensorEntity):
    """An alarm of an SCC."""

    entity_description: JsproBinarySensorEntityDescription[Scc]

    @property
    def is_on(self) -> bool | None:
        """Whether the alarm group has an active flag."""
        scc = self.scc
        return None if scc is None else self.entity_description.is_on_fn(scc)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """The group's flags."""
        return _attributes(self.entity_description, self.scc)


class JsproPackBinarySensor(JsproPackEntity, BinarySensorEntity):
    """A problem of a pack, read from its BMS data."""

    entity_description: JsproBinarySensorEntityDescription[BatteryPack]

    @property
    def is_on(self) -> bool | None:
        """Whether the BMS reports the problem."""
        pack = self.pack
        return None if pack is None else self.entity_description.is_on_fn(pack)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """The BMS's flags."""
        return _attributes(self.entity_description, self.pack)

    @property
    def available(self) -> bool:
        """Available while the pack's BMS answers."""
        return super().available and self.pack is not None


class JsproActivePackBinarySensor(JsproPackEntity, BinarySensorEntity):
    """Whether the pack is active on the bus (from the active list)."""

    entity_description: JsproBinarySensorEntityDescription[ActivePack]

    @property
    def is_on(self) -> bool | None:
        """The active list's word on the pack."""
        active = self.active_pack
        return None if active is None else self.entity_description.is_on_fn(active)

    @property
    def available(self) -> bool:
        """Available while the active list names the pack."""
        return super().available and self.active_pack is not None
