"""Suppliers: their settings, with the secrets sealed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, func, select

from sandbox.domain.suppliers import TEXT_FIELDS, Supplier, SupplierInput, SupplierMode
from sandbox.storage.secret_box import SecretBox
from sandbox.storage.tables import suppliers

__all__ = ["add_supplier", "find_supplier", "get_supplier", "list_suppliers", "update_supplier"]

_PLAIN = (*TEXT_FIELDS, "test", "allow_invoicing")


def _values(draft: SupplierInput, box: SecretBox) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(draft, name) for name in _PLAIN}
    values["mode"] = draft.mode.value
    if draft.po_secret:
        values["po_secret"] = box.seal(draft.po_secret)
    if draft.punchout_secret:
        values["punchout_secret"] = box.seal(draft.punchout_secret)
    return values


def add_supplier(conn: Connection, box: SecretBox, draft: SupplierInput, now: dt.datetime) -> int:
    """Store a new supplier; its id."""
    values = {"po_secret": "", "punchout_secret": "", **_values(draft, box)}
    result = conn.execute(suppliers.insert().values(created_at=now, updated_at=now, **values))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def update_supplier(
    conn: Connection, box: SecretBox, supplier_id: int, draft: SupplierInput, now: dt.datetime
) -> None:
    """Change a supplier; secrets left empty keep their stored value."""
    conn.execute(
        suppliers.update()
        .where(suppliers.c.id == supplier_id)
        .values(updated_at=now, **_values(draft, box))
    )


def _supplier(row: Any, box: SecretBox) -> Supplier:
    settings = SupplierInput(
        mode=SupplierMode(row.mode),
        po_secret=box.open(row.po_secret),
        punchout_secret=box.open(row.punchout_secret),
        **{name: getattr(row, name) for name in _PLAIN},
    )
    return Supplier(
        id=row.id, settings=settings, created_at=row.created_at, updated_at=row.updated_at
    )


def get_supplier(conn: Connection, box: SecretBox, supplier_id: int) -> Supplier | None:
    """The supplier with this id, or None."""
    row = conn.execute(select(suppliers).where(suppliers.c.id == supplier_id)).first()
    return _supplier(row, box) if row else None


def find_supplier(conn: Connection, box: SecretBox, name: str) -> Supplier | None:
    """The supplier with this name (any case), or None."""
    row = conn.execute(
        select(suppliers).where(func.lower(suppliers.c.name) == name.strip().lower())
    ).first()
    return _supplier(row, box) if row else None


def list_suppliers(conn: Connection, box: SecretBox) -> list[Supplier]:
    """Every supplier, by name."""
    rows = conn.execute(select(suppliers).order_by(suppliers.c.name)).all()
    return [_supplier(row, box) for row in rows]
