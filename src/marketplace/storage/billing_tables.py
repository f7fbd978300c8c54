"""The billing tables: invoices, metered usage and sellers' metering keys.

They are ``tables.py``'s, kept in a module of their own only because that one had grown past
its size: they are defined on the same :data:`~marketplace.storage.tables.metadata` with the
same types and conventions (see its docstring), and ``tables.py`` imports this module at its
end, so that ``tables.metadata`` holds every table whichever module is imported first (the
migrations are compared with it, and the tests empty its tables).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from marketplace.storage.tables import DecimalText, UtcDateTime, metadata

__all__ = ["invoices", "seller_keys", "usage_records"]

# Invoices and credit memos (``domain.billing``). ``(agreement_id, billing_key)`` is unique:
# a billing run that meets an invoice it already made inserts nothing (``ON CONFLICT DO
# NOTHING``); the number is unique too. ``lines`` is a JSON list (``billing_records``), every
# amount an exact decimal string. The account, connection, original invoice and outbox
# message are plain references (no foreign keys): an invoice is a record of what was billed.
# The organization's deletion takes its invoices (and its agreements with them). Indexes: the
# unique pair leads with the agreement (billing reads an agreement's invoices), and an
# organization's invoices are listed newest first.
invoices = Table(
    "invoices",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("number", String(64), nullable=False, unique=True),
    Column(
        "organization_id",
        String(32),
        ForeignKey("organizations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("account_id", String(12), nullable=False),
    Column("agreement_id", String(64), ForeignKey("agreements.id"), nullable=False),
    Column("billing_key", String(128), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("invoice_date", Date(), nullable=False),
    Column("period_start", Date(), nullable=False),
    Column("period_end", Date(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("lines", Text(), nullable=False),
    Column("subtotal", DecimalText(), nullable=False),
    Column("tax_rate", DecimalText(), nullable=False),
    Column("tax", DecimalText(), nullable=False),
    Column("total", DecimalText(), nullable=False),
    Column("product_id", String(64), nullable=False),
    Column("product_title", String(300), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("purchase_order_number", Text()),
    Column("original_invoice_id", String(64)),
    Column("connection_id", String(64)),
    Column("cxml", Boolean(), nullable=False),
    Column("message_id", String(64)),
    UniqueConstraint("agreement_id", "billing_key"),
    Index(None, "organization_id", "invoice_date", "created_at"),
)

# Usage a seller reported, keyed by the seller and the seller's own record id (1 to 128
# characters: ``services.metering``), so a record reported again inserts nothing. Its only
# parent is the agreement, whose deletion (with its organization's) takes it. The index
# leads billing's read: an agreement's usage before a time.
usage_records = Table(
    "usage_records",
    metadata,
    Column("seller_id", String(64), nullable=False),
    Column("id", String(128), nullable=False),
    Column(
        "agreement_id",
        String(64),
        ForeignKey("agreements.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("dimension", Text(), nullable=False),
    Column("quantity", DecimalText(), nullable=False),
    Column("occurred_at", UtcDateTime(), nullable=False),
    Column("reported_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("seller_id", "id"),
    Index(None, "agreement_id", "occurred_at"),
)

# Sellers' metering keys, found by their public prefix; only the key's SHA-256 (hex) is kept.
seller_keys = Table(
    "seller_keys",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("seller_id", String(64), ForeignKey("sellers.id"), nullable=False, index=True),
    Column("prefix", String(64), nullable=False, unique=True),
    Column("key_hash", String(128), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime()),
)
