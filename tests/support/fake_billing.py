"""An in-memory fake of billing storage: invoices, metered usage and sellers' metering keys.

``FakeUnitOfWork`` (``fake_uow``) wires it in as ``billing``; it keeps its rows in the unit
of work's ``FakeStore`` (``invoices`` by id, ``usage_records`` by (seller id, record id),
``seller_keys`` by id) and behaves like ``marketplace.storage.billing``:

- ``add_invoice`` returns False, storing nothing, when the agreement already has an invoice
  with the billing key (checked first, as ``INSERT … ON CONFLICT DO NOTHING`` does); a taken
  invoice number raises ``ConflictError``. Foreign keys: invoice → organization, agreement.
- ``invoices_for_agreements`` maps each agreement that has invoices to them, oldest first
  (``invoice_date``, ``created_at``, then ``id``); ``list_invoices`` is newest first (the
  same keys, all descending), at most ``limit`` (none for ``limit <= 0``).
- ``add_usage`` returns False when the seller already reported the record id (the record
  is kept as first reported); foreign key: record → agreement. ``usage_for_agreements``
  maps each agreement to its records that occurred strictly before ``before``, in the
  order they occurred (``occurred_at``, then ``id``).
- Seller keys: ``add_seller_key`` raises ``ConflictError`` for a taken id or prefix or an
  unknown seller, as storage does (``services.metering`` reads it as "no such seller").

Values come back as storage gives them: times in UTC (naive ones taken as UTC), lines as a
tuple through the very JSON storage writes (``billing_records``). Otherwise a broken foreign
key or a repeated id raises :class:`~fake_uow.FakeIntegrityError`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence

from fake_uow import FakeRepository, as_utc, in_utc, insert_row, require_row

from marketplace.domain.billing import Invoice, InvoiceKind, SellerKey, UsageRecord
from marketplace.domain.errors import ConflictError
from marketplace.storage import billing_records

__all__ = ["FakeBillingRepository"]


def _age(invoice: Invoice) -> tuple[dt.date, dt.datetime, str]:
    return (invoice.invoice_date, invoice.created_at, invoice.id)


class FakeBillingRepository(FakeRepository):
    """Invoices, usage records and seller keys (see the module docstring)."""

    # -- invoices --------------------------------------------------------------------------

    def add_invoice(self, invoice: Invoice) -> bool:
        invoices = self._data.invoices
        if any(
            i.agreement_id == invoice.agreement_id and i.billing_key == invoice.billing_key
            for i in invoices.values()
        ):
            return False
        require_row(self._data.organizations, invoice.organization_id, "organization")
        require_row(self._data.agreements, invoice.agreement_id, "agreement")
        if any(i.number == invoice.number for i in invoices.values()):
            raise ConflictError(f"invoice number {invoice.number} is taken")
        insert_row(invoices, invoice.id, _stored_invoice(invoice), "invoice")
        return True

    def get_invoice(self, invoice_id: str) -> Invoice | None:
        return self._data.invoices.get(invoice_id)

    def invoices_for_agreements(self, agreement_ids: Sequence[str]) -> dict[str, list[Invoice]]:
        wanted = set(agreement_ids)
        found: dict[str, list[Invoice]] = {}
        for invoice in sorted(self._data.invoices.values(), key=_age):
            if invoice.agreement_id in wanted:
                found.setdefault(invoice.agreement_id, []).append(invoice)
        return found

    def list_invoices(
        self,
        organization_id: str | None,
        *,
        account_id: str | None = None,
        limit: int = 100,
    ) -> Sequence[Invoice]:
        if limit <= 0:
            return ()
        found = [
            i
            for i in self._data.invoices.values()
            if organization_id in (None, i.organization_id) and account_id in (None, i.account_id)
        ]
        found.sort(key=_age, reverse=True)
        return tuple(found[:limit])

    # -- usage -----------------------------------------------------------------------------

    def add_usage(self, record: UsageRecord, seller_id: str) -> bool:
        key = (seller_id, record.id)
        if key in self._data.usage_records:
            return False
        require_row(self._data.agreements, record.agreement_id, "agreement")
        self._data.usage_records[key] = in_utc(record, "occurred_at", "reported_at")
        return True

    def usage_for_agreements(
        self, agreement_ids: Sequence[str], *, before: dt.datetime
    ) -> dict[str, list[UsageRecord]]:
        wanted, before = set(agreement_ids), as_utc(before)
        records = sorted(self._data.usage_records.values(), key=lambda r: (r.occurred_at, r.id))
        found: dict[str, list[UsageRecord]] = {}
        for record in records:
            if record.agreement_id in wanted and record.occurred_at < before:
                found.setdefault(record.agreement_id, []).append(record)
        return found

    # -- seller keys -----------------------------------------------------------------------

    def add_seller_key(self, key: SellerKey) -> None:
        taken = key.id in self._data.seller_keys or self.get_seller_key(key.prefix) is not None
        if taken or key.seller_id not in self._data.sellers:
            raise ConflictError(f"seller key {key.id} cannot be stored")
        self._data.seller_keys[key.id] = in_utc(key, "created_at", "revoked_at")

    def get_seller_key(self, prefix: str) -> SellerKey | None:
        return next((k for k in self._data.seller_keys.values() if k.prefix == prefix), None)

    # -- monitoring ------------------------------------------------------------------------

    def count_invoices(self) -> Mapping[InvoiceKind, int]:
        return dict(Counter(i.kind for i in self._data.invoices.values()))


def _stored_invoice(invoice: Invoice) -> Invoice:
    """The invoice as storage gives it back (through the JSON storage writes)."""
    invoice = in_utc(invoice, "created_at")
    lines = billing_records.invoice_lines_from_json(
        billing_records.invoice_lines_json(invoice.lines)
    )
    return dataclasses.replace(invoice, lines=lines)
