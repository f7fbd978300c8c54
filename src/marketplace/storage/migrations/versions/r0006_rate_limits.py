"""Rate limits: a token bucket per key (a procurement connection's cXML requests), shared by
every app process.

Revision ID: 0006
Revises: 0005
Create Date: 2024-07-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_buckets",
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("tokens", sa.Double(), nullable=False),
        # Seconds since the epoch: both backends do the refill's arithmetic on it.
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_rate_limit_buckets"),
    )


def downgrade() -> None:
    op.drop_table("rate_limit_buckets")
