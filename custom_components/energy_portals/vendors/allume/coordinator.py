"""The Allume coordinator: once an hour, today's energy of every property and building."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ...const import LOGGER
from ...coordinator import PortalCoordinator
from ...errors import PortalNotFoundError
from ...runtime import PortalConfigEntry
from .api import AccessDeniedError, AllumeClient, SnapshotSource
from .const import REFRESH_OFFSET
from .models import HOUR, Energy, HourlyEnergy, Property, floor_hour, percent, to_hours, total
from .statistics import StatisticsImporter

# A closed interval appears about a minute after it ends.
LANDING_DELAY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Building:
    """A SolShare system (project) and where its snapshots are read."""

    project_id: str
    source: SnapshotSource
    ident: str
    name: str


@dataclass(frozen=True, slots=True)
class PropertyData:
    """One property's local day so far and its last complete hour."""

    today: Energy
    last_hour: HourlyEnergy | None
    building_share: float | None
    """The property's share of its building's solar today (%)."""


@dataclass(frozen=True, slots=True)
class AllumeData:
    """Everything one refresh read."""

    day_start: datetime
    properties: dict[str, PropertyData]
    buildings: dict[str, Energy]
    """Today's energy per project id."""


def next_refresh_delay(now: datetime) -> timedelta:
    """Until a few minutes after the next hour (plus a second: the loop rounds down)."""
    slot = floor_hour(now) + REFRESH_OFFSET
    if slot <= now:
        slot += HOUR
    return slot - now + timedelta(seconds=1)


def local_day(now: datetime) -> tuple[datetime, datetime]:
    """Today's bounds in Home Assistant's time zone, as UTC (23 or 25 hours on DST days)."""
    today = dt_util.as_local(now).date()
    start = dt_util.start_of_local_day(today)
    end = dt_util.start_of_local_day(today + timedelta(days=1))
    return dt_util.as_utc(start), dt_util.as_utc(end)


class AllumeCoordinator(PortalCoordinator[AllumeData]):
    """One snapshot request per property and per building each hour; statistics on the way."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: PortalConfigEntry,
        *,
        client: AllumeClient,
        statistics: StatisticsImporter,
    ) -> None:
        super().__init__(hass, entry, name="Allume SolCentre", update_interval=HOUR)
        self.client = client
        self.statistics = statistics
        self.properties: list[Property] = []
        self.buildings: dict[str, Building] = {}
        self._discovered = False
        self._properties_read_on: datetime | None = None

    async def _async_fetch(self) -> AllumeData:
        now = dt_util.utcnow()
        # Set first, so a failed refresh also retries at the next slot.
        self.update_interval = next_refresh_delay(now)
        day_start, day_end = local_day(now)
        if not self._discovered:
            self.properties = await self.client.async_get_properties()
            self._properties_read_on = day_start
        elif self._properties_read_on != day_start:
            await self._async_check_properties(day_start)
        window_start = min(day_start, floor_hour(now) - HOUR)

        property_hours: dict[str, list[HourlyEnergy]] = {}
        for prop in self.properties:
            resume = await self.statistics.async_resume(prop, now)
            start = window_start if resume is None else min(window_start, resume)
            hours = await self._async_hours(SnapshotSource.PROPERTY, prop.property_id, start, now)
            if resume is not None:
                self.statistics.import_hours(prop, hours, resume, now)
            property_hours[prop.property_id] = hours

        if not self._discovered:
            building_hours = await self._async_discover_buildings(window_start, now)
        else:
            building_hours = {
                project_id: await self._async_hours(
                    building.source, building.ident, window_start, now
                )
                for project_id, building in self.buildings.items()
            }
        self._discovered = True

        buildings = {
            project_id: total(hours, day_start, day_end)
            for project_id, hours in building_hours.items()
        }
        last_hour_start = floor_hour(now) - HOUR
        properties = {}
        for prop in self.properties:
            hours = property_hours[prop.property_id]
            today = total(hours, day_start, day_end)
            building = buildings.get(prop.project_id) if prop.project_id else None
            last_hour = next((h for h in hours if h.start == last_hour_start), None)
            properties[prop.property_id] = PropertyData(
                today=today,
                last_hour=last_hour if last_hour is not None and last_hour.complete else None,
                building_share=(
                    percent(today.solar_delivered, building.solar_delivered) if building else None
                ),
            )
        return AllumeData(day_start=day_start, properties=properties, buildings=buildings)

    async def _async_check_properties(self, day_start: datetime) -> None:
        """Once a day: a property added to or gone from the account reloads the entry."""
        properties = await self.client.async_get_properties()
        self._properties_read_on = day_start
        if {p.property_id for p in properties} != {p.property_id for p in self.properties}:
            LOGGER.info("The account's properties changed: reloading to follow them")
            self.hass.config_entries.async_schedule_reload(self.config_entry.entry_id)

    async def _async_hours(
        self, source: SnapshotSource, ident: str, start: datetime, now: datetime
    ) -> list[HourlyEnergy]:
        intervals = await self.client.async_get_snapshots(source, ident, start, now)
        return to_hours(intervals, settled=now - LANDING_DELAY)

    async def _async_discover_buildings(
        self, start: datetime, now: datetime
    ) -> dict[str, list[HourlyEnergy]]:
        """Which buildings this account may read: the project, else its meter, else none."""
        self.buildings = {}
        found: dict[str, list[HourlyEnergy]] = {}
        tried: set[str] = set()
        for prop in self.properties:
            project_id = prop.project_id
            if project_id is None or project_id in tried:
                continue
            tried.add(project_id)
            name = f"SolShare {prop.street}" if prop.street else "SolShare building"
            candidates = [(SnapshotSource.PROJECT, project_id)]
            if prop.meter_id:
                candidates.append((SnapshotSource.METER, prop.meter_id))
            status: int | None = None
            for source, ident in candidates:
                try:
                    found[project_id] = await self._async_hours(source, ident, start, now)
                except (AccessDeniedError, PortalNotFoundError) as err:
                    status = err.status
                    continue
                self.buildings[project_id] = Building(project_id, source, ident, name)
                break
            else:
                LOGGER.info(
                    "SolShare building data is not available to this account (HTTP %s); "
                    "the building's sensors are not created",
                    status,
                )
        return found
