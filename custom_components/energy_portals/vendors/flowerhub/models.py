"""FlowerHub data models and their parsers (no Home Assistant imports here).

Numbers that arrive as strings (amounts, volumes, ids) are read once, here; agreements,
invoices and consumption are in billing.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from ...errors import PortalResponseError
from ...parse import as_bool, as_datetime, as_float, as_int, as_list, as_object, as_str, clean_name


def as_date(value: Any) -> date | None:
    """A date from `YYYY-MM-DD` or an ISO 8601 date-time; None when unreadable."""
    moment = as_datetime(value)
    return None if moment is None else moment.date()


@dataclass(frozen=True, slots=True)
class Login:
    """Who logged in: the asset owner id is the account's identity."""

    user_id: str | None
    asset_owner_id: str
    name: str | None
    email: str | None


def parse_login(body: Any) -> Login:
    """The /auth/login answer (`user` object) or the /auth/refresh-token answer (the user)."""
    user = as_object(body.get("user", body)) if isinstance(body, dict) else {}
    owner_id = as_str(user.get("assetOwnerId"))
    if owner_id is None:
        raise PortalResponseError("Login answer has no asset owner id")
    return Login(
        user_id=as_str(user.get("id")),
        asset_owner_id=owner_id,
        name=as_str(user.get("name")),
        email=as_str(user.get("email")),
    )


@dataclass(frozen=True, slots=True)
class AssetOwner:
    """The owner's battery system, installer and compensation."""

    owner_id: str
    asset_id: str | None
    serial_number: str | None
    asset_model: str | None
    asset_manufacturer: str | None
    installer: str | None
    distributor: str | None
    compensation_status: str | None
    compensation_message: str | None
    compensation_start: date | None
    first_name: str | None
    last_name: str | None


def parse_asset_owner(body: Any) -> AssetOwner:
    """GET /asset-owner/{id}."""
    if not isinstance(body, dict):
        raise PortalResponseError("Asset owner answer is not an object")
    asset = as_object(body.get("asset"))
    model = as_object(asset.get("assetModel"))
    compensation = as_object(body.get("compensation"))
    owner_id = as_str(body.get("id"))
    if owner_id is None:
        raise PortalResponseError("Asset owner answer has no id")
    return AssetOwner(
        owner_id=owner_id,
        asset_id=as_str(asset.get("id", body.get("assetId"))),
        serial_number=as_str(asset.get("serialNumber")),
        asset_model=clean_name(model.get("name")),
        asset_manufacturer=as_str(model.get("manufacturer")),
        installer=as_str(as_object(body.get("installer")).get("name")),
        distributor=as_str(as_object(body.get("distributor")).get("name")),
        compensation_status=as_str(compensation.get("status")),
        compensation_message=as_str(compensation.get("message")),
        compensation_start=as_date(body.get("bessCompensationStartDate")),
        first_name=as_str(body.get("firstName")),
        last_name=as_str(body.get("lastName")),
    )


def parse_asset_id(body: Any) -> str | None:
    """GET /asset-owner/{id}/withAssetId: the asset id."""
    return as_str(body.get("assetId")) if isinstance(body, dict) else None


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address."""

    street: str | None
    postal_code: str | None
    city: str | None


def _address(value: Any) -> Address:
    raw = as_object(value)
    return Address(
        street=as_str(raw.get("street")),
        postal_code=as_str(raw.get("postalCode")),
        city=as_str(raw.get("city")),
    )


@dataclass(frozen=True, slots=True)
class Profile:
    """The owner's profile: contact details and account status."""

    first_name: str | None
    last_name: str | None
    main_email: str | None
    contact_email: str | None
    phone: str | None
    address: Address
    account_status: str | None
    installer: str | None
    installer_address: Address


def parse_profile(body: Any) -> Profile:
    """GET /asset-owner/{id}/profile."""
    if not isinstance(body, dict):
        raise PortalResponseError("Profile answer is not an object")
    installer = as_object(body.get("installer"))
    return Profile(
        first_name=as_str(body.get("firstName")),
        last_name=as_str(body.get("lastName")),
        main_email=as_str(body.get("mainEmail")),
        contact_email=as_str(body.get("contactEmail")),
        phone=as_str(body.get("phone")),
        address=_address(body.get("address")),
        account_status=as_str(body.get("accountStatus")),
        installer=as_str(installer.get("name")),
        installer_address=_address(installer.get("address")),
    )


@dataclass(frozen=True, slots=True)
class Component:
    """An inverter or a battery: maker, model and capacities."""

    manufacturer: str | None
    model: str | None
    power_capacity: float | None
    """kW."""
    energy_capacity: float | None
    """kWh (batteries only)."""
    battery_stacks: int | None = None
    """Battery stacks the inverter supports (inverters only)."""
    min_modules: int | None = None
    """Battery modules the battery takes at least (batteries only)."""
    max_modules: int | None = None


def _component(value: Any) -> Component:
    raw = as_object(value)
    return Component(
        manufacturer=as_str(raw.get("manufacturerName")),
        model=clean_name(raw.get("name")),
        power_capacity=as_float(raw.get("powerCapacity")),
        energy_capacity=as_float(raw.get("energyCapacity")),
        battery_stacks=as_int(raw.get("numberOfBatteryStacksSupported")),
        min_modules=as_int(raw.get("minNumberOfBatteryModules")),
        max_modules=as_int(raw.get("maxNumberOfBatteryModules")),
    )


@dataclass(frozen=True, slots=True)
class Asset:
    """The battery system's hardware and its FlowerHub status."""

    asset_id: str | None
    inverter: Component
    battery: Component
    fuse_size: float | None
    """The main fuse in amperes; None while not entered (the portal then says 0)."""
    status: str | None
    """Lower case: `connected`, `disconnected` or whatever else the portal says."""
    status_message: str | None
    installed: bool | None

    @property
    def connected(self) -> bool | None:
        """True when connected, False when disconnected, None for other states."""
        if self.status == "connected":
            return True
        if self.status == "disconnected":
            return False
        return None


def parse_asset(body: Any) -> Asset:
    """GET /asset/{assetId}."""
    if not isinstance(body, dict):
        raise PortalResponseError("Asset answer is not an object")
    status = as_object(body.get("flowerHubStatus"))
    raw_status = as_str(status.get("status"))
    return Asset(
        asset_id=as_str(body.get("id")),
        inverter=_component(body.get("inverter")),
        battery=_component(body.get("battery")),
        fuse_size=as_float(body.get("fuseSize")) or None,
        status=raw_status.lower().replace(" ", "_") if raw_status else None,
        status_message=as_str(status.get("message")),
        installed=as_bool(body.get("isInstalled")),
    )


def parse_months(body: Any) -> list[str]:
    """GET .../available-months/{assetId}: the `YYYY-MM` values, oldest first."""
    return [v for raw in as_list(body) if (v := as_str(as_object(raw).get("value"))) is not None]


def parse_history(body: Any) -> dict[str, float]:
    """GET .../bar-chart/history/{assetId}: uptime percent by `YYYY-MM`."""
    history: dict[str, float] = {}
    for raw in as_list(body):
        item = as_object(raw)
        month, uptime = as_str(item.get("date")), as_float(item.get("uptime"))
        if month is not None and uptime is not None:
            history[month] = uptime
    return history


def parse_pie(body: Any) -> dict[str, float]:
    """GET .../pie-chart/{assetId}?period=: seconds by name (uptime, downtime, noData)."""
    pie: dict[str, float] = {}
    for raw in as_list(body):
        item = as_object(raw)
        name, value = as_str(item.get("name")), as_float(item.get("value"))
        if name is not None and value is not None:
            pie[name] = value
    return pie


def parse_notification(text: str) -> str | None:
    """A system notification: empty body is "no notification"; else its message or text."""
    stripped = text.strip()
    if not stripped:
        return None
    try:
        value = json.loads(stripped)
    except ValueError:
        return None
    if isinstance(value, dict):
        return as_str(value.get("message") or value.get("text") or value.get("title"))
    return as_str(value) if isinstance(value, str) else None
