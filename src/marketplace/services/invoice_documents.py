"""Invoices as cXML ``InvoiceDetailRequest`` documents (InvoiceDetail.dtd 1.2.020, Coupa's).

The document references the purchase order the way Coupa matches it: ``OrderReference@orderID``
and ``DocumentReference@payloadID`` both carry the PO number; each line's
``InvoiceDetailItemReference@lineNumber`` is the PO line, with the supplier part ID (the
offer) and the unit of measure. Credit memos (``purpose="creditMemo"``, negative amounts)
name the invoice they credit. The summary adds up: subtotal + tax = net = due.

The stored document carries :data:`SHARED_SECRET_PLACEHOLDER` where the Sender's shared secret
goes: the secret is put in only when the worker sends it (:func:`with_shared_secret`), so it is
never stored in the outbox in plain text.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from cxml.ids import new_payload_id
from cxml.models.common import Description, ItemID, Money, OrderReference, Tax
from cxml.models.envelope import Credential, Document, Header, Party
from cxml.models.invoice import (
    InvoiceDetailItem,
    InvoiceDetailItemReference,
    InvoiceDetailOrder,
    InvoiceDetailRequest,
    InvoiceDetailRequestHeader,
    InvoiceDetailSummary,
    InvoicePurpose,
    Period,
)
from marketplace.domain.billing import Invoice
from marketplace.domain.procurement import PortalConnection

__all__ = [
    "INVOICE_CXML_VERSION",
    "SHARED_SECRET_PLACEHOLDER",
    "invoice_document",
    "with_shared_secret",
]

INVOICE_CXML_VERSION = "1.2.020"
SHARED_SECRET_PLACEHOLDER = "SHARED-SECRET-ADDED-WHEN-SENT"
USER_AGENT = "Software Marketplace 0.1"


def _at_noon(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 12, 0, tzinfo=dt.UTC)


def invoice_document(
    invoice: Invoice,
    connection: PortalConnection,
    *,
    purchase_order_number: str,
    host: str,
    original: Invoice | None = None,
) -> Document:
    """The InvoiceDetailRequest of ``invoice`` for the buyer of ``connection``."""
    currency = invoice.currency
    items = tuple(
        InvoiceDetailItem(
            invoice_line_number=line.number,
            quantity=line.quantity,
            unit_of_measure=line.unit_of_measure,
            unit_price=Money(line.unit_price, currency),
            reference=InvoiceDetailItemReference(
                line_number=line.purchase_order_line or line.number,
                item_id=ItemID(line.supplier_part_id),
                description=Description(line.description[:2000]),
            ),
            subtotal=Money(line.amount, currency),
        )
        for line in invoice.lines
    )
    header = InvoiceDetailRequestHeader(
        invoice_id=invoice.number,
        invoice_date=_at_noon(invoice.invoice_date),
        purpose=InvoicePurpose.CREDIT_MEMO if invoice.kind.is_credit else InvoicePurpose.STANDARD,
        original_invoice_id=original.number if original else None,
        original_invoice_date=_at_noon(original.invoice_date) if original else None,
        period=Period(_at_noon(invoice.period_start), _at_noon(invoice.period_end)),
    )
    summary = InvoiceDetailSummary(
        subtotal=Money(invoice.subtotal, currency),
        tax=Tax(
            money=Money(invoice.tax, currency),
            description=Description(f"Tax at {(invoice.tax_rate * 100).normalize():f}%"),
        ),
        net=Money(invoice.total, currency),
        due=Money(invoice.total, currency),
    )
    order = InvoiceDetailOrder(
        order_reference=OrderReference(
            document_payload_id=purchase_order_number, order_id=purchase_order_number
        ),
        items=items,
    )
    supplier = (connection.supplier_domain, connection.supplier_identity)
    return Document(
        payload_id=new_payload_id(host),
        timestamp=dt.datetime.now(dt.UTC),
        payload=InvoiceDetailRequest(header=header, orders=(order,), summary=summary),
        header=Header(
            from_=Party((Credential(*supplier),)),
            to=Party((Credential(connection.buyer_domain, connection.buyer_identity),)),
            sender=Party((Credential(*supplier, SHARED_SECRET_PLACEHOLDER),)),
            user_agent=USER_AGENT,
        ),
        version=INVOICE_CXML_VERSION,
    )


def with_shared_secret(body: str, secret: str) -> str:
    """The stored document with the Sender's shared secret put in (XML-escaped)."""
    return body.replace(SHARED_SECRET_PLACEHOLDER, escape(secret, quote=False), 1)
