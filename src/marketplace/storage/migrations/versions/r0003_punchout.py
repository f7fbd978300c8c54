"""Punchout sessions and the subscription requests made in them.

Revision ID: 0003
Revises: 0002
Create Date: 2024-06-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    _sessions()
    _requests()


def _sessions() -> None:
    # Only the StartPage token's SHA-256 is kept; what the buyer's document supplies is Text.
    op.create_table(
        "punchout_sessions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("connection_id", sa.String(64), nullable=False),
        sa.Column("organization_id", sa.String(32), nullable=False),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("system", sa.String(16), nullable=False),
        sa.Column("operation", sa.String(16), nullable=False),
        sa.Column("buyer_cookie", sa.Text(), nullable=False),
        sa.Column("form_post_url", sa.Text(), nullable=False),
        sa.Column("cart_field", sa.String(32), nullable=False),
        sa.Column("cxml_version", sa.Text(), nullable=False),
        sa.Column("test", sa.Boolean(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("token_expires_at", _TIME, nullable=False),
        sa.Column("expires_at", _TIME, nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("user_email", sa.Text(), nullable=True),
        sa.Column("user_name", sa.Text(), nullable=True),
        sa.Column("extrinsics", sa.Text(), nullable=False),
        sa.Column("selected_item", sa.Text(), nullable=True),
        sa.Column("request_ids", sa.Text(), nullable=False),
        sa.Column("start_url", sa.Text(), nullable=True),
        sa.Column("token_used_at", _TIME, nullable=True),
        sa.Column("user_id", sa.String(32), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("returned_at", _TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_punchout_sessions"),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["portal_connections.id"],
            name="fk_punchout_sessions_connection_id_portal_connections",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="fk_punchout_sessions_organization_id_organizations",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_punchout_sessions_user_id_users"
        ),
        sa.UniqueConstraint("token_hash", name="uq_punchout_sessions_token_hash"),
    )
    for column in ("connection_id", "organization_id", "user_id"):
        op.create_index(f"ix_punchout_sessions_{column}", "punchout_sessions", [column])


def _requests() -> None:
    op.create_table(
        "subscription_requests",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("organization_id", sa.String(32), nullable=False),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("product_id", sa.String(64), nullable=False),
        sa.Column("product_title", sa.String(300), nullable=False),
        sa.Column("seller_name", sa.String(200), nullable=False),
        sa.Column("offer_id", sa.String(64), nullable=False),
        sa.Column("offer_name", sa.String(200), nullable=False),
        sa.Column("pricing_model", sa.String(32), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("choice", sa.Text(), nullable=False),
        sa.Column("charges", sa.Text(), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("test", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.Column("connection_id", sa.String(64), nullable=True),
        sa.Column("session_id", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_subscription_requests"),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="fk_subscription_requests_organization_id_organizations",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_subscription_requests_user_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["portal_connections.id"],
            name="fk_subscription_requests_connection_id_portal_connections",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["punchout_sessions.id"],
            name="fk_subscription_requests_session_id_punchout_sessions",
        ),
    )
    for columns in (
        ["organization_id", "created_at"],
        ["user_id", "created_at"],
        ["connection_id"],
        ["session_id"],
    ):
        name = "ix_subscription_requests_" + "_".join(columns)
        op.create_index(name, "subscription_requests", columns)


def downgrade() -> None:
    for table in ("subscription_requests", "punchout_sessions"):
        op.drop_table(table)
