"""Accounts, catalog and its full-text index.

Revision ID: 0001
Revises:
Create Date: 2024-05-17
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    _organizations()
    _users()
    _products()
    _product_details()
    _offers()
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_search()
    else:
        _postgresql_search()


def _organizations() -> None:
    op.create_table(
        "organizations",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("management_account_id", sa.String(12), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_organizations"),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(12), nullable=False),
        sa.Column("organization_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="fk_accounts_organization_id_organizations",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_accounts_organization_id", "accounts", ["organization_id"])


def _users() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("policies", sa.Text(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_users_account_id_accounts", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("email", name="uq_users_email"),
    )
    op.create_index("ix_users_account_id", "users", ["account_id"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("prefix", sa.String(64), nullable=False),
        sa.Column("key_hash", sa.String(128), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("revoked_at", _TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_api_keys_user_id_users", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("prefix", name="uq_api_keys_prefix"),
    )
    op.create_index("ix_api_keys_user_id", "api_keys", ["user_id"])


def _products() -> None:
    op.create_table(
        "sellers",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sellers"),
    )
    op.create_table(
        "products",
        sa.Column("pk", _SERIAL, autoincrement=True, nullable=False),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("short_description", sa.Text(), nullable=False),
        sa.Column("long_description", sa.Text(), nullable=False),
        sa.Column("seller_id", sa.String(64), nullable=False),
        sa.Column("delivery_method", sa.String(32), nullable=False),
        sa.Column("pricing_model", sa.String(32), nullable=False),
        sa.Column("starting_price", sa.String(64), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("pk", name="pk_products"),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name="fk_products_seller_id_sellers"
        ),
        sa.UniqueConstraint("id", name="uq_products_id"),
    )
    op.create_index("ix_products_seller_id", "products", ["seller_id"])
    op.create_index("ix_products_pricing_model_pk", "products", ["pricing_model", "pk"])
    op.create_index("ix_products_delivery_method_pk", "products", ["delivery_method", "pk"])


def _product_details() -> None:
    op.create_table(
        "product_categories",
        sa.Column("product_pk", _SERIAL, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("product_pk", "position", name="pk_product_categories"),
        sa.ForeignKeyConstraint(
            ["product_pk"],
            ["products.pk"],
            name="fk_product_categories_product_pk_products",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("product_pk", "name", name="uq_product_categories_product_pk_name"),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_product_categories_name_product_pk", "product_categories", ["name", "product_pk"]
    )
    # How many products each (pricing model, delivery method) has, overall ("") and per
    # category, kept in step by every insert.
    op.create_table(
        "catalog_facet_counts",
        sa.Column("pricing_model", sa.String(32), nullable=False),
        sa.Column("delivery_method", sa.String(32), nullable=False),
        sa.Column("category", sa.String(100), nullable=False),
        sa.Column("products", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "pricing_model", "delivery_method", "category", name="pk_catalog_facet_counts"
        ),
    )


def _offers() -> None:
    op.create_table(
        "offers",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("product_pk", _SERIAL, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("pricing_model", sa.String(32), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("trial_days", sa.Integer(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("durations", sa.Text(), nullable=False),
        sa.Column("dimensions", sa.Text(), nullable=False),
        sa.Column("instalments", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_offers"),
        sa.ForeignKeyConstraint(
            ["product_pk"],
            ["products.pk"],
            name="fk_offers_product_pk_products",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("product_pk", "position", name="uq_offers_product_pk_position"),
    )


def _sqlite_search() -> None:
    # Contentless (the text lives in ``products``); ``ascii`` splits exactly where
    # marketplace.storage.text did, and ``_`` joins the filter tags (``_dm_saas``) that no
    # search term can spell; ``detail=column`` since no query needs word positions; prefix
    # indexes for the 2- to 4-letter starts of the word being typed.
    op.execute(
        "CREATE VIRTUAL TABLE product_search USING fts5("
        "title, summary, body, seller, categories, tags, content='', "
        "tokenize=\"ascii tokenchars '_'\", detail='column', prefix='2 3 4')"
    )
    # Every indexed term, so that a longer prefix is looked up once and searched as the
    # terms it stands for (FTS5 merges a prefix's doclists anew at each evaluation).
    op.execute("CREATE TABLE product_search_terms (term TEXT PRIMARY KEY) WITHOUT ROWID")


def _postgresql_search() -> None:
    # A tsvector per ranking tier (title; title, summary, seller and categories; all), the
    # cell code and the categories, so that searching never joins ``products``. The GIN
    # indexes keep a short pending list: a search reads all of it until it is merged.
    op.create_table(
        "product_search",
        sa.Column("product_pk", sa.BigInteger(), nullable=False),
        sa.Column("cell", sa.SmallInteger(), nullable=False),
        sa.Column("categories", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("title", postgresql.TSVECTOR(), nullable=False),
        sa.Column("near", postgresql.TSVECTOR(), nullable=False),
        sa.Column("document", postgresql.TSVECTOR(), nullable=False),
        sa.PrimaryKeyConstraint("product_pk", name="pk_product_search"),
        sa.ForeignKeyConstraint(
            ["product_pk"],
            ["products.pk"],
            name="fk_product_search_product_pk_products",
            ondelete="CASCADE",
        ),
    )
    for column in ("title", "document"):
        op.create_index(
            f"ix_product_search_{column}",
            "product_search",
            [column],
            postgresql_using="gin",
            postgresql_with={"gin_pending_list_limit": 512},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.drop_table("product_search_terms")
    op.drop_table("product_search")
    for table in (
        "catalog_facet_counts",
        "offers",
        "product_categories",
        "products",
        "sellers",
        "api_keys",
        "users",
        "accounts",
        "organizations",
    ):
        op.drop_table(table)
