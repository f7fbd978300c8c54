import datetime as dt
from decimal import Decimal

import pytest

from sandbox.domain.errors import InputError, RuleError
from sandbox.domain.orders import (
    PoStatus,
    PurchaseOrder,
    cancel,
    change_quantities,
    next_po_number,
)
from sandbox.domain.requisitions import Line

NOW = dt.datetime(2025, 3, 4, 10, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=1)


def line(number: int, quantity: str = "1", aux: str = "req-1") -> Line:
    return Line(
        line_number=number,
        description=f"Line {number}",
        quantity=Decimal(quantity),
        unit_price=Decimal("100.00"),
        currency="USD",
        unit_of_measure="EA",
        supplier_part_id="offer-1",
        supplier_part_auxiliary_id=aux,
    )


def po(*lines: Line) -> PurchaseOrder:
    return PurchaseOrder(
        number=6112,
        requisition_id=1,
        supplier_id=1,
        requester_email="dana@acme.example",
        version=1,
        status=PoStatus.ISSUED,
        lines=lines,
        test=False,
        created_at=NOW,
        updated_at=NOW,
    )


def test_po_numbers_start_at_6112_and_follow_on() -> None:
    assert next_po_number(None) == 6112
    assert next_po_number(6112) == 6113
    assert next_po_number(5) == 6112


def test_a_change_is_the_next_version_with_the_new_quantities() -> None:
    changed = change_quantities(po(line(1), line(2, "3")), {2: Decimal("5")}, LATER)

    assert changed.version == 2
    assert [(x.line_number, x.quantity) for x in changed.lines] == [(1, 1), (2, 5)]
    assert changed.total == Decimal("600.00")
    assert changed.updated_at == LATER


def test_a_quantity_of_zero_removes_the_line_but_not_the_last_one() -> None:
    changed = change_quantities(po(line(1), line(2)), {1: Decimal(0)}, LATER)
    assert [x.line_number for x in changed.lines] == [2]

    with pytest.raises(RuleError, match="cancel the PO instead"):
        change_quantities(po(line(1)), {1: Decimal(0)}, LATER)


@pytest.mark.parametrize(
    ("quantities", "error", "match"),
    [
        ({9: Decimal(1)}, InputError, "no line 9"),
        ({1: Decimal(-1)}, InputError, "quantities need attention"),
        ({1: Decimal(1)}, RuleError, "Nothing changed"),
    ],
)
def test_a_change_that_changes_nothing_valid_is_refused(
    quantities: dict[int, Decimal], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        change_quantities(po(line(1)), quantities, LATER)


def test_a_cancelled_po_can_be_neither_changed_nor_cancelled_again() -> None:
    cancelled = cancel(po(line(1)), LATER)

    assert cancelled.status is PoStatus.CANCELLED
    assert cancelled.version == 2
    assert cancelled.lines == (line(1),)
    with pytest.raises(RuleError, match="cancelled"):
        cancel(cancelled, LATER)
    with pytest.raises(RuleError, match="cancelled"):
        change_quantities(cancelled, {1: Decimal(2)}, LATER)
