"""Finished sessions from the session history: the last session, this month's energy and cost
(month_book.py says which month each counts in), and every session's energy and cost as
external long-term statistics.

The history is read at setup (the past 30 days), every 30 minutes, and two minutes after a
charger stops charging; the sessions read are kept in the entry's store, so a restart does not
read them again. Each statistic's rows are recomputed from the first hour a new session (or
one whose energy or cost the cloud changed later, as a cost calculated after the session)
touches, from the sum the recorder holds before that hour and every known session in those
hours: reading a session again, or after a restart, writes the same rows, so each session is
counted exactly once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_add_external_statistics,
    statistics_during_period,
)
from homeassistant.const import UnitOfEnergy
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.recorder import get_instance
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import EnergyConverter

from ...const import DOMAIN, LOGGER
from ...coordinator import PortalCoordinator
from ...optional_endpoints import OptionalEndpoints
from .api import EnphaseClient
from .const import VENDOR_KEY
from .history import FinishedSession, parse_session
from .month_book import MonthBook, month_key
from .service_health import HISTORY as HISTORY_FAMILY

if TYPE_CHECKING:
    from .coordinator import EnphaseConfigEntry, EnphaseCoordinator

SESSIONS_INTERVAL = timedelta(minutes=30)
AFTER_SESSION = 120.0
"""Seconds after a charger stops charging before the history is asked for the session."""
FIRST_DAYS = 30
"""Days of history read when the entry has none yet."""
HOUR = timedelta(hours=1)
STORE_VERSION = 1
HISTORY = "session history"

type Sessions = dict[str, tuple[FinishedSession, ...]]
"""Serial -> its finished sessions, oldest first."""


def statistic_id(serial: str, metric: str) -> str:
    """`energy_portals:enphase_<serial>_session_<metric>` (energy or cost)."""
    return f"{DOMAIN}:{VENDOR_KEY}_{serial.lower()}_session_{metric}"


def hourly_shares(
    sessions: Iterable[FinishedSession], value: Callable[[FinishedSession], float | None]
) -> dict[datetime, float]:
    """Each session's value spread over the hours it ran, in proportion to the time in each."""
    shares: dict[datetime, float] = {}
    for session in sessions:
        amount = value(session)
        if not amount:
            continue
        span = (session.end - session.start).total_seconds()
        hour = session.start.replace(minute=0, second=0, microsecond=0)
        if span <= 0:
            shares[hour] = shares.get(hour, 0.0) + amount
            continue
        while hour < session.end:
            overlap = min(session.end, hour + HOUR) - max(session.start, hour)
            shares[hour] = shares.get(hour, 0.0) + amount * overlap.total_seconds() / span
            hour += HOUR
    return shares


@dataclass(frozen=True, slots=True)
class Metric:
    """One imported statistic per charger."""

    key: str
    value: Callable[[FinishedSession], float | None]


METRICS = (Metric("energy", lambda s: s.energy), Metric("cost", lambda s: s.cost))


def sessions_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """Where an entry's finished sessions are kept."""
    return Store(hass, STORE_VERSION, f"{DOMAIN}.{VENDOR_KEY}_sessions_{entry_id}")


class EnphaseSessionsCoordinator(PortalCoordinator[Sessions]):
    """The chargers' finished sessions, and their statistics (only with the recorder)."""

    endpoints: OptionalEndpoints

    def __init__(
        self,
        hass: HomeAssistant,
        entry: EnphaseConfigEntry,
        client: EnphaseClient,
        status: EnphaseCoordinator,
    ) -> None:
        super().__init__(hass, entry, name="Enphase sessions", update_interval=SESSIONS_INTERVAL)
        self.client = client
        self.status = status
        self._store = sessions_store(hass, entry.entry_id)
        self._known: Sessions = {}
        self._imported: dict[str, list[float | None]] = {}
        """Session id -> the energy and cost the statistics hold for it."""
        self.months = MonthBook()
        """The month each session's energy and cost count in (the month sensors)."""
        self.book_written_again = False
        """The month book was not in the store (new, older, lost or corrupt)."""
        self._shown: dict[tuple[str, str], tuple[float, datetime]] = {}
        """What a month sensor showed this month before the book was written again, by
        charger and metric, until the sessions of its charger are read to carry it."""
        self._charging: dict[str, bool] = {}
        self._soon: CALLBACK_TYPE | None = None
        self.endpoints = OptionalEndpoints(
            "The Enlighten account",
            "its session sensors stay unavailable; charging and control work as ever",
        )
        entry.async_on_unload(status.async_add_listener(self._check_session_end))
        entry.async_on_unload(self._cancel_soon)

    async def async_load(self) -> None:
        """The sessions read before (kept across restarts; an unreadable store is read
        afresh from the cloud)."""
        stored = await self._store.async_load() or {}
        try:
            for serial, items in (stored.get("sessions") or {}).items():
                sessions = [s for item in items if (s := parse_session(item)) is not None]
                self._known[str(serial)] = tuple(sorted(sessions, key=lambda s: s.start))
            months = MonthBook.from_dict(stored.get("months"))
        except (AttributeError, TypeError, ValueError) as err:
            LOGGER.warning("Stored Enphase sessions are unreadable (%s); reading them afresh", err)
            self._known, stored, months = {}, {}, None
        imported = stored.get("imported")
        self._imported = dict(imported) if isinstance(imported, dict) else {}
        self.book_written_again = months is None
        if months is None:  # stored before the book, or lost: by the month each ended in
            months = MonthBook()
            for known in self._known.values():
                months.book(known, dt_util.utcnow(), by_end=True)
        self.months = months

    async def _async_update_data(self) -> Sessions:
        """Fetch; the status coordinator's health notes whether the history answers (its
        entities are told of a change)."""
        health = self.status.health
        changes = health.changes
        try:
            sessions = await super()._async_update_data()
        except Exception:
            health.failed(HISTORY_FAMILY, dt_util.utcnow())
            raise
        else:
            health.served(HISTORY_FAMILY)
        finally:
            if health.changes != changes:
                self.status.async_update_listeners()
        return sessions

    async def _async_fetch(self) -> Sessions:
        today = dt_util.now().date()
        zone = str(self.hass.config.time_zone)
        site = self.status.site_id
        serials = list(self.status.data.chargers) if self.status.data else []
        first_reads: set[str] = set()  # their sessions count in the month they ended
        for serial in serials:
            known = self._known.get(serial, ())
            first = (
                dt_util.as_local(known[-1].start).date() - timedelta(days=1)
                if known
                else today - timedelta(days=FIRST_DAYS)
            )
            read = await self.endpoints.fetch(
                HISTORY,
                partial(self.client.async_get_session_history, site, serial, first, today, zone),
                key=serial,
            )
            if read is None:
                continue
            merged = {s.session_id: s for s in (*known, *read)}
            self._known[serial] = tuple(sorted(merged.values(), key=lambda s: s.start))
            if not known:
                first_reads.add(serial)
        await self._async_import_statistics()
        # Booked after the last await: the month a session counts in is the month the
        # sensors write it in.
        now = dt_util.utcnow()
        for serial, sessions in self._known.items():
            self.months.book(sessions, now, by_end=serial in first_reads)
        self._carry_shown(now)
        self._store.async_delay_save(self._stored, 1)
        return dict(self._known)

    def _stored(self) -> dict[str, Any]:
        return {
            "sessions": {
                serial: [session.as_dict() for session in sessions]
                for serial, sessions in self._known.items()
            },
            "imported": self._imported,
            "months": self.months.as_dict(),
        }

    # -- statistics ---------------------------------------------------------------------------

    async def _async_import_statistics(self) -> None:
        if "recorder" not in self.hass.config.components:
            return
        for serial, sessions in self._known.items():
            # New sessions, and those whose energy or cost the cloud has changed since (a cost
            # is often calculated after the session ended).
            new = [s for s in sessions if self._imported.get(s.session_id) != _held(s)]
            if not new:
                continue
            first_hour = min(s.start for s in new).replace(minute=0, second=0, microsecond=0)
            touching = [s for s in sessions if s.end > first_hour]
            for metric in METRICS:
                shares = hourly_shares(touching, metric.value)
                total = await self._async_sum_before(statistic_id(serial, metric.key), first_hour)
                rows: list[StatisticData] = []
                for hour in sorted(h for h in shares if h >= first_hour):
                    total += shares[hour]
                    rows.append(StatisticData(start=hour, state=shares[hour], sum=total))
                if rows:
                    async_add_external_statistics(
                        self.hass, self._metadata(serial, metric.key), rows
                    )
            self._imported.update((s.session_id, _held(s)) for s in new)

    async def _async_sum_before(self, stat_id: str, hour: datetime) -> float:
        """The statistic's sum at its last row before `hour` (0 without one)."""
        rows = await get_instance(self.hass).async_add_executor_job(
            statistics_during_period,
            self.hass,
            hour - timedelta(days=366),
            hour,
            {stat_id},
            "hour",
            None,
            {"sum"},
        )
        found = rows.get(stat_id) or []
        return float(found[-1].get("sum") or 0.0) if found else 0.0

    def _metadata(self, serial: str, metric: str) -> StatisticMetaData:
        charger = self.status.charger(serial)
        name = (charger.name if charger else None) or f"IQ EV Charger {serial}"
        if metric == "energy":
            unit: str | None = UnitOfEnergy.KILO_WATT_HOUR
            unit_class: str | None = EnergyConverter.UNIT_CLASS
            label = "Session energy"
        else:
            unit, unit_class = self.currency, None
            label = "Session cost"
        return StatisticMetaData(
            mean_type=StatisticMeanType.NONE,
            has_sum=True,
            name=f"{label} · {name}",  # what it measures first, as Allume's
            source=DOMAIN,
            statistic_id=statistic_id(serial, metric),
            unit_class=unit_class,
            unit_of_measurement=unit,
        )

    @property
    def currency(self) -> str:
        """The site's currency, else Home Assistant's."""
        return self.status.cost_currency

    # -- a session ended ---------------------------------------------------------------------

    @callback
    def _check_session_end(self) -> None:
        """A charger stopped charging: read the history soon (once)."""
        data = self.status.data
        for serial, charger in (data.chargers if data else {}).items():
            was, now = self._charging.get(serial), bool(charger.charging)
            self._charging[serial] = now
            if was and not now and self._soon is None:
                self._soon = async_call_later(self.hass, AFTER_SESSION, self._read_soon)

    @callback
    def _read_soon(self, _now: datetime) -> None:
        self._soon = None
        self.hass.async_create_task(self.async_request_refresh())

    @callback
    def _cancel_soon(self) -> None:
        if self._soon is not None:
            self._soon()
            self._soon = None

    # -- what the sensors show ---------------------------------------------------------------

    def last(self, serial: str) -> FinishedSession | None:
        """The charger's latest finished session."""
        sessions = (self.data or {}).get(serial, ())
        return sessions[-1] if sessions else None

    def month_energy(self, serial: str, now: datetime) -> float:
        """kWh of the sessions that count in the current local month."""
        month = month_key(now)
        sessions = (self.data or {}).get(serial, ())
        booked = self.months.energy_in(sessions, month)
        return self._at_least_shown(serial, "energy", month, booked)

    def month_cost(self, serial: str, now: datetime) -> float:
        """What the sessions that count in the current local month cost."""
        month = month_key(now)
        sessions = (self.data or {}).get(serial, ())
        booked = self.months.cost_in(sessions, month)
        return self._at_least_shown(serial, "cost", month, booked)

    def _at_least_shown(self, serial: str, metric: str, month: str, booked: float) -> float:
        total = booked + self.months.carried_in(serial, metric, month)
        shown = self._shown.get((serial, metric))
        if shown is not None and month_key(shown[1]) == month:
            return max(total, shown[0])  # its charger's sessions not read yet
        return total

    def remember_shown(self, serial: str, metric: str, shown: float, shown_at: datetime) -> None:
        """A month sensor showed `shown` this month (at `shown_at`) before the book was
        written again: what the new book does not give the sessions that had ended by then
        is carried, once its charger's sessions are read (now, or at a later read)."""
        if self.book_written_again:
            self._shown[(serial, metric)] = (shown, shown_at)
            self._carry_shown(dt_util.utcnow())

    def _carry_shown(self, now: datetime) -> None:
        month = month_key(now)
        for (serial, metric), (shown, shown_at) in list(self._shown.items()):
            if month_key(shown_at) != month:
                del self._shown[(serial, metric)]  # a month closed since: nothing to carry
                continue
            if serial not in self._known:
                continue  # not read yet (the history failing or refused for it)
            del self._shown[(serial, metric)]
            then = [s for s in self._known[serial] if s.end <= shown_at]
            booked = (
                self.months.energy_in(then, month)
                if metric == "energy"
                else self.months.cost_in(then, month)
            )
            if shown > booked:
                self.months.carry(serial, metric, month, shown - booked)
                self._store.async_delay_save(self._stored, 1)


def _held(session: FinishedSession) -> list[float | None]:
    """What the statistics hold of a session."""
    return [session.energy, session.cost]


def month_start(now: datetime) -> datetime:
    """The first moment of the local month `now` falls in."""
    local = dt_util.as_local(now)
    return dt_util.start_of_local_day(date(local.year, local.month, 1))
