"""Setting up suppliers: by hand (Coupa's forms) or from the marketplace's purchase
information (the "Paste JSON" shortcut, the JSON API and ``sandbox supplier configure``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from sandbox.domain.errors import InputError, NotFoundError
from sandbox.domain.suppliers import Supplier, SupplierInput, check, from_purchase_information
from sandbox.services.context import Sandbox
from sandbox.storage import suppliers as store

__all__ = [
    "configure_from_purchase_information",
    "get_supplier",
    "list_suppliers",
    "parse_pasted_json",
    "save_supplier",
]


def list_suppliers(sandbox: Sandbox) -> list[Supplier]:
    """Every supplier, by name."""
    with sandbox.database.transaction() as conn:
        return store.list_suppliers(conn, sandbox.box)


def get_supplier(sandbox: Sandbox, supplier_id: int) -> Supplier:
    """The supplier with this id, or NotFoundError."""
    with sandbox.database.transaction() as conn:
        found = store.get_supplier(conn, sandbox.box, supplier_id)
    if found is None:
        raise NotFoundError(f"There is no supplier {supplier_id}.")
    return found


def save_supplier(
    sandbox: Sandbox, draft: SupplierInput, supplier_id: int | None = None
) -> Supplier:
    """Create a supplier (``supplier_id`` None) or change one; InputError per bad field."""
    now = sandbox.clock()
    draft = check(draft, new=supplier_id is None)
    with sandbox.database.transaction() as conn:
        same_name = store.find_supplier(conn, sandbox.box, draft.name)
        if same_name is not None and same_name.id != supplier_id:
            raise InputError(
                "Some fields need attention.", {"name": "Another supplier has this name."}
            )
        if supplier_id is None:
            supplier_id = store.add_supplier(conn, sandbox.box, draft, now)
        elif store.get_supplier(conn, sandbox.box, supplier_id) is None:
            raise NotFoundError(f"There is no supplier {supplier_id}.")
        else:
            store.update_supplier(conn, sandbox.box, supplier_id, draft, now)
        saved = store.get_supplier(conn, sandbox.box, supplier_id)
    assert saved is not None
    return saved


def configure_from_purchase_information(
    sandbox: Sandbox,
    data: Mapping[str, Any],
    *,
    name: str,
    secret: str | None = None,
    test: bool = False,
    allow_invoicing: bool = True,
) -> tuple[Supplier, bool]:
    """Create the supplier called ``name`` from purchase information, or update the one that
    has this name (idempotent, for scripts); the supplier and whether it was created."""
    draft = from_purchase_information(
        data, name=name, secret=secret, test=test, allow_invoicing=allow_invoicing
    )
    with sandbox.database.transaction() as conn:
        existing = store.find_supplier(conn, sandbox.box, name)
    if existing is None:
        return save_supplier(sandbox, draft), True
    return save_supplier(sandbox, replace(draft, name=existing.name), existing.id), False


def parse_pasted_json(text: str) -> Mapping[str, Any]:
    """The JSON object pasted into the "Paste JSON" box, or InputError."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            "The purchase information is not valid JSON.",
            {"purchase_information": f"Not valid JSON: {exc.msg} (line {exc.lineno})."},
        ) from None
    if not isinstance(data, dict):
        raise InputError(
            "The purchase information is not a JSON object.",
            {"purchase_information": "Paste the JSON object that starts with {."},
        )
    return data
