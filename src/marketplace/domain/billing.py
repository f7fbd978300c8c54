"""Billing: what an agreement owes up to a date, as invoices that are made exactly once.

============================  ==============================================================
upfront (a contract)          its contract charge, on the start date (a server annual
                              contract: on the day its second purchase order made it final)
flexible payment schedule     each instalment on its date (start + its month offset)
pay-as-you-go usage           each calendar month that has ended, from the usage records of
                              the month priced by the offer's usage dimensions (the approved
                              budget is an estimate and is never invoiced)
free, BYOL, free trial        nothing
cancellation                  a credit memo for the unused part of each upfront or instalment
                              invoice (its amount times the share of its period left; the
                              amounts of a credit memo are negative)
============================  ==============================================================

Each invoice has a **billing key** (``upfront``, ``instalment:2``, ``usage:2026-03``,
``credit:<invoice id>``) unique per agreement, so a billing run that meets an invoice it
already made skips it: running twice makes nothing new.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from marketplace.domain.agreements import Agreement, AgreementStatus, PaymentModel, add_months
from marketplace.domain.catalog import Dimension, DimensionKind, PricingModel
from marketplace.domain.charges import ChargeKind, to_cents

__all__ = [
    "Invoice",
    "InvoiceDraft",
    "InvoiceKind",
    "InvoiceLine",
    "SellerKey",
    "UsageRecord",
    "cxml_invoiced",
    "due_invoices",
    "month_of",
    "tax_for",
]

_CENT = Decimal("0.01")


class InvoiceKind(enum.Enum):
    """What an invoice is for."""

    UPFRONT = "upfront"
    INSTALMENT = "instalment"
    USAGE = "usage"
    CREDIT_MEMO = "credit_memo"

    @property
    def is_credit(self) -> bool:
        """True for credit memos (their amounts are what is given back)."""
        return self is InvoiceKind.CREDIT_MEMO


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One line: what, how many at what price, and the purchase order line it bills."""

    number: int
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    supplier_part_id: str
    purchase_order_line: int | None = None
    unit_of_measure: str = "EA"


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceDraft:
    """An invoice an agreement owes (before it has a number)."""

    billing_key: str
    kind: InvoiceKind
    invoice_date: dt.date
    period_start: dt.date
    period_end: dt.date
    lines: tuple[InvoiceLine, ...]
    original_invoice_id: str | None = None

    @property
    def subtotal(self) -> Decimal:
        """The sum of the lines."""
        return sum((line.amount for line in self.lines), Decimal("0.00"))


@dataclass(frozen=True, slots=True, kw_only=True)
class Invoice:
    """An invoice (or credit memo) made for an agreement.

    ``purchase_order_number`` is set when the organization's billing integration was on when
    it was made; ``cxml`` says whether it goes to the buyer's procurement system as a cXML
    InvoiceDetailRequest (then ``message_id`` is its outbox message).
    """

    id: str
    number: str
    organization_id: str
    account_id: str
    agreement_id: str
    billing_key: str
    kind: InvoiceKind
    invoice_date: dt.date
    period_start: dt.date
    period_end: dt.date
    currency: str
    lines: tuple[InvoiceLine, ...]
    subtotal: Decimal
    tax_rate: Decimal
    tax: Decimal
    total: Decimal
    product_id: str
    product_title: str
    created_at: dt.datetime
    purchase_order_number: str | None = None
    original_invoice_id: str | None = None
    connection_id: str | None = None
    cxml: bool = False
    message_id: str | None = None


@dataclass(frozen=True, slots=True)
class UsageRecord:
    """Metered usage a seller reported: ``quantity`` units of ``dimension`` at ``occurred_at``.

    ``id`` is the seller's record id: reporting it again changes nothing."""

    id: str
    agreement_id: str
    dimension: str
    quantity: Decimal
    occurred_at: dt.datetime
    reported_at: dt.datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class SellerKey:
    """A seller's metering key (``sk_<prefix>_<secret>``; only its SHA-256 is kept)."""

    id: str
    seller_id: str
    prefix: str
    key_hash: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None


def month_of(day: dt.date) -> str:
    """``2026-03`` for any day of March 2026."""
    return f"{day.year:04d}-{day.month:02d}"


def tax_for(subtotal: Decimal, rate: Decimal) -> Decimal:
    """The tax on ``subtotal`` at ``rate`` (0.2 for 20 %), rounded half up to cents."""
    return (subtotal * rate).quantize(_CENT, rounding=ROUND_HALF_UP)


def cxml_invoiced(kind: InvoiceKind, original_kind: InvoiceKind | None = None) -> bool:
    """Whether an invoice of this kind goes out as cXML: upfront and instalment invoices, and
    credit memos for them; never usage."""
    if kind.is_credit:
        return original_kind in (InvoiceKind.UPFRONT, InvoiceKind.INSTALMENT)
    return kind in (InvoiceKind.UPFRONT, InvoiceKind.INSTALMENT)


def _line(agreement: Agreement, description: str, amount: Decimal) -> InvoiceLine:
    po_line = agreement.purchase_order_lines[0] if agreement.purchase_order_lines else None
    return InvoiceLine(
        number=1,
        description=f"{agreement.product_title} - {agreement.offer_name}: {description}",
        quantity=Decimal(1),
        unit_price=amount,
        amount=amount,
        supplier_part_id=agreement.offer_id,
        purchase_order_line=po_line,
    )


def _billed_until(agreement: Agreement, as_of: dt.date) -> dt.date:
    """The last day that may be billed: ``as_of``, or the day before a cancellation."""
    if agreement.status is AgreementStatus.CANCELLED and agreement.cancelled_at is not None:
        return min(as_of, agreement.cancelled_at.date())
    return as_of


def due_invoices(
    agreement: Agreement,
    as_of: dt.date,
    *,
    billed: Mapping[str, Invoice],
    usage: Iterable[UsageRecord] = (),
    dimensions: Sequence[Dimension] = (),
) -> tuple[InvoiceDraft, ...]:
    """The invoices ``agreement`` owes up to ``as_of`` that are not in ``billed`` (by key)."""
    drafts: list[InvoiceDraft] = []
    until = _billed_until(agreement, as_of)
    end = agreement.ends_on or add_months(agreement.starts_on, 12)
    if agreement.payment_model is PaymentModel.UPFRONT:
        start = agreement.starts_on
        if agreement.pricing_model is PricingModel.SERVER_ANNUAL:
            start = agreement.updated_at.date()
        upfront = [c for c in agreement.charges if c.kind is ChargeKind.UPFRONT]
        if upfront and start <= until and upfront[0].amount > 0:
            drafts.append(
                InvoiceDraft(
                    billing_key="upfront",
                    kind=InvoiceKind.UPFRONT,
                    invoice_date=start,
                    period_start=start,
                    period_end=agreement.ends_on or add_months(start, 12),
                    lines=(_line(agreement, upfront[0].label, upfront[0].amount),),
                )
            )
    elif agreement.payment_model is PaymentModel.FLEXIBLE_PAYMENT_SCHEDULE:
        instalments = [c for c in agreement.charges if c.kind is ChargeKind.INSTALMENT]
        for index, charge in enumerate(instalments, start=1):
            due = add_months(agreement.starts_on, charge.due_month)
            following = (
                add_months(agreement.starts_on, instalments[index].due_month)
                if index < len(instalments)
                else end
            )
            if due <= until and charge.amount > 0:
                drafts.append(
                    InvoiceDraft(
                        billing_key=f"instalment:{index}",
                        kind=InvoiceKind.INSTALMENT,
                        invoice_date=due,
                        period_start=due,
                        period_end=max(following, due),
                        lines=(_line(agreement, charge.label, charge.amount),),
                    )
                )
    drafts.extend(_usage_drafts(agreement, as_of, usage, dimensions))
    drafts.extend(_credit_drafts(agreement, as_of, billed))
    return tuple(d for d in drafts if d.billing_key not in billed)


def _usage_drafts(
    agreement: Agreement,
    as_of: dt.date,
    usage: Iterable[UsageRecord],
    dimensions: Sequence[Dimension],
) -> list[InvoiceDraft]:
    if agreement.payment_model in (PaymentModel.FREE, PaymentModel.BYOL, PaymentModel.FREE_TRIAL):
        return []
    prices = {d.key: d for d in dimensions if d.kind is DimensionKind.USAGE}
    months: dict[str, dict[str, Decimal]] = {}
    for record in usage:
        if record.dimension in prices:
            per_dimension = months.setdefault(month_of(record.occurred_at.date()), {})
            per_dimension[record.dimension] = (
                per_dimension.get(record.dimension, Decimal(0)) + record.quantity
            )
    drafts = []
    for month, quantities in sorted(months.items()):
        first = dt.date(int(month[:4]), int(month[5:]), 1)
        after = add_months(first, 1)
        if after > as_of:  # only months that have ended are billed
            continue
        lines: list[InvoiceLine] = []
        for key, quantity in sorted(quantities.items()):
            dimension = prices[key]
            amount = to_cents(dimension.price * quantity)
            if amount <= 0:
                continue
            lines.append(
                InvoiceLine(
                    number=len(lines) + 1,
                    description=f"{agreement.product_title}: {dimension.name} ({month})",
                    quantity=quantity,
                    unit_price=dimension.price,
                    amount=amount,
                    supplier_part_id=agreement.offer_id,
                    unit_of_measure="EA",
                )
            )
        if lines:
            drafts.append(
                InvoiceDraft(
                    billing_key=f"usage:{month}",
                    kind=InvoiceKind.USAGE,
                    invoice_date=after,
                    period_start=first,
                    period_end=after,
                    lines=tuple(lines),
                )
            )
    return drafts


def _credit_drafts(
    agreement: Agreement, as_of: dt.date, billed: Mapping[str, Invoice]
) -> list[InvoiceDraft]:
    if agreement.status is not AgreementStatus.CANCELLED or agreement.cancelled_at is None:
        return []
    cancelled = agreement.cancelled_at.date()
    if cancelled > as_of:
        return []
    drafts = []
    for invoice in billed.values():
        if invoice.kind not in (InvoiceKind.UPFRONT, InvoiceKind.INSTALMENT):
            continue
        days = (invoice.period_end - invoice.period_start).days
        left = (invoice.period_end - max(cancelled, invoice.period_start)).days
        if days <= 0 or left <= 0:
            continue
        unused = to_cents(invoice.subtotal * Decimal(left) / Decimal(days))
        if unused <= 0:
            continue
        lines = tuple(
            InvoiceLine(
                number=line.number,
                description=f"Credit for the unused part of {invoice.number}: {line.description}",
                quantity=Decimal(1),
                unit_price=-to_cents(line.amount * Decimal(left) / Decimal(days)),
                amount=-to_cents(line.amount * Decimal(left) / Decimal(days)),
                supplier_part_id=line.supplier_part_id,
                purchase_order_line=line.purchase_order_line,
                unit_of_measure=line.unit_of_measure,
            )
            for line in invoice.lines
        )
        drafts.append(
            InvoiceDraft(
                billing_key=f"credit:{invoice.id}",
                kind=InvoiceKind.CREDIT_MEMO,
                invoice_date=cancelled,
                period_start=max(cancelled, invoice.period_start),
                period_end=invoice.period_end,
                lines=lines,
                original_invoice_id=invoice.id,
            )
        )
    return drafts
