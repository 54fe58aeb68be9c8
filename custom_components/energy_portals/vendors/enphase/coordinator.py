"""The Enphase status coordinator: fast while a car is plugged in, slow when idle; commands.

The entry's runtime data is this coordinator (`EnphaseConfigEntry`).
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import replace
from datetime import datetime, timedelta

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from ...commands import run_command
from ...const import DOMAIN, LOGGER
from ...coordinator import PortalCoordinator
from ...devices import DeviceTracker
from ...errors import PortalError, PortalNotFoundError
from .api import Charger, ChargerSummary, CommandRefusedError, EnphaseClient, EvseStatus
from .const import METER_VALUES, SUMMARY_FAST_INTERVAL, SUMMARY_IDLE_INTERVAL, VENDOR_KEY

type EnphaseConfigEntry = ConfigEntry[EnphaseCoordinator]


def device_key(serial: str) -> str:
    """The device identifier and unique-id prefix of a charger."""
    return f"{VENDOR_KEY}_{serial}"


class EnphaseCoordinator(PortalCoordinator[EvseStatus]):
    """Polls the site's charger status and sends the chargers' commands."""

    config_entry: EnphaseConfigEntry

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
        self._summary_read_at: datetime | None = None
        self._summary_offered = True
        self.chargers = DeviceTracker(hass, entry, device_key(""), "Enphase charger")
        """The chargers the site reports: entities for new ones, removal of gone ones."""

    async def _async_fetch(self) -> EvseStatus:
        status = await self.client.async_get_status(self.site_id)
        active = any(charger.active for charger in status.chargers.values())
        self.update_interval = self.fast_interval if active else self.idle_interval
        await self._async_refresh_summaries(active)
        chargers = {
            serial: replace(charger, summary=self.summaries.get(serial))
            for serial, charger in status.chargers.items()
        }
        self.chargers.update(device_key(serial) for serial in chargers)
        return replace(status, chargers=chargers)

    def reported_device_keys(self) -> set[str]:
        """The chargers the site reports now."""
        return {device_key(serial) for serial in self.data.chargers}

    def charger(self, serial: str) -> Charger | None:
        """The charger's latest status, None when the site no longer reports it."""
        return self.data.chargers.get(serial) if self.data else None

    async def _async_refresh_summaries(self, active: bool) -> None:
        """Read the summary (lifetime meter, amp limits) when the last read is old enough.

        Once a minute while a car is plugged in, every ten minutes otherwise. A failed read keeps
        the last summary (the status still updates); a cloud without the summary (404) is not
        asked again until the entry reloads.
        """
        if not self._summary_offered:
            return
        now = dt_util.utcnow()
        interval = SUMMARY_FAST_INTERVAL if active else SUMMARY_IDLE_INTERVAL
        if self._summary_read_at is not None and now - self._summary_read_at < interval:
            return
        self._summary_read_at = now
        try:
            self.summaries = await self.client.async_get_summaries(self.site_id)
        except PortalNotFoundError:
            LOGGER.info("This Enlighten cloud offers no charger summary: energy counts sessions")
            self._summary_offered = False
        except PortalError as err:  # the status just worked: a refused summary is no reauth
            LOGGER.debug("Charger summary not read this time: %s", err)

    def charging_current(self, serial: str) -> int:
        """The current the next start uses: the user's choice, else the option's default."""
        return self.charging_currents.get(serial, self.default_charging_current)

    async def async_set_charging_current(self, serial: str, current: int) -> None:
        """Remember the current; a running session is restarted at it."""
        self.charging_currents[serial] = current
        charger = self.data.chargers.get(serial) if self.data else None
        if charger is not None and charger.charging:
            await self.async_start_charging(serial, current)

    async def async_start_charging(self, serial: str, current: int | None = None) -> None:
        """Start charging at `current` amps (default: the chosen current)."""
        if current is not None:
            self.charging_currents[serial] = current
        level = self.charging_current(serial)
        await self._async_command(self.client.async_start_charging(self.site_id, serial, level))

    async def async_stop_charging(self, serial: str) -> None:
        """Stop charging."""
        await self._async_command(self.client.async_stop_charging(self.site_id, serial))

    async def async_request_meter_values(self, serial: str) -> None:
        """Ask the charger to report its meter values now."""
        await self._async_command(
            self.client.async_trigger_message(self.site_id, serial, METER_VALUES)
        )

    async def async_start_live_stream(self) -> None:
        """Ask the cloud for faster updates for a minute."""
        await self._async_command(self.client.async_start_live_stream(self.site_id))

    async def async_stop_live_stream(self) -> None:
        """End the live stream."""
        await self._async_command(self.client.async_stop_live_stream(self.site_id))

    async def _async_command(self, command: Awaitable[None]) -> None:
        """Run a command, explain a refusal, then refresh at once (not after a failure)."""
        await run_command(_refusals_explained(command))
        await self.async_refresh()


async def _refusals_explained(command: Awaitable[None]) -> None:
    try:
        await command
    except CommandRefusedError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key=f"enphase_{err.reason}"
        ) from err
