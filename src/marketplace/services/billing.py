"""The billing run: every invoice due up to a date, made exactly once, however often it runs.

:func:`run_billing` walks all agreements a page at a time (one transaction per page, so memory
stays flat however many there are), asks :func:`~marketplace.domain.billing.due_invoices` what
each owes, and stores the invoices; an invoice whose billing key its agreement already has is
skipped (``add_invoice`` answers False), so two runs, even at once, make each invoice once.

Upfront and instalment invoices, and credit memos for them, also go to the buyer as a cXML
``InvoiceDetailRequest`` (queued in the outbox in the same transaction) when the agreement came
through a Coupa connection with an invoice endpoint and neither the connection nor the
organization is in test mode; never usage, never for Ariba. Invoices carry the PO number when the
organization's billing integration is on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from cxml.serializer import serialize
from marketplace.domain.agreements import Agreement
from marketplace.domain.billing import (
    Invoice,
    InvoiceDraft,
    InvoiceKind,
    InvoiceLine,
    cxml_invoiced,
    due_invoices,
    tax_for,
)
from marketplace.domain.catalog import Dimension
from marketplace.domain.errors import ConflictError
from marketplace.domain.outbox import DeliveryStatus, MessageKind, OutboxMessage
from marketplace.domain.procurement import (
    PortalConnection,
    ProcurementConfiguration,
    ProcurementSystem,
)
from marketplace.services.clock import utcnow
from marketplace.services.invoice_documents import invoice_document
from marketplace.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

__all__ = ["BillingReport", "run_billing"]

PAGE_SIZE = 500


@dataclass
class BillingReport:
    """What a billing run made."""

    agreements: int = 0
    invoices: dict[InvoiceKind, int] = field(default_factory=dict)
    cxml_queued: int = 0

    @property
    def total(self) -> int:
        """How many invoices (credit memos included) were made."""
        return sum(self.invoices.values())


@dataclass
class _Lookups:
    """What a page of agreements needs, read once per organization, connection and product."""

    uow: UnitOfWork
    configurations: dict[str, ProcurementConfiguration | None] = field(default_factory=dict)
    connections: dict[str, PortalConnection | None] = field(default_factory=dict)
    dimensions: dict[tuple[str, str], tuple[Dimension, ...]] = field(default_factory=dict)

    def configuration(self, organization_id: str) -> ProcurementConfiguration | None:
        if organization_id not in self.configurations:
            self.configurations[organization_id] = self.uow.procurement.get_configuration(
                organization_id
            )
        return self.configurations[organization_id]

    def connection(self, connection_id: str | None) -> PortalConnection | None:
        if connection_id is None:
            return None
        if connection_id not in self.connections:
            self.connections[connection_id] = self.uow.procurement.get_connection(connection_id)
        return self.connections[connection_id]

    def offer_dimensions(self, agreement: Agreement) -> tuple[Dimension, ...]:
        key = (agreement.product_id, agreement.offer_id)
        if key not in self.dimensions:
            product = self.uow.catalog.get_product(agreement.product_id)
            offers = product.offers if product else ()
            offer = next((o for o in offers if o.id == agreement.offer_id), None)
            self.dimensions[key] = offer.dimensions if offer else ()
        return self.dimensions[key]


def run_billing(
    units: UnitOfWorkFactory,
    *,
    as_of: dt.date,
    host: str,
    tax_rate: Decimal = Decimal(0),
    page_size: int = PAGE_SIZE,
    progress: Callable[[int], None] | None = None,
    clock: Clock = utcnow,
) -> BillingReport:
    """Make every invoice due up to ``as_of`` (see the module docstring)."""
    report = BillingReport()
    before = dt.datetime.combine(as_of, dt.time(), tzinfo=dt.UTC)
    after: str | None = None
    while True:
        with units() as uow:
            page = tuple(uow.agreements.list_page(after_id=after, limit=page_size))
            if not page:
                break
            ids = [a.id for a in page]
            billed = uow.billing.invoices_for_agreements(ids)
            usage = uow.billing.usage_for_agreements(ids, before=before)
            lookups = _Lookups(uow)
            for agreement in page:
                existing = {i.billing_key: i for i in billed.get(agreement.id, [])}
                for _ in range(2):  # the second pass credits what the first one billed
                    drafts = due_invoices(
                        agreement,
                        as_of,
                        billed=existing,
                        usage=usage.get(agreement.id, ()),
                        dimensions=lookups.offer_dimensions(agreement),
                    )
                    for draft in drafts:
                        made = _make(
                            uow, lookups, agreement, draft, existing, tax_rate, host, clock
                        )
                        if made is not None:
                            existing[made.billing_key] = made
                            report.invoices[made.kind] = report.invoices.get(made.kind, 0) + 1
                            report.cxml_queued += int(made.cxml)
            uow.commit()
        report.agreements += len(page)
        after = page[-1].id
        if progress is not None:
            progress(len(page))
    return report


def _make(
    uow: UnitOfWork,
    lookups: _Lookups,
    agreement: Agreement,
    draft: InvoiceDraft,
    existing: dict[str, Invoice],
    tax_rate: Decimal,
    host: str,
    clock: Clock,
) -> Invoice | None:
    """Store one invoice (and its cXML message); None when a run made it already."""
    configuration = lookups.configuration(agreement.organization_id)
    connection = lookups.connection(agreement.connection_id)
    original = None
    if draft.original_invoice_id is not None:
        original = next((i for i in existing.values() if i.id == draft.original_invoice_id), None)
    subtotal = draft.subtotal
    tax = tax_for(subtotal, tax_rate)
    with_po = configuration is not None and configuration.billing_integration
    invoice = Invoice(
        id="inv-" + secrets.token_hex(8),
        number=_number(draft.invoice_date),
        organization_id=agreement.organization_id,
        account_id=agreement.account_id,
        agreement_id=agreement.id,
        billing_key=draft.billing_key,
        kind=draft.kind,
        invoice_date=draft.invoice_date,
        period_start=draft.period_start,
        period_end=draft.period_end,
        currency=agreement.currency,
        lines=draft.lines if with_po else _without_po_lines(draft),
        subtotal=subtotal,
        tax_rate=tax_rate,
        tax=tax,
        total=subtotal + tax,
        product_id=agreement.product_id,
        product_title=agreement.product_title,
        created_at=clock(),
        purchase_order_number=agreement.purchase_order_number if with_po else None,
        original_invoice_id=draft.original_invoice_id,
        connection_id=agreement.connection_id,
    )
    message = None
    if _goes_out_as_cxml(invoice, original, configuration, connection, agreement):
        assert connection is not None
        assert agreement.purchase_order_number is not None
        document = invoice_document(
            dataclasses.replace(invoice, lines=draft.lines),
            connection,
            purchase_order_number=agreement.purchase_order_number,
            host=host,
            original=original,
        )
        message = OutboxMessage(
            id="msg-" + secrets.token_hex(8),
            kind=MessageKind.INVOICE,
            organization_id=invoice.organization_id,
            destination=connection.invoice_endpoint or "",
            subject=f"{'Credit memo' if invoice.kind.is_credit else 'Invoice'} {invoice.number}"
            f" for PO {agreement.purchase_order_number}",
            body=serialize(document).decode("utf-8"),
            status=DeliveryStatus.PENDING,
            next_attempt_at=clock(),
            created_at=clock(),
            payload_id=document.payload_id,
            reference=invoice.id,
        )
        invoice = dataclasses.replace(invoice, cxml=True, message_id=message.id)
    for _ in range(3):  # a taken number (astronomically rare) draws another
        try:
            stored = uow.billing.add_invoice(invoice)
            break
        except ConflictError:
            invoice = dataclasses.replace(invoice, number=_number(draft.invoice_date))
    else:  # pragma: no cover - three collisions of 40 random bits
        raise ConflictError("could not find a free invoice number")
    if not stored:
        return None
    if message is not None:
        uow.outbox.add(message)
    return invoice


def _goes_out_as_cxml(
    invoice: Invoice,
    original: Invoice | None,
    configuration: ProcurementConfiguration | None,
    connection: PortalConnection | None,
    agreement: Agreement,
) -> bool:
    if connection is None or connection.system is not ProcurementSystem.COUPA:
        return False
    if not connection.invoice_endpoint or agreement.purchase_order_number is None:
        return False
    if connection.test_mode or configuration is None or configuration.test_mode:
        return False
    return cxml_invoiced(invoice.kind, original.kind if original else None)


def _without_po_lines(draft: InvoiceDraft) -> tuple[InvoiceLine, ...]:
    """Lines without PO line numbers (billing integration off)."""
    return tuple(dataclasses.replace(line, purchase_order_line=None) for line in draft.lines)


def _number(day: dt.date) -> str:
    return f"INV-{day:%Y%m}-{secrets.token_hex(5).upper()}"
