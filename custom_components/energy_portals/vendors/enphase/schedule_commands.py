"""The Enphase schedules' commands: turn one on or off, change its times, days or current,
add one, delete one. Each is checked before it is sent and reads the slots back after. A
change sends every slot as read just before (a slot left out may be deleted, so nothing is
sent when that read fails); a delete names its slot only.
"""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from ...commands import run_command
from ...const import DOMAIN, LOGGER
from ...errors import PortalError
from .commands import refusals_explained
from .schedules import OFF_PEAK, Schedules, new_slot

if TYPE_CHECKING:
    from .coordinator import EnphaseCoordinator


class ScheduleCommands:
    """The schedule commands of one site's chargers (`coordinator.schedule_commands`)."""

    def __init__(self, coordinator: EnphaseCoordinator) -> None:
        self._coordinator = coordinator
        self._client = coordinator.client
        self._site_id = coordinator.site_id

    async def async_set_schedule(
        self,
        serial: str,
        slot_id: str,
        *,
        enabled: bool | None = None,
        start: time | None = None,
        end: time | None = None,
        days: tuple[int, ...] | None = None,
        day: tuple[int, bool] | None = None,
        level: int | None = None,
    ) -> None:
        """Change one schedule (every slot is written back); a refusal keeps the old one.
        `day` turns one weekday on or off among the days read now. An off-peak schedule (the
        utility's times) can only be turned on or off."""
        coordinator = self._coordinator
        async with coordinator.schedule_lock:
            schedules = await self._async_fresh(serial)
            if schedules is None:  # every slot goes back: the app may have added one
                raise HomeAssistantError(
                    translation_domain=DOMAIN, translation_key="enphase_schedules_unread"
                )
            slot = schedules.slot(slot_id)
            if slot is None:
                raise _invalid("enphase_schedule_gone")
            if day is not None:
                if slot.days is None:
                    raise _invalid("enphase_schedule_days_unknown")
                number, on = day
                days = tuple(sorted({*slot.days, number} if on else set(slot.days) - {number}))
            if slot.kind == OFF_PEAK and (start, end, days, level) != (None, None, None, None):
                raise _invalid("enphase_schedule_off_peak")
            check_schedule(
                start if start is not None else slot.start,
                end if end is not None else slot.end,
                days if days is not None else slot.days,
            )
            if level is not None:
                level = coordinator.charge_levels(serial).snap(level)
            body = schedules.patch(
                slot_id, enabled=enabled, start=start, end=end, days=days, level=level
            )
            await run_command(
                refusals_explained(self._client.async_write_schedules(self._site_id, serial, body))
            )
            coordinator.store_schedules(serial, schedules.written(body), answer=False)
            await self._async_read_back(serial)
        coordinator.async_update_listeners()

    async def async_add_schedule(
        self,
        serial: str,
        *,
        start: time,
        end: time,
        days: tuple[int, ...],
        level: int | None = None,
        enabled: bool = True,
    ) -> None:
        """Add a schedule (at the charger's chosen current unless `level` is given); its
        entities appear once the slots are read back."""
        check_schedule(start, end, days)
        coordinator = self._coordinator
        amps = coordinator.charge_levels(serial).snap(
            level if level is not None else coordinator.charging_current(serial)
        )
        slot = new_slot(start, end, days, amps, enabled=enabled)
        async with coordinator.schedule_lock:
            await run_command(
                refusals_explained(self._client.async_add_schedule(self._site_id, serial, slot))
            )
            await self._async_read_back(serial)
        coordinator.async_update_listeners()

    async def async_delete_schedule(self, serial: str, slot_id: str) -> None:
        """Delete a schedule; its entities go with it. The off-peak one is the utility's."""
        coordinator = self._coordinator
        async with coordinator.schedule_lock:
            schedules = await self._async_fresh(serial) or coordinator.schedules.get(serial)
            slot = schedules.slot(slot_id) if schedules else None
            if schedules is None or slot is None:
                raise _invalid("enphase_schedule_gone")
            if slot.kind == OFF_PEAK:
                raise _invalid("enphase_schedule_off_peak")
            await run_command(
                refusals_explained(
                    self._client.async_delete_schedule(self._site_id, serial, slot_id)
                )
            )
            coordinator.store_schedules(
                serial, schedules.without(slot_id), answer=False, deleted=slot_id
            )
            await self._async_read_back(serial)
        coordinator.async_update_listeners()

    async def _async_fresh(self, serial: str) -> Schedules | None:
        """The slots now (the app may have changed one since the hour); None unread."""
        try:
            schedules = await self._client.async_get_schedules(self._site_id, serial)
        except PortalError as err:
            LOGGER.debug("The schedules are not read before the change: %s", err)
            return None
        self._coordinator.store_schedules(serial, schedules)
        return schedules

    async def _async_read_back(self, serial: str) -> None:
        try:
            self._coordinator.store_schedules(
                serial, await self._client.async_get_schedules(self._site_id, serial)
            )
        except PortalError as err:
            LOGGER.debug("The schedules are read again later: %s", err)


def check_schedule(start: time | None, end: time | None, days: tuple[int, ...] | None) -> None:
    """Refuse, before anything is sent, a schedule on no day or whose window is empty (the
    same start and end). An end before the start is a window over midnight, as the field
    records one (22:30 to 05:45)."""
    if days is not None and not days:
        raise _invalid("enphase_schedule_no_days")
    if start is not None and end is not None and _minute(start) == _minute(end):
        raise _invalid("enphase_schedule_empty_window")


def _minute(moment: time) -> time:
    """The cloud keeps `HH:MM`."""
    return moment.replace(second=0, microsecond=0)


def _invalid(key: str) -> HomeAssistantError:
    return ServiceValidationError(translation_domain=DOMAIN, translation_key=key)
