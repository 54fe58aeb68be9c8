"""The Enphase status coordinator: fast while a car is plugged in or the live stream runs,
slow when idle; the summary, charge mode and green-battery reads; the charger's commands.

The entry's runtime data is this coordinator (`EnphaseConfigEntry`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, time, timedelta
from functools import partial
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import UpdateFailed
from homeassistant.util import dt as dt_util

from ...commands import run_command
from ...const import DOMAIN, LOGGER
from ...coordinator import PortalCoordinator
from ...devices import DeviceTracker
from ...errors import (
    PortalAccessDeniedError,
    PortalError,
    PortalNotFoundError,
    PortalRateLimitError,
)
from .api import CommandRefusedError, EnphaseClient
from .charge_levels import ChargeLevels, DefaultLevel
from .const import (
    COMMAND_CHECK_DELAY,
    COMMAND_CHECKS,
    CONF_SESSION_UNITS,
    CONF_SUMMARY_SEEN,
    CURRENCY_INTERVAL,
    CURRENT_RESTART_DELAY,
    FIRMWARE_INTERVAL,
    LIVE_STREAM_INTERVAL,
    LIVE_STREAM_SECONDS,
    MAX_BACKOFF,
    MAX_CHARGER_POWER_KW,
    MAX_CHARGING_CURRENT,
    METER_VALUES,
    MIN_BACKOFF,
    MIN_CHARGING_CURRENT,
    SETTINGS_INTERVAL,
    SUMMARY_FAST_INTERVAL,
    SUMMARY_IDLE_INTERVAL,
    VENDOR_KEY,
)
from .credentials import EnphaseSignInError
from .firmware import Firmware
from .models import ChargeMode, ChargeModes, Charger, ChargerSummary, EvseStatus
from .offers import Offers
from .power import AveragePower
from .repairs import EnphaseRepairs
from .schedules import Schedules
from .session_units import SessionUnits

if TYPE_CHECKING:
    from .sessions import EnphaseSessionsCoordinator

type EnphaseConfigEntry = ConfigEntry[EnphaseCoordinator]

STARTED_STATUSES = ("charging", "suspended_ev")
"""Connector states that show a start took (the car may pause drawing current)."""


def device_key(serial: str) -> str:
    """The device identifier and unique-id prefix of a charger."""
    return f"{VENDOR_KEY}_{serial}"


class EnphaseCoordinator(PortalCoordinator[EvseStatus]):
    """Polls the site's charger status and sends the chargers' commands."""

    config_entry: EnphaseConfigEntry
    sessions: EnphaseSessionsCoordinator
    """The finished sessions (set at setup: it follows this coordinator's status)."""

    def __init__(
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
        self.schedules: dict[str, Schedules] = {}
        """Each charger's charging schedules, for chargers the scheduler has them for."""
        self._offers = Offers()
        """Whether each charger has a default level and schedules."""
        self._schedule_lock = asyncio.Lock()
        """One schedule write at a time: each writes every slot from the last read."""
        self._modes_stale = False
        """A command ran: the charge mode and battery setting are read at the next poll."""
        self._level_refusals_logged: set[str] = set()
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
        self._settings_read_at: datetime | None = None
        self._backoffs = 0
        self.repairs = EnphaseRepairs(hass, entry)
        """The repair issues of what blocks the owner (sign-in, sessions, rate limits)."""
        self._restarts: dict[str, CALLBACK_TYPE] = {}
        self._restart_wanted: set[str] = set()
        """Chargers stopped for a new current, to be started again (unless told otherwise)."""
        self.chargers = DeviceTracker(hass, entry, device_key(""), "Enphase charger")
        """The chargers the site reports: entities for new ones, removal of gone ones."""
        entry.async_on_unload(self._cancel_restarts)

    async def _async_update_data(self) -> EvseStatus:
        """Fetch; raise or clear the repair issues by what the poll met."""
        try:
            status = await super()._async_update_data()
        except Exception as err:
            self.repairs.failed(err.__cause__ or err, dt_util.utcnow())
            raise
        self.repairs.served()
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
        self.update_interval = self._interval(active, now)
        await self._async_refresh_summaries(active, now)
        await self._async_refresh_settings(list(status.chargers), now)
        await self._async_refresh_currency(now)
        await self._async_refresh_firmware(now)
        chargers = {
            serial: self._completed(charger, now) for serial, charger in status.chargers.items()
        }
        self.chargers.update(device_key(serial) for serial in chargers)
        return replace(status, chargers=chargers)

    def _completed(self, charger: Charger, now: datetime) -> Charger:
        """The status with what the other reads tell, and the average power."""
        serial = charger.serial
        summary = self.summaries.get(serial)
        charger = replace(
            charger,
            summary=summary,
            modes=self.modes.get(serial),
            use_battery=self.use_battery.get(serial),
        )
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

    def reported_device_keys(self) -> set[str]:
        """The chargers the site reports now."""
        return {device_key(serial) for serial in self.data.chargers}

    def charger(self, serial: str) -> Charger | None:
        """The charger's latest status, or None when the site no longer reports it."""
        return self.data.chargers.get(serial) if self.data else None

    async def _async_refresh_summaries(self, active: bool, now: datetime) -> None:
        """Read the summaries (limits, meter, firmware): every minute while active, every
        ten minutes when idle; not at all on a cloud without them."""
        if not self._summary_offered:
            return
        interval = SUMMARY_FAST_INTERVAL if active else SUMMARY_IDLE_INTERVAL
        if self._summary_failing:
            interval = SUMMARY_IDLE_INTERVAL
        if self._summary_read_at is not None and now - self._summary_read_at < interval:
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
            self._without_meter("HTTP 404")
        except PortalError as err:  # the status just worked: a refused summary is no reauth
            self._without_meter(str(err))
        else:
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
        except PortalError as err:
            LOGGER.debug("The site's currency is not read this time: %s", err)

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
        except PortalError as err:
            LOGGER.debug("The firmware is not read this time: %s", err)

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

    async def _async_refresh_settings(self, serials: list[str], now: datetime) -> None:
        """Read each charger's charge mode and green-battery setting every 5 minutes.

        The scheduler is a service of its own: when it is down, the last answers stay and
        the rest keeps running.
        """
        reads = [self._async_read_settings]
        if self._settings_read_at is None or now - self._settings_read_at >= SETTINGS_INTERVAL:
            self._settings_read_at = now
            reads += [self._async_read_default_level, self._async_read_schedules]
        elif not self._modes_stale:
            return
        self._modes_stale = False
        for serial in serials:
            for read in reads:
                try:
                    await read(serial)
                except PortalError as err:
                    LOGGER.debug("A charger setting is not read this time: %s", err)

    async def _async_read_settings(self, serial: str) -> None:
        self.modes[serial] = await self.client.async_get_charge_modes(self.site_id, serial)
        summary = self.summaries.get(serial)
        if summary is not None and summary.supports_use_battery:
            self.use_battery[serial] = await self.client.async_get_use_battery(self.site_id, serial)

    async def _async_read_default_level(self, serial: str) -> None:
        await self._async_read_offered(
            "default_level", serial, self.client.async_get_default_level, self.default_levels
        )

    async def _async_read_schedules(self, serial: str) -> None:
        async with self._schedule_lock:  # a read never lands after a write it started before
            await self._async_read_offered(
                "schedules", serial, self.client.async_get_schedules, self.schedules
            )

    async def _async_read_offered[T](
        self,
        setting: str,
        serial: str,
        read: Callable[[str, str], Awaitable[T | None]],
        store: dict[str, T],
    ) -> None:
        """Read a setting the cloud may not have for this charger into `store`.

        A refusal (401, 403, 404) or an answer without it means the charger has none: it is
        not asked again (until a restart). Once it has answered, the same is taken as an
        outage (the last value stays) until it happens a few times in a row (offers.py).
        """
        key = (setting, serial)
        if key in self._offers.not_offered:
            return
        try:
            value = await read(self.site_id, serial)
        except (PortalNotFoundError, PortalAccessDeniedError) as err:
            LOGGER.debug("The charger's %s is refused (%s)", setting, err)
            value = None
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

    async def async_set_default_level(self, serial: str, amps: float) -> None:
        """Set the level the charger starts at by itself (snapped to one it accepts)."""
        level = self.charge_levels(serial).snap(amps)
        await run_command(
            _refusals_explained(self.client.async_set_default_level(self.site_id, serial, level))
        )
        self.default_levels[serial] = DefaultLevel(level)
        self.async_update_listeners()

    async def async_set_schedule(
        self,
        serial: str,
        slot_id: str,
        *,
        enabled: bool | None = None,
        start: time | None = None,
        end: time | None = None,
    ) -> None:
        """Change one schedule (every slot is written back); a refusal keeps the old one."""
        async with self._schedule_lock:
            schedules = self.schedules.get(serial)
            if schedules is None or schedules.slot(slot_id) is None:
                raise HomeAssistantError(
                    translation_domain=DOMAIN, translation_key="enphase_schedule_gone"
                )
            body = schedules.patch(slot_id, enabled=enabled, start=start, end=end)
            await run_command(
                _refusals_explained(self.client.async_write_schedules(self.site_id, serial, body))
            )
            self.schedules[serial] = schedules.written(body)
            try:
                self.schedules[serial] = await self.client.async_get_schedules(self.site_id, serial)
            except PortalError as err:
                LOGGER.debug("The schedules are read again later: %s", err)
        self.async_update_listeners()

    async def async_set_charging_current(self, serial: str, current: int) -> None:
        """Remember the current. A running manual session only takes it on a new start, so
        it is stopped and started again after a pause (the field's way, #158)."""
        self.charging_currents[serial] = current
        charger = self.charger(serial)
        if charger is None or not charger.charging:
            return
        if charger.charge_mode not in (None, ChargeMode.MANUAL):
            return  # Green and Smart choose the amps; the current waits for Manual
        self._cancel_restart(serial)
        self._restart_wanted.add(serial)  # a stop or start meanwhile calls the restart off
        await self._async_command(self._stop_keeping_mode(serial, ChargeMode.MANUAL))
        if serial not in self._restart_wanted:
            return
        self._restarts[serial] = async_call_later(
            self.hass,
            CURRENT_RESTART_DELAY,
            HassJob(partial(self._restart, serial), cancel_on_shutdown=True),
        )
        await self._async_check_followed(serial, charging=False)

    async def async_start_charging(self, serial: str, current: int | None = None) -> None:
        """Start charging: at the chosen current (or `current`) in Manual and Scheduled,
        without a current in Green and Smart (amps would override the mode, #165)."""
        if current is not None:
            self.charging_currents[serial] = current
        self._cancel_restart(serial)  # a start now replaces a pending restart
        charger = self.charger(serial)
        mode = charger.charge_mode if charger else None
        level = self.charging_current(serial) if mode is None or mode.takes_amps else None
        await self._async_command(
            self._start_keeping_mode(serial, level, explicit=current is not None, mode=mode)
        )
        if mode in (None, ChargeMode.MANUAL):  # the others follow the sun, tariff or schedule
            await self._async_check_followed(serial, charging=True)

    async def _start_keeping_mode(
        self, serial: str, level: int | None, *, explicit: bool, mode: ChargeMode | None
    ) -> None:
        dropped = await self.client.async_start_charging(
            self.site_id, serial, level, explicit=explicit
        )
        if dropped and serial not in self._level_refusals_logged:
            self._level_refusals_logged.add(serial)
            LOGGER.warning(
                'The charger refused %s A ("Invalid charge level") and was started without '
                "a level: it charges at the current it chooses itself",
                level,
            )
        await self._keep_scheduled(serial, mode)

    async def async_stop_charging(self, serial: str) -> None:
        """Stop charging (a restart pending for a new current is called off)."""
        self._cancel_restart(serial)
        charger = self.charger(serial)
        mode = charger.charge_mode if charger else None
        await self._async_command(self._stop_keeping_mode(serial, mode))
        if mode is not ChargeMode.SCHEDULED:  # its window may start it again at once
            await self._async_check_followed(serial, charging=False)

    async def _async_check_followed(self, serial: str, *, charging: bool) -> None:
        """The status after a start or stop: the poll just made, else one more after a pause.
        A charger that did not follow raises, and its entities show what it really does
        (the cloud has answered "accepted" while the car kept charging, #717)."""
        for poll in range(COMMAND_CHECKS):
            if poll:
                await asyncio.sleep(COMMAND_CHECK_DELAY)
                await self.async_refresh()
            charger = self.charger(serial)
            if (
                not self.last_update_success
                or charger is None
                or charger.charging is None
                or _followed(charger, charging=charging)
            ):
                return  # followed, or no status to tell: the entities show that
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=f"enphase_{'start' if charging else 'stop'}_not_followed",
        )

    async def _stop_keeping_mode(self, serial: str, mode: ChargeMode | None) -> None:
        await self.client.async_stop_charging(self.site_id, serial)
        await self._keep_scheduled(serial, mode)

    async def _keep_scheduled(self, serial: str, mode: ChargeMode | None) -> None:
        """A start or stop in Scheduled leaves the mode; write it back as the field does."""
        if mode is ChargeMode.SCHEDULED:
            await self.client.async_set_charge_mode(self.site_id, serial, mode)

    async def async_set_charge_mode(self, serial: str, mode: ChargeMode) -> None:
        """Change the charge mode, then read it back."""
        await self._async_command(self.client.async_set_charge_mode(self.site_id, serial, mode))

    async def async_set_use_battery(self, serial: str, enabled: bool) -> None:
        """Let Green charging use the home battery, or not."""
        await self._async_command(self.client.async_set_use_battery(self.site_id, serial, enabled))

    async def async_request_meter_values(self, serial: str) -> None:
        """Ask the charger to report its meter values now."""
        await self._async_command(
            self.client.async_trigger_message(self.site_id, serial, METER_VALUES)
        )

    async def async_start_live_stream(self) -> None:
        """Ask the cloud for live status, and poll fast for as long as the stream runs."""
        seconds = await run_command(
            _refusals_explained(self.client.async_start_live_stream(self.site_id))
        )
        self.live_stream_until = dt_util.utcnow() + timedelta(
            seconds=seconds or LIVE_STREAM_SECONDS
        )
        await self.async_refresh()

    async def async_stop_live_stream(self) -> None:
        """End the live stream and return to the normal cadence."""
        self.live_stream_until = None
        await self._async_command(self.client.async_stop_live_stream(self.site_id))

    async def _async_command(self, command: Awaitable[None]) -> None:
        """Run a command, explain a refusal, then read everything again at once (not after a
        failure)."""
        await run_command(_refusals_explained(command))
        self._modes_stale = True
        await self.async_refresh()

    async def _restart(self, serial: str, _now: datetime) -> None:
        """Start the session stopped for a new current (its pause is over)."""
        self._restarts.pop(serial, None)  # fired: nothing left to cancel
        try:
            await self.async_start_charging(serial)
        except HomeAssistantError as err:
            LOGGER.warning("The charger did not restart at the new current: %s", err)

    def _cancel_restart(self, serial: str) -> None:
        self._restart_wanted.discard(serial)
        cancel = self._restarts.pop(serial, None)
        if cancel is not None:
            cancel()

    @callback
    def _cancel_restarts(self) -> None:
        for serial in list(self._restarts):
            self._cancel_restart(serial)


def _followed(charger: Charger, *, charging: bool) -> bool:
    """The charger does what it was told: charging, or started with the car pausing (a full
    battery, the car's own timer); or not charging."""
    if charging:
        return bool(charger.charging) or charger.connector_status in STARTED_STATUSES
    return not charger.charging


async def _refusals_explained[T](command: Awaitable[T]) -> T:
    try:
        return await command
    except CommandRefusedError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key=f"enphase_{err.reason}"
        ) from err
