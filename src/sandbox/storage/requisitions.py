"""Requisitions, their lines and their approval steps."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from sandbox.domain.requisitions import Approval, ApprovalStatus, Requisition, RequisitionStatus
from sandbox.storage.lines import line_from_row, line_values
from sandbox.storage.tables import approvals, requisition_lines, requisitions

__all__ = ["add_requisition", "get_requisition", "list_requisitions", "save_requisition"]


def _header(requisition: Requisition) -> dict[str, Any]:
    return {
        "requester_email": requisition.requester_email,
        "supplier_id": requisition.supplier_id,
        "status": requisition.status.value,
        "created_at": requisition.created_at,
        "punchout_id": requisition.punchout_id,
        "submitted_at": requisition.submitted_at,
        "decided_at": requisition.decided_at,
        "po_number": requisition.po_number,
    }


def add_requisition(conn: Connection, requisition: Requisition) -> int:
    """Store a new requisition with its lines (its ``id`` is ignored); the new id."""
    result = conn.execute(requisitions.insert().values(**_header(requisition)))
    key = result.inserted_primary_key
    assert key is not None
    new_id = int(key[0])
    for line in requisition.lines:
        conn.execute(requisition_lines.insert().values(requisition_id=new_id, **line_values(line)))
    return new_id


def save_requisition(conn: Connection, requisition: Requisition) -> None:
    """Store the requisition's status and approval steps (its lines never change)."""
    conn.execute(
        requisitions.update()
        .where(requisitions.c.id == requisition.id)
        .values(**_header(requisition))
    )
    conn.execute(approvals.delete().where(approvals.c.requisition_id == requisition.id))
    for step in requisition.approvals:
        conn.execute(
            approvals.insert().values(
                requisition_id=requisition.id,
                position=step.position,
                approver_email=step.approver_email,
                status=step.status.value,
                decided_at=step.decided_at,
                comment=step.comment,
            )
        )


def _requisition(conn: Connection, row: Any) -> Requisition:
    lines = conn.execute(
        select(requisition_lines)
        .where(requisition_lines.c.requisition_id == row.id)
        .order_by(requisition_lines.c.line_number)
    ).all()
    steps = conn.execute(
        select(approvals).where(approvals.c.requisition_id == row.id).order_by(approvals.c.position)
    ).all()
    return Requisition(
        id=row.id,
        requester_email=row.requester_email,
        supplier_id=row.supplier_id,
        status=RequisitionStatus(row.status),
        lines=tuple(line_from_row(line) for line in lines),
        created_at=row.created_at,
        punchout_id=row.punchout_id,
        approvals=tuple(
            Approval(
                position=step.position,
                approver_email=step.approver_email,
                status=ApprovalStatus(step.status),
                decided_at=step.decided_at,
                comment=step.comment,
            )
            for step in steps
        ),
        submitted_at=row.submitted_at,
        decided_at=row.decided_at,
        po_number=row.po_number,
    )


def get_requisition(conn: Connection, requisition_id: int) -> Requisition | None:
    """The requisition with this id, or None."""
    row = conn.execute(select(requisitions).where(requisitions.c.id == requisition_id)).first()
    return _requisition(conn, row) if row else None


def list_requisitions(conn: Connection, *, limit: int = 200) -> list[Requisition]:
    """The newest requisitions first."""
    rows = conn.execute(select(requisitions).order_by(requisitions.c.id.desc()).limit(limit)).all()
    return [_requisition(conn, row) for row in rows]
