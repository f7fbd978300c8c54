"""JSON API, part two: purchase orders (resend, change, cancel) and invoices."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from sandbox.services import invoice_views, orders
from sandbox.web.api_json import invoice_json, po_json
from sandbox.web.rendering import sandbox_of

router = APIRouter(prefix="/api/v1", tags=["sandbox"])


class ChangeBody(BaseModel):
    """New quantities by line number (0 removes a line)."""

    quantities: dict[int, Decimal]


@router.get("/purchase-orders")
def list_purchase_orders(request: Request) -> dict[str, Any]:
    """Every PO, newest first, with the supplier's answers."""
    sandbox = sandbox_of(request)
    numbers = [po.number for po in orders.list_pos(sandbox)]
    return {"items": [po_json(orders.get_po(sandbox, number)) for number in numbers]}


@router.get("/purchase-orders/{number}")
def get_purchase_order(request: Request, number: int) -> dict[str, Any]:
    """One PO; ``outcome``/``status_code``/``answer`` are the supplier's newest answer."""
    return po_json(orders.get_po(sandbox_of(request), number))


@router.post("/purchase-orders/{number}/resend")
def resend_purchase_order(request: Request, number: int) -> dict[str, Any]:
    """Send the failed newest transmission again."""
    sandbox = sandbox_of(request)
    orders.resend(sandbox, number)
    return po_json(orders.get_po(sandbox, number))


@router.post("/purchase-orders/{number}/change")
def change_purchase_order(request: Request, number: int, body: ChangeBody) -> dict[str, Any]:
    """Send new quantities as the next version (``type="update"``)."""
    sandbox = sandbox_of(request)
    orders.change_quantities(sandbox, number, body.quantities)
    return po_json(orders.get_po(sandbox, number))


@router.post("/purchase-orders/{number}/cancel")
def cancel_purchase_order(request: Request, number: int) -> dict[str, Any]:
    """Cancel the PO (``type="delete"``)."""
    sandbox = sandbox_of(request)
    orders.cancel(sandbox, number)
    return po_json(orders.get_po(sandbox, number))


@router.get("/invoices")
def list_invoices(request: Request) -> dict[str, Any]:
    """Every invoice, newest first, matched to its PO lines."""
    return {"items": [invoice_json(v) for v in invoice_views.list_invoices(sandbox_of(request))]}


@router.get("/invoices/{invoice_id}")
def get_invoice(request: Request, invoice_id: int) -> dict[str, Any]:
    """One invoice matched to its PO lines."""
    return invoice_json(invoice_views.get_invoice(sandbox_of(request), invoice_id))
