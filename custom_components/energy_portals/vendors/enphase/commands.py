"""The Enphase chargers' commands (start, stop, current, mode, battery, default level,
authentication, OCPP messages, live stream; the schedules' are schedule_commands.py's).

Each command is sent, a refusal is explained, and the status is read again at once. A start
or stop is checked against what the charger then does. A current changed during a manual
session restarts it after a pause (the field's way, #158). The status coordinator owns the
reads; this module owns the writes (`coordinator.commands`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from homeassistant.core import CALLBACK_TYPE, HassJob, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from ...commands import run_command
from ...const import DOMAIN, LOGGER
from .api import CommandRefusedError
from .charge_levels import DefaultLevel
from .const import (
    COMMAND_CHECK_DELAY,
    COMMAND_CHECKS,
    CURRENT_RESTART_DELAY,
    LIVE_STREAM_SECONDS,
    METER_VALUES,
)
from .models import ChargeMode, Charger

if TYPE_CHECKING:
    from .coordinator import EnphaseCoordinator

STARTED_STATUSES = ("charging", "suspended_ev")
"""Connector states that show a start took (the car may pause drawing current)."""


class EnphaseCommands:
    """Every command of one site's chargers, with the follow-up each needs."""

    def __init__(self, coordinator: EnphaseCoordinator) -> None:
        self._coordinator = coordinator
        self._client = coordinator.client
        self._site_id = coordinator.site_id
        self._level_refusals_logged: set[str] = set()
        self._restarts: dict[str, CALLBACK_TYPE] = {}
        self._restart_wanted: dict[str, _Restart] = {}
        """Chargers stopped for a new current, to be started again (unless told otherwise)."""
        self._connectors: dict[str, tuple[int, datetime | None]] = {}
        """The connector each charger was last started on by us, with the car's plug-in time
        then (a restart in the same plug-in uses it again)."""
        coordinator.config_entry.async_on_unload(self._cancel_restarts)

    async def async_set_default_level(self, serial: str, amps: float) -> None:
        """Set the level the charger starts at by itself (snapped to one it accepts)."""
        coordinator = self._coordinator
        level = coordinator.charge_levels(serial).snap(amps)
        await run_command(
            refusals_explained(self._client.async_set_default_level(self._site_id, serial, level))
        )
        coordinator.default_levels[serial] = DefaultLevel(level)
        coordinator.async_update_listeners()

    async def async_set_authentication(self, serial: str, key: str, on: bool) -> None:
        """Make the charger wait for the app's or an RFID card's authorisation, or not."""
        coordinator = self._coordinator
        await run_command(
            refusals_explained(
                self._client.async_set_authentication(self._site_id, serial, key, on)
            )
        )
        coordinator.authentication[serial] = {**coordinator.authentication.get(serial, {}), key: on}
        coordinator.async_update_listeners()

    async def async_set_charging_current(self, serial: str, current: int) -> None:
        """Remember the current. A running manual session only takes it on a new start, so
        it is stopped and started again after a pause (the field's way, #158)."""
        coordinator = self._coordinator
        coordinator.charging_currents[serial] = current
        await coordinator.async_fresh_modes(serial)
        charger = coordinator.charger(serial)
        if charger is None or not charger.charging:
            return
        if charger.effective_mode not in (None, ChargeMode.MANUAL) or not _takes_amps(charger):
            return  # Green and Smart choose the amps; the current waits for Manual
        self._cancel_restart(serial)
        started = self._connectors.get(serial)
        restart = _Restart(
            failures=coordinator.failures,
            connector=started[0] if started and started[1] == charger.plugged_in_at else None,
        )
        self._restart_wanted[serial] = restart  # a stop or start meanwhile calls it off
        await self._async_command(self._stop_keeping_mode(serial, ChargeMode.MANUAL))
        if self._restart_wanted.get(serial) is not restart:
            return
        self._restarts[serial] = async_call_later(
            coordinator.hass,
            CURRENT_RESTART_DELAY,
            HassJob(partial(self._restart, serial), cancel_on_shutdown=True),
        )
        await self._async_check_followed(serial, charging=False)

    async def async_start_charging(
        self, serial: str, current: int | None = None, connector: int | None = None
    ) -> None:
        """Start charging (on `connector`, else the first): at the chosen current (or
        `current`) when the charger charges in Manual or Scheduled, without a current when it
        charges in Green or Smart (amps would override the mode, #165). Amps go only when
        both the chosen and the effective mode take them; the checks follow the effective
        one (a manual override of Green is checked like Manual)."""
        coordinator = self._coordinator
        charger = coordinator.charger(serial)
        connectors = charger.connectors if charger else (1,)
        if connector is not None and connector not in connectors:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="enphase_no_such_connector",
                translation_placeholders={
                    "connector": str(connector),
                    "connectors": ", ".join(map(str, connectors)),
                },
            )
        if current is not None:
            coordinator.charging_currents[serial] = current
        self._cancel_restart(serial)  # a start now replaces a pending restart
        await coordinator.async_fresh_modes(serial)
        charger = coordinator.charger(serial)
        mode = charger.effective_mode if charger else None
        level = coordinator.charging_current(serial) if _takes_amps(charger) else None
        connector = connector or connectors[0]
        await self._async_command(
            self._start_keeping_mode(
                serial, level, explicit=current is not None, mode=mode, connector=connector
            )
        )
        charger = coordinator.charger(serial)
        self._connectors[serial] = (connector, charger.plugged_in_at if charger else None)
        if mode in (None, ChargeMode.MANUAL):  # the others follow the sun, tariff or schedule
            await self._async_check_followed(serial, charging=True)

    async def _start_keeping_mode(
        self,
        serial: str,
        level: int | None,
        *,
        explicit: bool,
        mode: ChargeMode | None,
        connector: int,
    ) -> None:
        dropped = await self._client.async_start_charging(
            self._site_id, serial, level, explicit=explicit, connector=connector
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
        await self._coordinator.async_fresh_modes(serial)
        charger = self._coordinator.charger(serial)
        mode = charger.effective_mode if charger else None
        await self._async_command(self._stop_keeping_mode(serial, mode))
        if mode is not ChargeMode.SCHEDULED:  # its window may start it again at once
            await self._async_check_followed(serial, charging=False)

    async def _async_check_followed(self, serial: str, *, charging: bool) -> None:
        """The status after a start or stop: the poll just made, else one more after a pause.
        A charger that did not follow raises, and its entities show what it really does
        (the cloud has answered "accepted" while the car kept charging, #717)."""
        coordinator = self._coordinator
        for poll in range(COMMAND_CHECKS):
            if poll:
                await asyncio.sleep(COMMAND_CHECK_DELAY)
                await coordinator.async_refresh()
            charger = coordinator.charger(serial)
            if (
                not coordinator.last_update_success
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
        await self._client.async_stop_charging(self._site_id, serial)
        await self._keep_scheduled(serial, mode)

    async def _keep_scheduled(self, serial: str, mode: ChargeMode | None) -> None:
        """A start or stop in Scheduled leaves the mode; write it back as the field does."""
        if mode is ChargeMode.SCHEDULED:
            await self._client.async_set_charge_mode(self._site_id, serial, mode)

    async def async_set_charge_mode(self, serial: str, mode: ChargeMode) -> None:
        """Change the charge mode, then read it back. It is written even when it is the mode
        last read: the app may have changed it since, and choosing Green again ends a manual
        override of it."""
        await self._async_command(self._client.async_set_charge_mode(self._site_id, serial, mode))

    async def async_set_use_battery(self, serial: str, enabled: bool) -> None:
        """Let Green charging use the home battery, or not."""
        await self._async_command(
            self._client.async_set_use_battery(self._site_id, serial, enabled)
        )

    async def async_request_meter_values(self, serial: str) -> None:
        """Ask the charger to report its meter values now."""
        await self.async_trigger_message(serial, METER_VALUES)

    async def async_trigger_message(self, serial: str, message: str) -> None:
        """Ask the charger to send an OCPP message (const.OCPP_MESSAGES) now."""
        await self._async_command(
            self._client.async_trigger_message(self._site_id, serial, message)
        )

    async def async_start_live_stream(self) -> None:
        """Ask the cloud for live status, and poll fast for as long as the stream runs."""
        seconds = await run_command(
            refusals_explained(self._client.async_start_live_stream(self._site_id))
        )
        self._coordinator.live_stream_until = dt_util.utcnow() + timedelta(
            seconds=seconds or LIVE_STREAM_SECONDS
        )
        await self._coordinator.async_refresh()

    async def async_stop_live_stream(self) -> None:
        """End the live stream and return to the normal cadence."""
        self._coordinator.live_stream_until = None
        await self._async_command(self._client.async_stop_live_stream(self._site_id))

    async def _async_command(self, command: Awaitable[None]) -> None:
        """Run a command, explain a refusal, then read everything again at once (not after a
        failure)."""
        await run_command(refusals_explained(command))
        await self._coordinator.async_refresh_after_command()

    async def _restart(self, serial: str, _now: datetime) -> None:
        """Start the session stopped for a new current (its pause is over), only when
        nothing changed meanwhile: no status poll failed (an outage never ends in a start
        of ours, #274), and the car is still plugged in to a charger charging in Manual."""
        self._restarts.pop(serial, None)  # fired: nothing left to cancel
        restart = self._restart_wanted.get(serial)
        coordinator = self._coordinator
        await coordinator.async_refresh()  # what the charger does now, not 30 s ago
        modes_read = await coordinator.async_fresh_modes(serial, force=True)  # Smart moves
        charger = coordinator.charger(serial)  # nothing in the status
        if restart is None or self._restart_wanted.get(serial) is not restart:
            return  # called off meanwhile (a stop, a start, an unload, another new current)
        del self._restart_wanted[serial]
        if (
            not modes_read
            or restart.failures != coordinator.failures
            or not coordinator.last_update_success
            or charger is None
            or not charger.connected
            or not charger.plugged_in
            or charger.charging
            or charger.effective_mode not in (None, ChargeMode.MANUAL)
            or not _takes_amps(charger)
        ):
            LOGGER.info("The charger is not started again at the new current: it changed since")
            return
        try:
            await self.async_start_charging(serial, connector=restart.connector)
        except HomeAssistantError as err:
            LOGGER.warning("The charger did not restart at the new current: %s", err)

    def _cancel_restart(self, serial: str) -> None:
        self._restart_wanted.pop(serial, None)
        cancel = self._restarts.pop(serial, None)
        if cancel is not None:
            cancel()

    @callback
    def _cancel_restarts(self) -> None:
        for serial in {*self._restarts, *self._restart_wanted}:
            self._cancel_restart(serial)


@dataclass(frozen=True, slots=True, eq=False)
class _Restart:
    """A restart planned after a stop for a new current (each one is its own: a newer one
    replaces it)."""

    failures: int
    """The coordinator's failed polls at the stop: any more, and it is called off (#274)."""
    connector: int | None
    """The connector we started in this plug-in, else the first."""


def _takes_amps(charger: Charger | None) -> bool:
    """A start may carry amps: neither the chosen nor the effective mode is Green or Smart
    (never amps in Green, even during a manual override of it)."""
    if charger is None:
        return True
    return all(
        mode is None or mode.takes_amps for mode in (charger.charge_mode, charger.effective_mode)
    )


def _followed(charger: Charger, *, charging: bool) -> bool:
    """The charger does what it was told: charging, or started with the car pausing (a full
    battery, the car's own timer); or not charging."""
    if charging:
        return bool(charger.charging) or charger.connector_status in STARTED_STATUSES
    return not charger.charging


async def refusals_explained[T](command: Awaitable[T]) -> T:
    """The command's result; a refusal becomes the translated error of its reason."""
    try:
        return await command
    except CommandRefusedError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key=f"enphase_{err.reason}"
        ) from err
