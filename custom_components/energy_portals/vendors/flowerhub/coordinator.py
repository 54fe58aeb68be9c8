"""The FlowerHub coordinators, one per cadence; each refresh asks each endpoint once.

The entry's runtime data holds the client and the four coordinators (`FlowerHubConfigEntry`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from ...const import DOMAIN, LOGGER
from ...coordinator import PortalCoordinator
from ...optional_endpoints import OptionalEndpoints
from .api import FlowerHubClient
from .const import (
    ACCOUNT_INTERVAL,
    DISCONNECTED_REPAIR_AFTER,
    ISSUE_DISCONNECTED,
    ISSUE_PORTAL_DOWN,
    NOTIFICATION,
    OWNER_INTERVAL,
    PORTAL_DOWN_REPAIR_AFTER,
    PORTAL_ZONE,
    UPTIME_INTERVAL,
    VENDOR_KEY,
)
from .data import Account, OwnerData, Uptime
from .models import Asset

type FlowerHubConfigEntry = ConfigEntry[FlowerHubData]

# The data groups an account may lack; entities name theirs in their description.
PROFILE = "profile"
REVENUE = "revenue"
UPTIME_MONTHS = "uptime months"
UPTIME_HISTORY = "uptime history"
UPTIME_PIE = "uptime pie"
AGREEMENTS = "agreements"
INVOICES = "invoices"
CONSUMPTION = "consumption"
NOTIFICATION_GROUP = "system notification"


NOT_IN_PLAN = (
    "this data is not part of the account (nothing to do); those entities stay unavailable"
)


def optional_endpoints() -> OptionalEndpoints:
    """The account's data groups that may be missing (404) or refused to it (403)."""
    return OptionalEndpoints("The FlowerHub account", NOT_IN_PLAN)


def previous_month(period: str) -> str | None:
    """`YYYY-MM` of the month before `period`; None when it is not `YYYY-MM`."""
    try:
        year, month = (int(part) for part in period.split("-"))
    except ValueError:
        return None
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def _hundredths(value: float | None) -> float | None:
    """A share of the month as the portal shows it (0.01); its raw digits are float noise."""
    return None if value is None else round(value, 2)


def uptime_percent(pie: dict[str, float]) -> float | None:
    """Uptime share of the measured time, in percent."""
    total = sum(pie.get(name, 0.0) for name in ("uptime", "downtime", "noData"))
    return round(pie.get("uptime", 0.0) / total * 100, 2) if total > 0 else None


class FlowerHubOwnerCoordinator(PortalCoordinator[OwnerData]):
    """The asset owner and profile, every few hours."""

    endpoints: OptionalEndpoints

    def __init__(
        self,
        hass: HomeAssistant,
        entry: FlowerHubConfigEntry,
        client: FlowerHubClient,
        owner_id: str,
        endpoints: OptionalEndpoints,
    ) -> None:
        super().__init__(hass, entry, name="FlowerHub owner", update_interval=OWNER_INTERVAL)
        self.client = client
        self.owner_id = owner_id
        self.endpoints = endpoints

    async def _async_fetch(self) -> OwnerData:
        owner = await self.client.async_get_asset_owner(self.owner_id)
        if owner.asset_id is None:
            owner = replace(owner, asset_id=await self.client.async_get_asset_id(self.owner_id))
        profile = await self.endpoints.fetch(
            PROFILE, partial(self.client.async_get_profile, self.owner_id)
        )
        revenue = None
        if owner.asset_id is not None:
            revenue = await self.endpoints.fetch(
                REVENUE, partial(self.client.async_get_revenue, owner.asset_id)
            )
        return OwnerData(owner=owner, profile=profile, revenue=revenue)


class FlowerHubStatusCoordinator(PortalCoordinator[Asset]):
    """The battery system's status; raises a repair issue after a long disconnection, and
    another when the portal has failed for hours in a row."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: FlowerHubConfigEntry,
        client: FlowerHubClient,
        asset_id: str,
        interval: timedelta,
    ) -> None:
        super().__init__(hass, entry, name="FlowerHub status", update_interval=interval)
        self.client = client
        self.asset_id = asset_id
        self.disconnected_since: datetime | None = None
        self.issue_id = f"{ISSUE_DISCONNECTED}_{entry.entry_id}"
        self.portal_issue_id = f"{ISSUE_PORTAL_DOWN}_{entry.entry_id}"
        self.data_updated: datetime | None = None
        """When the portal last answered the status (the data's age)."""
        self.failing_since: datetime | None = None

    async def _async_fetch(self) -> Asset:
        asset = await self.client.async_get_asset(self.asset_id)
        self._track_disconnection(asset)
        return asset

    async def _async_update_data(self) -> Asset:
        """Fetch; keep when data last came, and how long the portal has failed."""
        now = dt_util.utcnow()
        try:
            asset = await super()._async_update_data()
        except Exception:
            self._track_failure(now)
            raise
        self.data_updated = now
        if self.failing_since is not None:
            self.failing_since = None
            ir.async_delete_issue(self.hass, DOMAIN, self.portal_issue_id)
        return asset

    def _track_failure(self, now: datetime) -> None:
        if self.failing_since is None:
            self.failing_since = self.data_updated or now
        hours = (now - self.failing_since) / timedelta(hours=1)
        if now - self.failing_since >= PORTAL_DOWN_REPAIR_AFTER:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                self.portal_issue_id,
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key=ISSUE_PORTAL_DOWN,
                translation_placeholders={
                    "hours": str(int(hours)),
                    "title": self.config_entry.title,
                },
            )

    def _track_disconnection(self, asset: Asset) -> None:
        if asset.connected is None:
            return  # a status that is neither: neither starts nor ends a disconnection
        if asset.connected:
            if self.disconnected_since is not None:
                LOGGER.info("FlowerHub battery system is connected again")
            self.disconnected_since = None
            self.clear_issue()
            return
        now = dt_util.utcnow()
        if self.disconnected_since is None:
            self.disconnected_since = now
        hours = (now - self.disconnected_since) / timedelta(hours=1)
        if now - self.disconnected_since >= DISCONNECTED_REPAIR_AFTER:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                self.issue_id,
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key=ISSUE_DISCONNECTED,
                translation_placeholders={
                    "hours": str(int(hours)),
                    "title": self.config_entry.title,
                },
            )

    def clear_issue(self) -> None:
        """Remove the disconnection repair issue (when back, or when the entry unloads)."""
        ir.async_delete_issue(self.hass, DOMAIN, self.issue_id)

    def clear_issues(self) -> None:
        """Remove both repair issues (when the entry unloads)."""
        self.clear_issue()
        ir.async_delete_issue(self.hass, DOMAIN, self.portal_issue_id)


class FlowerHubUptimeCoordinator(PortalCoordinator[Uptime]):
    """This month's uptime, hourly."""

    endpoints: OptionalEndpoints

    def __init__(
        self,
        hass: HomeAssistant,
        entry: FlowerHubConfigEntry,
        client: FlowerHubClient,
        asset_id: str,
        endpoints: OptionalEndpoints,
    ) -> None:
        super().__init__(hass, entry, name="FlowerHub uptime", update_interval=UPTIME_INTERVAL)
        self.client = client
        self.asset_id = asset_id
        self.endpoints = endpoints

    async def _async_fetch(self) -> Uptime:
        client, asset_id, fetch = self.client, self.asset_id, self.endpoints.fetch
        months = await fetch(UPTIME_MONTHS, partial(client.async_get_uptime_months, asset_id)) or []
        # The portal's months are Swedish months, whatever Home Assistant's zone.
        period = months[-1] if months else dt_util.now(PORTAL_ZONE).strftime("%Y-%m")
        history = (
            await fetch(UPTIME_HISTORY, partial(client.async_get_uptime_history, asset_id)) or {}
        )
        pie = await fetch(UPTIME_PIE, partial(client.async_get_uptime_pie, asset_id, period)) or {}
        last = previous_month(period)
        this_month = history.get(period)
        return Uptime(
            period=period,
            this_month=this_month if this_month is not None else uptime_percent(pie),
            last_month=history.get(last) if last else None,
            uptime=_hundredths(pie.get("uptime")),
            downtime=_hundredths(pie.get("downtime")),
            no_data=_hundredths(pie.get("noData")),
        )


class FlowerHubAccountCoordinator(PortalCoordinator[Account]):
    """Agreements, invoices, consumption and the notification, every few hours."""

    endpoints: OptionalEndpoints

    def __init__(
        self,
        hass: HomeAssistant,
        entry: FlowerHubConfigEntry,
        client: FlowerHubClient,
        owner_id: str,
        endpoints: OptionalEndpoints,
    ) -> None:
        super().__init__(hass, entry, name="FlowerHub account", update_interval=ACCOUNT_INTERVAL)
        self.client = client
        self.owner_id = owner_id
        self.endpoints = endpoints

    async def _async_fetch(self) -> Account:
        client, owner_id, fetch = self.client, self.owner_id, self.endpoints.fetch
        return Account(
            agreements=await fetch(AGREEMENTS, partial(client.async_get_agreements, owner_id)),
            invoices=await fetch(INVOICES, partial(client.async_get_invoices, owner_id)) or (),
            consumption=await fetch(CONSUMPTION, partial(client.async_get_consumption, owner_id))
            or (),
            notification=await fetch(
                NOTIFICATION_GROUP, partial(client.async_get_system_notification, NOTIFICATION)
            ),
        )


@dataclass(frozen=True, slots=True)
class FlowerHubData:
    """An entry at run time: its client and one coordinator per cadence."""

    client: FlowerHubClient
    endpoints: OptionalEndpoints
    """The account's data groups that are missing or refused (their entities unavailable)."""
    owner: FlowerHubOwnerCoordinator
    status: FlowerHubStatusCoordinator
    uptime: FlowerHubUptimeCoordinator
    account: FlowerHubAccountCoordinator

    @property
    def device_key(self) -> str:
        """The battery system's identifier: its serial number, else the asset id."""
        owner = self.owner.data.owner
        return f"{VENDOR_KEY}_{owner.serial_number or owner.asset_id}"

    def coordinators(self) -> list[PortalCoordinator[Any]]:
        """One per cadence (system health)."""
        return [self.owner, self.status, self.uptime, self.account]

    def reported_device_keys(self) -> set[str]:
        """The battery system (always reported while the entry is loaded)."""
        return {self.device_key}
