"""The invoice inbox (``POST /cxml/invoices``), answering as Coupa does.

=====  ===========================================================================
200    stored (also the answer repeated to a retry of the same payloadID)
401    From / To / Sender or the shared secret match no supplier ("Invalid credentials")
403    the supplier is not allowed to send cXML invoices
406    not readable cXML, or not valid against the official InvoiceDetail DTD
409    the supplier already sent an invoice with this number (another payloadID)
417    a PO or PO line the invoice names does not exist; a delete of an unknown invoice
450    not an InvoiceDetailRequest
=====  ===========================================================================

The invoice's credentials are the supplier's (From, and Sender with the supplier's shared
secret: the PO secret, as Coupa defaults it) and ours (To). Every answer goes into the inbox
log shown on the Invoices page.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import Connection

import cxml
from cxml.models.envelope import Document, Header
from cxml.models.invoice import InvoiceDetailRequest
from sandbox.documents.common import without_secrets
from sandbox.documents.invoices import ReadInvoice, read_invoice
from sandbox.domain.invoices import Invoice, InvoiceLine, reference_problems
from sandbox.domain.orders import PurchaseOrder
from sandbox.domain.suppliers import ARIBA_SENDER_DOMAIN, ARIBA_SENDER_IDENTITY, Supplier
from sandbox.services.context import Sandbox
from sandbox.storage import invoices as store
from sandbox.storage import orders as order_store
from sandbox.storage import suppliers as supplier_store

__all__ = ["InboxAnswer", "receive_invoice"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class InboxAnswer:
    """The cXML status to answer with, and its text."""

    status_code: int
    text: str


def receive_invoice(sandbox: Sandbox, body: bytes) -> InboxAnswer:
    """Check, store and answer one posted document (see the module's table)."""
    try:
        document = cxml.parse(body)
    except cxml.CxmlError as exc:
        return _answer(sandbox, None, None, exc.status_code, f"Could not parse cXML: {exc.message}")
    invoice = document.payload
    if not isinstance(invoice, InvoiceDetailRequest) or document.header is None:
        name = type(invoice).__name__ if invoice is not None else "a Response"
        text = f"This URL takes InvoiceDetailRequest documents, not {name}."
        return _answer(sandbox, document, None, 450, text)
    with sandbox.database.transaction() as conn:
        earlier = store.logged_success(conn, document.payload_id)
    if earlier is not None:
        return InboxAnswer(earlier.status_code, earlier.status_text)
    supplier = _authenticate(sandbox, document.header)
    if supplier is None:
        return _answer(sandbox, document, None, 401, "Invalid credentials.")
    if not supplier.settings.allow_invoicing:
        text = f"cXML invoicing is not allowed for supplier {supplier.name}."
        return _answer(sandbox, document, supplier, 403, text)
    problem = _dtd_problem(sandbox, body)
    if problem is not None:
        return _answer(sandbox, document, supplier, 406, problem)
    read = read_invoice(document)
    with sandbox.database.transaction() as conn:
        code, text = _store(conn, document, supplier, read, sandbox.clock())
        _log_answer(conn, sandbox, document, supplier, code, text)
    return InboxAnswer(code, text)


def _answer(
    sandbox: Sandbox, document: Document | None, supplier: Supplier | None, code: int, text: str
) -> InboxAnswer:
    with sandbox.database.transaction() as conn:
        _log_answer(conn, sandbox, document, supplier, code, text)
    return InboxAnswer(code, text)


def _log_answer(
    conn: Connection,
    sandbox: Sandbox,
    document: Document | None,
    supplier: Supplier | None,
    code: int,
    text: str,
) -> None:
    invoice = document.payload if document else None
    number = invoice.header.invoice_id if isinstance(invoice, InvoiceDetailRequest) else None
    entry = store.InboxEntry(
        received_at=sandbox.clock(),
        payload_id=document.payload_id if document else None,
        supplier_id=supplier.id if supplier else None,
        invoice_number=number,
        status_code=code,
        status_text=text,
    )
    store.add_log(conn, entry)


def _authenticate(sandbox: Sandbox, header: Header) -> Supplier | None:
    """The supplier whose credential is From (and Sender, with its secret) and whose buyer
    credential (ours) is To; None when there is none. The reason is logged, never a secret."""
    with sandbox.database.transaction() as conn:
        candidates = supplier_store.list_suppliers(conn, sandbox.box)
    for supplier in candidates:
        settings = supplier.settings
        if header.from_.find(settings.supplier_domain, settings.supplier_identity) is None:
            continue
        if header.to.find(settings.our_domain, settings.our_identity) is None:
            _log.info("invoice for %s: To %s is not us", supplier.name, header.to.credentials)
            continue
        sender = header.sender.find(settings.supplier_domain, settings.supplier_identity)
        sender = sender or header.sender.find(ARIBA_SENDER_DOMAIN, ARIBA_SENDER_IDENTITY)
        offered = sender.shared_secret if sender else None
        if cxml.secret_matches(offered, supplier.po_secret):
            return supplier
        _log.info("invoice for %s: the Sender credential or secret does not match", supplier.name)
    return None


def _dtd_problem(sandbox: Sandbox, body: bytes) -> str | None:
    if sandbox.dtds is None:
        return None
    try:
        result = sandbox.dtds.validate(body)
    except cxml.CxmlError as exc:
        return f"Could not validate the document: {exc.message}"
    if result.valid:
        return None
    shown = "; ".join(result.errors[:5])
    return f"Did not validate with {result.dtd_file} {result.dtd_path.parent.name}: {shown}"


def _store(
    conn: Connection, document: Document, supplier: Supplier, read: ReadInvoice, now: dt.datetime
) -> tuple[int, str]:
    existing = store.find_invoice(conn, supplier.id, read.invoice_number)
    if read.delete:
        if existing is None:
            return 417, f"There is no invoice {read.invoice_number} to cancel."
        store.cancel_invoice(conn, existing.id)
        return 200, f"Invoice {read.invoice_number} cancelled."
    if existing is not None:
        return 409, f"Invoice {read.invoice_number} was already received."
    orders: dict[int, PurchaseOrder] = {}
    for order_id, _ in read.references:
        if order_id.isdigit() and int(order_id) not in orders:
            po = order_store.get_purchase_order(conn, int(order_id))
            if po is not None and po.supplier_id == supplier.id:
                orders[po.number] = po
    problems = reference_problems(read.references, orders)
    if problems:
        return 417, " ".join(problems)
    invoice = Invoice(
        id=0,
        supplier_id=supplier.id,
        invoice_number=read.invoice_number,
        payload_id=document.payload_id,
        purpose=read.purpose,
        invoice_date=read.invoice_date,
        received_at=now,
        currency=read.currency,
        subtotal=read.subtotal,
        tax=read.tax,
        total=read.total,
        lines=tuple(
            InvoiceLine(
                invoice_line_number=line.invoice_line_number,
                po_number=int(line.order_id),
                po_line_number=line.po_line_number,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
                currency=line.currency,
                unit_of_measure=line.unit_of_measure,
                description=line.description,
                supplier_part_id=line.supplier_part_id,
            )
            for line in read.lines
        ),
        test=document.is_test,
    )
    store.add_invoice(conn, invoice, without_secrets(document))
    pos = ", ".join(str(number) for number in orders)
    kind = "Credit memo" if invoice.is_credit else "Invoice"
    return 200, f"{kind} {read.invoice_number} received for PO {pos}."
