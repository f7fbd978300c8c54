"""The Invoices page: each invoice with its lines matched to PO lines, and the inbox log."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.domain.errors import NotFoundError
from sandbox.domain.invoices import Invoice, LineMatch, billed_to_date, match_lines
from sandbox.domain.orders import PurchaseOrder
from sandbox.services.context import Sandbox
from sandbox.storage import invoices as store
from sandbox.storage import orders as order_store
from sandbox.storage import suppliers as supplier_store
from sandbox.storage.invoices import InboxEntry

__all__ = ["InvoiceView", "get_invoice", "inbox_log", "list_invoices"]


@dataclass(frozen=True, slots=True)
class InvoiceView:
    """An invoice, its supplier's name, and each line next to its PO line."""

    invoice: Invoice
    supplier_name: str
    matches: tuple[LineMatch, ...]
    document: str = ""

    @property
    def mismatches(self) -> int:
        """How many lines do not match their PO line."""
        return sum(1 for match in self.matches if not match.matched)

    @property
    def problems(self) -> tuple[str, ...]:
        """Every mismatch, with its line."""
        return tuple(
            f"Line {match.line.invoice_line_number}: {problem}"
            for match in self.matches
            for problem in match.problems
        )


def _views(sandbox: Sandbox, wanted: int | None = None) -> list[InvoiceView]:
    with sandbox.database.transaction() as conn:
        invoices = store.list_invoices(conn)
        names = {s.id: s.name for s in supplier_store.list_suppliers(conn, sandbox.box)}
        orders: dict[int, PurchaseOrder] = {}
        for number in {n for invoice in invoices for n in invoice.po_numbers}:
            po = order_store.get_purchase_order(conn, number)
            if po is not None:
                orders[number] = po
        documents = {}
        if wanted is not None:
            found = store.get_invoice(conn, wanted)
            if found is None:
                raise NotFoundError(f"There is no invoice {wanted}.")
            documents[wanted] = found[1]
    # Billed to date counts every invoice, oldest first, so each line shows the running total.
    views = []
    for invoice in invoices:
        if wanted is not None and invoice.id != wanted:
            continue
        earlier = [i for i in invoices if i.id <= invoice.id]
        matches = match_lines(invoice, orders, billed_to_date(earlier))
        name = names.get(invoice.supplier_id, "?")
        views.append(InvoiceView(invoice, name, matches, documents.get(invoice.id, "")))
    return views


def list_invoices(sandbox: Sandbox) -> list[InvoiceView]:
    """Every invoice, newest first, matched to its PO lines."""
    return _views(sandbox)


def get_invoice(sandbox: Sandbox, invoice_id: int) -> InvoiceView:
    """One invoice matched to its PO lines, with its document; NotFoundError when unknown."""
    [view] = _views(sandbox, invoice_id)
    return view


def inbox_log(sandbox: Sandbox) -> list[InboxEntry]:
    """The newest inbox answers first."""
    with sandbox.database.transaction() as conn:
        return store.list_log(conn)
