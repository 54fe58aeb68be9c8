"""The JSPro coordinators: monitoring (fast), system (slow), device information (hours).

The entry's runtime data holds the three and the controller's identity (`JsproConfigEntry`).
The monitoring coordinator also follows the SCCs and packs behind the controller: a pack missing
from both battery lists for the removal delay is removed with its device (devices.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ...commands import run_command
from ...coordinator import PortalCoordinator
from ...devices import DeviceTracker
from ...optional_endpoints import OptionalEndpoints
from .api import JsproClient
from .const import INFORMATION_INTERVAL
from .models import DeviceInformation, MonitoringData, PowerManagement, SystemData

BOOT_JITTER = timedelta(minutes=5)
"""The uptime is text to the minute: a boot time this close to the last one is the same boot."""

type JsproConfigEntry = ConfigEntry[JsproData]


@dataclass(frozen=True, slots=True)
class PackPlace:
    """Where a pack sits on the bus (it names the pack's device)."""

    port: str
    slave_id: int


def endpoint_groups() -> OptionalEndpoints:
    """The controller's endpoint groups that may answer 404 (older firmware)."""
    return OptionalEndpoints("The JSPro controller")


class JsproMonitoringCoordinator(PortalCoordinator[MonitoringData]):
    """SCC, battery and active-pack lists: one request per endpoint per cycle."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: JsproConfigEntry,
        client: JsproClient,
        interval: timedelta,
        groups: OptionalEndpoints,
        *,
        key: str,
    ) -> None:
        super().__init__(hass, entry, name="JSPro monitoring", update_interval=interval)
        self.client = client
        self.key = key
        self.groups = groups
        self.sccs: set[str] = set()
        """Every SCC reported since setup (an SCC is never removed)."""
        self.places: dict[str, PackPlace] = {}
        """Where each pack reported since setup sits, by pack key."""
        self.scc_tracker = DeviceTracker(hass, entry, f"{key}_scc", "JSPro charge controller")
        self.packs = DeviceTracker(hass, entry, self.pack_key(""), "JSPro pack")

    def scc_key(self, scc: str) -> str:
        """The device identifier and unique-id prefix of an SCC."""
        return f"{self.key}_{scc}"

    def pack_key(self, pack: str) -> str:
        """The device identifier and unique-id prefix of a battery pack."""
        return f"{self.key}_pack_{pack}"

    async def _async_fetch(self) -> MonitoringData:
        groups, client = self.groups, self.client
        data = MonitoringData(
            scc=await groups.fetch("scc", client.async_get_scc),
            battery=await groups.fetch("battery", client.async_get_battery),
            active=await groups.fetch("active", client.async_get_active),
        )
        self._note_devices(data)
        return data

    def _note_devices(self, data: MonitoringData) -> None:
        """Remember new SCCs and packs; remove packs gone too long (when presence is known)."""
        if data.scc is not None:
            self.sccs |= set(data.scc.sccs)
        for pack in sorted(data.pack_keys - set(self.places)):
            found = (data.battery or {}).get(pack) or (data.active or {}).get(pack)
            assert found is not None
            self.places[pack] = PackPlace(found.port, found.slave_id)
        if data.battery is None and data.active is None:
            return  # the device offers neither list: presence is unknown
        for gone in self.packs.update(self.pack_key(pack) for pack in data.pack_keys):
            self.places.pop(gone.removeprefix(self.pack_key("")), None)


class JsproSystemCoordinator(PortalCoordinator[SystemData]):
    """Resources, services, logger and alarm-log overviews; the alarm-log command."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: JsproConfigEntry,
        client: JsproClient,
        interval: timedelta,
        groups: OptionalEndpoints,
    ) -> None:
        super().__init__(hass, entry, name="JSPro system", update_interval=interval)
        self.client = client
        self.groups = groups
        self._last_boot: datetime | None = None

    async def _async_fetch(self) -> SystemData:
        groups, client = self.groups, self.client
        return SystemData(
            resources=await groups.fetch("resources", client.async_get_resources),
            systemd=await groups.fetch("systemd", client.async_get_systemd),
            logger=await groups.fetch("logger", client.async_get_logger_overview),
            alarms=await groups.fetch("alarms", client.async_get_alarm_overview),
            power=self._with_last_boot(await groups.fetch("power", client.async_get_power)),
        )

    def _with_last_boot(self, power: PowerManagement | None) -> PowerManagement | None:
        """The boot time from the uptime, kept while it moves by less than the uptime's
        rounding (so the state does not change at every read)."""
        if power is None or power.uptime is None:
            return power
        boot = (dt_util.utcnow() - timedelta(seconds=power.uptime)).replace(microsecond=0)
        if self._last_boot is None or abs(boot - self._last_boot) > BOOT_JITTER:
            self._last_boot = boot
        return replace(power, last_boot=self._last_boot)

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
        entry: JsproConfigEntry,
        client: JsproClient,
        groups: tuple[OptionalEndpoints, ...],
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


@dataclass(slots=True)
class JsproData:
    """An entry at run time: the controller's key, its client and its coordinators."""

    key: str
    """The controller's device identifier and unique-id prefix."""
    client: JsproClient
    information: JsproInformationCoordinator
    monitoring: JsproMonitoringCoordinator
    system: JsproSystemCoordinator
    controller_id: str = ""
    """The controller's device registry id (set once it is registered)."""

    def coordinators(self) -> list[PortalCoordinator[Any]]:
        """Its identity, monitoring and system reads (system health)."""
        return [self.information, self.monitoring, self.system]

    def reported_device_keys(self) -> set[str]:
        """The controller, every SCC seen and the packs reported now."""
        monitoring = self.monitoring
        return (
            {self.key}
            | {monitoring.scc_key(scc) for scc in monitoring.sccs}
            | {monitoring.pack_key(pack) for pack in monitoring.data.pack_keys}
        )
