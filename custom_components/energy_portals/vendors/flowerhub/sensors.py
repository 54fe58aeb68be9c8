"""The two FlowerHub sensors the generic sensor cannot draw."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from homeassistant.util import dt as dt_util

from ...sensor import PortalSensor
from .data import Account
from .entities import STATUSES
from .models import Asset


class FlowerHubStatusSensor(PortalSensor[Asset]):
    """The FlowerHub status: an enum that keeps states the portal adds later."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen = list(STATUSES)

    @property
    def options(self) -> list[str]:
        status = self.subject.status if self.subject else None
        if status is not None and status not in self._seen:
            self._seen.append(status)
        return self._seen


class MonthlyConsumptionSensor(PortalSensor[Account]):
    """The last invoiced month's kWh; each month starts a new total (last_reset)."""

    @property
    def last_reset(self) -> datetime | None:
        account = self.subject
        month = account.last_invoiced_month if account else None
        if month is None:
            return None
        return dt_util.start_of_local_day(month.replace(day=1))
