"""Charged energy: a total across sessions for the Energy dashboard, kept across restarts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import UnitOfEnergy
from homeassistant.core import callback
from homeassistant.helpers.restore_state import ExtraStoredData, RestoreEntity

from ...entity import PortalEntity
from ...parse import as_float, as_str
from .api import Charger
from .coordinator import EnphaseCoordinator

CHARGED_ENERGY = SensorEntityDescription(
    key="charged_energy",
    translation_key="charged_energy",
    device_class=SensorDeviceClass.ENERGY,
    state_class=SensorStateClass.TOTAL_INCREASING,
    native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
    suggested_display_precision=2,
)


@dataclass(slots=True)
class ChargedEnergyState(ExtraStoredData):
    """The running total and the session it last counted."""

    total: float = 0.0
    session_start: str | None = None
    session_energy: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "session_start": self.session_start,
            "session_energy": self.session_energy,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        return cls(
            total=as_float(data.get("total")) or 0.0,
            session_start=as_str(data.get("session_start")),
            session_energy=as_float(data.get("session_energy")) or 0.0,
        )

    def count(self, charger: Charger) -> None:
        """Add what the charger's session delivered since the last count.

        A new session (another start time, or the session energy going down) counts from zero.
        """
        energy = charger.session_energy
        if energy is None:
            return
        start = charger.session_start.isoformat() if charger.session_start else None
        if start != self.session_start or energy < self.session_energy:
            self.total += energy
        else:
            self.total += energy - self.session_energy
        self.session_start = start
        self.session_energy = energy


class ChargedEnergySensor(PortalEntity[EnphaseCoordinator, Charger], SensorEntity, RestoreEntity):
    """Energy charged over all sessions (kWh, never decreasing)."""

    _state: ChargedEnergyState

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        last = await self.async_get_last_extra_data()
        self._state = ChargedEnergyState.from_dict(last.as_dict()) if last else ChargedEnergyState()
        self._count()

    @property
    def native_value(self) -> float:
        return round(self._state.total, 3)

    @property
    def extra_restore_state_data(self) -> ChargedEnergyState:
        return self._state

    @callback
    def _handle_coordinator_update(self) -> None:
        self._count()
        super()._handle_coordinator_update()

    def _count(self) -> None:
        charger = self.subject
        if charger is not None:
            self._state.count(charger)
