"""The tables. ``sandbox serve`` creates any that are missing (``create_all``); the schema
version in ``sandbox_meta`` says which layout a file has, for a future migration."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Dialect,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

__all__ = [
    "SCHEMA_VERSION",
    "approvals",
    "inbox_log",
    "invoice_lines",
    "invoices",
    "meta",
    "metadata",
    "po_lines",
    "punchout_sessions",
    "purchase_orders",
    "requisition_lines",
    "requisitions",
    "suppliers",
    "transmissions",
]

SCHEMA_VERSION = 1


class IsoDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware date-time kept as ISO 8601 text (SQLite has no such type)."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("store timezone-aware date-times only")
        return value.isoformat()

    def process_result_value(self, value: Any | None, dialect: Dialect) -> dt.datetime | None:
        return None if value is None else dt.datetime.fromisoformat(str(value))


class DecimalText(TypeDecorator[Decimal]):
    """An exact decimal kept as text (no float rounding on the way)."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: Any | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(str(value))


metadata = MetaData()

meta = Table(
    "sandbox_meta",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
)

suppliers = Table(
    "suppliers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("mode", String(20), nullable=False),
    Column("test", Boolean, nullable=False),
    Column("cxml_version", String(20), nullable=False),
    Column("po_url", Text, nullable=False),
    Column("our_domain", String(200), nullable=False),
    Column("our_identity", String(200), nullable=False),
    Column("supplier_domain", String(200), nullable=False),
    Column("supplier_identity", String(200), nullable=False),
    Column("po_secret", Text, nullable=False),  # sealed
    Column("punchout_url", Text, nullable=False),
    Column("punchout_domain", String(200), nullable=False),
    Column("punchout_identity", String(200), nullable=False),
    Column("punchout_secret", Text, nullable=False),  # sealed
    Column("sender_domain", String(200), nullable=False),
    Column("sender_identity", String(200), nullable=False),
    Column("allow_invoicing", Boolean, nullable=False),
    Column("created_at", IsoDateTime, nullable=False),
    Column("updated_at", IsoDateTime, nullable=False),
)

punchout_sessions = Table(
    "punchout_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("supplier_id", ForeignKey("suppliers.id"), nullable=False),
    Column("user_email", String(200), nullable=False),
    Column("buyer_cookie", String(64), nullable=False),
    Column("operation", String(20), nullable=False),
    Column("display", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", IsoDateTime, nullable=False),
    Column("start_page_url", Text),
    Column("error", Text, nullable=False, default=""),
    Column("requisition_id", Integer),
    Column("po_number", Integer),
    Column("request_document", Text, nullable=False, default=""),
    Column("response_document", Text, nullable=False, default=""),
)

requisitions = Table(
    "requisitions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("requester_email", String(200), nullable=False),
    Column("supplier_id", ForeignKey("suppliers.id"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", IsoDateTime, nullable=False),
    Column("punchout_id", Integer),
    Column("submitted_at", IsoDateTime),
    Column("decided_at", IsoDateTime),
    Column("po_number", Integer),
)


def _line_columns() -> list[Column[Any]]:
    return [
        Column("line_number", Integer, primary_key=True),
        Column("description", Text, nullable=False),
        Column("quantity", DecimalText, nullable=False),
        Column("unit_price", DecimalText, nullable=False),
        Column("currency", String(3), nullable=False),
        Column("unit_of_measure", String(20), nullable=False),
        Column("supplier_part_id", Text, nullable=False),
        Column("supplier_part_auxiliary_id", Text),
        Column("unspsc", String(20)),
        Column("line_type", String(40)),
    ]


requisition_lines = Table(
    "requisition_lines",
    metadata,
    Column("requisition_id", ForeignKey("requisitions.id"), primary_key=True),
    *_line_columns(),
)

approvals = Table(
    "approvals",
    metadata,
    Column("requisition_id", ForeignKey("requisitions.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("approver_email", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("decided_at", IsoDateTime),
    Column("comment", Text, nullable=False, default=""),
)

purchase_orders = Table(
    "purchase_orders",
    metadata,
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("requisition_id", ForeignKey("requisitions.id"), nullable=False, unique=True),
    Column("supplier_id", ForeignKey("suppliers.id"), nullable=False),
    Column("requester_email", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("test", Boolean, nullable=False),
    Column("created_at", IsoDateTime, nullable=False),
    Column("updated_at", IsoDateTime, nullable=False),
)

po_lines = Table(
    "po_lines",
    metadata,
    Column("po_number", ForeignKey("purchase_orders.number"), primary_key=True),
    *_line_columns(),
)

transmissions = Table(
    "transmissions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("po_number", ForeignKey("purchase_orders.number"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("order_type", String(20), nullable=False),
    Column("payload_id", String(200), nullable=False),
    Column("sent_at", IsoDateTime, nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("http_status", Integer),
    Column("status_code", Integer),
    Column("status_text", Text, nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
    Column("document", Text, nullable=False, default=""),
)

invoices = Table(
    "invoices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("supplier_id", ForeignKey("suppliers.id"), nullable=False),
    Column("invoice_number", String(200), nullable=False),
    Column("payload_id", String(300), nullable=False, unique=True),
    Column("purpose", String(40), nullable=False),
    Column("invoice_date", IsoDateTime, nullable=False),
    Column("received_at", IsoDateTime, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("subtotal", DecimalText, nullable=False),
    Column("tax", DecimalText, nullable=False),
    Column("total", DecimalText, nullable=False),
    Column("test", Boolean, nullable=False),
    Column("cancelled", Boolean, nullable=False, default=False),
    Column("document", Text, nullable=False, default=""),
    UniqueConstraint("supplier_id", "invoice_number"),
)

invoice_lines = Table(
    "invoice_lines",
    metadata,
    Column("invoice_id", ForeignKey("invoices.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("invoice_line_number", Integer, nullable=False),
    Column("po_number", Integer, nullable=False),
    Column("po_line_number", Integer, nullable=False),
    Column("quantity", DecimalText, nullable=False),
    Column("unit_price", DecimalText, nullable=False),
    Column("amount", DecimalText, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("unit_of_measure", String(20), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("supplier_part_id", Text),
)

inbox_log = Table(
    "inbox_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("received_at", IsoDateTime, nullable=False),
    Column("payload_id", String(300)),
    Column("supplier_id", Integer),
    Column("invoice_number", String(200)),
    Column("status_code", Integer, nullable=False),
    Column("status_text", Text, nullable=False),
)
