"""The entities of schedules the charger no longer has: removed from the entity registry once
answers at least SCHEDULE_GONE_AFTER apart lack the schedule (one odd answer, or two reads of
one command seconds apart, remove nothing; an answer without any slot is odd), or at once
when we deleted it ourselves. The registry is what is compared, so a schedule deleted while
Home Assistant was stopped goes too. Should a schedule come back, its entities come back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from ...devices import DeviceTracker
from .const import SCHEDULE_GONE_AFTER
from .schedules import Schedules, slot_in_unique_id


class ScheduleEntities:
    """Removes one entry's entities of deleted schedules."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        chargers: DeviceTracker,
        device_key: Callable[[str], str],
    ) -> None:
        self._hass = hass
        self._entry = entry
        self._chargers = chargers
        """Forgets a removed schedule's entities, so they are added again should it return."""
        self._device_key = device_key
        self._missing: dict[str, dict[str, datetime]] = {}
        """Each charger's schedules with entities that the answers no longer list, and since
        when."""

    def answered(self, serial: str, schedules: Schedules) -> None:
        """The cloud answered with these schedules: remove those missing long enough."""
        if not schedules.slots:
            return
        kept = {slot.slot_id for slot in schedules.slots}
        registered = self._registered(serial)
        now = dt_util.utcnow()
        known = self._missing.get(serial, {})
        since = {slot: known.get(slot, now) for _, slot in registered if slot not in kept}
        gone = {slot for slot, first in since.items() if now - first >= SCHEDULE_GONE_AFTER}
        self._missing[serial] = {slot: t for slot, t in since.items() if slot not in gone}
        self._remove(serial, registered, gone)

    def deleted(self, serial: str, slot_id: str) -> None:
        """We deleted this schedule: its entities go at once."""
        self._missing.get(serial, {}).pop(slot_id, None)
        self._remove(serial, self._registered(serial), {slot_id})

    def _registered(self, serial: str) -> list[tuple[str, str]]:
        """The charger's schedule entities in the registry: entity id and slot id."""
        prefix = f"{self._device_key(serial)}_schedule_"
        entities = er.async_entries_for_config_entry(er.async_get(self._hass), self._entry.entry_id)
        pairs = [
            (entity.entity_id, slot_in_unique_id(prefix, entity.unique_id)) for entity in entities
        ]
        return [(entity_id, slot) for entity_id, slot in pairs if slot is not None]

    def _remove(self, serial: str, registered: list[tuple[str, str]], slots: set[str]) -> None:
        registry = er.async_get(self._hass)
        for entity_id, slot in registered:
            if slot in slots:
                registry.async_remove(entity_id)
        for slot in slots:
            self._chargers.forget_key((serial, slot))
