"""The Emporia coordinators: the device list (slow poll) and the live channels (socket push)."""

from __future__ import annotations

from collections.abc import Callable

from homeassistant.core import HomeAssistant

from ...coordinator import PortalCoordinator
from ...runtime import PortalConfigEntry
from .api import EmporiaClient, EmporiaDevice
from .const import DEVICES_INTERVAL
from .live import LiveSnapshot, LiveState, clock


class EmporiaDevicesCoordinator(PortalCoordinator[dict[int, EmporiaDevice]]):
    """Names, models, firmware and channels from /devices, read again every few hours."""

    def __init__(
        self, hass: HomeAssistant, entry: PortalConfigEntry, client: EmporiaClient
    ) -> None:
        super().__init__(hass, entry, name="Emporia devices", update_interval=DEVICES_INTERVAL)
        self.client = client

    async def _async_fetch(self) -> dict[int, EmporiaDevice]:
        return await self.client.async_get_devices()


class EmporiaLiveCoordinator(PortalCoordinator[LiveSnapshot]):
    """Live channel values; the socket pushes them with async_set_updated_data (throttled)."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: PortalConfigEntry,
        state: LiveState,
        now: Callable[[], float] = clock,
    ) -> None:
        super().__init__(hass, entry, name="Emporia live usage", update_interval=None)
        self.state = state
        self._now = now

    async def _async_fetch(self) -> LiveSnapshot:
        return self.state.snapshot(self._now())
