"""Requisitions: the cart a punchout returned, submitted for approval, approved or rejected.

The approval chain depends on the amount: approvers are taken lowest limit first until one
may approve the whole amount (with the built-in users: up to $10,000 one approver, above
that two). Each approver decides in turn; a rejection ends the chain; the last approval makes
the requisition approved, and a purchase order is issued from it.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from sandbox.domain.errors import RuleError
from sandbox.domain.people import User

__all__ = [
    "Approval",
    "ApprovalStatus",
    "Line",
    "Requisition",
    "RequisitionStatus",
    "approval_chain",
    "decide",
    "submit",
]


class RequisitionStatus(enum.Enum):
    """Where a requisition stands (Coupa's words)."""

    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    REJECTED = "rejected"
    ORDERED = "ordered"

    @property
    def label(self) -> str:
        """The status as the pages show it."""
        return _LABELS[self]


_LABELS = {
    RequisitionStatus.DRAFT: "Draft",
    RequisitionStatus.PENDING_APPROVAL: "Pending approval",
    RequisitionStatus.APPROVED: "Approved",
    RequisitionStatus.REJECTED: "Rejected",
    RequisitionStatus.ORDERED: "Ordered",
}


class ApprovalStatus(enum.Enum):
    """One step of an approval chain."""

    WAITING = "waiting"  # an earlier approver has not decided yet
    PENDING = "pending"  # this approver's turn
    APPROVED = "approved"
    REJECTED = "rejected"
    SKIPPED = "skipped"  # an earlier approver rejected


@dataclass(frozen=True, slots=True, kw_only=True)
class Line:
    """A requisition or purchase-order line, as the punchout cart returned it."""

    line_number: int
    description: str
    quantity: Decimal
    unit_price: Decimal
    currency: str
    unit_of_measure: str
    supplier_part_id: str
    supplier_part_auxiliary_id: str | None = None
    unspsc: str | None = None
    line_type: str | None = None

    @property
    def total(self) -> Decimal:
        """Quantity times unit price."""
        return self.quantity * self.unit_price


@dataclass(frozen=True, slots=True, kw_only=True)
class Approval:
    """One approver's step in a requisition's chain."""

    position: int
    approver_email: str
    status: ApprovalStatus
    decided_at: dt.datetime | None = None
    comment: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Requisition:
    """A requisition: who asked, from which supplier, its lines and its approvals."""

    id: int
    requester_email: str
    supplier_id: int
    status: RequisitionStatus
    lines: tuple[Line, ...]
    created_at: dt.datetime
    punchout_id: int | None = None
    approvals: tuple[Approval, ...] = ()
    submitted_at: dt.datetime | None = None
    decided_at: dt.datetime | None = None
    po_number: int | None = None

    @property
    def total(self) -> Decimal:
        """The sum of the lines."""
        return sum((line.total for line in self.lines), Decimal(0))

    @property
    def currency(self) -> str:
        """The lines' currency (USD for an empty requisition)."""
        return self.lines[0].currency if self.lines else "USD"

    @property
    def current_approval(self) -> Approval | None:
        """The step whose turn it is, or None."""
        return next((a for a in self.approvals if a.status is ApprovalStatus.PENDING), None)


def approval_chain(amount: Decimal, approvers: Sequence[User]) -> tuple[str, ...]:
    """The e-mails of the approvers for ``amount``: lowest limit first, up to the first one
    whose limit covers it (approvers without a limit cover everything)."""
    chain: list[str] = []
    for approver in approvers:
        chain.append(approver.email)
        if approver.approval_limit is None or amount <= approver.approval_limit:
            return tuple(chain)
    if not chain:
        raise RuleError("No approver is set up.")
    raise RuleError(f"No approver may approve {amount}: the highest limit is too low.")


def submit(
    requisition: Requisition, requester: User, approvers: Sequence[User], now: dt.datetime
) -> Requisition:
    """Submit a draft for approval: its chain starts with the first approver's turn."""
    if requisition.requester_email != requester.email:
        raise RuleError("Only the requester can submit this requisition.")
    if requisition.status is not RequisitionStatus.DRAFT:
        raise RuleError(f"This requisition is {requisition.status.label.lower()} already.")
    if not requisition.lines:
        raise RuleError("An empty requisition cannot be submitted.")
    # Nobody approves their own requisition: the chain leaves the requester out.
    others = [approver for approver in approvers if approver.email != requester.email]
    chain = approval_chain(requisition.total, others)
    steps = tuple(
        Approval(
            position=index,
            approver_email=email,
            status=ApprovalStatus.PENDING if index == 1 else ApprovalStatus.WAITING,
        )
        for index, email in enumerate(chain, start=1)
    )
    return replace(
        requisition,
        status=RequisitionStatus.PENDING_APPROVAL,
        approvals=steps,
        submitted_at=now,
    )


def decide(
    requisition: Requisition, approver: User, approve: bool, now: dt.datetime, comment: str = ""
) -> Requisition:
    """Record the current approver's decision; the requisition becomes approved after the
    last approval, rejected after any rejection."""
    step = requisition.current_approval
    if requisition.status is not RequisitionStatus.PENDING_APPROVAL or step is None:
        raise RuleError(f"This requisition is {requisition.status.label.lower()}, not pending.")
    if step.approver_email != approver.email:
        raise RuleError(f"It is {step.approver_email}'s turn to approve this requisition.")
    decided = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    steps = []
    for item in requisition.approvals:
        if item.position == step.position:
            item = replace(item, status=decided, decided_at=now, comment=comment.strip())
        elif item.position == step.position + 1:
            item = replace(
                item, status=ApprovalStatus.PENDING if approve else ApprovalStatus.SKIPPED
            )
        elif item.status is ApprovalStatus.WAITING and not approve:
            item = replace(item, status=ApprovalStatus.SKIPPED)
        steps.append(item)
    done = not approve or step.position == len(requisition.approvals)
    if not done:
        return replace(requisition, approvals=tuple(steps))
    status = RequisitionStatus.APPROVED if approve else RequisitionStatus.REJECTED
    return replace(requisition, approvals=tuple(steps), status=status, decided_at=now)
