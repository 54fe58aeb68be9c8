"""The Enphase status coordinator: fast while a car is plugged in or the live stream runs,
slow when idle; the summary, charge mode, green-battery, default level, schedule and firmware
reads. The chargers' commands are `commands.py`'s (`coordinator.commands`).

The entry's runtime data is this coordinator (`EnphaseConfigEntry`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.update_coordinator import UpdateFailed
from homeassistant.util import dt as dt_util

from ...const import DOMAIN, LOGGER
from ...coordinator import PortalCoordinator
from ...devices import DeviceTracker
from ...errors import (
    PortalAccessDeniedError,
    PortalError,
    PortalNotFoundError,
    PortalRateLimitError,
)
from .api import EnphaseClient
from .charge_levels import ChargeLevels, ChargerConfig, DefaultLevel
from .commands import EnphaseCommands
from .const import (
    CONF_SESSION_UNITS,
    CONF_SUMMARY_SEEN,
    CURRENCY_INTERVAL,
    FIRMWARE_INTERVAL,
    LIVE_STREAM_INTERVAL,
    MAX_BACKOFF,
    MAX_CHARGER_POWER_KW,
    MAX_CHARGING_CURRENT,
    MIN_BACKOFF,
    MIN_CHARGING_CURRENT,
    SETTINGS_FRESH,
    SETTINGS_INTERVAL,
    SETTINGS_RETRY,
    SUMMARY_FAST_INTERVAL,
    SUMMARY_IDLE_INTERVAL,
    SUMMARY_TAIL,
    VENDOR_KEY,
)
from .credentials import EnphaseSignInError
from .firmware import Firmware
from .models import ChargeModes, Charger, ChargerSummary, EvseStatus
from .offers import Offers
from .power import AveragePower
from .repairs import EnphaseRepairs
from .schedule_commands import ScheduleCommands
from .schedule_entities import ScheduleEntities
from .schedules import Schedules
from .service_health import (
    CHARGE_MODE,
    CHARGER_CONFIG,
    CURRENCY,
    FIRMWARE,
    SCHEDULES,
    STATUS,
    SUMMARY,
    ServiceHealth,
)
from .session_units import SessionUnits

if TYPE_CHECKING:
    from .sessions import EnphaseSessionsCoordinator

type EnphaseConfigEntry = ConfigEntry[EnphaseCoordinator]


def device_key(serial: str) -> str:
    """The device identifier and unique-id prefix of a charger."""
    return f"{VENDOR_KEY}_{serial}"


class EnphaseCoordinator(PortalCoordinator[EvseStatus]):
    """Polls the site's charger status and reads the chargers' settings."""

    config_entry: EnphaseConfigEntry
    sessions: EnphaseSessionsCoordinator
    """The finished sessions (set at setup: it follows this coordinator's status)."""

    def __init__(  # noqa: PLR0915 - one documented attribute per statement
        self,
        hass: HomeAssistant,
        entry: EnphaseConfigEntry,
        *,
        client: EnphaseClient,
        site_id: str,
        fast_interval: timedelta,
        idle_interval: timedelta,
        default_charging_current: int,
    ) -> None:
        # The name is logged: never the site id.
        super().__init__(hass, entry, name="Enphase site", update_interval=fast_interval)
        self.client = client
        self.site_id = site_id
        self.fast_interval = fast_interval
        self.idle_interval = idle_interval
        self.default_charging_current = default_charging_current
        self.charging_currents: dict[str, int] = {}
        self.summaries: dict[str, ChargerSummary] = {}
        self.modes: dict[str, ChargeModes] = {}
        self.use_battery: dict[str, bool | None] = {}
        self.default_levels: dict[str, DefaultLevel] = {}
        """Each charger's default charge level, for chargers whose config has one."""
        self.authentication: dict[str, dict[str, bool | None]] = {}
        """Each charger's authentications (app, RFID) by config key, for chargers that have
        them (authentication.py)."""
        self.schedules: dict[str, Schedules] = {}
        """Each charger's charging schedules, for chargers the scheduler has them for."""
        self._offers = Offers()
        """Whether each charger has a default level and schedules."""
        self.schedule_lock = asyncio.Lock()
        """One schedule read or write at a time: a write sends every slot from the last read,
        and a read never lands after a write it started before."""
        self._modes_stale = False
        """A command ran: the charge mode and battery setting are read at the next poll."""
        self.power: dict[str, AveragePower] = {}
        self.units = SessionUnits(dict(entry.data.get(CONF_SESSION_UNITS, {})))
        """Each charger's session-energy unit, once decided (kept in the entry)."""
        self.live_stream_until: datetime | None = None
        self.currency: str | None = None
        """The site's currency, when the cloud states one (else Home Assistant's is used)."""
        self._currency_read_at: datetime | None = None
        self.firmware: dict[str, Firmware] = {}
        """Each charger's installed and offered firmware (fwDetails)."""
        self._firmware_read_at: datetime | None = None
        self._firmware_offered = True
        self._summary_read_at: datetime | None = None
        self._summary_offered = True
        self._summary_answered = bool(entry.data.get(CONF_SUMMARY_SEEN))
        """The summary answered once (kept in the entry): a 404 now is an outage, not a
        cloud without it."""
        self._summary_missing_logged = False
        self._summary_failing = False
        """The last summary read failed: it is asked at the idle cadence until it answers."""
        self._summary_charging = False
        """A charger charged at the last poll: the meter is read when that turns."""
        self._summary_fast_until: datetime | None = None
        """After a session ends the meter is read every minute a while longer."""
        self._settings_read_at: datetime | None = None
        self._modes_read_at: dict[str, datetime] = {}
        """When each charger's charge mode was last read."""
        self._status_seen: dict[str, tuple[int | None, bool | None]] = {}
        """Each charger's status `mode` and plug at the last poll."""
        self._backoffs = 0
        self.failures = 0
        """Status polls failed since the start: a command waiting for a pause checks that no
        outage came between (commands.py)."""
        self.health = ServiceHealth()
        """The call families failing now (service_health.py)."""
        self.repairs = EnphaseRepairs(hass, entry)
        """The repair issues of what blocks the owner (sign-in, sessions, rate limits)."""
        self.chargers = DeviceTracker(hass, entry, device_key(""), "Enphase charger")
        """The chargers the site reports: entities for new ones, removal of gone ones."""
        self.schedule_entities = ScheduleEntities(hass, entry, self.chargers, device_key)
        """Removes the entities of schedules the charger no longer has."""
        self.commands = EnphaseCommands(self)
        """The chargers' commands (commands.py)."""
        self.schedule_commands = ScheduleCommands(self)
        """The schedules' commands (schedule_commands.py)."""

    async def _async_update_data(self) -> EvseStatus:
        """Fetch; raise or clear the repair issues by what the poll met. A change in the
        service's health tells the entities even when the status is the same."""
        changes = self.health.changes
        try:
            status = await super()._async_update_data()
        except Exception as err:
            now = dt_util.utcnow()
            self.failures += 1
            self.health.failed(STATUS, now)
            self.repairs.failed(err.__cause__ or err, now)
            self.repairs.optional_services(self.health, now)
            raise
        if STATUS in self.health.failing:  # back: the other services count from now
            self.health.recovered(dt_util.utcnow())
        self.repairs.served()
        self.repairs.optional_services(self.health, dt_util.utcnow())
        self.always_update = self.always_update or self.health.changes != changes
        return status

    async def _async_fetch(self) -> EvseStatus:
        try:
            status = await self.client.async_get_status(self.site_id)
        except PortalRateLimitError as err:
            self._backoffs += 1
            wait = min(MIN_BACKOFF * 2 ** (self._backoffs - 1), MAX_BACKOFF)
            raise PortalRateLimitError(str(err), retry_after=err.retry_after or wait) from err
        except EnphaseSignInError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key=f"enphase_{err.reason}",
                translation_placeholders={"seconds": str(round(err.retry_after or 0))},
                retry_after=err.retry_after,
            ) from err
        self._backoffs = 0
        now = dt_util.utcnow()
        active = any(charger.active for charger in status.chargers.values())
        charging = any(
            charger.charging or (charger.charging is None and charger.active)
            for charger in status.chargers.values()
        )
        self.update_interval = self._interval(active, now)
        await self._async_refresh_summaries(charging, now)
        self._note_status_changes(status)
        await self._async_refresh_settings(list(status.chargers), now)
        await self._async_refresh_currency(now)
        await self._async_refresh_firmware(now)
        chargers = {
            serial: self._completed(charger, now) for serial, charger in status.chargers.items()
        }
        self.chargers.update(device_key(serial) for serial in chargers)
        return replace(status, chargers=chargers)

    def _with_settings(self, charger: Charger) -> Charger:
        """The charger with its charge mode and battery setting as last read."""
        serial = charger.serial
        return replace(
            charger, modes=self.modes.get(serial), use_battery=self.use_battery.get(serial)
        )

    def _completed(self, charger: Charger, now: datetime) -> Charger:
        """The status with what the other reads tell, and the average power."""
        serial = charger.serial
        summary = self.summaries.get(serial)
        charger = replace(self._with_settings(charger), summary=summary)
        max_kw = (summary and summary.max_power) or MAX_CHARGER_POWER_KW
        decided = len(self.units.decided)  # decisions are only ever added
        charger = replace(
            charger,
            session_energy=self.units.kwh(charger, max_kw, now),
            session_unit_known=charger.serial in self.units.decided,
        )
        if len(self.units.decided) != decided:
            self.hass.config_entries.async_update_entry(
                self.config_entry,
                data={**self.config_entry.data, CONF_SESSION_UNITS: dict(self.units.decided)},
            )
        power = self.power.setdefault(serial, AveragePower())
        power.update(charger, now, max_kw)
        return replace(charger, average_power=power.watts)

    def _interval(self, active: bool, now: datetime) -> timedelta:
        """The live stream's interval while it runs, else fast or idle."""
        if self.live_stream_until is not None and now < self.live_stream_until:
            return min(LIVE_STREAM_INTERVAL, self.fast_interval)
        self.live_stream_until = None
        return self.fast_interval if active else self.idle_interval

    @property
    def cost_currency(self) -> str:
        """The currency of the charging costs: the site's, else Home Assistant's."""
        return self.currency or self.hass.config.currency

    def coordinators(self) -> list[PortalCoordinator[Any]]:
        """The status and the session history (system health)."""
        return [self, self.sessions]

    def reported_device_keys(self) -> set[str]:
        """The chargers the site reports now."""
        return {device_key(serial) for serial in self.data.chargers}

    def charger(self, serial: str) -> Charger | None:
        """The charger's latest status, or None when the site no longer reports it."""
        return self.data.chargers.get(serial) if self.data else None

    async def _async_refresh_summaries(self, charging: bool, now: datetime) -> None:
        """Read the summaries (limits, meter, firmware): every minute while a charger
        charges (the meter moves), every ten minutes otherwise; not at all on a cloud
        without them."""
        if not self._summary_offered:
            return
        interval = SUMMARY_FAST_INTERVAL if charging else SUMMARY_IDLE_INTERVAL
        if self._summary_failing:
            interval = SUMMARY_IDLE_INTERVAL
        turned = charging != self._summary_charging  # a session's first and last meter
        self._summary_charging = charging
        if turned and not charging:
            self._summary_fast_until = now + SUMMARY_TAIL  # the cloud's meter may lag
        if self._summary_fast_until is not None and now < self._summary_fast_until:
            interval = min(interval, SUMMARY_FAST_INTERVAL)
        if (
            not turned
            and self._summary_read_at is not None
            and now - self._summary_read_at < interval
        ):
            return
        self._summary_read_at = now
        self._summary_failing = True
        try:
            self.summaries = await self.client.async_get_summaries(self.site_id)
        except PortalNotFoundError:
            if not self._summary_answered:
                LOGGER.info(
                    "This Enlighten cloud offers no charger summary: energy counts sessions"
                )
                self._summary_offered = False
                self.health.served(SUMMARY)
            else:
                self.health.failed(SUMMARY, now)
            self._without_meter("HTTP 404")
        except PortalError as err:  # the status just worked: a refused summary is no reauth
            self.health.failed(SUMMARY, now)
            self._without_meter(str(err))
        else:
            self.health.served(SUMMARY)
            self._summary_failing = False
            if not self._summary_answered:
                self._summary_answered = True
                self.hass.config_entries.async_update_entry(
                    self.config_entry, data={**self.config_entry.data, CONF_SUMMARY_SEEN: True}
                )
            if self._summary_missing_logged:
                LOGGER.info("The charger summary answers again: energy follows the meter")
                self._summary_missing_logged = False
            self._update_firmware()

    async def _async_refresh_currency(self, now: datetime) -> None:
        """Read the site's currency once a day; without an answer the last one stays."""
        if self._currency_read_at is not None and now - self._currency_read_at < CURRENCY_INTERVAL:
            return
        self._currency_read_at = now
        try:
            self.currency = await self.client.async_get_currency(self.site_id) or self.currency
        except (PortalNotFoundError, PortalAccessDeniedError) as err:  # a site without one
            self.health.served(CURRENCY)
            LOGGER.debug("The site's currency is not offered: %s", err)
        except PortalError as err:
            self.health.failed(CURRENCY, now)
            self._currency_read_at = now - CURRENCY_INTERVAL + SETTINGS_RETRY  # soon again
            LOGGER.debug("The site's currency is not read this time: %s", err)
        else:
            self.health.served(CURRENCY)

    async def _async_refresh_firmware(self, now: datetime) -> None:
        """Read the firmware once an hour; a cloud that refuses it (401, 403, 404) is not
        asked again (the summary's version stays on the device)."""
        if not self._firmware_offered or (
            self._firmware_read_at is not None and now - self._firmware_read_at < FIRMWARE_INTERVAL
        ):
            return
        self._firmware_read_at = now
        try:
            self.firmware = await self.client.async_get_firmware(self.site_id)
        except (PortalNotFoundError, PortalAccessDeniedError) as err:
            LOGGER.info("This Enlighten cloud offers no firmware details (%s)", err)
            self._firmware_offered = False
            self.health.served(FIRMWARE)
        except PortalError as err:
            self.health.failed(FIRMWARE, now)
            self._firmware_read_at = now - FIRMWARE_INTERVAL + SETTINGS_RETRY  # soon again
            LOGGER.debug("The firmware is not read this time: %s", err)
        else:
            self.health.served(FIRMWARE)

    def _without_meter(self, reason: str) -> None:
        """The summary did not answer: keep its limits, but no stale meter reading (charged
        energy counts the sessions meanwhile, and it is retried at the idle cadence)."""
        if self._summary_answered and not self._summary_missing_logged:
            LOGGER.info("The charger summary is not answering (%s): energy counts sessions", reason)
            self._summary_missing_logged = True
        self.summaries = {
            serial: replace(summary, lifetime_energy=None)
            for serial, summary in self.summaries.items()
        }

    def _update_firmware(self) -> None:
        """Show a new firmware version on the charger's device."""
        registry = dr.async_get(self.hass)
        for serial, summary in self.summaries.items():
            device = registry.async_get_device_by_identifier(
                (DOMAIN, device_key(serial)), self.config_entry.entry_id
            )
            version = summary.firmware_version
            if device is not None and version is not None and device.sw_version != version:
                registry.async_update_device(device.id, sw_version=version)

    def _note_status_changes(self, status: EvseStatus) -> None:
        """The status implies a settings change (the cloud's own `mode` moved, a car was
        plugged in or out): the settings are read at this poll, not at the next hour."""
        seen = {
            serial: (charger.status_mode, charger.plugged_in)
            for serial, charger in status.chargers.items()
        }
        if self._status_seen and any(
            self._status_seen.get(serial) != now_seen for serial, now_seen in seen.items()
        ):  # a charger that joins the site counts as a change too
            self._modes_stale = True
            self._settings_read_at = None  # its config and schedules too
        self._status_seen = seen

    async def _async_refresh_settings(self, serials: list[str], now: datetime) -> None:
        """Read each charger's settings once an hour, and its charge mode and green-battery
        setting at once after a command or a change the status implies.

        The scheduler is a service of its own: when it is down, the last answers stay and
        the rest keeps running.
        """
        reads = {CHARGE_MODE: self._async_read_settings}
        hourly = self._settings_read_at is None or now - self._settings_read_at >= SETTINGS_INTERVAL
        if hourly:
            self._settings_read_at = now
            reads |= {
                CHARGER_CONFIG: self._async_read_config,
                SCHEDULES: self._async_read_schedules,
            }
        elif not self._modes_stale:
            return
        self._modes_stale = False
        failed = False
        for family, read in reads.items():
            family_failed = False
            for serial in serials:
                try:
                    await read(serial)
                except PortalError as err:
                    LOGGER.debug("A charger setting is not read this time: %s", err)
                    failed = family_failed = True
            if family_failed:
                self.health.failed(family, now)
            else:
                self.health.served(family)
        if failed:  # asked again soon, not at the next hour
            self._modes_stale = True
            if hourly:
                self._settings_read_at = now - SETTINGS_INTERVAL + SETTINGS_RETRY
        else:
            self._modes_read_at.update(dict.fromkeys(serials, now))

    async def async_fresh_modes(self, serial: str, *, force: bool = False) -> bool:
        """Read the charge mode again before a command acts on it, when the last read is
        older than SETTINGS_FRESH (always with `force`): a mode changed in the app between
        Manual, Scheduled and Smart does not move the status (a start with amps would
        override Smart, #165). False when it could not be read."""
        now = dt_util.utcnow()
        read_at = self._modes_read_at.get(serial)
        if not force and read_at is not None and now - read_at < SETTINGS_FRESH:
            return True
        try:
            await self._async_read_settings(serial)
        except PortalError as err:
            self.health.failed(CHARGE_MODE, now)
            self._modes_stale = True  # asked again at the next poll
            LOGGER.debug("The charge mode is not read before the command: %s", err)
            return False
        self.health.served(CHARGE_MODE)
        self._modes_read_at[serial] = now
        charger = self.charger(serial)
        if charger is not None:  # the command reads the charger of the last poll
            self.data.chargers[serial] = self._with_settings(charger)
            self.async_update_listeners()
        return True

    async def _async_read_settings(self, serial: str) -> None:
        self.modes[serial] = await self.client.async_get_charge_modes(self.site_id, serial)
        summary = self.summaries.get(serial)
        if summary is not None and summary.supports_use_battery:
            self.use_battery[serial] = await self.client.async_get_use_battery(self.site_id, serial)

    async def _async_read_config(self, serial: str) -> None:
        """One read of the charger config: its default level and its authentications."""
        settings = ("default_level", "authentication")
        if all((setting, serial) in self._offers.not_offered for setting in settings):
            return
        try:
            config = await self.client.async_get_charger_config(self.site_id, serial)
        except (PortalNotFoundError, PortalAccessDeniedError) as err:
            LOGGER.debug("The charger's config is refused (%s)", err)
            config = ChargerConfig(None, None)
        self._offered("default_level", serial, config.default_level, self.default_levels)
        self._offered("authentication", serial, config.authentication, self.authentication)

    async def _async_read_schedules(self, serial: str) -> None:
        async with self.schedule_lock:
            before = self.schedules.get(serial)
            await self._async_read_offered(
                "schedules", serial, self.client.async_get_schedules, self.schedules
            )
            answer = self.schedules.get(serial)
            if answer is not None and answer is not before:  # a new answer (not the kept one)
                self.schedule_entities.answered(serial, answer)

    def store_schedules(
        self, serial: str, schedules: Schedules, *, answer: bool = True, deleted: str = ""
    ) -> None:
        """Keep the charger's schedules as read (`answer`) or as just written (or `deleted`
        by us: its entities go at once); the entities of a schedule the answers no longer
        list go too."""
        self.schedules[serial] = schedules
        if deleted:
            self.schedule_entities.deleted(serial, deleted)
        elif answer:
            self.schedule_entities.answered(serial, schedules)

    async def _async_read_offered[T](
        self,
        setting: str,
        serial: str,
        read: Callable[[str, str], Awaitable[T | None]],
        store: dict[str, T],
    ) -> None:
        """Read a setting the cloud may not have for this charger into `store`; a refusal
        (401, 403, 404) counts as an answer without it."""
        if (setting, serial) in self._offers.not_offered:
            return
        try:
            value = await read(self.site_id, serial)
        except (PortalNotFoundError, PortalAccessDeniedError) as err:
            LOGGER.debug("The charger's %s is refused (%s)", setting, err)
            value = None
        self._offered(setting, serial, value, store)

    def _offered[T](self, setting: str, serial: str, value: T | None, store: dict[str, T]) -> None:
        """Keep a setting's answer. An answer without it means the charger has none: it is
        not asked again (until a restart). Once it has answered, the same is taken as an
        outage (the last value stays) until it happens a few times in a row (offers.py)."""
        key = (setting, serial)
        if key in self._offers.not_offered:
            return
        if value is not None:
            self._offers.answered(key)
            store[serial] = value
        elif self._offers.gone(key):
            store.pop(serial, None)

    def charge_levels(self, serial: str) -> ChargeLevels:
        """The levels the charger accepts: its summary's, else the usual 6 to 40 A."""
        summary = self.summaries.get(serial)
        if (
            summary is None
            or summary.min_current is None
            or summary.max_current is None
            or summary.min_current > summary.max_current
        ):
            return ChargeLevels(MIN_CHARGING_CURRENT, MAX_CHARGING_CURRENT)
        return ChargeLevels(
            summary.min_current, summary.max_current, max(summary.current_step or 1, 1)
        )

    def charging_current(self, serial: str) -> int:
        """The current the next start uses (the user's choice, else the option's default),
        snapped to a level the charger accepts."""
        current = self.charging_currents.get(serial, self.default_charging_current)
        return self.charge_levels(serial).snap(current)

    async def async_refresh_after_command(self) -> None:
        """A command ran: read everything again at once, the charge mode and battery
        setting included."""
        self._modes_stale = True
        await self.async_refresh()
