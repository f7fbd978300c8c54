import dataclasses
import datetime as dt
from decimal import Decimal

from sandbox.domain.invoices import (
    Invoice,
    InvoiceLine,
    billed_to_date,
    match_lines,
    reference_problems,
)
from sandbox.domain.orders import PoStatus, PurchaseOrder
from sandbox.domain.requisitions import Line

NOW = dt.datetime(2025, 3, 4, 10, 0, tzinfo=dt.UTC)

PO = PurchaseOrder(
    number=6112,
    requisition_id=1,
    supplier_id=1,
    requester_email="dana@acme.example",
    version=1,
    status=PoStatus.ISSUED,
    lines=(
        Line(
            line_number=1,
            description="Annual contract",
            quantity=Decimal(1),
            unit_price=Decimal("1200.00"),
            currency="USD",
            unit_of_measure="EA",
            supplier_part_id="offer-1",
        ),
    ),
    test=False,
    created_at=NOW,
    updated_at=NOW,
)
ORDERS = {6112: PO}


def invoice(amount: str, *, number: int = 1, purpose: str = "standard", **line: object) -> Invoice:
    values: dict[str, object] = {
        "invoice_line_number": 1,
        "po_number": 6112,
        "po_line_number": 1,
        "quantity": Decimal(1),
        "unit_price": Decimal(amount),
        "amount": Decimal(amount),
        "currency": "USD",
        "unit_of_measure": "EA",
    }
    values.update(line)
    return Invoice(
        id=number,
        supplier_id=1,
        invoice_number=f"INV-{number}",
        payload_id=f"p{number}@market.example",
        purpose=purpose,
        invoice_date=NOW,
        received_at=NOW,
        currency="USD",
        subtotal=Decimal(amount),
        tax=Decimal(0),
        total=Decimal(amount),
        lines=(InvoiceLine(**values),),  # type: ignore[arg-type]
    )


def problems(target: Invoice, *earlier: Invoice) -> tuple[str, ...]:
    [match] = match_lines(target, ORDERS, billed_to_date([*earlier, target]))
    return match.problems


def test_references_to_unknown_pos_and_lines_are_named() -> None:
    found = reference_problems([("6112", 1), ("6112", 2), ("9999", 1), ("PO-1", 1)], ORDERS)

    assert found == [
        "Purchase order 6112 has no line 2.",
        "There is no purchase order '9999' from this supplier.",
        "There is no purchase order 'PO-1' from this supplier.",
    ]


def test_an_invoice_for_the_ordered_amount_matches() -> None:
    assert problems(invoice("1200.00")) == ()


def test_installments_match_until_they_bill_more_than_the_po_line() -> None:
    first, second, third = (invoice("500.00", number=n) for n in (1, 2, 3))

    assert problems(first) == ()
    assert problems(second, first) == ()
    assert problems(third, first, second) == (
        "Over-billed: 1500.00 billed to date against 1200.00 ordered.",
    )


def test_a_line_billing_more_than_its_po_line_is_a_mismatch() -> None:
    assert "The line bills 1300.00, more than the PO line's 1200.00." in problems(
        invoice("1300.00")
    )


def test_currency_and_unit_of_measure_must_be_the_pos() -> None:
    found = problems(invoice("1200.00", currency="EUR", unit_of_measure="YR"))

    assert "Currency EUR differs from the PO's USD." in found
    assert "Unit of measure YR differs from the PO's EA." in found


def test_an_invoice_after_the_po_was_cancelled_is_a_mismatch_a_credit_memo_is_not() -> None:
    cancelled_at = NOW + dt.timedelta(hours=1)
    cancelled = {6112: dataclasses.replace(PO, status=PoStatus.CANCELLED, updated_at=cancelled_at)}
    before = invoice("1200.00")
    after = dataclasses.replace(invoice("1200.00", number=2), received_at=cancelled_at)
    credit = dataclasses.replace(
        invoice("-1200.00", number=3, purpose="creditMemo"), received_at=cancelled_at
    )

    [before_match] = match_lines(before, cancelled, billed_to_date([before]))
    [after_match] = match_lines(after, cancelled, billed_to_date([after]))
    [credit_match] = match_lines(credit, cancelled, billed_to_date([before, credit]))

    assert before_match.matched
    assert after_match.problems == ("PO 6112 was cancelled before this invoice.",)
    assert credit_match.matched
    assert credit_match.billed_to_date == Decimal("0.00")


def test_credit_memos_reduce_what_was_billed_whatever_their_sign() -> None:
    charged = invoice("1200.00")
    positive_credit = invoice("200.00", number=2, purpose="creditMemo")
    cancelled_invoice = dataclasses.replace(invoice("900.00", number=3), cancelled=True)

    billed = billed_to_date([charged, positive_credit, cancelled_invoice])

    assert billed == {(6112, 1): Decimal("1000.00")}
