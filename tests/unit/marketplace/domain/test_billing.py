"""What an agreement owes up to a date: upfront, instalments, usage months, credit memos."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from marketplace.domain.agreements import Agreement, AgreementStatus, PaymentModel
from marketplace.domain.billing import (
    Invoice,
    InvoiceKind,
    UsageRecord,
    cxml_invoiced,
    due_invoices,
    tax_for,
)
from marketplace.domain.catalog import Dimension, DimensionKind, PricingModel
from marketplace.domain.charges import Charge, ChargeKind, OfferChoice

START = dt.date(2026, 1, 15)
NOW = dt.datetime(2026, 1, 15, 9, tzinfo=dt.UTC)
GB = Dimension(
    key="gb", name="GB ingested", unit="GB", price=Decimal("0.10"), kind=DimensionKind.USAGE
)


def agreement(model: PaymentModel, charges: tuple[Charge, ...], **changes: object) -> Agreement:
    base = Agreement(
        id="agmt-1",
        organization_id="o-1",
        account_id="111111111111",
        user_id="u-1",
        request_id="sr-1",
        product_id="prod-1",
        product_title="Observability Suite",
        seller_name="Northwind",
        offer_id="offer-1",
        offer_name="Team",
        pricing_model=PricingModel.SAAS_CONTRACT,
        payment_model=model,
        currency="USD",
        choice=OfferChoice(12, {"users": 1}),
        charges=charges,
        starts_on=START,
        ends_on=dt.date(2027, 1, 15),
        status=AgreementStatus.ACTIVE,
        created_at=NOW,
        updated_at=NOW,
        purchase_order_number="6112",
        purchase_order_lines=(1,),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


CONTRACT = (Charge(ChargeKind.UPFRONT, "12-month contract", Decimal("1200.00")),)
SCHEDULE = (
    Charge(ChargeKind.INSTALMENT, "Instalment 1 of 2", Decimal("600.00"), 0),
    Charge(ChargeKind.INSTALMENT, "Instalment 2 of 2", Decimal("634.56"), 6),
)


def as_invoices(a: Agreement, as_of: dt.date, **kw: object) -> dict[str, Invoice]:
    """Pretend the drafts were stored (what a billing run does)."""
    made = {}
    for n, draft in enumerate(due_invoices(a, as_of, billed={}, **kw)):  # type: ignore[arg-type]
        made[draft.billing_key] = Invoice(
            id=f"inv-{n}",
            number=f"INV-{n}",
            organization_id=a.organization_id,
            account_id=a.account_id,
            agreement_id=a.id,
            billing_key=draft.billing_key,
            kind=draft.kind,
            invoice_date=draft.invoice_date,
            period_start=draft.period_start,
            period_end=draft.period_end,
            currency="USD",
            lines=draft.lines,
            subtotal=draft.subtotal,
            tax_rate=Decimal(0),
            tax=Decimal("0.00"),
            total=draft.subtotal,
            product_id=a.product_id,
            product_title=a.product_title,
            created_at=NOW,
        )
    return made


def test_an_upfront_contract_is_invoiced_once_on_its_start_date() -> None:
    a = agreement(PaymentModel.UPFRONT, CONTRACT)

    assert due_invoices(a, START - dt.timedelta(days=1), billed={}) == ()
    (draft,) = due_invoices(a, START, billed={})
    billed = as_invoices(a, START)

    assert (draft.kind, draft.invoice_date, draft.subtotal) == (
        InvoiceKind.UPFRONT,
        START,
        Decimal("1200.00"),
    )
    assert draft.lines[0].purchase_order_line == 1
    assert draft.lines[0].supplier_part_id == "offer-1"
    assert due_invoices(a, dt.date(2027, 6, 1), billed=billed) == ()


def test_instalments_come_on_their_dates() -> None:
    a = agreement(PaymentModel.FLEXIBLE_PAYMENT_SCHEDULE, SCHEDULE)

    first = due_invoices(a, dt.date(2026, 7, 14), billed={})
    both = due_invoices(a, dt.date(2026, 7, 15), billed={})

    assert [d.billing_key for d in first] == ["instalment:1"]
    assert [(d.billing_key, d.invoice_date, d.subtotal) for d in both] == [
        ("instalment:1", START, Decimal("600.00")),
        ("instalment:2", dt.date(2026, 7, 15), Decimal("634.56")),
    ]


def test_usage_is_invoiced_per_ended_month_from_the_records() -> None:
    a = agreement(
        PaymentModel.PAY_AS_YOU_GO,
        (Charge(ChargeKind.USAGE, "Usage (budget estimate)", Decimal("1000.00")),),
        ends_on=None,
    )
    usage = [
        UsageRecord("r1", a.id, "gb", Decimal("100"), dt.datetime(2026, 1, 20, tzinfo=dt.UTC), NOW),
        UsageRecord(
            "r2", a.id, "gb", Decimal("50.5"), dt.datetime(2026, 1, 31, 23, tzinfo=dt.UTC), NOW
        ),
        UsageRecord("r3", a.id, "gb", Decimal("10"), dt.datetime(2026, 2, 3, tzinfo=dt.UTC), NOW),
    ]

    drafts = due_invoices(a, dt.date(2026, 2, 15), billed={}, usage=usage, dimensions=(GB,))

    (january,) = drafts  # February has not ended: not yet
    assert january.billing_key == "usage:2026-01"
    assert january.invoice_date == dt.date(2026, 2, 1)
    assert january.subtotal == Decimal("15.05")  # 150.5 GB at 0.10
    assert january.lines[0].quantity == Decimal("150.5")


def test_free_and_byol_owe_nothing() -> None:
    for model in (PaymentModel.FREE, PaymentModel.BYOL, PaymentModel.FREE_TRIAL):
        a = agreement(model, (Charge(ChargeKind.UPFRONT, "No charge", Decimal("0.00")),))
        assert due_invoices(a, dt.date(2030, 1, 1), billed={}) == ()


def test_a_cancellation_credits_the_unused_part() -> None:
    a = agreement(PaymentModel.UPFRONT, CONTRACT)
    billed = as_invoices(a, START)
    cancelled = dataclasses.replace(
        a,
        status=AgreementStatus.CANCELLED,
        cancelled_at=dt.datetime(2026, 7, 16, tzinfo=dt.UTC),  # 182 of 365 days used
    )

    (credit,) = due_invoices(cancelled, dt.date(2026, 8, 1), billed=billed)

    assert credit.kind is InvoiceKind.CREDIT_MEMO
    assert credit.original_invoice_id == billed["upfront"].id
    assert credit.subtotal == Decimal("-601.64")  # 1200 x 183/365
    assert (
        due_invoices(
            cancelled, dt.date(2026, 8, 1), billed={**billed, credit.billing_key: billed["upfront"]}
        )
        == ()
    )


def test_a_cancelled_schedule_stops_its_instalments() -> None:
    a = agreement(
        PaymentModel.FLEXIBLE_PAYMENT_SCHEDULE,
        SCHEDULE,
        status=AgreementStatus.CANCELLED,
        cancelled_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
    )

    keys = [d.billing_key for d in due_invoices(a, dt.date(2027, 1, 1), billed={})]

    assert keys == ["instalment:1"]


def test_only_upfront_and_instalments_and_their_credits_go_out_as_cxml() -> None:
    assert cxml_invoiced(InvoiceKind.UPFRONT)
    assert cxml_invoiced(InvoiceKind.INSTALMENT)
    assert not cxml_invoiced(InvoiceKind.USAGE)
    assert cxml_invoiced(InvoiceKind.CREDIT_MEMO, InvoiceKind.UPFRONT)
    assert not cxml_invoiced(InvoiceKind.CREDIT_MEMO, InvoiceKind.USAGE)


def test_tax_rounds_half_up_to_cents() -> None:
    assert tax_for(Decimal("10.05"), Decimal("0.5")) == Decimal("5.03")
    assert tax_for(Decimal("100.00"), Decimal(0)) == Decimal("0.00")
