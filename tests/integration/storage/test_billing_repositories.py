"""Invoices, metered usage, sellers' metering keys and the walk over all agreements in storage.

The contracts of ``BillingRepository`` and ``AgreementRepository.list_page``
(``services.ports``), on SQLite and PostgreSQL: values come back exactly as stored
(Decimals, dates, tuples, None), an invoice is made once per agreement and billing key even
by concurrent billing runs, a usage record once per seller and record id, reads by
agreement take a page of 1,000 agreements and more at once, and a billing run walks every
agreement a page at a time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
import storage_builders as build
from sqlalchemy import text

from marketplace.domain.agreements import Agreement, AgreementStatus, PaymentModel
from marketplace.domain.billing import Invoice, InvoiceKind, InvoiceLine, SellerKey, UsageRecord
from marketplace.domain.catalog import PricingModel
from marketplace.domain.charges import Charge, ChargeKind, OfferChoice
from marketplace.domain.errors import ConflictError
from marketplace.domain.line_items import cart_lines
from marketplace.domain.punchout import RequestStatus, SubscriptionRequest
from marketplace.services.ports import UnitOfWork
from marketplace.storage.database import Database

pytestmark = pytest.mark.integration

WHEN = build.WHEN
ORG = "o-acme00001"
OTHER_ORG = "o-other0001"
ACCOUNT = "111122223333"
OTHER_ACCOUNT = "999988887777"
PLUS_FIVE = dt.timezone(dt.timedelta(hours=5))
LONG_NUMBER = "PO-" + "9" * 1021  # 1,024 characters
LONG_RECORD_ID = "r" * 128  # the longest record id metering accepts
UPFRONT = Charge(ChargeKind.UPFRONT, "12-month contract", Decimal("1234.50"))


def subscription_request(request_id: str, organization_id: str) -> SubscriptionRequest:
    return SubscriptionRequest(
        id=request_id, organization_id=organization_id, account_id=ACCOUNT,
        user_id=build.user().id, product_id="prod-0001", product_title="Log Analytics",
        seller_name="Northwind Software", offer_id="offer-0001", offer_name="Annual contract",
        pricing_model=PricingModel.SAAS_CONTRACT, currency="USD",
        choice=OfferChoice(12, {"users": 25}), charges=(UPFRONT,),
        lines=cart_lines((UPFRONT,), split=False), status=RequestStatus.AGREEMENT_CREATED,
        test=False, created_at=WHEN, updated_at=WHEN,
    )  # fmt: skip


def agreement(agreement_id: str, request_id: str, organization_id: str) -> Agreement:
    return Agreement(
        id=agreement_id, organization_id=organization_id, account_id=ACCOUNT,
        user_id=build.user().id, request_id=request_id, product_id="prod-0001",
        product_title="Log Analytics", seller_name="Northwind Software",
        offer_id="offer-0001", offer_name="Annual contract",
        pricing_model=PricingModel.SAAS_CONTRACT, payment_model=PaymentModel.UPFRONT,
        currency="USD", choice=OfferChoice(12, {"users": 25}), charges=(UPFRONT,),
        starts_on=dt.date(2024, 5, 17), ends_on=dt.date(2025, 5, 17),
        status=AgreementStatus.ACTIVE, created_at=WHEN, updated_at=WHEN,
    )  # fmt: skip


def line(number: int = 1, **overrides: Any) -> InvoiceLine:
    values: dict[str, Any] = {
        "number": number,
        "description": "Log Analytics - Annual contract: 12-month contract",
        "quantity": Decimal("1"),
        "unit_price": Decimal("1234.50"),
        "amount": Decimal("1234.50"),
        "supplier_part_id": "offer-0001",
    }
    return InvoiceLine(**(values | overrides))


def invoice(**overrides: Any) -> Invoice:
    values: dict[str, Any] = {
        "id": "inv-0001",
        "number": "INV-202405-0000000001",
        "organization_id": ORG,
        "account_id": ACCOUNT,
        "agreement_id": "agmt-0001",
        "billing_key": "upfront",
        "kind": InvoiceKind.UPFRONT,
        "invoice_date": dt.date(2024, 5, 17),
        "period_start": dt.date(2024, 5, 17),
        "period_end": dt.date(2025, 5, 17),
        "currency": "USD",
        "lines": (line(),),
        "subtotal": Decimal("1234.50"),
        "tax_rate": Decimal("0"),
        "tax": Decimal("0.00"),
        "total": Decimal("1234.50"),
        "product_id": "prod-0001",
        "product_title": "Log Analytics",
        "created_at": WHEN,
    }
    return Invoice(**(values | overrides))


def usage(**overrides: Any) -> UsageRecord:
    values: dict[str, Any] = {
        "id": "rec-0001",
        "agreement_id": "agmt-0001",
        "dimension": "requests",
        "quantity": Decimal("0.000001"),
        "occurred_at": WHEN,
        "reported_at": WHEN,
    }
    return UsageRecord(**(values | overrides))


def seller_key(**overrides: Any) -> SellerKey:
    values: dict[str, Any] = {
        "id": "sk-0001",
        "seller_id": "seller-1",
        "prefix": "abcdefghijkl",
        "key_hash": "f" * 64,
        "created_at": WHEN,
    }
    return SellerKey(**(values | overrides))


def write(database: Database, work: Callable[[UnitOfWork], object]) -> None:
    with database.unit_of_work() as uow:
        work(uow)
        uow.commit()


def _wait_until_blocked(database: Database, deadline_seconds: float = 30) -> None:
    """Poll, with a deadline, until a PostgreSQL backend waits for a lock."""
    deadline = time.monotonic() + deadline_seconds
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    with database.engine.connect() as connection:
        while connection.execute(query).scalar_one() == 0:
            if time.monotonic() > deadline:
                raise AssertionError("the second transaction never waited for the first")
            connection.rollback()  # a fresh snapshot of pg_stat_activity
            time.sleep(0.01)


def _postgresql_only(database: Database) -> None:
    if database.dialect != "postgresql":
        pytest.skip("row locks are PostgreSQL's (SQLite's writers take turns)")


def add_agreements(uow: UnitOfWork, ids: Iterable[str], organization_id: str = ORG) -> None:
    """An agreement (and the request it came from, ``sr-<id>``) per id."""
    for agreement_id in ids:
        request = subscription_request(f"sr-{agreement_id}", organization_id)
        uow.punchout.add_request(request)
        uow.agreements.add(agreement(agreement_id, request.id, organization_id))


@pytest.fixture
def stored(database: Database) -> Database:
    """Two organizations, a user, two sellers, and agreements agmt-0001 … agmt-0003 of
    ``o-acme00001`` and agmt-0009 of ``o-other0001``."""
    with database.unit_of_work() as uow:
        uow.organizations.add(build.organization())
        uow.accounts.add(build.account())
        uow.organizations.add(build.organization(id=OTHER_ORG, management_account_id=OTHER_ACCOUNT))
        uow.accounts.add(build.account(id=OTHER_ACCOUNT, organization_id=OTHER_ORG))
        uow.users.add(build.user())
        uow.catalog.add_sellers([build.seller(), build.seller(id="seller-2", name="Basalt")])
        add_agreements(uow, ["agmt-0001", "agmt-0002", "agmt-0003"])
        add_agreements(uow, ["agmt-0009"], OTHER_ORG)
        uow.commit()
    return database


# --- invoices --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "made",
    [
        invoice(),
        invoice(
            kind=InvoiceKind.CREDIT_MEMO,
            billing_key="credit:inv-" + "0" * 60,
            invoice_date=dt.date(2024, 12, 31),
            period_start=dt.date(2024, 12, 31),
            currency="EUR",
            lines=(
                line(2, quantity=Decimal("0.000001"), unit_price=Decimal("123456789.123456789")),
                line(1, purchase_order_line=3, unit_of_measure="MON", description="Ü " * 500),
            ),
            subtotal=Decimal("-0.01"),
            tax_rate=Decimal("0.2"),
            tax=Decimal("1E-2"),
            total=Decimal("0.00"),
            created_at=WHEN.astimezone(PLUS_FIVE),
            purchase_order_number=LONG_NUMBER,
            original_invoice_id="inv-0000",
            connection_id="pc-0001",
            cxml=True,
            message_id="msg-0001",
        ),
    ],
    ids=["defaults", "everything-set"],
)
def test_an_invoice_comes_back_exactly(stored: Database, made: Invoice) -> None:
    with stored.unit_of_work() as uow:
        assert uow.billing.add_invoice(made) is True
        uow.commit()

    with stored.unit_of_work() as uow:
        found = uow.billing.get_invoice(made.id)
        assert uow.billing.get_invoice("inv-missing") is None

    assert found == made
    assert found is not None
    assert type(found.lines) is tuple
    assert [str(n) for n in (found.subtotal, found.tax, found.lines[0].unit_price)] == [
        str(made.subtotal),
        str(made.tax),
        str(made.lines[0].unit_price),
    ]
    assert found.created_at.tzinfo is dt.UTC


def test_an_invoice_is_made_once_per_agreement_and_billing_key(stored: Database) -> None:
    again = invoice(id="inv-0002", number="INV-202405-0000000002")

    with stored.unit_of_work() as uow:
        assert uow.billing.add_invoice(invoice()) is True
        assert uow.billing.add_invoice(again) is False
        # The billing key is checked first: a taken number does not matter then.
        assert uow.billing.add_invoice(dataclasses.replace(again, number=invoice().number)) is False
        assert uow.billing.add_invoice(dataclasses.replace(again, billing_key="usage:2024-05"))
        uow.commit()

    with stored.unit_of_work() as uow:
        assert uow.billing.add_invoice(invoice(id="inv-0003", number="INV-3")) is False
        other = invoice(id="inv-0004", number="INV-4", agreement_id="agmt-0002")
        assert uow.billing.add_invoice(other) is True
        uow.commit()
        found = uow.billing.invoices_for_agreements(["agmt-0001", "agmt-0002"])

    assert {key: [i.id for i in value] for key, value in found.items()} == {
        "agmt-0001": ["inv-0001", "inv-0002"],
        "agmt-0002": ["inv-0004"],
    }


def test_a_taken_invoice_number_is_a_conflict_and_the_work_goes_on(stored: Database) -> None:
    with stored.unit_of_work() as uow:
        uow.billing.add_invoice(invoice())
        with pytest.raises(ConflictError):
            uow.billing.add_invoice(invoice(id="inv-0002", billing_key="instalment:1"))
        taken = invoice(id="inv-0002", billing_key="instalment:1", number="INV-2")
        assert uow.billing.add_invoice(taken) is True  # the transaction is still usable
        uow.commit()

    with stored.unit_of_work() as uow:
        assert [i.number for i in uow.billing.list_invoices(ORG)] == ["INV-2", invoice().number]


@pytest.mark.parametrize(
    "overrides",
    [{"id": "inv-0001"}, {"organization_id": "o-missing"}, {"agreement_id": "agmt-missing"}],
    ids=["taken-id", "unknown-organization", "unknown-agreement"],
)  # fmt: skip
def test_an_invoice_names_what_exists(stored: Database, overrides: dict[str, Any]) -> None:
    write(stored, lambda uow: uow.billing.add_invoice(invoice()))
    changed = invoice(**({"id": "inv-0002", "number": "INV-2", "billing_key": "k"} | overrides))

    with stored.unit_of_work() as uow, pytest.raises(ConflictError):
        uow.billing.add_invoice(changed)


def _bill(database: Database, made: Invoice, start: threading.Barrier | None = None) -> bool:
    with database.unit_of_work() as uow:
        if start is not None:
            start.wait(timeout=30)
        added = uow.billing.add_invoice(made)
        uow.commit()
        return added


@pytest.mark.parametrize("commit", [True, False], ids=["first-commits", "first-rolls-back"])
def test_a_billing_run_waits_for_a_concurrent_one_and_bills_only_after_a_rollback(
    stored: Database, commit: bool
) -> None:
    _postgresql_only(stored)
    second_invoice = invoice(id="inv-0002", number="INV-2")

    with ThreadPoolExecutor(max_workers=1) as pool, stored.unit_of_work() as first:
        assert first.billing.add_invoice(invoice()) is True
        second = pool.submit(_bill, stored, second_invoice)
        _wait_until_blocked(stored)
        assert not second.done()
        if commit:
            first.commit()
        else:
            first.rollback()
        assert second.result(timeout=30) is not commit

    with stored.unit_of_work() as uow:
        assert [i.id for i in uow.billing.list_invoices(ORG)] == [
            "inv-0001" if commit else "inv-0002"
        ]


def test_concurrent_billing_runs_make_an_invoice_once(stored: Database) -> None:
    _postgresql_only(stored)
    runs = 4
    start = threading.Barrier(runs)
    made = [invoice(id=f"inv-{n}", number=f"INV-{n}") for n in range(runs)]

    with ThreadPoolExecutor(max_workers=runs) as pool:
        results = list(pool.map(lambda each: _bill(stored, each, start), made))

    assert sorted(results) == [False] * (runs - 1) + [True]
    with stored.unit_of_work() as uow:
        assert len(uow.billing.list_invoices(ORG)) == 1


def test_invoices_are_listed_newest_first_per_organization_and_account(
    stored: Database,
) -> None:
    def made(invoice_id: str, day: int, minutes: int, **changes: Any) -> Invoice:
        return invoice(
            id=invoice_id, number=f"INV-{invoice_id}", billing_key=f"key-{invoice_id}",
            invoice_date=dt.date(2024, 5, day), created_at=WHEN + dt.timedelta(minutes=minutes),
            **changes,
        )  # fmt: skip

    def add(uow: UnitOfWork) -> None:
        for each in (
            made("inv-a", 1, 9), made("inv-b", 2, 0), made("inv-c", 2, 5),
            made("inv-d", 2, 5, account_id="444455556666"),
            made("inv-x", 3, 0, organization_id=OTHER_ORG, agreement_id="agmt-0009"),
        ):  # fmt: skip
            uow.billing.add_invoice(each)

    write(stored, add)

    with stored.unit_of_work() as uow:

        def ids(organization_id: str | None, **criteria: Any) -> list[str]:
            return [i.id for i in uow.billing.list_invoices(organization_id, **criteria)]

        assert ids(ORG) == ["inv-d", "inv-c", "inv-b", "inv-a"]
        assert ids(None) == ["inv-x", "inv-d", "inv-c", "inv-b", "inv-a"]
        assert ids(ORG, account_id=ACCOUNT) == ["inv-c", "inv-b", "inv-a"]
        assert ids(None, account_id="444455556666") == ["inv-d"]
        assert ids(None, limit=2) == ["inv-x", "inv-d"]
        assert ids(ORG, limit=0) == []
        assert ids("o-missing") == []


# --- many agreements at once -----------------------------------------------------------------


def _many(database: Database, count: int) -> list[str]:
    """``count`` more agreements (agmt-m00000 …), added in a shuffled order; their ids."""
    ids = [f"agmt-m{n:05d}" for n in range(count)]
    shuffled = random.Random(7).sample(ids, len(ids))
    write(database, lambda uow: add_agreements(uow, shuffled))
    return ids


def test_invoices_and_usage_are_read_for_1200_agreements_at_once(stored: Database) -> None:
    ids = _many(stored, 1200)

    def add(uow: UnitOfWork) -> None:
        for n, agreement_id in enumerate(ids):
            uow.billing.add_invoice(
                invoice(id=f"inv-{n}", number=f"INV-{n}", agreement_id=agreement_id)
            )
            uow.billing.add_usage(usage(id=f"rec-{n}", agreement_id=agreement_id), "seller-1")

    write(stored, add)

    with stored.unit_of_work() as uow:
        asked = [*reversed(ids), "agmt-0001", ids[0], "agmt-missing"]  # repeats are fine
        invoices = uow.billing.invoices_for_agreements(asked)
        records = uow.billing.usage_for_agreements(asked, before=WHEN + dt.timedelta(seconds=1))

    assert set(invoices) == set(records) == set(ids)
    assert all([i.id for i in invoices[a]] == [f"inv-{n}"] for n, a in enumerate(ids))
    assert all([r.id for r in records[a]] == [f"rec-{n}"] for n, a in enumerate(ids))


def test_a_billing_run_walks_every_agreement_a_page_at_a_time(stored: Database) -> None:
    ids = sorted(["agmt-0001", "agmt-0002", "agmt-0003", "agmt-0009", *_many(stored, 2496)])
    pages: list[list[str]] = []

    with stored.unit_of_work() as uow:
        after: str | None = None
        while page := [a.id for a in uow.agreements.list_page(after_id=after, limit=1000)]:
            pages.append(page)
            after = page[-1]
        assert list(uow.agreements.list_page(after_id=None, limit=0)) == []
        assert [a.id for a in uow.agreements.list_page(after_id="agmt-0002", limit=2)] == [
            "agmt-0003",
            "agmt-0009",
        ]
        first = uow.agreements.list_page(after_id=None, limit=1)[0]
        assert first == uow.agreements.get("agmt-0001")

    assert [len(page) for page in pages] == [1000, 1000, 500]
    assert [a for page in pages for a in page] == ids  # every organization's, by id


# --- usage -----------------------------------------------------------------------------------


def test_a_usage_record_comes_back_exactly(stored: Database) -> None:
    reported = usage(
        id=LONG_RECORD_ID,
        dimension="gb_scanned",
        quantity=Decimal("123456789012.000000000001"),
        occurred_at=dt.datetime(2024, 5, 17, 23, 59, 59, 999999, tzinfo=PLUS_FIVE),
        reported_at=WHEN.astimezone(PLUS_FIVE),
    )
    write(stored, lambda uow: uow.billing.add_usage(reported, "seller-1"))

    with stored.unit_of_work() as uow:
        found = uow.billing.usage_for_agreements(["agmt-0001"], before=WHEN + dt.timedelta(days=1))

    assert found == {"agmt-0001": [reported]}
    assert str(found["agmt-0001"][0].quantity) == "123456789012.000000000001"
    assert found["agmt-0001"][0].occurred_at.tzinfo is dt.UTC


def test_a_usage_record_is_kept_once_per_seller_and_record_id(stored: Database) -> None:
    with stored.unit_of_work() as uow:
        assert uow.billing.add_usage(usage(), "seller-1") is True
        assert uow.billing.add_usage(usage(quantity=Decimal("5")), "seller-1") is False
        uow.commit()

    with stored.unit_of_work() as uow:
        assert uow.billing.add_usage(usage(quantity=Decimal("7")), "seller-1") is False
        assert uow.billing.add_usage(usage(quantity=Decimal("9")), "seller-2") is True
        uow.commit()
        found = uow.billing.usage_for_agreements(["agmt-0001"], before=WHEN + dt.timedelta(1))

    assert sorted(r.quantity for r in found["agmt-0001"]) == [Decimal("0.000001"), Decimal(9)]


def test_usage_for_an_unknown_agreement_is_a_conflict(stored: Database) -> None:
    with stored.unit_of_work() as uow:
        with pytest.raises(ConflictError):
            uow.billing.add_usage(usage(agreement_id="agmt-missing"), "seller-1")
        assert uow.billing.add_usage(usage(), "seller-1") is True  # still usable


def test_usage_is_read_per_agreement_strictly_before_a_time_in_order(stored: Database) -> None:
    def record(record_id: str, agreement_id: str, seconds: float) -> UsageRecord:
        occurred = WHEN + dt.timedelta(seconds=seconds)
        return usage(id=record_id, agreement_id=agreement_id, occurred_at=occurred)

    def add(uow: UnitOfWork) -> None:
        for each in (
            record("rec-c", "agmt-0001", 5), record("rec-b", "agmt-0001", 0),
            record("rec-a", "agmt-0001", 5), record("rec-at", "agmt-0001", 10),
            record("rec-just-before", "agmt-0001", 9.999999), record("rec-d", "agmt-0002", -3600),
            record("rec-e", "agmt-0003", 60), record("rec-x", "agmt-0009", 0),
        ):  # fmt: skip
            uow.billing.add_usage(each, "seller-1")

    write(stored, add)
    before = (WHEN + dt.timedelta(seconds=10)).astimezone(PLUS_FIVE)

    with stored.unit_of_work() as uow:
        found = uow.billing.usage_for_agreements(
            ["agmt-0001", "agmt-0002", "agmt-0003"], before=before
        )
        assert uow.billing.usage_for_agreements([], before=before) == {}

    assert {key: [r.id for r in value] for key, value in found.items()} == {
        "agmt-0001": ["rec-b", "rec-a", "rec-c", "rec-just-before"],
        "agmt-0002": ["rec-d"],
    }


# --- seller keys -----------------------------------------------------------------------------


def test_a_seller_key_is_found_by_its_prefix(stored: Database) -> None:
    revoked = seller_key(revoked_at=WHEN.astimezone(PLUS_FIVE), created_at=dt.datetime(2024, 5, 1))
    write(stored, lambda uow: uow.billing.add_seller_key(revoked))

    with stored.unit_of_work() as uow:
        found = uow.billing.get_seller_key("abcdefghijkl")
        assert uow.billing.get_seller_key("abcdefghijkL") is None

    assert found == dataclasses.replace(revoked, created_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    assert found is not None
    assert found.revoked_at is not None
    assert found.revoked_at.tzinfo is dt.UTC


@pytest.mark.parametrize(
    "overrides",
    [{"id": "sk-0001"}, {"prefix": "abcdefghijkl"}, {"seller_id": "seller-9"}],
    ids=["taken-id", "taken-prefix", "unknown-seller"],
)
def test_a_seller_key_names_what_exists(stored: Database, overrides: dict[str, Any]) -> None:
    write(stored, lambda uow: uow.billing.add_seller_key(seller_key()))
    changed = seller_key(**({"id": "sk-0002", "prefix": "otherprefix0"} | overrides))

    with stored.unit_of_work() as uow:
        with pytest.raises(ConflictError):
            uow.billing.add_seller_key(changed)
        uow.billing.add_seller_key(seller_key(id="sk-0003", prefix="thirdprefix0"))  # usable


# --- deletion --------------------------------------------------------------------------------


def test_deleting_an_organization_takes_its_invoices_and_usage(stored: Database) -> None:
    def add(uow: UnitOfWork) -> None:
        uow.billing.add_invoice(invoice())
        uow.billing.add_usage(usage(), "seller-1")
        other = invoice(
            id="inv-x", number="INV-x", organization_id=OTHER_ORG, agreement_id="agmt-0009"
        )
        uow.billing.add_invoice(other)
        uow.billing.add_usage(usage(id="rec-x", agreement_id="agmt-0009"), "seller-1")

    write(stored, add)

    with stored.engine.begin() as connection:
        connection.execute(text("DELETE FROM organizations WHERE id = :id"), {"id": OTHER_ORG})

    with stored.unit_of_work() as uow:
        assert uow.billing.get_invoice("inv-x") is None
        assert uow.billing.get_invoice("inv-0001") is not None
        found = uow.billing.usage_for_agreements(
            ["agmt-0001", "agmt-0009"], before=WHEN + dt.timedelta(1)
        )
    assert {key: [r.id for r in value] for key, value in found.items()} == {
        "agmt-0001": ["rec-0001"]
    }
