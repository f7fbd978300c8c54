"""Supplier invoices (and credit memos) and how their lines match purchase-order lines.

Every invoice line names a PO (``OrderReference@orderID``) and a PO line
(``InvoiceDetailItemReference@lineNumber``); an invoice naming a PO or line that does not
exist is refused (417) before it is stored. A stored line is then compared with its PO line:

- the currency and the unit of measure must be the PO line's;
- a line may not bill more than its PO line's amount, and all invoices together (credit
  memos subtracted) may not bill more than it either ("over-billed");
- a standard invoice received after its PO was cancelled is a mismatch (a credit memo for
  a cancelled PO is expected).

Mismatches are shown, not refused, as Coupa routes them to an exception queue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from sandbox.domain.orders import PoStatus, PurchaseOrder
from sandbox.domain.requisitions import Line

__all__ = [
    "CREDIT_PURPOSES",
    "Invoice",
    "InvoiceLine",
    "LineMatch",
    "billed_to_date",
    "match_lines",
    "reference_problems",
]

CREDIT_PURPOSES = frozenset(("creditMemo", "lineLevelCreditMemo"))


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceLine:
    """One invoice line and the PO line it bills."""

    invoice_line_number: int
    po_number: int
    po_line_number: int
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    currency: str
    unit_of_measure: str
    description: str = ""
    supplier_part_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Invoice:
    """A received invoice or credit memo."""

    id: int
    supplier_id: int
    invoice_number: str
    payload_id: str
    purpose: str
    invoice_date: dt.datetime
    received_at: dt.datetime
    currency: str
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    lines: tuple[InvoiceLine, ...]
    test: bool = False
    cancelled: bool = False

    @property
    def is_credit(self) -> bool:
        """True for a credit memo."""
        return self.purpose in CREDIT_PURPOSES

    @property
    def kind(self) -> str:
        """``Invoice`` or ``Credit memo``."""
        return "Credit memo" if self.is_credit else "Invoice"

    @property
    def po_numbers(self) -> tuple[int, ...]:
        """The POs the invoice bills, in order of first appearance."""
        return tuple(dict.fromkeys(line.po_number for line in self.lines))


@dataclass(frozen=True, slots=True, kw_only=True)
class LineMatch:
    """An invoice line next to its PO line, with what does not match."""

    line: InvoiceLine
    po_line: Line | None
    billed_to_date: Decimal
    problems: tuple[str, ...]

    @property
    def matched(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems


def reference_problems(
    references: Iterable[tuple[str, int]], orders: Mapping[int, PurchaseOrder]
) -> list[str]:
    """What the invoice's ``(orderID, lineNumber)`` pairs name that does not exist."""
    problems: list[str] = []
    for order_id, line_number in references:
        number = int(order_id) if order_id.strip().isdigit() else None
        po = orders.get(number) if number is not None else None
        if po is None:
            message = f"There is no purchase order {order_id!r} from this supplier."
        elif po.line(line_number) is None:
            message = f"Purchase order {po.number} has no line {line_number}."
        else:
            continue
        if message not in problems:
            problems.append(message)
    return problems


def _signed(invoice: Invoice, amount: Decimal) -> Decimal:
    # A credit memo's amounts may arrive negative (cXML's convention) or positive: it credits.
    return -abs(amount) if invoice.is_credit else amount


def billed_to_date(invoices: Iterable[Invoice]) -> dict[tuple[int, int], Decimal]:
    """Per ``(PO number, PO line)``: what the invoices not cancelled bill, net of credits."""
    billed: dict[tuple[int, int], Decimal] = {}
    for invoice in invoices:
        if invoice.cancelled:
            continue
        for line in invoice.lines:
            key = (line.po_number, line.po_line_number)
            billed[key] = billed.get(key, Decimal(0)) + _signed(invoice, line.amount)
    return billed


def match_lines(
    invoice: Invoice,
    orders: Mapping[int, PurchaseOrder],
    billed: Mapping[tuple[int, int], Decimal],
) -> tuple[LineMatch, ...]:
    """Each line of ``invoice`` next to its PO line, with its mismatches."""
    matches = []
    for line in invoice.lines:
        po = orders.get(line.po_number)
        po_line = po.line(line.po_line_number) if po else None
        to_date = billed.get((line.po_number, line.po_line_number), Decimal(0))
        problems: list[str] = []
        if po is None or po_line is None:
            problems.append(f"PO {line.po_number} line {line.po_line_number} does not exist.")
        else:
            problems.extend(_line_problems(invoice, line, po, po_line, to_date))
        matches.append(
            LineMatch(line=line, po_line=po_line, billed_to_date=to_date, problems=tuple(problems))
        )
    return tuple(matches)


def _line_problems(
    invoice: Invoice, line: InvoiceLine, po: PurchaseOrder, po_line: Line, to_date: Decimal
) -> list[str]:
    problems = []
    if line.currency != po_line.currency:
        problems.append(f"Currency {line.currency} differs from the PO's {po_line.currency}.")
    if line.unit_of_measure.casefold() != po_line.unit_of_measure.casefold():
        problems.append(
            f"Unit of measure {line.unit_of_measure} differs from the PO's "
            f"{po_line.unit_of_measure}."
        )
    if not invoice.is_credit:
        # A cancelled PO keeps the invoices received before (a credit memo settles them).
        if po.status is PoStatus.CANCELLED and invoice.received_at >= po.updated_at:
            problems.append(f"PO {po.number} was cancelled before this invoice.")
        if line.amount > po_line.total:
            problems.append(
                f"The line bills {line.amount}, more than the PO line's {po_line.total}."
            )
    if to_date > po_line.total:
        problems.append(f"Over-billed: {to_date} billed to date against {po_line.total} ordered.")
    return problems
