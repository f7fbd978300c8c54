"""The SQL repository of purchase orders and cXML receipts (``services.ports.OrderRepository``).

:class:`SqlOrderRepository` works on the unit of work's connection. A write the constraints
refuse raises :class:`~marketplace.domain.errors.ConflictError` and leaves the transaction
usable (``storage.guarded``).

PayloadIDs and order numbers have no useful length limit, so the indexes hold SHA-256
digests (hex): :func:`payload_key` is a receipt's primary key, :func:`order_key` is unique
with an order's connection, version and kind (``tables.purchase_orders``). Queries compare
the stored values as well, so a digest collision could never match wrongly.

Idempotency: :meth:`SqlOrderRepository.claim_payload` is one ``INSERT … ON CONFLICT DO
NOTHING``. On PostgreSQL a concurrent claim of the same payloadID waits on the primary key
until the first transaction ends, then inserts nothing after a commit (False) and its own
row after a rollback (True); SQLite's writers take turns on the whole database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.domain.errors import NotFoundError
from marketplace.domain.orders import OrderKind, PurchaseOrder, Receipt
from marketplace.storage import order_records
from marketplace.storage import punchout_records as records
from marketplace.storage.guarded import guarded_write
from marketplace.storage.records import AnyRow
from marketplace.storage.tables import cxml_receipts, purchase_orders

__all__ = ["SqlOrderRepository", "order_key", "payload_key"]

# Built once: executed with each row's values as parameters, a statement is compiled once
# and found again in SQLAlchemy's cache by a key that costs nothing to work out.
_INSERT_ORDER = insert(purchase_orders)
_ORDERS = (
    select(purchase_orders)
    .where(
        purchase_orders.c.connection_id == bindparam("connection"),
        purchase_orders.c.order_key == bindparam("key"),
        purchase_orders.c.order_number == bindparam("number"),
    )
    .order_by(purchase_orders.c.order_version, purchase_orders.c.received_at, purchase_orders.c.id)
)
_CLAIM = {
    postgres: dialect.insert(cxml_receipts)
    .on_conflict_do_nothing(index_elements=[cxml_receipts.c.payload_key])
    # SQLAlchemy reads an INSERT's row count only when asked to.
    .execution_options(preserve_rowcount=True)
    for postgres, dialect in ((True, postgresql), (False, sqlite))
}
_COMPLETE_RECEIPT = update(cxml_receipts).where(
    cxml_receipts.c.payload_key == bindparam("key"),
    cxml_receipts.c.payload_id == bindparam("payload"),
)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def payload_key(payload_id: str) -> str:
    """The digest a receipt is stored under (payloadIDs compare exactly, in any length)."""
    return _digest(payload_id)


def order_key(order_number: str) -> str:
    """The digest an order number is indexed by (compared exactly)."""
    return _digest(order_number)


class SqlOrderRepository:
    """Purchase orders (every version received) and the receipts of cXML documents."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    # -- receipts --------------------------------------------------------------------------

    def claim_payload(self, payload_id: str, connection_id: str, received_at: dt.datetime) -> bool:
        """Record that ``payload_id`` is being answered; False when a receipt exists already
        (see the module docstring for concurrent claims). ``ConflictError`` for an unknown
        connection."""
        statement = _CLAIM[self._connection.dialect.name == "postgresql"]
        values = {
            "payload_key": payload_key(payload_id),
            "payload_id": payload_id,
            "connection_id": connection_id,
            "received_at": received_at,
        }
        message = f"payloadID {payload_id!r} cannot be claimed for connection {connection_id}"
        return guarded_write(self._connection, statement, message, values) == 1

    def get_receipt(self, payload_id: str) -> Receipt | None:
        row = self._connection.execute(
            select(cxml_receipts).where(
                cxml_receipts.c.payload_key == payload_key(payload_id),
                cxml_receipts.c.payload_id == payload_id,
            )
        ).first()
        if row is None:
            return None
        values = row._asdict()
        del values["payload_key"]
        return Receipt(**values)

    def complete_receipt(self, payload_id: str, status_code: int, response: str) -> None:
        """Store the answer given to the document (``NotFoundError`` when it was never
        claimed)."""
        result = self._connection.execute(
            _COMPLETE_RECEIPT,
            {
                "key": payload_key(payload_id),
                "payload": payload_id,
                "status_code": status_code,
                "response": response,
            },
        )
        if result.rowcount == 0:
            raise NotFoundError(f"no receipt for payloadID {payload_id!r}")

    # -- orders ----------------------------------------------------------------------------

    def add_order(self, order: PurchaseOrder) -> None:
        """Store an order; ``ConflictError`` when the connection has this order number at this
        version and kind already (or for a taken id, an unknown organization or connection)."""
        message = (
            f"purchase order {order.order_number} version {order.order_version} "
            f"({order.kind.value}) was already received"
        )
        guarded_write(self._connection, _INSERT_ORDER, message, _row(order))

    def find_orders(self, connection_id: str, order_number: str) -> Sequence[PurchaseOrder]:
        """Every version of one order of the connection, lowest version first (then the
        order received first, then ``id``)."""
        values = {
            "connection": connection_id,
            "key": order_key(order_number),
            "number": order_number,
        }
        return tuple(_order(row) for row in self._connection.execute(_ORDERS, values))

    def list_orders(
        self, organization_id: str, *, test: bool | None = None, limit: int = 100
    ) -> Sequence[PurchaseOrder]:
        """The organization's orders (test orders only, or none, when ``test`` is given),
        newest first (``received_at``, then ``id``, both descending), at most ``limit``."""
        if limit <= 0:
            return ()
        table = purchase_orders
        statement = select(table).where(table.c.organization_id == organization_id)
        if test is not None:
            statement = statement.where(table.c.test.is_(test))
        statement = statement.order_by(table.c.received_at.desc(), table.c.id.desc())
        return tuple(_order(row) for row in self._connection.execute(statement.limit(limit)))

    def count_orders(self) -> Mapping[bool, int]:
        """How many orders were received, test or not (one ``GROUP BY``)."""
        table = purchase_orders
        statement = select(table.c.test, func.count()).group_by(table.c.test)
        return {bool(test): n for test, n in self._connection.execute(statement)}


def _row(order: PurchaseOrder) -> dict[str, Any]:
    return {
        "id": order.id,
        "organization_id": order.organization_id,
        "connection_id": order.connection_id,
        "order_number": order.order_number,
        "order_key": order_key(order.order_number),
        "order_version": order.order_version,
        "kind": order.kind.value,
        "payload_id": order.payload_id,
        "order_date": order.order_date,
        "total": order.total,
        "currency": order.currency,
        "lines": order_records.order_lines_json(order.lines),
        "test": order.test,
        "received_at": order.received_at,
        "agreement_ids": records.strings_json(order.agreement_ids),
    }


def _order(row: AnyRow) -> PurchaseOrder:
    values = row._asdict()
    del values["order_key"]
    values.update(
        kind=OrderKind(row.kind),
        lines=order_records.order_lines_from_json(row.lines),
        agreement_ids=records.strings_from_json(row.agreement_ids),
    )
    return PurchaseOrder(**values)
