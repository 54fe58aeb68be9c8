"""The charging current number, which remembers the user's choice across restarts.

Only a current the user chose is restored; until then the option's default applies, so a new
default from the options takes effect.
"""

from __future__ import annotations

from typing import Any

from homeassistant.helpers.restore_state import ExtraStoredData, RestoreEntity

from ...number import PortalNumber
from ...parse import as_int
from .api import Charger
from .const import MAX_CHARGING_CURRENT, MIN_CHARGING_CURRENT
from .coordinator import EnphaseCoordinator


class ChosenCurrent(ExtraStoredData):
    """The current the user chose, or None."""

    def __init__(self, current: int | None) -> None:
        self.current = current

    def as_dict(self) -> dict[str, Any]:
        return {"chosen": self.current}


class ChargingCurrentNumber(PortalNumber[EnphaseCoordinator, Charger], RestoreEntity):
    """Restores the last chosen current into the coordinator."""

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        last = await self.async_get_last_extra_data()
        current = as_int(last.as_dict().get("chosen")) if last else None
        charger = self.subject
        if (
            charger is not None
            and current is not None
            and MIN_CHARGING_CURRENT <= current <= MAX_CHARGING_CURRENT
        ):
            self.coordinator.charging_currents.setdefault(charger.serial, current)
            self.async_write_ha_state()

    @property
    def extra_restore_state_data(self) -> ChosenCurrent:
        charger = self.subject
        return ChosenCurrent(
            self.coordinator.charging_currents.get(charger.serial) if charger else None
        )
