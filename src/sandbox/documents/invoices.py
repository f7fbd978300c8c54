"""Reading a supplier's ``InvoiceDetailRequest`` (InvoiceDetail.dtd) into invoice lines.

Each ``InvoiceDetailOrder`` names the PO in ``OrderReference@orderID`` (Coupa's PO number;
``DocumentReference@payloadID`` when orderID is missing, as Coupa also accepts), and each
``InvoiceDetailItem`` the PO line in ``InvoiceDetailItemReference@lineNumber``. A line's amount
is its ``SubtotalAmount``, else quantity times unit price.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from cxml.models.envelope import Document
from cxml.models.invoice import InvoiceDetailRequest, InvoiceOperation

__all__ = ["InvoiceLineData", "ReadInvoice", "read_invoice"]


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceLineData:
    """One invoice line as read, with the PO reference as written (not yet checked)."""

    invoice_line_number: int
    order_id: str
    po_line_number: int
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    currency: str
    unit_of_measure: str
    description: str
    supplier_part_id: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadInvoice:
    """What the sandbox keeps of an InvoiceDetailRequest."""

    invoice_number: str
    purpose: str
    delete: bool
    invoice_date: dt.datetime
    currency: str
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    lines: tuple[InvoiceLineData, ...]

    @property
    def references(self) -> tuple[tuple[str, int], ...]:
        """Every ``(orderID, PO line number)`` the invoice names."""
        return tuple((line.order_id, line.po_line_number) for line in self.lines)


def read_invoice(document: Document) -> ReadInvoice:
    """The invoice in ``document`` (whose payload must be an InvoiceDetailRequest)."""
    invoice = document.payload
    if not isinstance(invoice, InvoiceDetailRequest):
        raise TypeError("read_invoice takes InvoiceDetailRequest documents")
    lines = []
    for order in invoice.orders:
        reference = order.order_reference
        order_id = (reference.order_id or reference.document_payload_id or "").strip()
        for item in order.items:
            amount = (
                item.subtotal.amount
                if item.subtotal is not None
                else item.quantity * item.unit_price.amount
            )
            detail = item.reference
            lines.append(
                InvoiceLineData(
                    invoice_line_number=item.invoice_line_number,
                    order_id=order_id,
                    po_line_number=detail.line_number,
                    quantity=item.quantity,
                    unit_price=item.unit_price.amount,
                    amount=amount,
                    currency=item.unit_price.currency,
                    unit_of_measure=item.unit_of_measure,
                    description=detail.description.text if detail.description else "",
                    supplier_part_id=detail.item_id.supplier_part_id if detail.item_id else None,
                )
            )
    summary = invoice.summary
    return ReadInvoice(
        invoice_number=invoice.header.invoice_id.strip(),
        purpose=invoice.header.purpose.value,
        delete=invoice.header.operation is InvoiceOperation.DELETE,
        invoice_date=invoice.header.invoice_date,
        currency=summary.net.currency,
        subtotal=summary.subtotal.amount,
        tax=summary.tax.money.amount,
        total=summary.net.amount,
        lines=tuple(lines),
    )
