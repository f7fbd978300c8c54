"""The portable tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

The migrations in ``migrations/versions`` create exactly these (a test compares them). The
full-text index, ``product_search``, is not here: it is an FTS5 virtual table on SQLite and a
``tsvector`` table on PostgreSQL, created by the migrations and queried by ``search.py``.

Conventions: enums are stored by value in short strings; money is ``DecimalText`` (the exact
decimal string, since SQLite has no exact numeric type); times are UTC; an offer's
dimensions, durations and instalments are JSON text (read and written only whole, with the
offer); a user's policy names are a JSON list, as are a connection's sellers of record and
an audit event's request parameters and changes, a punchout session's extrinsics and request
ids, and a subscription request's choice, charges and lines (``punchout_records`` gives
their shapes), an agreement's choice, charges and purchase order line numbers, and a
purchase order's lines and agreement ids (``order_records``).

The billing tables (invoices, usage records, seller keys) are in ``billing_tables``, on this
same ``metadata``: it is imported at the end of this module, so ``metadata`` always holds
every table.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

__all__ = [
    "DecimalText",
    "UtcDateTime",
    "accounts",
    "agreements",
    "api_keys",
    "audit_events",
    "catalog_facet_counts",
    "connection_secrets",
    "cxml_receipts",
    "delivery_attempts",
    "metadata",
    "offers",
    "organizations",
    "outbox_messages",
    "portal_connections",
    "procurement_configurations",
    "product_categories",
    "products",
    "punchout_sessions",
    "purchase_orders",
    "rate_limit_buckets",
    "sellers",
    "subscription_requests",
    "users",
]


class UtcDateTime(TypeDecorator[dt.datetime]):
    """An aware UTC datetime; naive values are taken as UTC. SQLite keeps naive UTC text."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        utc = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class DecimalText(TypeDecorator[Decimal]):
    """A Decimal stored as its exact string: ``Decimal("0.000123456789")`` comes back equal."""

    impl = String(64)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        return None if value is None else str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


# Constraint names are spelled out so that migrations and models agree on every backend.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite only aliases the rowid for a column declared exactly INTEGER PRIMARY KEY.
_SERIAL = BigInteger().with_variant(Integer(), "sqlite")

organizations = Table(
    "organizations",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("management_account_id", String(12), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", String(12), primary_key=True),
    Column(
        "organization_id",
        String(32),
        ForeignKey("organizations.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("name", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", String(32), primary_key=True),
    Column(
        "account_id",
        String(12),
        ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("password_hash", String(255)),
    Column("policies", Text(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(32), primary_key=True),
    Column(
        "user_id",
        String(32),
        ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("prefix", String(64), nullable=False, unique=True),
    Column("key_hash", String(128), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime()),
)

sellers = Table(
    "sellers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
)

# ``pk`` is the row's number (the full-text index refers to it); ``id`` is the public id.
# ``pricing_model`` and ``starting_price`` are those of the default offer, kept here so that
# filters and result lists never read offers.
products = Table(
    "products",
    metadata,
    Column("pk", _SERIAL, primary_key=True, autoincrement=True),
    Column("id", String(64), nullable=False, unique=True),
    Column("title", String(300), nullable=False),
    Column("short_description", Text(), nullable=False),
    Column("long_description", Text(), nullable=False),
    Column("seller_id", String(64), ForeignKey("sellers.id"), nullable=False, index=True),
    Column("delivery_method", String(32), nullable=False),
    Column("pricing_model", String(32), nullable=False),
    Column("starting_price", DecimalText()),
    Column("currency", String(3), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Index(None, "pricing_model", "pk"),
    Index(None, "delivery_method", "pk"),
)

product_categories = Table(
    "product_categories",
    metadata,
    Column(
        "product_pk",
        _SERIAL,
        ForeignKey("products.pk", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("position", Integer(), nullable=False),
    Column("name", String(100), nullable=False),
    PrimaryKeyConstraint("product_pk", "position"),
    UniqueConstraint("product_pk", "name"),
    Index(None, "name", "product_pk"),
    sqlite_with_rowid=False,  # a product's categories are read together, by product_pk
)

offers = Table(
    "offers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column(
        "product_pk",
        _SERIAL,
        ForeignKey("products.pk", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("position", Integer(), nullable=False),
    Column("name", String(200), nullable=False),
    Column("pricing_model", String(32), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("trial_days", Integer(), nullable=False),
    Column("is_default", Boolean(), nullable=False),
    Column("durations", Text(), nullable=False),
    Column("dimensions", Text(), nullable=False),
    Column("instalments", Text(), nullable=False),
    UniqueConstraint("product_pk", "position"),
)

# How many products have each (pricing model, delivery method), overall (category "") and
# per category: maintained with every insert, so that browsing, category lists and the
# facets of an empty query never count products one by one.
catalog_facet_counts = Table(
    "catalog_facet_counts",
    metadata,
    Column("pricing_model", String(32), nullable=False),
    Column("delivery_method", String(32), nullable=False),
    Column("category", String(100), nullable=False),
    Column("products", BigInteger(), nullable=False),
    PrimaryKeyConstraint("pricing_model", "delivery_method", "category"),
)

# One per organization. Name and description are Text: their limits are the service's rules.
procurement_configurations = Table(
    "procurement_configurations",
    metadata,
    Column(
        "organization_id",
        String(32),
        ForeignKey("organizations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("system", String(16), nullable=False),
    Column("name", Text(), nullable=False),
    Column("description", Text(), nullable=False),
    Column("enable_redirect", Boolean(), nullable=False),
    Column("test_mode", Boolean(), nullable=False),
    Column("preapprove_free", Boolean(), nullable=False),
    Column("preapprove_byol", Boolean(), nullable=False),
    Column("billing_integration", Boolean(), nullable=False),
    Column("purchase_order_role_created_at", UtcDateTime()),
    Column("redirect_paused", Boolean(), nullable=False),
    Column("version", Integer(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# A connection's credentials are four values of up to 1,024 characters each: an index over
# them could pass PostgreSQL's btree row limit (about 2,700 bytes) and refuse the insert. So
# the indexes hold SHA-256 digests (hex) of the normalized values (domains lower-cased,
# identities as they are; see ``procurement.credentials_key``):
# - ``credentials_key`` of all four, unique: the rule "one connection per credentials";
# - ``buyer_key`` of the buyer's two (the cXML From), indexed: finding a buyer's connections.
# Queries compare the stored values as well, so a digest collision could never match wrongly.
portal_connections = Table(
    "portal_connections",
    metadata,
    Column("id", String(64), primary_key=True),
    Column(
        "organization_id",
        String(32),
        ForeignKey("organizations.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column(
        "account_id",
        String(12),
        ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("system", String(16), nullable=False),
    Column("buyer_domain", String(1024), nullable=False),
    Column("buyer_identity", String(1024), nullable=False),
    Column("supplier_domain", String(1024), nullable=False),
    Column("supplier_identity", String(1024), nullable=False),
    Column("buyer_key", String(64), nullable=False, index=True),
    Column("credentials_key", String(64), nullable=False, unique=True),
    Column("invoice_endpoint", String(1024)),
    Column("approval_redirect_url", String(1024)),
    Column("sellers_of_record", Text(), nullable=False),
    Column("cart_field", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("test_mode", Boolean(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# Sealed (encrypted) shared secrets; ``expires_at`` NULL is the current one.
connection_secrets = Table(
    "connection_secrets",
    metadata,
    Column("id", String(64), primary_key=True),
    Column(
        "connection_id",
        String(64),
        ForeignKey("portal_connections.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("sealed", Text(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime()),
)

# ``request_parameters`` is a JSON object; ``changes`` a JSON list of {"field", "old", "new"}.
# The index serves the log's only query: one organization, newest first, by (time, id).
audit_events = Table(
    "audit_events",
    metadata,
    Column("id", String(64), primary_key=True),
    Column(
        "organization_id",
        String(32),
        ForeignKey("organizations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("occurred_at", UtcDateTime(), nullable=False),
    Column("event_name", String(64), nullable=False),
    Column("resource_type", String(64), nullable=False),
    Column("resource_id", String(64), nullable=False),
    Column("account_id", String(12)),
    Column("actor_user_id", String(32)),
    Column("actor_email", String(320)),
    Column("source", String(16), nullable=False),
    Column("request_parameters", Text(), nullable=False),
    Column("changes", Text(), nullable=False),
    Index(None, "organization_id", "occurred_at", "id"),
)

# A punchout, from the setup request to the cart going back. What the buyer's document
# supplies (cookie, return URL, user, extrinsics, selected item, version) is Text: its limits
# are the service's rules. Only the StartPage token's SHA-256 (hex) is kept, unique.
# ``extrinsics`` is a JSON list of [name, value] pairs (in order), ``request_ids`` a JSON list.
# Here and in ``subscription_requests`` every foreign key leads an index: deleting a parent
# row looks up its children. An organization's deletion takes its sessions and requests.
punchout_sessions = Table(
    "punchout_sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column(
        "connection_id",
        String(64),
        ForeignKey("portal_connections.id"),
        nullable=False,
        index=True,
    ),
    Column(
        "organization_id",
        String(32),
        ForeignKey("organizations.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("account_id", String(12), nullable=False),
    Column("system", String(16), nullable=False),
    Column("operation", String(16), nullable=False),
    Column("buyer_cookie", Text(), nullable=False),
    Column("form_post_url", Text(), nullable=False),
    Column("cart_field", String(32), nullable=False),
    Column("cxml_version", Text(), nullable=False),
    Column("test", Boolean(), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("token_expires_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("user_email", Text()),
    Column("user_name", Text()),
    Column("extrinsics", Text(), nullable=False),
    Column("selected_item", Text()),
    Column("request_ids", Text(), nullable=False),
    Column("start_url", Text()),
    Column("token_used_at", UtcDateTime()),
    Column("user_id", String(32), ForeignKey("users.id"), index=True),
    Column("status", String(16), nullable=False),
    Column("returned_at", UtcDateTime()),
)

# A configured offer asked for approval. ``choice`` is a JSON object, ``charges`` and
# ``lines`` JSON lists, every amount an exact decimal string (``punchout_records``). The
# indexes serve the lists: an organization's requests, or one user's, newest first.
subscription_requests = Table(
    "subscription_requests",
    metadata,
    Column("id", String(64), primary_key=True),
    Column(
        "organization_id",
        String(32),
        ForeignKey("organizations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("account_id", String(12), nullable=False),
    Column("user_id", String(32), ForeignKey("users.id"), nullable=False),
    Column("product_id", String(64), nullable=False),
    Column("product_title", String(300), nullable=False),
    Column("seller_name", String(200), nullable=False),
    Column("offer_id", String(64), nullable=False),
    Column("offer_name", String(200), nullable=False),
    Column("pricing_model", String(32), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("choice", Text(), nullable=False),
    Column("charges", Text(), nullable=False),
    Column("lines", Text(), nullable=False),
    Column("status", String(32), nullable=False),
    Column("test", Boolean(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("connection_id", String(64), ForeignKey("portal_connections.id"), index=True),
    Column("session_id", String(64), ForeignKey("punchout_sessions.id"), index=True),
    Index(None, "organization_id", "created_at"),
    Index(None, "user_id", "created_at"),
)

# What a buyer bought (``domain.agreements``): a request's offer, choice and charges, and the
# purchase order behind it. ``request_id`` is unique: a request becomes at most one agreement
# (a server annual agreement keeps its first request's id; the second request has no row).
# The purchase order number is Text (up to 1,024 characters, never searched here: orders
# are found in ``purchase_orders``). Indexes: an organization's agreements, or one user's,
# newest first; each foreign key leads one.
agreements = Table(
    "agreements",
    metadata,
    Column("id", String(64), primary_key=True),
    Column(
        "organization_id",
        String(32),
        ForeignKey("organizations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("account_id", String(12), nullable=False),
    Column("user_id", String(32), ForeignKey("users.id"), nullable=False),
    Column(
        "request_id",
        String(64),
        ForeignKey("subscription_requests.id"),
        nullable=False,
        unique=True,
    ),
    Column("product_id", String(64), nullable=False),
    Column("product_title", String(300), nullable=False),
    Column("seller_name", String(200), nullable=False),
    Column("offer_id", String(64), nullable=False),
    Column("offer_name", String(200), nullable=False),
    Column("pricing_model", String(32), nullable=False),
    Column("payment_model", String(32), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("choice", Text(), nullable=False),
    Column("charges", Text(), nullable=False),
    Column("starts_on", Date(), nullable=False),
    Column("ends_on", Date()),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("connection_id", String(64), ForeignKey("portal_connections.id"), index=True),
    Column("purchase_order_number", Text()),
    Column("purchase_order_lines", Text(), nullable=False),
    Column("order_version", Integer(), nullable=False),
    Column("annual_pending", Boolean(), nullable=False),
    Column("cancelled_at", UtcDateTime()),
    Index(None, "organization_id", "created_at"),
    Index(None, "user_id", "created_at"),
)

# One row per OrderRequest accepted (``new``, then each ``update`` or ``delete``, test orders
# too). Order numbers reach 1,024 characters and payloadIDs are unbounded, so both are Text
# and the index holds ``order_key``, the SHA-256 (hex) of the order number (``orders``):
# unique with the connection, version and kind ("each version of an order is received once"),
# and leading the lookup of an order's versions. ``lines`` and ``agreement_ids`` are JSON
# (``order_records``), amounts exact decimal strings.
purchase_orders = Table(
    "purchase_orders",
    metadata,
    Column("id", String(64), primary_key=True),
    Column(
        "organization_id",
        String(32),
        ForeignKey("organizations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("connection_id", String(64), ForeignKey("portal_connections.id"), nullable=False),
    Column("order_number", Text(), nullable=False),
    Column("order_key", String(64), nullable=False),
    Column("order_version", Integer(), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("payload_id", Text(), nullable=False),
    Column("order_date", UtcDateTime(), nullable=False),
    Column("total", DecimalText(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("lines", Text(), nullable=False),
    Column("test", Boolean(), nullable=False),
    Column("received_at", UtcDateTime(), nullable=False),
    Column("agreement_ids", Text(), nullable=False),
    UniqueConstraint("connection_id", "order_key", "order_version", "kind"),
    Index(None, "organization_id", "received_at"),
)

# That a cXML document was answered, and the answer: what makes a retried request idempotent.
# The key is the SHA-256 (hex) of the payloadID (``orders.payload_key``; a payloadID has no
# length limit, the key a fixed one), the payloadID itself kept beside it. ``status_code``
# is NULL while the first answer is being made.
cxml_receipts = Table(
    "cxml_receipts",
    metadata,
    Column("payload_key", String(64), primary_key=True),
    Column("payload_id", Text(), nullable=False),
    Column(
        "connection_id",
        String(64),
        ForeignKey("portal_connections.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("received_at", UtcDateTime(), nullable=False),
    Column("status_code", Integer()),
    Column("response", Text()),
)

# Documents and e-mails to deliver (``domain.outbox``). The indexes serve the worker's claim
# (pending rows by due time), an organization's messages and every message, newest first.
outbox_messages = Table(
    "outbox_messages",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column(
        "organization_id",
        String(32),
        ForeignKey("organizations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("destination", Text(), nullable=False),
    Column("subject", Text(), nullable=False),
    Column("body", Text(), nullable=False),
    Column("status", String(16), nullable=False),
    Column("next_attempt_at", UtcDateTime(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("attempts", Integer(), nullable=False),
    Column("payload_id", Text()),
    Column("reference", String(64)),
    Column("delivered_at", UtcDateTime()),
    Column("last_error", Text()),
    Index(None, "status", "next_attempt_at"),
    Index(None, "organization_id", "created_at"),
    Index(None, "created_at"),
)

# Each try at delivering a message, listed oldest first per message.
delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column(
        "message_id",
        String(64),
        ForeignKey("outbox_messages.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("attempted_at", UtcDateTime(), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("duration_ms", Integer(), nullable=False),
    Column("status_code", Integer()),
    Column("response_excerpt", Text(), nullable=False),
    Index(None, "message_id", "attempted_at"),
)

# Rate limits (``storage.rate_limits``): a token bucket per key, shared by every process.
# ``updated_at`` is seconds since the epoch, a double, so that both backends compute the
# refill in the one statement that takes a token.
rate_limit_buckets = Table(
    "rate_limit_buckets",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("tokens", Double(), nullable=False),
    Column("updated_at", Double(), nullable=False),
)

# Last, once ``metadata`` and the types exist: the billing tables join ``metadata`` (above).
from marketplace.storage import billing_tables as _billing_tables  # noqa: E402, F401
