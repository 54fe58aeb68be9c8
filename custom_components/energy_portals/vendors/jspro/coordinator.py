"""The JSPro coordinators: monitoring (fast), system (slow), device information (hours)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from homeassistant.core import HomeAssistant

from ...const import LOGGER
from ...coordinator import PortalCoordinator
from ...entity import run_command
from ...errors import PortalNotFoundError
from ...runtime import PortalConfigEntry
from .api import JsproClient
from .const import INFORMATION_INTERVAL
from .models import DeviceInformation, MonitoringData, SystemData


class EndpointGroups:
    """Which endpoint groups the device does not offer (404), each reported once."""

    def __init__(self, client: JsproClient) -> None:
        self._client = client
        self.unsupported: set[str] = set()
        self._reported: set[str] = set()

    async def fetch[T](self, group: str, call: Callable[[], Awaitable[T]]) -> T | None:
        """The group's data, or None while the device answers 404 for it."""
        if group in self.unsupported:
            return None
        try:
            data = await call()
        except PortalNotFoundError:
            self.unsupported.add(group)
            if group not in self._reported:
                self._reported.add(group)
                LOGGER.warning(
                    "The JSPro controller does not offer its %s endpoint (HTTP 404); "
                    "those entities stay unavailable, the rest keeps working",
                    group,
                )
            return None
        if group in self._reported:
            self._reported.discard(group)
            LOGGER.info("The JSPro controller offers its %s endpoint again", group)
        return data

    def reprobe(self) -> None:
        """Ask for the unsupported groups again (firmware may have been updated)."""
        self.unsupported.clear()


class JsproMonitoringCoordinator(PortalCoordinator[MonitoringData]):
    """SCC, battery and active-pack lists: one request per endpoint per cycle."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: PortalConfigEntry,
        client: JsproClient,
        interval: timedelta,
    ) -> None:
        super().__init__(hass, entry, name="JSPro monitoring", update_interval=interval)
        self.client = client
        self.groups = EndpointGroups(client)

    async def _async_fetch(self) -> MonitoringData:
        groups, client = self.groups, self.client
        return MonitoringData(
            scc=await groups.fetch("scc", client.async_get_scc),
            battery=await groups.fetch("battery", client.async_get_battery),
            active=await groups.fetch("active", client.async_get_active),
        )


class JsproSystemCoordinator(PortalCoordinator[SystemData]):
    """Resources, services, logger and alarm-log overviews; the alarm-log command."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: PortalConfigEntry,
        client: JsproClient,
        interval: timedelta,
    ) -> None:
        super().__init__(hass, entry, name="JSPro system", update_interval=interval)
        self.client = client
        self.groups = EndpointGroups(client)

    async def _async_fetch(self) -> SystemData:
        groups, client = self.groups, self.client
        return SystemData(
            resources=await groups.fetch("resources", client.async_get_resources),
            systemd=await groups.fetch("systemd", client.async_get_systemd),
            logger=await groups.fetch("logger", client.async_get_logger_overview),
            alarms=await groups.fetch("alarms", client.async_get_alarm_overview),
        )

    async def async_clear_alarm_log(self) -> dict[str, Any]:
        """Delete the SCC alarm log, then read the overview again."""
        result: dict[str, Any] = await run_command(self.client.async_clear_alarm_log())
        await self.async_request_refresh()
        return result


class JsproInformationCoordinator(PortalCoordinator[DeviceInformation]):
    """The controller's identity and versions; each read also re-probes missing endpoints."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: PortalConfigEntry,
        client: JsproClient,
        groups: tuple[EndpointGroups, ...],
    ) -> None:
        super().__init__(
            hass, entry, name="JSPro device information", update_interval=INFORMATION_INTERVAL
        )
        self.client = client
        self._groups = groups

    async def _async_fetch(self) -> DeviceInformation:
        info = await self.client.async_get_information()
        for groups in self._groups:
            groups.reprobe()
        return info
