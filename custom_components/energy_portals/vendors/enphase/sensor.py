"""The sensors of an Enphase charger: connector status and its reason, the charge mode in
effect, the session (energy, cost, start, plug times, range added), current and charged
energy; from the session history the last session and this month's energy and cost; and the
cloud's service status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    EntityCategory,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfLength,
    UnitOfPower,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_track_time_change
from homeassistant.helpers.restore_state import RestoreEntity
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from ...parse import as_float
from ...recorded_totals import async_last_total
from .charged_energy import ChargedEnergyState
from .coordinator import EnphaseConfigEntry
from .entity import EnphaseEntity, EnphaseSessionsEntity, add_charger_entities
from .models import CHARGE_MODE_STATES, Charger
from .service_health import STATES
from .sessions import month_start

# OCPP connector states, lower case; anything else the cloud invents shows as unknown.
CONNECTOR_STATUSES = [
    "available",
    "preparing",
    "charging",
    "suspended",
    "suspended_ev",
    "suspended_evse",
    "finishing",
    "reserved",
    "unavailable",
    "faulted",
]

PHASE_MODES = {1: "single_phase", 3: "three_phase"}


def _connector_status(charger: Charger) -> str | None:
    status = charger.connector_status
    return status if status in CONNECTOR_STATUSES else None


def _last_reported(charger: Charger) -> datetime | None:
    """The status's own report time, else the summary's."""
    if charger.last_reported is not None:
        return charger.last_reported
    return charger.summary.last_reported if charger.summary else None


@dataclass(frozen=True, kw_only=True)
class EnphaseSensorEntityDescription(SensorEntityDescription):
    """A sensor read from the charger's status."""

    value_fn: Callable[[Charger], StateType | datetime]


SENSORS: tuple[EnphaseSensorEntityDescription, ...] = (
    EnphaseSensorEntityDescription(
        key="connector_status",
        translation_key="enphase_connector_status",
        device_class=SensorDeviceClass.ENUM,
        options=CONNECTOR_STATUSES,
        value_fn=_connector_status,
    ),
    EnphaseSensorEntityDescription(
        key="effective_charge_mode",
        translation_key="enphase_effective_charge_mode",
        device_class=SensorDeviceClass.ENUM,
        options=list(CHARGE_MODE_STATES.values()),
        value_fn=lambda charger: (
            CHARGE_MODE_STATES[mode] if (mode := charger.effective_mode) else None
        ),
    ),
    EnphaseSensorEntityDescription(
        key="session_energy",
        translation_key="enphase_session_energy",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda charger: charger.session_energy,
    ),
    EnphaseSensorEntityDescription(
        key="session_start",
        translation_key="enphase_session_start",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda charger: charger.session_start,
    ),
    EnphaseSensorEntityDescription(
        key="plugged_in_at",
        translation_key="enphase_plugged_in_at",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda charger: charger.plugged_in_at,
    ),
    EnphaseSensorEntityDescription(
        key="plugged_out_at",
        translation_key="enphase_plugged_out_at",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda charger: charger.plugged_out_at,
    ),
    EnphaseSensorEntityDescription(
        key="range_added",
        translation_key="enphase_range_added",
        device_class=SensorDeviceClass.DISTANCE,
        native_unit_of_measurement=UnitOfLength.MILES,
        suggested_display_precision=1,
        value_fn=lambda charger: charger.range_added,
    ),
    EnphaseSensorEntityDescription(
        key="connector_status_reason",
        translation_key="enphase_connector_status_reason",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda charger: charger.status_reason,
    ),
    EnphaseSensorEntityDescription(
        key="connector_status_info",
        translation_key="enphase_connector_status_info",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda charger: charger.status_info,
    ),
    EnphaseSensorEntityDescription(
        key="average_power",
        translation_key="enphase_average_power",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        suggested_display_precision=0,
        value_fn=lambda charger: charger.average_power,
    ),
    EnphaseSensorEntityDescription(
        key="phase_mode",
        translation_key="enphase_phase_mode",
        device_class=SensorDeviceClass.ENUM,
        options=list(PHASE_MODES.values()),
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda charger: (
            PHASE_MODES.get(charger.summary.phase_mode or 0) if charger.summary else None
        ),
    ),
    EnphaseSensorEntityDescription(
        key="operating_voltage",
        translation_key="enphase_operating_voltage",
        device_class=SensorDeviceClass.VOLTAGE,
        native_unit_of_measurement=UnitOfElectricPotential.VOLT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda charger: charger.summary.operating_voltage if charger.summary else None,
    ),
    EnphaseSensorEntityDescription(
        key="last_reported",
        translation_key="enphase_last_reported",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_last_reported,
    ),
    EnphaseSensorEntityDescription(
        key="charging_level",
        translation_key="enphase_charging_level",
        device_class=SensorDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        suggested_display_precision=0,
        value_fn=lambda charger: charger.charging_level,
    ),
)

SERVICE_STATUS = SensorEntityDescription(
    key="service_status",
    translation_key="enphase_service_status",
    device_class=SensorDeviceClass.ENUM,
    options=STATES,
    entity_category=EntityCategory.DIAGNOSTIC,
)
SESSION_COST = SensorEntityDescription(
    key="session_cost",
    translation_key="enphase_session_cost",
    device_class=SensorDeviceClass.MONETARY,
    suggested_display_precision=2,
)

CHARGED_ENERGY = SensorEntityDescription(
    key="charged_energy",
    translation_key="enphase_charged_energy",
    device_class=SensorDeviceClass.ENERGY,
    state_class=SensorStateClass.TOTAL_INCREASING,
    native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
    suggested_display_precision=2,
)


LAST_SESSION = SensorEntityDescription(
    key="last_session",
    translation_key="enphase_last_session",
    device_class=SensorDeviceClass.ENERGY,
    native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
    suggested_display_precision=2,
)
MONTH_ENERGY = SensorEntityDescription(
    key="energy_this_month",
    translation_key="enphase_energy_this_month",
    device_class=SensorDeviceClass.ENERGY,
    state_class=SensorStateClass.TOTAL,
    native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
    suggested_display_precision=2,
)
MONTH_COST = SensorEntityDescription(
    key="cost_this_month",
    translation_key="enphase_cost_this_month",
    device_class=SensorDeviceClass.MONETARY,
    state_class=SensorStateClass.TOTAL,
    suggested_display_precision=2,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EnphaseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each charger's sensors."""
    coordinator = entry.runtime_data
    add_charger_entities(
        entry,
        async_add_entities,
        lambda serial: [
            *(EnphaseSensorEntity(coordinator, description, serial) for description in SENSORS),
            SessionCostSensor(coordinator, SESSION_COST, serial),
            ChargedEnergySensor(coordinator, CHARGED_ENERGY, serial),
            LastSessionSensor(coordinator, LAST_SESSION, serial),
            MonthEnergySensor(coordinator, MONTH_ENERGY, serial),
            MonthCostSensor(coordinator, MONTH_COST, serial),
            ServiceStatusSensor(coordinator, SERVICE_STATUS, serial),
        ],
    )


class EnphaseSensorEntity(EnphaseEntity, SensorEntity):
    """A sensor of a charger."""

    entity_description: EnphaseSensorEntityDescription

    @property
    def native_value(self) -> StateType | datetime:
        """The description's reading of the charger's status."""
        charger = self.charger
        return None if charger is None else self.entity_description.value_fn(charger)


class ServiceStatusSensor(EnphaseEntity, SensorEntity):
    """The Enlighten cloud as this charger's entry meets it: ok, degraded (a call family
    fails; `failing` names them) or down (no status). It stays available while the cloud
    is down: that is what it tells."""

    @property
    def available(self) -> bool:
        """Available once the charger was reported, whatever the last poll met."""
        return self.charger is not None

    @property
    def native_value(self) -> str:
        """Ok, degraded or down."""
        return self.coordinator.health.state

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """The failing call families."""
        return {"failing": sorted(self.coordinator.health.failing)}


class SessionCostSensor(EnphaseEntity, SensorEntity):
    """What the session cost, in the site's currency (else Home Assistant's)."""

    @property
    def native_value(self) -> float | None:
        """The session's cost as the cloud states it."""
        charger = self.charger
        return None if charger is None else charger.session_cost

    @property
    def native_unit_of_measurement(self) -> str:
        """The currency the cloud states for the site, else the one Home Assistant uses."""
        return self.coordinator.cost_currency


class ChargedEnergySensor(EnphaseEntity, SensorEntity, RestoreEntity):
    """Energy charged over all sessions (kWh, never decreasing), for the Energy dashboard."""

    _state: ChargedEnergyState

    async def async_added_to_hass(self) -> None:
        """Restore the running total and the anchors it counts from (without them, the
        meter's next reading is the anchor)."""
        await super().async_added_to_hass()
        last = await self.async_get_last_extra_data()
        data: Any = last.as_dict() if last is not None else None
        if isinstance(data, dict) and as_float(data.get("total")) is not None:
            self._state = ChargedEnergyState.from_dict(data)
        elif recorded := await async_last_total(self.hass, self.entity_id):
            # Its restore data lost or garbage: on from the recorder's last total, the next
            # reading (meter or session) its anchor, so nothing already in it counts again.
            self._state = ChargedEnergyState(total=recorded[0], from_meter=True)
        else:
            self._state = ChargedEnergyState()
        self._count()

    @property
    def native_value(self) -> float:
        """The running total."""
        return round(self._state.total, 3)

    @property
    def extra_restore_state_data(self) -> ChargedEnergyState:
        """The total with its anchors, so a restart counts on from them."""
        return self._state

    @callback
    def _handle_coordinator_update(self) -> None:
        """Count what the charger delivered since the last reading, then write the state."""
        self._count()
        super()._handle_coordinator_update()

    def _count(self) -> None:
        charger = self.charger
        if charger is not None:
            self._state.count(charger, dt_util.utcnow())


class LastSessionSensor(EnphaseSessionsEntity, SensorEntity):
    """The charger's latest finished session: its energy, the rest as attributes."""

    @property
    def native_value(self) -> float | None:
        """The session's energy."""
        session = self.coordinator.last(self.serial)
        return None if session is None else session.energy

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Start, end, active charge time, range added, cost and cost per kWh."""
        session = self.coordinator.last(self.serial)
        if session is None:
            return None
        return {
            "start": session.start.isoformat(),
            "end": session.end.isoformat(),
            "active_charge_time": session.active_charge_time,
            "range_added_mi": session.miles_added,
            "cost": session.cost,
            "cost_per_kwh": session.cost_per_kwh,
            "currency": self.coordinator.currency,
        }


class MonthSensor(EnphaseSessionsEntity, SensorEntity):
    """A month's total of the sessions that ended in it: written at local midnight too, so
    it starts again on the 1st even when no session comes."""

    metric: str

    async def async_added_to_hass(self) -> None:
        """Write the state every local midnight as well; after the month book was written
        again (lost with Home Assistant's storage), go on from this month's last total."""
        await super().async_added_to_hass()
        if self.coordinator.book_written_again:
            unit = UnitOfEnergy.KILO_WATT_HOUR if self.metric == "energy" else None
            last = await async_last_total(self.hass, self.entity_id, unit)
            now = dt_util.utcnow()
            if last is not None and last[1] >= month_start(now):
                self.coordinator.remember_shown(self.serial, self.metric, *last)
        self.async_on_remove(
            async_track_time_change(self.hass, self._new_day, hour=0, minute=0, second=1)
        )

    @callback
    def _new_day(self, _now: datetime) -> None:
        self.async_write_ha_state()

    @property
    def last_reset(self) -> datetime:
        """The month's start."""
        return month_start(dt_util.utcnow())


class MonthEnergySensor(MonthSensor):
    """Energy of the sessions that count this month (local): those that ended in it, and those
    of the month before that the history listed only after it closed."""

    metric = "energy"

    @property
    def native_value(self) -> float:
        """The month's sessions' energy."""
        return round(self.coordinator.month_energy(self.serial, dt_util.utcnow()), 3)


class MonthCostSensor(MonthSensor):
    """What the sessions that count this month cost (a cost calculated after its month closed
    counts in the month it came), in the site's currency."""

    metric = "cost"

    @property
    def native_value(self) -> float:
        """The month's sessions' cost (sessions without a cost count nothing)."""
        return round(self.coordinator.month_cost(self.serial, dt_util.utcnow()), 2)

    @property
    def native_unit_of_measurement(self) -> str:
        """The site's currency, else Home Assistant's."""
        return self.coordinator.currency
