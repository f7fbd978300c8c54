"""The JSON shapes of the API (amounts as strings, exact; date-times ISO 8601)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sandbox.domain.requisitions import Line, Requisition
from sandbox.domain.suppliers import Supplier
from sandbox.services.invoice_views import InvoiceView
from sandbox.services.orders import PoView

__all__ = ["invoice_json", "po_json", "requisition_json", "supplier_json"]


def _amount(value: Decimal) -> str:
    return f"{value:f}"


def _time(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def supplier_json(supplier: Supplier, invoice_url: str) -> dict[str, Any]:
    """A supplier without its secrets."""
    s = supplier.settings
    return {
        "id": supplier.id,
        "name": s.name,
        "mode": s.mode.value,
        "deployment_mode": "test" if s.test else "production",
        "cxml_version": s.cxml_version,
        "po_url": s.po_url,
        "our_domain": s.our_domain,
        "our_identity": s.our_identity,
        "supplier_domain": s.supplier_domain,
        "supplier_identity": s.supplier_identity,
        "punchout_url": s.punchout_url,
        "punchout_domain": s.punchout_domain,
        "punchout_identity": s.punchout_identity,
        "sender_domain": s.sender_domain,
        "sender_identity": s.sender_identity,
        "allow_invoicing": s.allow_invoicing,
        "invoice_url": invoice_url,
    }


def line_json(line: Line) -> dict[str, Any]:
    """A requisition or PO line."""
    return {
        "line_number": line.line_number,
        "description": line.description,
        "quantity": _amount(line.quantity),
        "unit_price": _amount(line.unit_price),
        "currency": line.currency,
        "unit_of_measure": line.unit_of_measure,
        "supplier_part_id": line.supplier_part_id,
        "supplier_part_auxiliary_id": line.supplier_part_auxiliary_id,
        "unspsc": line.unspsc,
        "line_type": line.line_type,
        "total": _amount(line.total),
    }


def requisition_json(requisition: Requisition) -> dict[str, Any]:
    """A requisition with its lines and approval chain."""
    step = requisition.current_approval
    return {
        "id": requisition.id,
        "status": requisition.status.value,
        "requester": requisition.requester_email,
        "supplier_id": requisition.supplier_id,
        "total": _amount(requisition.total),
        "currency": requisition.currency,
        "created_at": _time(requisition.created_at),
        "po_number": requisition.po_number,
        "current_approver": step.approver_email if step else None,
        "approvals": [
            {
                "position": a.position,
                "approver": a.approver_email,
                "status": a.status.value,
                "decided_at": _time(a.decided_at),
                "comment": a.comment,
            }
            for a in requisition.approvals
        ],
        "lines": [line_json(line) for line in requisition.lines],
    }


def po_json(view: PoView) -> dict[str, Any]:
    """A PO with its transmissions; ``answer`` is the newest one's summary."""
    po, last = view.po, view.last
    return {
        "number": po.number,
        "version": po.version,
        "status": po.status.value,
        "supplier_id": po.supplier_id,
        "requisition_id": po.requisition_id,
        "test": po.test,
        "total": _amount(po.total),
        "currency": po.currency,
        "lines": [line_json(line) for line in po.lines],
        "outcome": last.outcome.value if last else None,
        "status_code": last.status_code if last else None,
        "answer": last.answer if last else None,
        "transmissions": [
            {
                "version": t.version,
                "type": t.order_type.value,
                "payload_id": t.payload_id,
                "sent_at": _time(t.sent_at),
                "outcome": t.outcome.value,
                "http_status": t.http_status,
                "status_code": t.status_code,
                "status_text": t.status_text,
                "detail": t.detail,
            }
            for t in view.transmissions
        ],
    }


def invoice_json(view: InvoiceView) -> dict[str, Any]:
    """An invoice with each line matched to its PO line."""
    invoice = view.invoice
    return {
        "id": invoice.id,
        "invoice_number": invoice.invoice_number,
        "purpose": invoice.purpose,
        "credit": invoice.is_credit,
        "supplier": view.supplier_name,
        "payload_id": invoice.payload_id,
        "po_numbers": list(invoice.po_numbers),
        "invoice_date": _time(invoice.invoice_date),
        "received_at": _time(invoice.received_at),
        "currency": invoice.currency,
        "subtotal": _amount(invoice.subtotal),
        "tax": _amount(invoice.tax),
        "total": _amount(invoice.total),
        "test": invoice.test,
        "cancelled": invoice.cancelled,
        "matched": view.mismatches == 0,
        "problems": list(view.problems),
        "lines": [
            {
                "invoice_line_number": m.line.invoice_line_number,
                "po_number": m.line.po_number,
                "po_line_number": m.line.po_line_number,
                "quantity": _amount(m.line.quantity),
                "unit_price": _amount(m.line.unit_price),
                "amount": _amount(m.line.amount),
                "po_line_amount": _amount(m.po_line.total) if m.po_line else None,
                "billed_to_date": _amount(m.billed_to_date),
                "matched": m.matched,
                "problems": list(m.problems),
            }
            for m in view.matches
        ],
    }
