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
from .schedules import OFF_PEAK, Schedule
from .sessions import HISTORY, EnphaseSessionsCoordinator


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


class EnphaseScheduleEntity(EnphaseEntity):
    """An entity of one of the charger's schedules, unavailable once the charger has it no
    more. Schedules with times are numbered in the charger's order; the off-peak one is
    named so."""

    def __init__(
        self,
        coordinator: EnphaseCoordinator,
        description: EntityDescription,
        serial: str,
        slot_id: str,
    ) -> None:
        super().__init__(coordinator, description, serial)
        self.slot_id = slot_id
        self._attr_unique_id = f"{device_key(serial)}_schedule_{slot_id}_{description.key}"
        schedule = self.schedule
        if schedule is not None and schedule.kind == OFF_PEAK:
            self._attr_translation_key = f"{description.translation_key}_off_peak"
        else:
            timed = [slot.slot_id for slot in coordinator.schedules[serial].slots if slot.start]
            number = timed.index(slot_id) + 1 if slot_id in timed else len(timed) + 1
            self._attr_translation_placeholders = {"number": str(number)}

    @property
    def schedule(self) -> Schedule | None:
        """The schedule as last read."""
        schedules = self.coordinator.schedules.get(self.serial)
        return None if schedules is None else schedules.slot(self.slot_id)

    @property
    def available(self) -> bool:
        """Available while the charger has the schedule."""
        return super().available and self.schedule is not None


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

    @property
    def available(self) -> bool:
        """Unavailable while the account has no session history (404)."""
        return super().available and self.coordinator.endpoints.offered(HISTORY, self.serial)


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


@callback
def add_setting_entities(
    entry: EnphaseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    keys: Callable[[EnphaseCoordinator], Iterable[tuple[str, str]]],
    entities_for: Callable[[str, str], Iterable[Entity]],
) -> None:
    """Add one platform's entities of each (serial, setting) `keys` lists for a charger the
    site reports, now and whenever one appears (a default level read late, a new schedule)."""
    coordinator = entry.runtime_data
    coordinator.chargers.add_entities(
        (coordinator,),
        async_add_entities,
        keys=lambda: [key for key in keys(coordinator) if coordinator.charger(key[0])],
        entities_for=lambda key: entities_for(*key),
        device_key=lambda key: device_key(key[0]),
    )


@callback
def add_schedule_entities(
    entry: EnphaseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    entities_for: Callable[[str, Schedule], Iterable[Entity]],
) -> None:
    """Add one platform's entities of each schedule, now and when a schedule appears."""

    def entities_of(serial: str, slot_id: str) -> Iterable[Entity]:
        schedule = entry.runtime_data.schedules[serial].slot(slot_id)
        return entities_for(serial, schedule) if schedule is not None else ()

    add_setting_entities(
        entry,
        async_add_entities,
        lambda coordinator: [
            (serial, slot.slot_id)
            for serial, schedules in coordinator.schedules.items()
            for slot in schedules.slots
        ],
        entities_of,
    )
