"""The Allume coordinator: once an hour, today's energy of every property and building.

Each refresh asks only for the closed hours it has not read yet (one request per property and
per building in a normal hour); today's sums are built from the hours read, so they never go
down within a day, and the finished days' sums are kept beside them: the last hour of a local
day is read just after midnight (and an outage's hours when it ends), and the "today" sensors
still write them into the days they belong to. The
hours read are kept in Home Assistant's storage, so a restart asks only for what it missed.
The entry's runtime data is this coordinator (`AllumeConfigEntry`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import restore_state
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ...const import DOMAIN, LOGGER
from ...coordinator import PortalCoordinator
from ...devices import DeviceTracker
from ...errors import PortalNotFoundError, PortalResponseError
from .api import AccessDeniedError, AllumeClient, SnapshotSource
from .const import LANDING_DELAY, REFRESH_OFFSET, VENDOR_KEY
from .hours import HourBook, plan_windows, stored_moment
from .live import AllumeLiveCoordinator
from .models import HOUR, Energy, HourlyEnergy, Property, floor_hour, percent, to_hours
from .statistics import StatisticsImporter

SOURCE_NAMES = {
    SnapshotSource.PROPERTY: "property",
    SnapshotSource.PROJECT: "building",
    SnapshotSource.METER: "building meter",
}


type AllumeConfigEntry = ConfigEntry[AllumeCoordinator]

STORE_VERSION = 1
STORE_SAVE_DELAY = 10
"""Seconds: the books of one refresh are written once, after its last request."""


def hour_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """Where an entry's hours read so far are kept across restarts."""
    return Store(hass, STORE_VERSION, f"{DOMAIN}.{VENDOR_KEY}_hours_{entry_id}")


async def async_remove_entry(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """A removed entry's hours go with it."""
    await hour_store(hass, entry.entry_id).async_remove()


def property_key(property_id: str) -> str:
    """The device identifier and unique-id prefix of a property."""
    return f"{VENDOR_KEY}_{property_id}"


def building_book(project_id: str) -> str:
    """The key of a building's hour book (beside the properties' books, keyed by their id)."""
    return f"building-{project_id}"


def building_key(project_id: str) -> str:
    """The device identifier and unique-id prefix of a building (SolShare project)."""
    return f"{VENDOR_KEY}_project_{project_id}"


@dataclass(frozen=True, slots=True)
class ReadDays:
    """The local days a book was first and last read on."""

    first: datetime | None
    """Its today sensors' history starts here: a late hour of an earlier day is not counted
    into it (None: kept before 2026-12)."""
    last: datetime
    """An hour new to the book from before this day belongs to a day its sensors closed."""


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
    """Today's read hours, and the late hours of finished days read today."""
    closed_days: tuple[tuple[datetime, Energy], ...]
    """The finished local days the book still holds (their start, their energy), oldest first:
    yesterday (its last hour is read after midnight), and the days of an outage."""
    last_hour: HourlyEnergy | None
    building_share: float | None
    """The property's share of its building's solar today (%)."""


@dataclass(frozen=True, slots=True)
class AllumeData:
    """Everything one refresh read."""

    day_start: datetime
    properties: dict[str, PropertyData]
    buildings: dict[str, Energy]
    """Today's energy per project id (late hours of finished days read today included)."""
    buildings_closed_days: dict[str, tuple[tuple[datetime, Energy], ...]]
    """The finished local days' energy per project id (as `PropertyData.closed_days`)."""


def next_refresh_delay(now: datetime) -> timedelta:
    """Until a few minutes after the next hour (plus a second: the loop rounds down)."""
    slot = floor_hour(now) + REFRESH_OFFSET
    if slot <= now:
        slot += HOUR
    return slot - now + timedelta(seconds=1)


def local_day(now: datetime) -> tuple[datetime, datetime]:
    """Today's bounds in Home Assistant's time zone, as UTC (23 or 25 hours on DST days).

    In a half-hour zone (Adelaide) the bounds fall on a half hour; the UTC hour across
    midnight counts for the day it starts in (hours are read and summed whole).
    """
    today = dt_util.as_local(now).date()
    start = dt_util.start_of_local_day(today)
    end = dt_util.start_of_local_day(today + timedelta(days=1))
    return dt_util.as_utc(start), dt_util.as_utc(end)


def previous_day_start(day_start: datetime) -> datetime:
    """The start of the local day before the one starting at `day_start`, as UTC."""
    return local_day(day_start - timedelta(seconds=1))[0]


CLOSED_DAYS = 7
"""Finished days a today sensor may still close (Home Assistant keeps restore data a week)."""


def keep_from(start: datetime, yesterday_start: datetime) -> datetime:
    """The oldest hour a book keeps: from the local day of the oldest hour still to be read
    (or yesterday), so the days it closes are whole."""
    return floor_hour(local_day(min(start, yesterday_start))[0])


def catch_up(book: HourBook, first_hour: datetime, day_start: datetime) -> datetime:
    """Where to start reading: today (and the last closed hour), or earlier after an outage,
    from the hour after the newest one read, or from an hour that did not land yet (a week
    back at most), so the days they belong to can close."""
    oldest = day_start - timedelta(days=CLOSED_DAYS)
    start = first_hour
    if book.hours:
        start = min(start, max(max(book.hours) + HOUR, oldest))
    if book.recent_misses:  # an hour that did not land yet is asked again (hours.py waits)
        start = min(start, max(min(book.recent_misses), oldest))
    return start


def closed_days(
    book: HourBook, day_start: datetime, late: dict[datetime, Energy]
) -> tuple[tuple[datetime, Energy], ...]:
    """The finished local days before `day_start` that the book holds hours of, each with the
    late hours of earlier days it counted (`late`, by day start), as its today sensor showed."""
    if not book.hours:
        return ()
    oldest = min(book.hours)
    days: list[tuple[datetime, Energy]] = []
    end = day_start
    for _ in range(CLOSED_DAYS):
        start = previous_day_start(end)
        if end <= oldest:
            break
        days.append((start, book.total(start, end) + late.get(start, Energy())))
        end = start
    return tuple(reversed(days))


class AllumeCoordinator(PortalCoordinator[AllumeData]):
    """One snapshot request per property and per building each hour; statistics on the way.

    A change in the account's properties reloads the entry; a property or building no longer
    reported is removed once it has been gone for the removal delay (devices.py).
    """

    config_entry: AllumeConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: AllumeConfigEntry,
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
        self._books: dict[str, HourBook] = {}
        """The hours read so far, per property id and per `building-<project id>`."""
        self._refused: set[str] = set()
        """The sources refused now (logged once until they answer again)."""
        self.devices = DeviceTracker(hass, entry, f"{VENDOR_KEY}_", "Allume device")
        self.live: AllumeLiveCoordinator | None = None
        """The live readings, when the option asks for them."""
        self._store = hour_store(hass, entry.entry_id)
        self._restore_save_pending = False
        self._read_now: list[str] = []
        """The books read whole by the refresh running now (their read days move only when
        it succeeds: its data is what the today sensors close their days from)."""
        self._days: dict[str, ReadDays] = {}
        """Per book: the days it was first and last read on (a source refused across a
        midnight keeps its own, so its hours still close the day they belong to)."""
        self._late: dict[str, dict[datetime, Energy]] = {}
        """Per book and local day: the hours of days already closed that were read on that day
        (the portal published them late), counted into its sums so the energy history still
        gets them once (and into its final total when it closes)."""
        self.books_lost_at: datetime | None = None
        """When the stored books were found missing or unreadable (at setup): what a today
        sensor showed before may hold late hours that the books read again do not count."""
        self._read_back = False
        """The books were lost after the entry had sensors: the first refresh reads back to
        yesterday, so a today sensor can still close the day it showed (a restart across
        midnight). A new entry starts with today."""

    async def _async_setup(self) -> None:
        """The hours read before a restart (a corrupt or unknown store is read afresh)."""
        try:
            stored = await self._store.async_load()
            if stored is None:
                self._note_books_lost()
            books = {} if stored is None else stored["books"]
            self._books = {key: HourBook.from_stored(book) for key, book in books.items()}
            self._days = _stored_days(stored or {}, self._books)
            for key, late in (stored or {}).get("late", {}).items():
                # Stored before 2026-12: one `[day, energy]` pair (today's) per book.
                days = dict([late]) if isinstance(late, list) else late
                self._late[key] = {
                    stored_moment(day): HourBook.energy_from_stored(energy)
                    for day, energy in days.items()
                }
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            LOGGER.warning("Stored SolCentre hours are unreadable (%s); reading them afresh", err)
            self._books, self._late, self._days = {}, {}, {}
            self._note_books_lost()

    def _note_books_lost(self) -> None:
        self.books_lost_at = dt_util.utcnow()
        registry = er.async_get(self.hass)
        self._read_back = bool(
            er.async_entries_for_config_entry(registry, self.config_entry.entry_id)
        )

    @callback
    def async_save_restore_states(self) -> None:
        """Save the entities' restore data now (once for all sensors of one update).

        A today sensor that closed a day must not close it again after a crash: Home
        Assistant writes restore data only every 15 minutes and at a clean stop.
        """
        if self._restore_save_pending:
            return
        self._restore_save_pending = True

        async def save() -> None:
            self._restore_save_pending = False
            await restore_state.async_get(self.hass).async_dump_states()

        self.config_entry.async_create_task(self.hass, save(), "Allume restore data")

    def _stored_books(self) -> dict[str, Any]:
        return {
            "books": {key: book.to_stored() for key, book in self._books.items()},
            "days": {
                key: [days.first.isoformat() if days.first else None, days.last.isoformat()]
                for key, days in self._days.items()
            },
            "late": {
                key: {day.isoformat(): asdict(energy) for day, energy in days.items()}
                for key, days in self._late.items()
            },
        }

    def _save_books(self) -> None:
        self._store.async_delay_save(self._stored_books, STORE_SAVE_DELAY)

    async def async_shutdown(self) -> None:
        """Write the books now: the entry is unloaded (a reload or Home Assistant stopping)."""
        await super().async_shutdown()
        if self._books:
            await self._store.async_save(self._stored_books())

    async def _async_fetch(self) -> AllumeData:
        now = dt_util.utcnow()
        # Set first, so a failed refresh also retries at the next slot.
        self.update_interval = next_refresh_delay(now)
        day_start = local_day(now)[0]
        yesterday_start = previous_day_start(day_start)
        self._read_now = []
        if not self._discovered:
            self.properties = await self.client.async_get_properties()
            self._properties_read_on = day_start
        elif self._properties_read_on != day_start:
            await self._async_check_properties(day_start)
        # Today, and the last closed hour (yesterday's, just after midnight).
        first_hour = min(day_start, floor_hour(now) - HOUR)
        if self._read_back:
            first_hour = floor_hour(yesterday_start)

        read: list[Property] = []
        refusal: PortalResponseError | None = None
        for prop in self.properties:
            resume = await self.statistics.async_resume(prop, now)
            book = self._book(prop.property_id)
            start = catch_up(book, first_hour, day_start)
            start = start if resume is None else min(start, resume)
            source = (SnapshotSource.PROPERTY, prop.property_id)
            if refusal_now := await self._async_read_or_note_refused(
                *source, prop.property_id, start, day_start
            ):
                refusal = refusal_now
                continue
            read.append(prop)
            if resume is not None:
                self.statistics.import_hours(prop, book, resume, now)
            book.forget_before(keep_from(start, yesterday_start))
        if refusal is not None and not read:
            raise refusal

        read_buildings = await self._async_read_buildings(first_hour, day_start)
        self._discovered = True
        # Read back after a loss: an hour of the day before that lands late still counts.
        first_day = yesterday_start if self._read_back else day_start
        self._read_back = False
        for key in self._read_now:
            self._note_read(key, day_start, first_day)
        self._save_books()

        self.devices.update(self.reported_device_keys())
        return self._data(now, read, read_buildings)

    async def _async_read_buildings(self, first_hour: datetime, day_start: datetime) -> list[str]:
        """Read the buildings' new hours (found on the first refresh); the ones read."""
        if not self._discovered:
            await self._async_discover_buildings(first_hour, day_start)
            return list(self.buildings)
        read: list[str] = []
        for project_id, building in self.buildings.items():
            key = building_book(project_id)
            book = self._book(key)
            source = (building.source, building.ident)
            start = catch_up(book, first_hour, day_start)
            if await self._async_read_or_note_refused(*source, key, start, day_start) is None:
                read.append(project_id)
                book.forget_before(keep_from(start, previous_day_start(day_start)))
        return read

    def _data(self, now: datetime, read: list[Property], read_buildings: list[str]) -> AllumeData:
        """Today's sums, the finished days' and the last hour, from the books."""
        day_start, day_end = local_day(now)
        buildings, buildings_closed_days = {}, {}
        for project_id in read_buildings:
            buildings[project_id], buildings_closed_days[project_id] = self._days_of(
                building_book(project_id), day_start, day_end
            )
        last_hour_start = floor_hour(now) - HOUR
        properties = {}
        for prop in read:
            today, finished = self._days_of(prop.property_id, day_start, day_end)
            building_today = buildings.get(prop.project_id) if prop.project_id else None
            properties[prop.property_id] = PropertyData(
                today=today,
                closed_days=finished,
                last_hour=self._book(prop.property_id).get(last_hour_start),
                building_share=(
                    percent(today.solar_delivered, building_today.solar_delivered)
                    if building_today
                    else None
                ),
            )
        return AllumeData(
            day_start=day_start,
            properties=properties,
            buildings=buildings,
            buildings_closed_days=buildings_closed_days,
        )

    def _days_of(
        self, key: str, day_start: datetime, day_end: datetime
    ) -> tuple[Energy, tuple[tuple[datetime, Energy], ...]]:
        """A book's today (with the late hours counted into it) and its finished days."""
        book, late = self._book(key), self._late.get(key, {})
        today = book.total(day_start, day_end) + late.get(day_start, Energy())
        return today, closed_days(book, day_start, late)

    def late_today(self, key: str, day_start: datetime) -> Energy:
        """The late hours (of days already closed) a book counts into the day `day_start`."""
        return self._late.get(key, {}).get(day_start, Energy())

    def day_read_by(self, key: str, day_start: datetime, moment: datetime) -> Energy:
        """A book's day `day_start` as it could have been read at `moment`: its hours of the
        day that had landed by then, and the late hours counted into the day."""
        landed = min(local_day(day_start)[1], floor_hour(moment - LANDING_DELAY))
        return self._book(key).total(day_start, landed) + self.late_today(key, day_start)

    def coordinators(self) -> list[PortalCoordinator[Any]]:
        """The hourly data and, where it is on, the live readings (system health)."""
        return [self, self.live] if self.live is not None else [self]

    def reported_device_keys(self) -> set[str]:
        """The properties and buildings the account reports."""
        return {property_key(prop.property_id) for prop in self.properties} | {
            building_key(project_id) for project_id in self.buildings
        }

    def _reader(self, key: str, day_start: datetime) -> Callable[[HourBook, list[datetime]], None]:
        """What to do with the hours new to a book: those of a day its sensors closed before
        this refresh (the portal published them late) count into today's sums, once.

        Not late: hours from before the book's first day (its sensors never showed that day),
        and hours older than what the book kept (read again for the statistics: counted when
        their day closed).
        """
        days = self._days.get(key)

        def note(book: HourBook, new: list[datetime]) -> None:
            if days is None:
                return
            kept = book.kept_from  # forget_before runs after the read
            late = [
                hour
                for hour in new
                if hour < days.last
                and (days.first is None or hour >= days.first)
                and (kept is None or hour >= kept)
            ]
            if late:
                oldest = day_start - timedelta(days=CLOSED_DAYS + 1)
                by_day = {day: e for day, e in self._late.get(key, {}).items() if day >= oldest}
                energy = by_day.get(day_start, Energy())
                for hour in late:
                    energy += book.hours[hour]
                by_day[day_start] = energy
                self._late[key] = by_day

        return note

    def _note_read(self, key: str, day_start: datetime, first_day: datetime) -> None:
        """The book was read whole on this day (a new book: from `first_day` on)."""
        days = self._days.get(key)
        self._days[key] = ReadDays(days.first if days else first_day, day_start)

    async def _async_read_or_note_refused(
        self, source: SnapshotSource, ident: str, key: str, start: datetime, day_start: datetime
    ) -> PortalResponseError | None:
        """Read a source's hours into its book `key`; one that is refused (403/404) fails
        alone, logged once.

        Returns the refusal, None when the hours were read.
        """
        refused_key = f"{source}/{ident}"
        try:
            await self._async_read_hours(
                source, ident, self._book(key), start, self._reader(key, day_start)
            )
        except (AccessDeniedError, PortalNotFoundError) as err:
            if refused_key not in self._refused:
                self._refused.add(refused_key)
                LOGGER.warning(
                    "A SolCentre %s is refused (HTTP %s); its sensors are unavailable",
                    SOURCE_NAMES[source],
                    err.status,
                )
            return err
        if refused_key in self._refused:
            self._refused.discard(refused_key)
            LOGGER.info("A refused SolCentre %s answers again", SOURCE_NAMES[source])
        self._read_now.append(key)
        return None

    def _book(self, key: str) -> HourBook:
        return self._books.setdefault(key, HourBook())

    async def _async_read_hours(
        self,
        source: SnapshotSource,
        ident: str,
        book: HourBook,
        start: datetime,
        on_new: Callable[[HourBook, list[datetime]], None],
    ) -> None:
        """Ask for the closed hours since `start` that the book lacks (hours.py's windows);
        `on_new` sees each window's hours new to the book as it lands (a later window that
        fails does not hide them)."""
        now = dt_util.utcnow()
        settled = now - LANDING_DELAY
        missing = book.missing(start, floor_hour(settled), now)
        for window in plan_windows(missing, now):
            intervals = await self.client.async_get_snapshots(
                source, ident, window.start, window.end
            )
            on_new(book, book.record(window, to_hours(intervals, settled=settled), now))

    async def _async_check_properties(self, day_start: datetime) -> None:
        """Once a day: a property added to or gone from the account reloads the entry."""
        properties = await self.client.async_get_properties()
        self._properties_read_on = day_start
        if {p.property_id for p in properties} != {p.property_id for p in self.properties}:
            LOGGER.info("The account's properties changed: reloading to follow them")
            self.hass.config_entries.async_schedule_reload(self.config_entry.entry_id)

    async def _async_discover_buildings(self, first_hour: datetime, day_start: datetime) -> None:
        """Which buildings this account may read: the project, else its meter, else none."""
        self.buildings = {}
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
                # The hours stored before a restart, when there are any, from where they end.
                key = building_book(project_id)
                book = self._books.get(key, HourBook())
                start = catch_up(book, first_hour, day_start)
                try:
                    await self._async_read_hours(
                        source, ident, book, start, self._reader(key, day_start)
                    )
                except (AccessDeniedError, PortalNotFoundError) as err:
                    status = err.status
                    continue
                self._books[key] = book
                self._read_now.append(key)
                book.forget_before(keep_from(start, previous_day_start(day_start)))
                self.buildings[project_id] = Building(project_id, source, ident, name)
                break
            else:
                LOGGER.info(
                    "SolShare building data is not available to this account (HTTP %s); "
                    "the building's sensors are not created",
                    status,
                )


def _stored_days(stored: dict[str, Any], books: dict[str, HourBook]) -> dict[str, ReadDays]:
    """Each book's read days; a store from before 2026-12 kept one `last_day` for all books
    (and maybe `counted_from`)."""
    if "days" in stored:
        return {
            key: ReadDays(stored_moment(first) if first else None, stored_moment(last))
            for key, (first, last) in stored["days"].items()
        }
    if not stored.get("last_day"):
        return {}
    last = stored_moment(stored["last_day"])
    first = stored_moment(stored["counted_from"]) if stored.get("counted_from") else None
    return {key: ReadDays(first, last) for key in books}
