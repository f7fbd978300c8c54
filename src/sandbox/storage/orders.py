"""Purchase orders, their current lines, and every transmission to the supplier."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import Connection, func, select

from sandbox.domain.orders import OrderType, Outcome, PoStatus, PurchaseOrder, Transmission
from sandbox.storage.lines import line_from_row, line_values
from sandbox.storage.tables import po_lines, purchase_orders, transmissions

__all__ = [
    "add_purchase_order",
    "add_transmission",
    "get_purchase_order",
    "highest_po_number",
    "list_purchase_orders",
    "list_transmissions",
    "save_purchase_order",
]


def highest_po_number(conn: Connection) -> int | None:
    """The highest PO number issued, or None before the first."""
    found = conn.execute(select(func.max(purchase_orders.c.number))).scalar()
    return int(found) if found is not None else None


def _header(po: PurchaseOrder) -> dict[str, Any]:
    return {
        "requisition_id": po.requisition_id,
        "supplier_id": po.supplier_id,
        "requester_email": po.requester_email,
        "version": po.version,
        "status": po.status.value,
        "test": po.test,
        "created_at": po.created_at,
        "updated_at": po.updated_at,
    }


def _store_lines(conn: Connection, po: PurchaseOrder) -> None:
    conn.execute(po_lines.delete().where(po_lines.c.po_number == po.number))
    for line in po.lines:
        conn.execute(po_lines.insert().values(po_number=po.number, **line_values(line)))


def add_purchase_order(conn: Connection, po: PurchaseOrder) -> None:
    """Store a new PO with its lines."""
    conn.execute(purchase_orders.insert().values(number=po.number, **_header(po)))
    _store_lines(conn, po)


def save_purchase_order(conn: Connection, po: PurchaseOrder) -> None:
    """Store the PO's new version, status and lines."""
    conn.execute(
        purchase_orders.update().where(purchase_orders.c.number == po.number).values(**_header(po))
    )
    _store_lines(conn, po)


def _purchase_order(conn: Connection, row: Any) -> PurchaseOrder:
    lines = conn.execute(
        select(po_lines).where(po_lines.c.po_number == row.number).order_by(po_lines.c.line_number)
    ).all()
    return PurchaseOrder(
        number=row.number,
        requisition_id=row.requisition_id,
        supplier_id=row.supplier_id,
        requester_email=row.requester_email,
        version=row.version,
        status=PoStatus(row.status),
        lines=tuple(line_from_row(line) for line in lines),
        test=row.test,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def get_purchase_order(conn: Connection, number: int) -> PurchaseOrder | None:
    """The PO with this number, or None."""
    row = conn.execute(select(purchase_orders).where(purchase_orders.c.number == number)).first()
    return _purchase_order(conn, row) if row else None


def list_purchase_orders(
    conn: Connection, *, supplier_id: int | None = None, limit: int = 200
) -> list[PurchaseOrder]:
    """The newest POs first (of one supplier when given)."""
    query = select(purchase_orders).order_by(purchase_orders.c.number.desc()).limit(limit)
    if supplier_id is not None:
        query = query.where(purchase_orders.c.supplier_id == supplier_id)
    return [_purchase_order(conn, row) for row in conn.execute(query).all()]


def add_transmission(conn: Connection, transmission: Transmission) -> Transmission:
    """Store a transmission (its ``id`` is ignored); it with its new id."""
    values = {f.name: getattr(transmission, f.name) for f in dataclasses.fields(transmission)}
    del values["id"]
    values["order_type"] = transmission.order_type.value
    values["outcome"] = transmission.outcome.value
    result = conn.execute(transmissions.insert().values(**values))
    key = result.inserted_primary_key
    assert key is not None
    return dataclasses.replace(transmission, id=int(key[0]))


def list_transmissions(conn: Connection, po_number: int) -> list[Transmission]:
    """The PO's transmissions, oldest first."""
    rows = conn.execute(
        select(transmissions)
        .where(transmissions.c.po_number == po_number)
        .order_by(transmissions.c.id)
    ).all()
    result = []
    for row in rows:
        values = dict(row._mapping)
        values["order_type"] = OrderType(values["order_type"])
        values["outcome"] = Outcome(values["outcome"])
        result.append(Transmission(**values))
    return result
