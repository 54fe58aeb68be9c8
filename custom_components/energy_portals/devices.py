"""Devices that come and go with what the vendor reports: the one mechanism every vendor uses.

Each platform adds a device's entities when the device first appears (`add_entities`). A device
the vendor stops reporting is removed once it has been gone for the entry's removal
delay (option `device_removal_days`, 7 days by default): one odd answer never removes anything,
and an answer that lists no device at all, while the vendor is otherwise healthy, is taken as
suspicious (logged once) rather than as every device gone. A user may delete a device that is
not reported now.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import datetime, timedelta
from typing import Any, Final

import voluptuous as vol
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .const import DOMAIN, LOGGER

CONF_DEVICE_REMOVAL_DAYS: Final = "device_removal_days"
DEFAULT_DEVICE_REMOVAL_DAYS: Final = 7
MAX_DEVICE_REMOVAL_DAYS: Final = 60


REMOVAL_DAYS = vol.All(vol.Coerce(int), vol.Range(min=1, max=MAX_DEVICE_REMOVAL_DAYS))
"""The options field's validator."""


def removal_delay(entry: ConfigEntry) -> timedelta:
    """How long a device may be gone before it is removed (the entry's option)."""
    days = entry.options.get(CONF_DEVICE_REMOVAL_DAYS, DEFAULT_DEVICE_REMOVAL_DAYS)
    return timedelta(days=days)


class DeviceTracker:
    """The devices of one kind (their identifiers share `prefix`): new ones get entities, gone
    ones are removed.

    The vendor's coordinator calls `update` with every fetch; each platform calls
    `add_entities` once, and its entities for a device are added when the device is first
    reported (again, should a removed device come back).
    """

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry, prefix: str, kind: str) -> None:
        self._hass = hass
        self._entry = entry
        self._prefix = prefix
        self._kind = kind
        self._stale_after = removal_delay(entry)
        self._empty_logged = False
        self._seen: dict[str, datetime] | None = None
        """When each device was last reported; read from the registry at the first update."""
        self._forget: list[Callable[[str], None]] = []
        self._forget_keys: list[Callable[[Any], None]] = []

    @callback
    def update(self, present: Iterable[str]) -> set[str]:
        """Note the devices reported now; remove the devices gone too long and return them."""
        now = dt_util.utcnow()
        if self._seen is None:
            # Devices registered before this start age from now: one that never returns goes.
            registered = registered_keys(self._hass, self._entry)
            self._seen = {key: now for key in registered if key.startswith(self._prefix)}
        present = set(present)
        if not present and self._seen:
            if not self._empty_logged:
                LOGGER.warning(
                    "The vendor reported no %s at all: keeping the known ones", self._kind
                )
                self._empty_logged = True
            return set()
        self._empty_logged = False
        for key in present:
            self._seen[key] = now
        gone = {
            key
            for key, seen in self._seen.items()
            if key not in present and now - seen > self._stale_after
        }
        registry = dr.async_get(self._hass)
        for key in sorted(gone):
            seen = self._seen.pop(key)
            device = registry.async_get_device_by_identifier((DOMAIN, key), self._entry.entry_id)
            if device is not None:
                LOGGER.info(
                    "%s %s has not been reported since %s: removing it",
                    self._kind,
                    device.name_by_user or device.name,
                    seen,
                )
                registry.async_remove_device(device.id)
            for forget in self._forget:
                forget(key)
        return gone

    @callback
    def add_entities[KeyT: Hashable](
        self,
        coordinators: Iterable[DataUpdateCoordinator[Any]],
        async_add_entities: AddConfigEntryEntitiesCallback,
        *,
        keys: Callable[[], Iterable[KeyT]],
        entities_for: Callable[[KeyT], Iterable[Entity]],
        device_key: Callable[[KeyT], str],
    ) -> None:
        """Add the entities of every key `keys` lists now, and of each new one whenever one of
        the coordinators updates.

        A key is a device, or a part of one (a battery cell) whose entities arrive later;
        `device_key` names the device it belongs to, so its entities come back with the device.
        """
        added: set[KeyT] = set()

        @callback
        def add_new() -> None:
            new = [key for key in keys() if key not in added]
            added.update(new)
            if entities := [entity for key in new for entity in entities_for(key)]:
                async_add_entities(entities)

        @callback
        def forget(gone: str) -> None:
            added.difference_update([key for key in added if device_key(key) == gone])

        self._forget.append(forget)
        self._forget_keys.append(added.discard)
        add_new()
        for coordinator in coordinators:
            self._entry.async_on_unload(coordinator.async_add_listener(add_new))

    @callback
    def forget_key(self, key: Hashable) -> None:
        """A part of a device (a schedule) is gone and its entities removed: should it come
        back, its entities are added again."""
        for forget in self._forget_keys:
            forget(key)


def registered_keys(hass: HomeAssistant, entry: ConfigEntry) -> set[str]:
    """The identifiers of this entry's devices in the device registry."""
    return {
        ident
        for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
        for domain, ident in device.identifiers
        if domain == DOMAIN
    }


def reported_now(device: dr.DeviceEntry, reported: set[str]) -> bool:
    """Whether the vendor reports this device now (then a user may not delete it)."""
    return any(domain == DOMAIN and ident in reported for domain, ident in device.identifiers)
