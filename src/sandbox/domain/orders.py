"""Purchase orders and their transmission to the supplier.

A PO is issued from an approved requisition with the next number (Coupa-like plain numbers,
the first is 6112) at version 1. A change (new quantities, or lines removed) makes version + 1
and is sent as ``type="update"`` with the whole new line set; a cancellation makes version + 1
and is sent as ``type="delete"``. Each sending is a :class:`Transmission` with the supplier's
answer: 2xx accepted; 4xx rejected (Coupa does not retry those); a 5xx, a transport error or
an answer that is not cXML failed, and can be resent (Coupa retries those).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from sandbox.domain.errors import InputError, RuleError
from sandbox.domain.requisitions import Line

__all__ = [
    "FIRST_PO_NUMBER",
    "OrderType",
    "Outcome",
    "PoStatus",
    "PurchaseOrder",
    "Transmission",
    "cancel",
    "change_quantities",
    "next_po_number",
]

FIRST_PO_NUMBER = 6112


class PoStatus(enum.Enum):
    """Whether the PO stands."""

    ISSUED = "issued"
    CANCELLED = "cancelled"


class OrderType(enum.Enum):
    """``OrderRequestHeader@type``."""

    NEW = "new"
    UPDATE = "update"
    DELETE = "delete"


class Outcome(enum.Enum):
    """What became of one transmission."""

    ACCEPTED = "accepted"  # a 2xx cXML status
    REJECTED = "rejected"  # a 4xx: the supplier refused the document; not retried
    FAILED = "failed"  # unreachable, 5xx, or no cXML answer: resend it

    @property
    def label(self) -> str:
        """The outcome as the pages show it."""
        return {"accepted": "Accepted", "rejected": "Rejected", "failed": "Failed"}[self.value]


@dataclass(frozen=True, slots=True, kw_only=True)
class PurchaseOrder:
    """A purchase order: its lines as of its current version."""

    number: int
    requisition_id: int
    supplier_id: int
    requester_email: str
    version: int
    status: PoStatus
    lines: tuple[Line, ...]
    test: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def total(self) -> Decimal:
        """The sum of the lines."""
        return sum((line.total for line in self.lines), Decimal(0))

    @property
    def currency(self) -> str:
        """The lines' currency."""
        return self.lines[0].currency if self.lines else "USD"

    def line(self, line_number: int) -> Line | None:
        """The line with this number, or None."""
        return next((line for line in self.lines if line.line_number == line_number), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Transmission:
    """One OrderRequest sent for a PO version, and the supplier's answer."""

    id: int
    po_number: int
    version: int
    order_type: OrderType
    payload_id: str
    sent_at: dt.datetime
    outcome: Outcome
    http_status: int | None = None
    status_code: int | None = None
    status_text: str = ""
    detail: str = ""
    document: str = ""  # the OrderRequest as sent, shared secret removed

    @property
    def answer(self) -> str:
        """The answer in one line: ``200 OK: detail`` or the transport error."""
        if self.status_code is None:
            return self.detail or "No answer."
        head = f"{self.status_code} {self.status_text}".strip()
        return f"{head}: {self.detail}" if self.detail else head


def next_po_number(highest: int | None) -> int:
    """The number after the highest one issued (6112 for the first PO)."""
    return FIRST_PO_NUMBER if highest is None else max(highest + 1, FIRST_PO_NUMBER)


def _changeable(po: PurchaseOrder) -> None:
    if po.status is PoStatus.CANCELLED:
        raise RuleError(f"PO {po.number} is cancelled; it cannot be changed.")


def change_quantities(
    po: PurchaseOrder, quantities: Mapping[int, Decimal], now: dt.datetime
) -> PurchaseOrder:
    """The next version with new quantities (0 removes a line); the lines kept keep their
    numbers, as cXML's ``lineNumber`` ties update lines to the original ones."""
    _changeable(po)
    unknown = sorted(set(quantities) - {line.line_number for line in po.lines})
    if unknown:
        raise InputError(f"PO {po.number} has no line {', '.join(map(str, unknown))}.")
    problems = {
        f"quantity_{number}": "Enter a quantity of 0 or more."
        for number, quantity in quantities.items()
        if quantity < 0 or not quantity.is_finite()
    }
    if problems:
        raise InputError("Some quantities need attention.", problems)
    lines = tuple(
        replace(line, quantity=quantities.get(line.line_number, line.quantity)) for line in po.lines
    )
    kept = tuple(line for line in lines if line.quantity > 0)
    if not kept:
        raise RuleError("A change must keep at least one line; cancel the PO instead.")
    if kept == po.lines:
        raise RuleError("Nothing changed: enter a different quantity.")
    return replace(po, lines=kept, version=po.version + 1, updated_at=now)


def cancel(po: PurchaseOrder, now: dt.datetime) -> PurchaseOrder:
    """The cancelled next version (its lines stay: a delete document still lists them)."""
    _changeable(po)
    return replace(po, status=PoStatus.CANCELLED, version=po.version + 1, updated_at=now)
