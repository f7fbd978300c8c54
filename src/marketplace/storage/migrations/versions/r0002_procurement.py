"""Procurement configurations, portal connections, their sealed secrets, the audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2024-06-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    _configurations()
    _connections()
    _audit_events()


def _configurations() -> None:
    op.create_table(
        "procurement_configurations",
        sa.Column("organization_id", sa.String(32), nullable=False),
        sa.Column("system", sa.String(16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("enable_redirect", sa.Boolean(), nullable=False),
        sa.Column("test_mode", sa.Boolean(), nullable=False),
        sa.Column("preapprove_free", sa.Boolean(), nullable=False),
        sa.Column("preapprove_byol", sa.Boolean(), nullable=False),
        sa.Column("billing_integration", sa.Boolean(), nullable=False),
        sa.Column("purchase_order_role_created_at", _TIME, nullable=True),
        sa.Column("redirect_paused", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("organization_id", name="pk_procurement_configurations"),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="fk_procurement_configurations_organization_id_organizations",
            ondelete="CASCADE",
        ),
    )


def _connections() -> None:
    # The credentials are indexed through SHA-256 digests (``buyer_key``, ``credentials_key``):
    # four values of up to 1,024 characters could pass PostgreSQL's btree row limit.
    op.create_table(
        "portal_connections",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("organization_id", sa.String(32), nullable=False),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("system", sa.String(16), nullable=False),
        sa.Column("buyer_domain", sa.String(1024), nullable=False),
        sa.Column("buyer_identity", sa.String(1024), nullable=False),
        sa.Column("supplier_domain", sa.String(1024), nullable=False),
        sa.Column("supplier_identity", sa.String(1024), nullable=False),
        sa.Column("buyer_key", sa.String(64), nullable=False),
        sa.Column("credentials_key", sa.String(64), nullable=False),
        sa.Column("invoice_endpoint", sa.String(1024), nullable=True),
        sa.Column("approval_redirect_url", sa.String(1024), nullable=True),
        sa.Column("sellers_of_record", sa.Text(), nullable=False),
        sa.Column("cart_field", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("test_mode", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_portal_connections"),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="fk_portal_connections_organization_id_organizations",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_portal_connections_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("credentials_key", name="uq_portal_connections_credentials_key"),
    )
    op.create_index(
        "ix_portal_connections_organization_id", "portal_connections", ["organization_id"]
    )
    op.create_index("ix_portal_connections_account_id", "portal_connections", ["account_id"])
    op.create_index("ix_portal_connections_buyer_key", "portal_connections", ["buyer_key"])
    op.create_table(
        "connection_secrets",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("connection_id", sa.String(64), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("expires_at", _TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_connection_secrets"),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["portal_connections.id"],
            name="fk_connection_secrets_connection_id_portal_connections",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_connection_secrets_connection_id", "connection_secrets", ["connection_id"])


def _audit_events() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("organization_id", sa.String(32), nullable=False),
        sa.Column("occurred_at", _TIME, nullable=False),
        sa.Column("event_name", sa.String(64), nullable=False),
        sa.Column("resource_type", sa.String(64), nullable=False),
        sa.Column("resource_id", sa.String(64), nullable=False),
        sa.Column("account_id", sa.String(12), nullable=True),
        sa.Column("actor_user_id", sa.String(32), nullable=True),
        sa.Column("actor_email", sa.String(320), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("request_parameters", sa.Text(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="fk_audit_events_organization_id_organizations",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_audit_events_organization_id_occurred_at_id",
        "audit_events",
        ["organization_id", "occurred_at", "id"],
    )


def downgrade() -> None:
    for table in (
        "audit_events",
        "connection_secrets",
        "portal_connections",
        "procurement_configurations",
    ):
        op.drop_table(table)
