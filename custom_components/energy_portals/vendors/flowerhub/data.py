"""What each FlowerHub coordinator holds, with the derived values the entities show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from .billing import Agreements, ConsumptionReading, Invoice, InvoiceLine, Revenue
from .models import AssetOwner, Profile


@dataclass(frozen=True, slots=True)
class OwnerData:
    """The asset owner and the profile (None where the portal has none)."""

    owner: AssetOwner
    profile: Profile | None
    revenue: Revenue | None = None


@dataclass(frozen=True, slots=True)
class Uptime:
    """This month's uptime split and the monthly uptime percentages."""

    period: str | None
    this_month: float | None
    last_month: float | None
    uptime: float | None
    """Seconds."""
    downtime: float | None
    no_data: float | None

    @property
    def excluding_no_data(self) -> float | None:
        """Uptime share of the time the portal has data for, in percent (the portal's
        "actual" ratio: uptime / (uptime + downtime))."""
        measured = (self.uptime or 0.0) + (self.downtime or 0.0)
        if self.uptime is None or measured <= 0:
            return None
        return round(self.uptime / measured * 100, 2)


@dataclass(frozen=True, slots=True)
class Account:
    """Agreements, invoices, consumption and the system notification."""

    agreements: Agreements | None
    invoices: tuple[Invoice, ...]
    consumption: tuple[ConsumptionReading, ...]
    notification: str | None

    @property
    def latest_invoice_details(self) -> dict[str, Any]:
        """The latest invoice's PDF link and lines, for the invoice sensor's attributes.

        The link loses its query and fragment: the portal signs it with a token there.
        """
        invoice = self.latest_invoice
        if invoice is None:
            return {}
        return {
            "pdf": _without_query(invoice.pdf),
            "lines": [
                _line_attributes(line)
                for part in (invoice, *invoice.sub_invoices)
                for line in part.lines
            ],
        }

    @property
    def latest_invoice(self) -> Invoice | None:
        """The invoice due last (the portal's first when none has a due date)."""
        if not self.invoices:
            return None
        return max(self.invoices, key=lambda invoice: invoice.due_date or date.min)

    @property
    def unpaid_amount(self) -> float | None:
        """What the top-level invoices still ask for (sub-group invoices are inside them)."""
        amounts = [i.remaining_amount for i in self.invoices if i.remaining_amount is not None]
        return round(sum(amounts), 2) if amounts else (0.0 if self.invoices else None)

    @property
    def last_invoiced_month(self) -> date | None:
        """The latest month with consumption."""
        months = [r.invoiced_month for r in self.consumption if r.invoiced_month is not None]
        return max(months, default=None)

    @property
    def last_month_consumption(self) -> float | None:
        """kWh of the latest invoiced month, summed over sites.

        A site may have both a meter reading and a calculated value for a month; the
        reading wins so nothing is counted twice.
        """
        month = self.last_invoiced_month
        by_site: dict[str | None, ConsumptionReading] = {}
        for reading in self.consumption:
            if reading.invoiced_month != month or reading.volume is None:
                continue
            known = by_site.get(reading.site_id)
            if known is None or (_is_reading(reading) and not _is_reading(known)):
                by_site[reading.site_id] = reading
        volumes = [r.volume for r in by_site.values() if r.volume is not None]
        return round(sum(volumes), 3) if volumes else None


def _without_query(url: str | None) -> str | None:
    """The URL without its query and fragment (where signing tokens travel)."""
    return None if url is None else urlsplit(url)._replace(query="", fragment="").geturl()


def _line_attributes(line: InvoiceLine) -> dict[str, Any]:
    return {
        "name": line.name,
        "description": line.description,
        "price": line.price,
        "volume": line.volume,
        "amount": line.amount,
    }


def _is_reading(reading: ConsumptionReading) -> bool:
    return (reading.reading_type or "").lower() == "reading"
