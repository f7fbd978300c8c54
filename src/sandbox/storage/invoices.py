"""Invoices with their lines, and the inbox log of every document received and its answer."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from sandbox.domain.invoices import Invoice, InvoiceLine
from sandbox.storage.tables import inbox_log, invoice_lines, invoices

__all__ = [
    "InboxEntry",
    "add_invoice",
    "add_log",
    "cancel_invoice",
    "find_invoice",
    "get_invoice",
    "list_invoices",
    "list_log",
    "logged_success",
]


def add_invoice(conn: Connection, invoice: Invoice, document: str) -> int:
    """Store a new invoice with its lines (its ``id`` is ignored); the new id."""
    values = {f.name: getattr(invoice, f.name) for f in dataclasses.fields(invoice)}
    del values["id"], values["lines"]
    result = conn.execute(invoices.insert().values(document=document, **values))
    key = result.inserted_primary_key
    assert key is not None
    new_id = int(key[0])
    for position, line in enumerate(invoice.lines, start=1):
        line_values = {f.name: getattr(line, f.name) for f in dataclasses.fields(line)}
        conn.execute(
            invoice_lines.insert().values(invoice_id=new_id, position=position, **line_values)
        )
    return new_id


def cancel_invoice(conn: Connection, invoice_id: int) -> None:
    """Mark an invoice cancelled (the supplier sent ``operation="delete"``)."""
    conn.execute(invoices.update().where(invoices.c.id == invoice_id).values(cancelled=True))


def _invoice(conn: Connection, row: Any) -> Invoice:
    lines = conn.execute(
        select(invoice_lines)
        .where(invoice_lines.c.invoice_id == row.id)
        .order_by(invoice_lines.c.position)
    ).all()
    names = [f.name for f in dataclasses.fields(InvoiceLine)]
    return Invoice(
        lines=tuple(InvoiceLine(**{n: getattr(line, n) for n in names}) for line in lines),
        **{f.name: getattr(row, f.name) for f in dataclasses.fields(Invoice) if f.name != "lines"},
    )


def get_invoice(conn: Connection, invoice_id: int) -> tuple[Invoice, str] | None:
    """The invoice with this id and its document as received (secret removed), or None."""
    row = conn.execute(select(invoices).where(invoices.c.id == invoice_id)).first()
    return (_invoice(conn, row), row.document) if row else None


def find_invoice(conn: Connection, supplier_id: int, invoice_number: str) -> Invoice | None:
    """The supplier's invoice with this number, or None."""
    row = conn.execute(
        select(invoices).where(
            invoices.c.supplier_id == supplier_id,
            func.lower(invoices.c.invoice_number) == invoice_number.lower(),
        )
    ).first()
    return _invoice(conn, row) if row else None


def list_invoices(conn: Connection, *, limit: int = 500) -> list[Invoice]:
    """The newest invoices first."""
    rows = conn.execute(select(invoices).order_by(invoices.c.id.desc()).limit(limit)).all()
    return [_invoice(conn, row) for row in rows]


@dataclass(frozen=True, slots=True, kw_only=True)
class InboxEntry:
    """A document that reached the invoice inbox, and the status it was answered with."""

    received_at: dt.datetime
    payload_id: str | None
    supplier_id: int | None
    invoice_number: str | None
    status_code: int
    status_text: str


def add_log(conn: Connection, entry: InboxEntry) -> None:
    """Record an inbox answer."""
    values = {f.name: getattr(entry, f.name) for f in dataclasses.fields(entry)}
    conn.execute(inbox_log.insert().values(**values))


def list_log(conn: Connection, *, limit: int = 50) -> list[InboxEntry]:
    """The newest inbox answers first."""
    rows = conn.execute(select(inbox_log).order_by(inbox_log.c.id.desc()).limit(limit)).all()
    names = [f.name for f in dataclasses.fields(InboxEntry)]
    return [InboxEntry(**{n: getattr(row, n) for n in names}) for row in rows]


def logged_success(conn: Connection, payload_id: str) -> InboxEntry | None:
    """The 2xx answer already given to this payloadID (a retry gets it again), or None."""
    row = conn.execute(
        select(inbox_log)
        .where(
            inbox_log.c.payload_id == payload_id,
            inbox_log.c.status_code >= 200,
            inbox_log.c.status_code < 300,
        )
        .order_by(inbox_log.c.id)
    ).first()
    if row is None:
        return None
    names = [f.name for f in dataclasses.fields(InboxEntry)]
    return InboxEntry(**{n: getattr(row, n) for n in names})
