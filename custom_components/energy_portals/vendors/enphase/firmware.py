"""The chargers' firmware from `GET /service/evse_management/fwDetails/<site>` (no Home
Assistant imports here): a bare array of `{serialNumber, currentFwVersion, targetFwVersion,
upgradeStatus, lastSuccessfulUpgradeDate, isAutoOta}` (field-payloads/enphase/)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...errors import PortalResponseError
from ...parse import as_bool, as_int, as_object, as_str
from .models import cloud_time

FIRMWARE_PATH = "/service/evse_management/fwDetails/{site}"


@dataclass(frozen=True, slots=True)
class Firmware:
    """One charger's firmware as the cloud reports it."""

    installed: str | None
    target: str | None
    upgrade_status: int | None
    last_upgrade: datetime | None
    auto_update: bool | None


def parse_firmware(body: Any) -> dict[str, Firmware]:
    """The answer by serial (a `data` envelope is accepted too)."""
    items = body if isinstance(body, list) else as_object(body).get("data")
    if not isinstance(items, list):
        raise PortalResponseError("Firmware answer has no list")
    firmware: dict[str, Firmware] = {}
    for raw in items:
        item = as_object(raw)
        serial = as_str(item.get("serialNumber"))
        if serial is None:
            continue
        firmware[serial] = Firmware(
            installed=as_str(item.get("currentFwVersion")),
            target=as_str(item.get("targetFwVersion")),
            upgrade_status=as_int(item.get("upgradeStatus")),
            last_upgrade=cloud_time(item.get("lastSuccessfulUpgradeDate")),
            auto_update=as_bool(item.get("isAutoOta")),
        )
    return firmware
