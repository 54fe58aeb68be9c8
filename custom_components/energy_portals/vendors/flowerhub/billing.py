"""FlowerHub agreements, invoices and monthly consumption, and their parsers (no HA imports).

Amounts and volumes that arrive as strings are read once, here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ...errors import PortalResponseError
from ...parse import as_datetime, as_float, as_list, as_object, as_str
from .models import as_date


@dataclass(frozen=True, slots=True)
class Agreement:
    """An electricity agreement (consumption or production)."""

    state: str | None
    state_id: str | None
    site_id: str | None
    start: datetime | None
    termination: datetime | None

    @property
    def active(self) -> bool | None:
        """Whether the portal calls the agreement active."""
        return None if self.state is None else self.state.lower() == "active"


def _agreement(value: Any) -> Agreement | None:
    if not isinstance(value, dict):
        return None
    return Agreement(
        state=as_str(value.get("stateCategory")),
        state_id=as_str(value.get("stateId")),
        site_id=as_str(value.get("siteId")),
        start=as_datetime(value.get("startDate")),
        termination=as_datetime(value.get("terminationDate")),
    )


@dataclass(frozen=True, slots=True)
class Agreements:
    """Both electricity agreements; either may be missing."""

    consumption: Agreement | None
    production: Agreement | None


def parse_agreements(body: Any) -> Agreements:
    """GET /asset-owner/{id}/electricity-agreement."""
    raw = as_object(body)
    return Agreements(
        consumption=_agreement(raw.get("consumption")),
        production=_agreement(raw.get("production")),
    )


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One line of an invoice; money and volumes parsed from their strings."""

    item_id: str | None
    name: str | None
    description: str | None
    price: float | None
    volume: float | None
    amount: float | None


@dataclass(frozen=True, slots=True)
class Invoice:
    """An invoice; a group invoice carries its per-site invoices in `sub_invoices`."""

    invoice_id: str | None
    due_date: date | None
    ocr: str | None
    status: str | None
    status_id: str | None
    period: str | None
    """Natural language, as the portal writes it ("March 2025")."""
    total_amount: float | None
    remaining_amount: float | None
    lines: tuple[InvoiceLine, ...]
    pdf: str | None
    invoice_type: str | None
    site_id: str | None
    sub_invoices: tuple[Invoice, ...]


def _line(raw: dict[str, Any]) -> InvoiceLine:
    return InvoiceLine(
        item_id=as_str(raw.get("item_id")),
        name=as_str(raw.get("name")),
        description=as_str(raw.get("description")),
        price=as_float(raw.get("price")),
        volume=as_float(raw.get("volume")),
        amount=as_float(raw.get("amount")),
    )


def parse_invoice(raw: dict[str, Any]) -> Invoice:
    """One invoice with its lines and nested sub-group invoices."""
    return Invoice(
        invoice_id=as_str(raw.get("id")),
        due_date=as_date(raw.get("due_date")),
        ocr=as_str(raw.get("ocr")),
        status=as_str(raw.get("invoice_status")),
        status_id=as_str(raw.get("invoice_status_id")),
        period=as_str(raw.get("invoice_period")),
        total_amount=as_float(raw.get("total_amount")),
        remaining_amount=as_float(raw.get("remaining_amount")),
        lines=tuple(_line(line) for line in as_list(raw.get("invoice_lines")) if _is_obj(line)),
        pdf=as_str(raw.get("invoice_pdf")),
        invoice_type=as_str(raw.get("invoice_type")),
        site_id=as_str(raw.get("site_id")),
        sub_invoices=tuple(
            parse_invoice(sub) for sub in as_list(raw.get("sub_group_invoices")) if _is_obj(sub)
        ),
    )


def _is_obj(value: Any) -> bool:
    return isinstance(value, dict)


def parse_invoices(body: Any) -> tuple[Invoice, ...]:
    """GET /asset-owner/{id}/invoice: a list (also accepted under `invoices`)."""
    if isinstance(body, dict):
        body = body.get("invoices")
    if not isinstance(body, list):
        raise PortalResponseError("Invoice answer is not a list")
    return tuple(parse_invoice(raw) for raw in body if isinstance(raw, dict))


@dataclass(frozen=True, slots=True)
class Revenue:
    """The last invoice's compensation for the battery's availability (kW and SEK)."""

    revenue_id: str
    min_available_power: float | None
    """kW the battery kept available at least."""
    compensation: float | None
    compensation_per_kw: float | None


def parse_revenue(body: Any) -> Revenue | None:
    """GET /asset/{assetId}/revenue: numbers or numeric strings; None without an `id`."""
    raw = as_object(body)
    revenue_id = as_str(raw.get("id"))
    if revenue_id is None:
        return None
    return Revenue(
        revenue_id=revenue_id,
        min_available_power=as_float(raw.get("minAvailablePower")),
        compensation=as_float(raw.get("compensation")),
        compensation_per_kw=as_float(raw.get("compensationPerKW")),
    )


@dataclass(frozen=True, slots=True)
class ConsumptionReading:
    """A month's consumption at one site."""

    site_id: str | None
    valid_from: date | None
    valid_to: date | None
    invoiced_month: date | None
    volume: float | None
    """kWh; arrives as a string or a number."""
    reading_type: str | None
    type_id: str | None


def _volume(value: Any) -> float | None:
    """kWh consumed in a month: a negative volume is no consumption (not counted)."""
    volume = as_float(value)
    return volume if volume is not None and volume >= 0 else None


def parse_consumption(body: Any) -> tuple[ConsumptionReading, ...]:
    """GET /asset-owner/{id}/consumption."""
    return tuple(
        ConsumptionReading(
            site_id=as_str(raw.get("site_id")),
            valid_from=as_date(raw.get("valid_from")),
            valid_to=as_date(raw.get("valid_to")),
            invoiced_month=as_date(raw.get("invoiced_month")),
            volume=_volume(raw.get("volume")),
            reading_type=as_str(raw.get("type")),
            type_id=as_str(raw.get("type_id")),
        )
        for raw in as_list(body)
        if isinstance(raw, dict)
    )
