"""Agreements, purchase orders and cXML receipts, the delivery outbox and its attempts.

Revision ID: 0004
Revises: 0003
Create Date: 2024-06-17
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    _agreements()
    _purchase_orders()
    _receipts()
    _outbox()


def _index(table: str, *columns: str) -> None:
    op.create_index(f"ix_{table}_{'_'.join(columns)}", table, list(columns))


def _agreements() -> None:
    op.create_table(
        "agreements",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("organization_id", sa.String(32), nullable=False),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("product_id", sa.String(64), nullable=False),
        sa.Column("product_title", sa.String(300), nullable=False),
        sa.Column("seller_name", sa.String(200), nullable=False),
        sa.Column("offer_id", sa.String(64), nullable=False),
        sa.Column("offer_name", sa.String(200), nullable=False),
        sa.Column("pricing_model", sa.String(32), nullable=False),
        sa.Column("payment_model", sa.String(32), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("choice", sa.Text(), nullable=False),
        sa.Column("charges", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.Column("connection_id", sa.String(64), nullable=True),
        sa.Column("purchase_order_number", sa.Text(), nullable=True),
        sa.Column("purchase_order_lines", sa.Text(), nullable=False),
        sa.Column("order_version", sa.Integer(), nullable=False),
        sa.Column("annual_pending", sa.Boolean(), nullable=False),
        sa.Column("cancelled_at", _TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_agreements"),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="fk_agreements_organization_id_organizations",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_agreements_user_id_users"),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["subscription_requests.id"],
            name="fk_agreements_request_id_subscription_requests",
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["portal_connections.id"],
            name="fk_agreements_connection_id_portal_connections",
        ),
        sa.UniqueConstraint("request_id", name="uq_agreements_request_id"),
    )
    _index("agreements", "organization_id", "created_at")
    _index("agreements", "user_id", "created_at")
    _index("agreements", "connection_id")


def _purchase_orders() -> None:
    # Order numbers (up to 1,024 characters) are unique through their SHA-256, ``order_key``.
    op.create_table(
        "purchase_orders",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("organization_id", sa.String(32), nullable=False),
        sa.Column("connection_id", sa.String(64), nullable=False),
        sa.Column("order_number", sa.Text(), nullable=False),
        sa.Column("order_key", sa.String(64), nullable=False),
        sa.Column("order_version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("payload_id", sa.Text(), nullable=False),
        sa.Column("order_date", _TIME, nullable=False),
        sa.Column("total", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("test", sa.Boolean(), nullable=False),
        sa.Column("received_at", _TIME, nullable=False),
        sa.Column("agreement_ids", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_purchase_orders"),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="fk_purchase_orders_organization_id_organizations",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["portal_connections.id"],
            name="fk_purchase_orders_connection_id_portal_connections",
        ),
        sa.UniqueConstraint(
            "connection_id",
            "order_key",
            "order_version",
            "kind",
            name="uq_purchase_orders_connection_id_order_key_order_version_kind",
        ),
    )
    _index("purchase_orders", "organization_id", "received_at")


def _receipts() -> None:
    # Keyed by the payloadID's SHA-256: a payloadID has no length limit.
    op.create_table(
        "cxml_receipts",
        sa.Column("payload_key", sa.String(64), nullable=False),
        sa.Column("payload_id", sa.Text(), nullable=False),
        sa.Column("connection_id", sa.String(64), nullable=False),
        sa.Column("received_at", _TIME, nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("payload_key", name="pk_cxml_receipts"),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["portal_connections.id"],
            name="fk_cxml_receipts_connection_id_portal_connections",
            ondelete="CASCADE",
        ),
    )
    _index("cxml_receipts", "connection_id")


def _outbox() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("organization_id", sa.String(32), nullable=False),
        sa.Column("destination", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("next_attempt_at", _TIME, nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("payload_id", sa.Text(), nullable=True),
        sa.Column("reference", sa.String(64), nullable=True),
        sa.Column("delivered_at", _TIME, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_messages"),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="fk_outbox_messages_organization_id_organizations",
            ondelete="CASCADE",
        ),
    )
    _index("outbox_messages", "status", "next_attempt_at")
    _index("outbox_messages", "organization_id", "created_at")
    _index("outbox_messages", "created_at")
    op.create_table(
        "delivery_attempts",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("attempted_at", _TIME, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response_excerpt", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_delivery_attempts"),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["outbox_messages.id"],
            name="fk_delivery_attempts_message_id_outbox_messages",
            ondelete="CASCADE",
        ),
    )
    _index("delivery_attempts", "message_id", "attempted_at")


def downgrade() -> None:
    for table in (
        "delivery_attempts",
        "outbox_messages",
        "cxml_receipts",
        "purchase_orders",
        "agreements",
    ):
        op.drop_table(table)
