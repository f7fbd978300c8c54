import datetime as dt
from decimal import Decimal

import pytest

from sandbox.domain.errors import RuleError
from sandbox.domain.people import approvers, find_user
from sandbox.domain.requisitions import (
    ApprovalStatus,
    Line,
    Requisition,
    RequisitionStatus,
    approval_chain,
    decide,
    submit,
)

NOW = dt.datetime(2025, 3, 4, 10, 0, tzinfo=dt.UTC)
DANA, PRIYA, SAM = (
    find_user("dana@acme.example"),
    find_user("priya@acme.example"),
    find_user("sam@acme.example"),
)


def line(unit_price: str, quantity: str = "1") -> Line:
    return Line(
        line_number=1,
        description="Observability Cloud",
        quantity=Decimal(quantity),
        unit_price=Decimal(unit_price),
        currency="USD",
        unit_of_measure="EA",
        supplier_part_id="offer-1",
        supplier_part_auxiliary_id="req-1",
        unspsc="81162000",
        line_type="Service",
    )


def draft(*lines: Line, requester: str = DANA.email) -> Requisition:
    return Requisition(
        id=7,
        requester_email=requester,
        supplier_id=1,
        status=RequisitionStatus.DRAFT,
        lines=lines,
        created_at=NOW,
    )


@pytest.mark.parametrize(
    ("amount", "chain"),
    [
        ("0.00", (PRIYA.email,)),
        ("9999.99", (PRIYA.email,)),
        ("10000.00", (PRIYA.email,)),
        ("10000.01", (PRIYA.email, SAM.email)),
        ("2500000", (PRIYA.email, SAM.email)),
    ],
)
def test_up_to_ten_thousand_dollars_needs_one_approver_above_two(amount: str, chain: tuple) -> None:
    assert approval_chain(Decimal(amount), approvers()) == chain


def test_a_chain_without_an_approver_able_to_approve_the_amount_is_refused() -> None:
    with pytest.raises(RuleError, match="highest limit"):
        approval_chain(Decimal("20000"), [PRIYA])


def test_submitting_starts_with_the_first_approvers_turn() -> None:
    submitted = submit(draft(line("6000.00", "2")), DANA, approvers(), NOW)

    assert submitted.status is RequisitionStatus.PENDING_APPROVAL
    assert submitted.total == Decimal("12000.00")
    assert [(a.approver_email, a.status) for a in submitted.approvals] == [
        (PRIYA.email, ApprovalStatus.PENDING),
        (SAM.email, ApprovalStatus.WAITING),
    ]
    assert submitted.current_approval is not None
    assert submitted.current_approval.approver_email == PRIYA.email


def test_only_the_requester_submits_a_draft_with_lines_once() -> None:
    with pytest.raises(RuleError, match="Only the requester"):
        submit(draft(line("10")), PRIYA, approvers(), NOW)
    with pytest.raises(RuleError, match="empty"):
        submit(draft(), DANA, approvers(), NOW)
    submitted = submit(draft(line("10")), DANA, approvers(), NOW)
    with pytest.raises(RuleError, match="pending approval already"):
        submit(submitted, DANA, approvers(), NOW)


def test_nobody_approves_their_own_requisition() -> None:
    submitted = submit(draft(line("10"), requester=PRIYA.email), PRIYA, approvers(), NOW)

    assert [a.approver_email for a in submitted.approvals] == [SAM.email]


def test_the_last_approval_makes_the_requisition_approved() -> None:
    submitted = submit(draft(line("20000")), DANA, approvers(), NOW)

    first = decide(submitted, PRIYA, True, NOW, "Fine by me")
    assert first.status is RequisitionStatus.PENDING_APPROVAL
    assert first.current_approval is not None
    assert first.current_approval.approver_email == SAM.email
    assert first.approvals[0].comment == "Fine by me"

    second = decide(first, SAM, True, NOW)
    assert second.status is RequisitionStatus.APPROVED
    assert second.decided_at == NOW
    assert {a.status for a in second.approvals} == {ApprovalStatus.APPROVED}


def test_a_rejection_ends_the_chain() -> None:
    submitted = submit(draft(line("20000")), DANA, approvers(), NOW)

    rejected = decide(submitted, PRIYA, False, NOW, "Too expensive")

    assert rejected.status is RequisitionStatus.REJECTED
    assert [a.status for a in rejected.approvals] == [
        ApprovalStatus.REJECTED,
        ApprovalStatus.SKIPPED,
    ]
    with pytest.raises(RuleError, match="rejected, not pending"):
        decide(rejected, SAM, True, NOW)


def test_only_the_current_approver_decides() -> None:
    submitted = submit(draft(line("20000")), DANA, approvers(), NOW)

    with pytest.raises(RuleError, match=r"priya@acme\.example's turn"):
        decide(submitted, SAM, True, NOW)
    with pytest.raises(RuleError, match="turn"):
        decide(submitted, DANA, True, NOW)
