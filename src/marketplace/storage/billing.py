"""The SQL repository of billing (``services.ports.BillingRepository``): invoices, metered
usage and sellers' metering keys.

:class:`SqlBillingRepository` works on the unit of work's connection. A write the
constraints refuse (a taken id, invoice number or key prefix; an unknown organization,
agreement or seller) raises :class:`~marketplace.domain.errors.ConflictError` and leaves the
transaction usable (``storage.guarded``). An invoice's lines are JSON text
(``billing_records``) and its amounts exact decimal strings, so they come back exactly.

Idempotency: :meth:`SqlBillingRepository.add_invoice` and
:meth:`~SqlBillingRepository.add_usage` are each one ``INSERT … ON CONFLICT DO NOTHING`` on
the unique key that says "already done" (``(agreement_id, billing_key)``; ``(seller_id,
id)``), and its row count. On PostgreSQL a concurrent insert of the same key waits on the
unique index until the first transaction ends, then inserts nothing after a commit (False)
and its own row after a rollback (True); SQLite's writers take turns on the whole database.

Billing reads a page of agreements at a time: the ``*_for_agreements`` reads take any
number of ids and ask for at most :data:`CHUNK` at once (SQLite allows 32,766 bound
parameters, older builds 999; PostgreSQL's planner also prefers short ``IN`` lists).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, Select, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.domain.billing import Invoice, InvoiceKind, SellerKey, UsageRecord
from marketplace.storage import billing_records
from marketplace.storage.billing_tables import invoices, seller_keys, usage_records
from marketplace.storage.guarded import guarded_write
from marketplace.storage.records import AnyRow

__all__ = ["CHUNK", "SqlBillingRepository"]

CHUNK = 500  # ids per ``IN (…)``

T = TypeVar("T")


def _chunks(ids: Sequence[str]) -> Iterator[list[str]]:
    """The distinct ids, at most :data:`CHUNK` at a time."""
    distinct = list(dict.fromkeys(ids))
    for start in range(0, len(distinct), CHUNK):
        yield distinct[start : start + CHUNK]


class SqlBillingRepository:
    """Invoices (unique per agreement and billing key), usage records (unique per seller and
    record id) and seller keys (by prefix)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def _insert_new(self, table: Any, values: dict[str, Any], key: list[Any], message: str) -> bool:
        """``INSERT … ON CONFLICT (key) DO NOTHING``: True when the row was inserted."""
        dialect = postgresql if self._connection.dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(table)
            .values(values)
            .on_conflict_do_nothing(index_elements=key)
            # SQLAlchemy reads an INSERT's row count only when asked to.
            .execution_options(preserve_rowcount=True)
        )
        return guarded_write(self._connection, statement, message) == 1

    def _grouped(
        self,
        ids: Sequence[str],
        query: Callable[[list[str]], Select[Any]],
        build: Callable[[AnyRow], T],
    ) -> dict[str, list[T]]:
        """``query(chunk)``'s rows, chunk by chunk, as values grouped by ``agreement_id`` (in
        the order the query gives)."""
        found: dict[str, list[T]] = {}
        for chunk in _chunks(ids):
            for row in self._connection.execute(query(chunk)):
                found.setdefault(row.agreement_id, []).append(build(row))
        return found

    # -- invoices --------------------------------------------------------------------------

    def add_invoice(self, invoice: Invoice) -> bool:
        """Store an invoice; False, storing nothing, when its agreement has an invoice with
        its billing key (see the module docstring). ``ConflictError`` for a taken number
        or id, or an unknown organization or agreement."""
        message = f"invoice {invoice.id} (number {invoice.number}) cannot be stored"
        key = [invoices.c.agreement_id, invoices.c.billing_key]
        return self._insert_new(invoices, _invoice_row(invoice), key, message)

    def get_invoice(self, invoice_id: str) -> Invoice | None:
        row = self._connection.execute(select(invoices).where(invoices.c.id == invoice_id)).first()
        return None if row is None else _invoice(row)

    def invoices_for_agreements(self, agreement_ids: Sequence[str]) -> dict[str, list[Invoice]]:
        """Each agreement's invoices, oldest first (``invoice_date``, ``created_at``, then
        ``id``); agreements without any are left out."""
        table = invoices

        def query(chunk: list[str]) -> Select[Any]:
            return (
                select(table)
                .where(table.c.agreement_id.in_(chunk))
                .order_by(table.c.invoice_date, table.c.created_at, table.c.id)
            )

        return self._grouped(agreement_ids, query, _invoice)

    def list_invoices(
        self,
        organization_id: str | None,
        *,
        account_id: str | None = None,
        limit: int = 100,
    ) -> Sequence[Invoice]:
        """Invoices (of one organization, or every one for None; of one account when given),
        newest first (``invoice_date``, ``created_at``, then ``id``, all descending), at most
        ``limit``."""
        if limit <= 0:
            return ()
        table = invoices
        statement = select(table)
        if organization_id is not None:
            statement = statement.where(table.c.organization_id == organization_id)
        if account_id is not None:
            statement = statement.where(table.c.account_id == account_id)
        statement = statement.order_by(
            table.c.invoice_date.desc(), table.c.created_at.desc(), table.c.id.desc()
        )
        return tuple(_invoice(row) for row in self._connection.execute(statement.limit(limit)))

    # -- usage -----------------------------------------------------------------------------

    def add_usage(self, record: UsageRecord, seller_id: str) -> bool:
        """Store a usage record; False when the seller already reported this record id (the
        first report stays). ``ConflictError`` for an unknown agreement."""
        values = {
            "seller_id": seller_id,
            "id": record.id,
            "agreement_id": record.agreement_id,
            "dimension": record.dimension,
            "quantity": record.quantity,
            "occurred_at": record.occurred_at,
            "reported_at": record.reported_at,
        }
        message = f"usage record {record.id!r} of seller {seller_id} cannot be stored"
        key = [usage_records.c.seller_id, usage_records.c.id]
        return self._insert_new(usage_records, values, key, message)

    def usage_for_agreements(
        self, agreement_ids: Sequence[str], *, before: dt.datetime
    ) -> dict[str, list[UsageRecord]]:
        """Each agreement's usage records that occurred strictly before ``before``, in the
        order they occurred (``occurred_at``, then ``id``); agreements without any are left
        out."""
        table = usage_records

        def query(chunk: list[str]) -> Select[Any]:
            return (
                select(table)
                .where(table.c.agreement_id.in_(chunk), table.c.occurred_at < before)
                .order_by(table.c.occurred_at, table.c.id)
            )

        return self._grouped(agreement_ids, query, _usage)

    # -- seller keys -----------------------------------------------------------------------

    def add_seller_key(self, key: SellerKey) -> None:
        """Store a seller's key; ``ConflictError`` for a taken id or prefix, or an unknown
        seller."""
        statement = insert(seller_keys).values(
            id=key.id,
            seller_id=key.seller_id,
            prefix=key.prefix,
            key_hash=key.key_hash,
            created_at=key.created_at,
            revoked_at=key.revoked_at,
        )
        guarded_write(self._connection, statement, f"seller key {key.id} cannot be stored")

    def get_seller_key(self, prefix: str) -> SellerKey | None:
        row = self._connection.execute(
            select(seller_keys).where(seller_keys.c.prefix == prefix)
        ).first()
        return None if row is None else SellerKey(**row._asdict())

    def count_invoices(self) -> Mapping[InvoiceKind, int]:
        """How many invoices there are of each kind (one ``GROUP BY``)."""
        statement = select(invoices.c.kind, func.count()).group_by(invoices.c.kind)
        return {InvoiceKind(kind): n for kind, n in self._connection.execute(statement)}


def _invoice_row(invoice: Invoice) -> dict[str, Any]:
    return {
        "id": invoice.id,
        "number": invoice.number,
        "organization_id": invoice.organization_id,
        "account_id": invoice.account_id,
        "agreement_id": invoice.agreement_id,
        "billing_key": invoice.billing_key,
        "kind": invoice.kind.value,
        "invoice_date": invoice.invoice_date,
        "period_start": invoice.period_start,
        "period_end": invoice.period_end,
        "currency": invoice.currency,
        "lines": billing_records.invoice_lines_json(invoice.lines),
        "subtotal": invoice.subtotal,
        "tax_rate": invoice.tax_rate,
        "tax": invoice.tax,
        "total": invoice.total,
        "product_id": invoice.product_id,
        "product_title": invoice.product_title,
        "created_at": invoice.created_at,
        "purchase_order_number": invoice.purchase_order_number,
        "original_invoice_id": invoice.original_invoice_id,
        "connection_id": invoice.connection_id,
        "cxml": invoice.cxml,
        "message_id": invoice.message_id,
    }


def _invoice(row: AnyRow) -> Invoice:
    values = row._asdict()
    values.update(
        kind=InvoiceKind(row.kind), lines=billing_records.invoice_lines_from_json(row.lines)
    )
    return Invoice(**values)


def _usage(row: AnyRow) -> UsageRecord:
    values = row._asdict()
    del values["seller_id"]
    return UsageRecord(**values)
