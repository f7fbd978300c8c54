"""Billing: invoices (and credit memos), metered usage records, sellers' metering keys.

Revision ID: 0005
Revises: 0004
Create Date: 2024-06-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)
_DECIMAL = sa.String(64)  # ``tables.DecimalText``: the exact decimal string


def upgrade() -> None:
    _invoices()
    _usage_records()
    _seller_keys()


def _index(table: str, *columns: str) -> None:
    op.create_index(f"ix_{table}_{'_'.join(columns)}", table, list(columns))


def _invoices() -> None:
    op.create_table(
        "invoices",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("number", sa.String(64), nullable=False),
        sa.Column("organization_id", sa.String(32), nullable=False),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("agreement_id", sa.String(64), nullable=False),
        sa.Column("billing_key", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("invoice_date", sa.Date(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("subtotal", _DECIMAL, nullable=False),
        sa.Column("tax_rate", _DECIMAL, nullable=False),
        sa.Column("tax", _DECIMAL, nullable=False),
        sa.Column("total", _DECIMAL, nullable=False),
        sa.Column("product_id", sa.String(64), nullable=False),
        sa.Column("product_title", sa.String(300), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("purchase_order_number", sa.Text(), nullable=True),
        sa.Column("original_invoice_id", sa.String(64), nullable=True),
        sa.Column("connection_id", sa.String(64), nullable=True),
        sa.Column("cxml", sa.Boolean(), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_invoices"),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="fk_invoices_organization_id_organizations",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreements.id"], name="fk_invoices_agreement_id_agreements"
        ),
        sa.UniqueConstraint("number", name="uq_invoices_number"),
        # What makes billing idempotent: one invoice per agreement and billing key.
        sa.UniqueConstraint(
            "agreement_id", "billing_key", name="uq_invoices_agreement_id_billing_key"
        ),
    )
    _index("invoices", "organization_id", "invoice_date", "created_at")


def _usage_records() -> None:
    # Keyed by the seller and its own record id: a record reported again is a duplicate.
    op.create_table(
        "usage_records",
        sa.Column("seller_id", sa.String(64), nullable=False),
        sa.Column("id", sa.String(128), nullable=False),
        sa.Column("agreement_id", sa.String(64), nullable=False),
        sa.Column("dimension", sa.Text(), nullable=False),
        sa.Column("quantity", _DECIMAL, nullable=False),
        sa.Column("occurred_at", _TIME, nullable=False),
        sa.Column("reported_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("seller_id", "id", name="pk_usage_records"),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name="fk_usage_records_agreement_id_agreements",
            ondelete="CASCADE",
        ),
    )
    _index("usage_records", "agreement_id", "occurred_at")


def _seller_keys() -> None:
    op.create_table(
        "seller_keys",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("seller_id", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(64), nullable=False),
        sa.Column("key_hash", sa.String(128), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("revoked_at", _TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_seller_keys"),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name="fk_seller_keys_seller_id_sellers"
        ),
        sa.UniqueConstraint("prefix", name="uq_seller_keys_prefix"),
    )
    _index("seller_keys", "seller_id")


def downgrade() -> None:
    for table in ("seller_keys", "usage_records", "invoices"):
        op.drop_table(table)
