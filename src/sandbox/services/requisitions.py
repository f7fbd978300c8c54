"""Requisitions: submitted for approval by the requester, approved or rejected by each
approver in turn; the last approval issues the purchase order and sends it to the supplier.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sandbox.domain import requisitions as rules
from sandbox.domain.errors import NotFoundError
from sandbox.domain.orders import OrderType, PurchaseOrder, Transmission
from sandbox.domain.people import approvers, find_user
from sandbox.domain.requisitions import Requisition, RequisitionStatus
from sandbox.services import orders
from sandbox.services.context import Sandbox
from sandbox.storage import requisitions as store
from sandbox.storage import suppliers as supplier_store

__all__ = ["Decision", "decide", "get_requisition", "list_requisitions", "submit"]


def get_requisition(sandbox: Sandbox, requisition_id: int) -> Requisition:
    """The requisition with this id, or NotFoundError."""
    with sandbox.database.transaction() as conn:
        found = store.get_requisition(conn, requisition_id)
    if found is None:
        raise NotFoundError(f"There is no requisition {requisition_id}.")
    return found


def list_requisitions(sandbox: Sandbox) -> list[Requisition]:
    """The newest requisitions first."""
    with sandbox.database.transaction() as conn:
        return store.list_requisitions(conn)


def submit(sandbox: Sandbox, requisition_id: int, user_email: str) -> Requisition:
    """Submit a draft for approval (the requester only)."""
    user = find_user(user_email)
    now = sandbox.clock()
    with sandbox.database.transaction() as conn:
        requisition = store.get_requisition(conn, requisition_id)
        if requisition is None:
            raise NotFoundError(f"There is no requisition {requisition_id}.")
        submitted = rules.submit(requisition, user, approvers(), now)
        store.save_requisition(conn, submitted)
    return submitted


@dataclass(frozen=True, slots=True)
class Decision:
    """An approver's decision: the requisition after it, and the PO it issued (if any) with
    its first transmission."""

    requisition: Requisition
    po: PurchaseOrder | None = None
    transmission: Transmission | None = None


def decide(
    sandbox: Sandbox, requisition_id: int, user_email: str, *, approve: bool, comment: str = ""
) -> Decision:
    """Approve or reject as ``user_email`` (whose turn it must be). The last approval issues
    the PO in the same transaction, then sends it (outside any transaction)."""
    user = find_user(user_email)
    now = sandbox.clock()
    with sandbox.database.transaction() as conn:
        requisition = store.get_requisition(conn, requisition_id)
        if requisition is None:
            raise NotFoundError(f"There is no requisition {requisition_id}.")
        decided = rules.decide(requisition, user, approve, now, comment)
        po = None
        if decided.status is RequisitionStatus.APPROVED:
            supplier = supplier_store.get_supplier(conn, sandbox.box, decided.supplier_id)
            assert supplier is not None
            po = orders.issue(conn, decided, supplier)
            decided = replace(decided, status=RequisitionStatus.ORDERED, po_number=po.number)
        store.save_requisition(conn, decided)
    if po is None:
        return Decision(decided)
    return Decision(decided, po, orders.transmit(sandbox, po.number, OrderType.NEW))
