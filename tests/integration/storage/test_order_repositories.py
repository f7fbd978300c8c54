"""Agreements, purchase orders with their cXML receipts, and the delivery outbox in storage.

The contracts of ``AgreementRepository``, ``OrderRepository`` and ``OutboxRepository``
(``services.ports``), on SQLite and PostgreSQL: values come back exactly as stored (Decimals,
dates, tuples, None), a payloadID is claimed once even by concurrent claims, an order version
is received once, lists come in their order, and on PostgreSQL concurrent workers never
claim the same message.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
import storage_builders as build
from sqlalchemy import text

from marketplace.domain.agreements import Agreement, AgreementStatus, PaymentModel
from marketplace.domain.catalog import PricingModel
from marketplace.domain.charges import Charge, ChargeKind, OfferChoice
from marketplace.domain.errors import ConflictError, NotFoundError
from marketplace.domain.line_items import cart_lines
from marketplace.domain.orders import OrderKind, OrderLine, PurchaseOrder, Receipt
from marketplace.domain.outbox import (
    AttemptOutcome,
    DeliveryAttempt,
    DeliveryStatus,
    MessageKind,
    OutboxMessage,
)
from marketplace.domain.procurement import PortalConnection, ProcurementSystem
from marketplace.domain.punchout import RequestStatus, SubscriptionRequest
from marketplace.services.ports import UnitOfWork
from marketplace.storage.database import Database

pytestmark = pytest.mark.integration

WHEN = build.WHEN
ORG = "o-acme00001"
OTHER_ORG = "o-other0001"
ACCOUNT = "111122223333"
USER = "u-0123456789abcdef"
OTHER_USER = "u-fedcba9876543210"
PLUS_FIVE = dt.timezone(dt.timedelta(hours=5))
UPFRONT = Charge(ChargeKind.UPFRONT, "12-month contract", Decimal("1234.56"))
USAGE = Charge(ChargeKind.USAGE, "Usage (budget estimate)", Decimal("0.01"))
LEASE = dt.timedelta(minutes=5)
LONG_NUMBER = "PO-" + "9" * 1021  # 1,024 characters


def minutes(count: float) -> dt.datetime:
    return WHEN + dt.timedelta(minutes=count)


def agreement(**overrides: Any) -> Agreement:
    values: dict[str, Any] = {
        "id": "agmt-0001",
        "organization_id": ORG,
        "account_id": ACCOUNT,
        "user_id": USER,
        "request_id": "sr-0001",
        "product_id": "prod-0001",
        "product_title": "Log Analytics",
        "seller_name": "Kestrel Observability",
        "offer_id": "offer-0001",
        "offer_name": "Annual contract",
        "pricing_model": PricingModel.SAAS_CONTRACT,
        "payment_model": PaymentModel.UPFRONT,
        "currency": "USD",
        "choice": OfferChoice(12, {"users": 25, "admins": 0}, Decimal("0.01")),
        "charges": (UPFRONT, USAGE),
        "starts_on": dt.date(2024, 5, 17),
        "ends_on": dt.date(2025, 5, 17),
        "status": AgreementStatus.ACTIVE,
        "created_at": WHEN,
        "updated_at": WHEN,
    }
    return Agreement(**(values | overrides))


def order(**overrides: Any) -> PurchaseOrder:
    values: dict[str, Any] = {
        "id": "po-0001",
        "organization_id": ORG,
        "connection_id": "pc-0001",
        "order_number": "PO-1001",
        "order_version": 1,
        "kind": OrderKind.NEW,
        "payload_id": "1716000000.1@buyer.example.com",
        "order_date": WHEN,
        "total": Decimal("1234.57"),
        "currency": "USD",
        "lines": (
            OrderLine(1, "offer-0001", "sr-0001", Decimal("1"), Decimal("1234.56"), "USD", "A"),
            OrderLine(2, "offer-0001", "sr-0001", Decimal("0.5"), Decimal("0.01"), "USD", "B"),
        ),
        "test": False,
        "received_at": WHEN,
    }
    return PurchaseOrder(**(values | overrides))


def message(**overrides: Any) -> OutboxMessage:
    values: dict[str, Any] = {
        "id": "msg-0001",
        "kind": MessageKind.EMAIL,
        "organization_id": ORG,
        "destination": "admin@acme.example",
        "subject": "Your subscription to Log Analytics is available",
        "body": "Hello Ada,\n",
        "status": DeliveryStatus.PENDING,
        "next_attempt_at": WHEN,
        "created_at": WHEN,
    }
    return OutboxMessage(**(values | overrides))


def attempt(**overrides: Any) -> DeliveryAttempt:
    values: dict[str, Any] = {
        "id": "att-0001",
        "message_id": "msg-0001",
        "attempted_at": WHEN,
        "outcome": AttemptOutcome.TRANSIENT,
        "duration_ms": 1500,
        "status_code": 503,
        "response_excerpt": "Service Unavailable",
    }
    return DeliveryAttempt(**(values | overrides))


def subscription_request(request_id: str) -> SubscriptionRequest:
    return SubscriptionRequest(
        id=request_id, organization_id=ORG, account_id=ACCOUNT, user_id=USER,
        product_id="prod-0001", product_title="Log Analytics", seller_name="Kestrel",
        offer_id="offer-0001", offer_name="Annual contract",
        pricing_model=PricingModel.SAAS_CONTRACT, currency="USD",
        choice=OfferChoice(12, {"users": 25}), charges=(UPFRONT,),
        lines=cart_lines((UPFRONT,), split=False), status=RequestStatus.PENDING_APPROVAL,
        test=False, created_at=WHEN, updated_at=WHEN,
    )  # fmt: skip


@pytest.fixture
def stored(database: Database) -> Database:
    """Two organizations, two users, a portal connection and requests sr-0001 … sr-0006."""
    with database.unit_of_work() as uow:
        uow.organizations.add(build.organization())
        uow.accounts.add(build.account())
        uow.organizations.add(
            build.organization(id=OTHER_ORG, management_account_id="999988887777")
        )
        uow.accounts.add(build.account(id="999988887777", organization_id=OTHER_ORG))
        uow.users.add(build.user())
        uow.users.add(build.user(id=OTHER_USER, email="buyer@acme.example"))
        uow.procurement.add_connection(
            PortalConnection(
                id="pc-0001",
                organization_id=ORG,
                account_id=ACCOUNT,
                system=ProcurementSystem.COUPA,
                buyer_domain="DUNS",
                buyer_identity="acme",
                supplier_domain="NetworkID",
                supplier_identity="marketplace-0001",
                created_at=WHEN,
                updated_at=WHEN,
            )
        )
        for number in range(1, 7):
            uow.punchout.add_request(subscription_request(f"sr-{number:04d}"))
        uow.commit()
    return database


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


# --- agreements ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bought",
    [
        agreement(ends_on=None),
        agreement(
            pricing_model=PricingModel.SERVER_ANNUAL,
            payment_model=PaymentModel.PAY_AS_YOU_GO,
            choice=OfferChoice(None, {}, None, annual=True),
            charges=(),
            status=AgreementStatus.CANCELLED,
            created_at=WHEN.astimezone(PLUS_FIVE),
            connection_id="pc-0001",
            purchase_order_number=LONG_NUMBER,
            purchase_order_lines=(3, 1, 2),
            order_version=4,
            annual_pending=True,
            cancelled_at=minutes(90),
        ),
    ],
    ids=["defaults", "everything-set"],
)
def test_an_agreement_comes_back_exactly(stored: Database, bought: Agreement) -> None:
    write(stored, lambda uow: uow.agreements.add(bought))

    with stored.unit_of_work() as uow:
        found = uow.agreements.get("agmt-0001")
        assert uow.agreements.get("agmt-missing") is None

    assert found == bought
    assert found is not None
    assert [str(c.amount) for c in found.charges] == [str(c.amount) for c in bought.charges]
    assert found.created_at.tzinfo is dt.UTC
    assert type(found.starts_on) is dt.date


def test_a_request_becomes_one_agreement_found_by_the_request(stored: Database) -> None:
    write(stored, lambda uow: uow.agreements.add(agreement()))

    with stored.unit_of_work() as uow:
        with pytest.raises(ConflictError):
            uow.agreements.add(agreement(id="agmt-0002"))
        uow.agreements.add(agreement(id="agmt-0002", request_id="sr-0002"))  # still usable
        uow.commit()

    with stored.unit_of_work() as uow:
        assert uow.agreements.for_request("sr-0001") == agreement()
        found = uow.agreements.for_request("sr-0002")
        assert found is not None
        assert found.id == "agmt-0002"
        assert uow.agreements.for_request("sr-0003") is None


def test_updating_an_agreement_replaces_it(stored: Database) -> None:
    write(stored, lambda uow: uow.agreements.add(agreement()))
    cancelled = agreement(
        status=AgreementStatus.CANCELLED, cancelled_at=minutes(5), order_version=2,
        purchase_order_lines=(1,), charges=(UPFRONT,), updated_at=minutes(5),
    )  # fmt: skip

    with stored.unit_of_work() as uow:
        uow.agreements.update(cancelled)
        with pytest.raises(NotFoundError):
            uow.agreements.update(agreement(id="agmt-missing", request_id="sr-0002"))
        uow.commit()

    with stored.unit_of_work() as uow:
        assert uow.agreements.get("agmt-0001") == cancelled


@pytest.mark.parametrize(
    "overrides",
    [
        {"organization_id": "o-missing"},
        {"user_id": "u-missing"},
        {"request_id": "sr-missing"},
        {"connection_id": "pc-missing"},
    ],
    ids=["organization", "user", "request", "connection"],
)
def test_an_agreement_names_what_exists(stored: Database, overrides: dict[str, Any]) -> None:
    with stored.unit_of_work() as uow, pytest.raises(ConflictError):
        uow.agreements.add(agreement(**overrides))


def test_agreements_are_listed_newest_first_per_organization_and_user(stored: Database) -> None:
    def add(uow: UnitOfWork) -> None:
        for number, (at, user) in enumerate(
            [(0, USER), (5, OTHER_USER), (5, USER), (10, OTHER_USER)], start=1
        ):
            uow.agreements.add(
                agreement(
                    id=f"agmt-{number:04d}",
                    request_id=f"sr-{number:04d}",
                    user_id=user,
                    created_at=minutes(at),
                )
            )

    write(stored, add)

    with stored.unit_of_work() as uow:

        def ids(organization_id: str = ORG, **criteria: Any) -> list[str]:
            found = uow.agreements.list_for_organization(organization_id, **criteria)
            return [a.id for a in found]

        assert ids() == ["agmt-0004", "agmt-0003", "agmt-0002", "agmt-0001"]
        assert ids(user_id=USER) == ["agmt-0003", "agmt-0001"]
        assert ids(limit=2) == ["agmt-0004", "agmt-0003"]
        assert ids(limit=0) == []
        assert ids(OTHER_ORG) == []


ANNUAL_PENDING: dict[str, Any] = {
    "pricing_model": PricingModel.SERVER_ANNUAL,
    "annual_pending": True,
}


def test_the_annual_pending_agreement_is_the_oldest_active_one_on_the_offer(
    stored: Database,
) -> None:
    cases: list[tuple[int, dict[str, Any]]] = [
        (0, {"status": AgreementStatus.CANCELLED}),
        (9, {}),
        (5, {}),
        (1, {"pricing_model": PricingModel.SAAS_CONTRACT, "annual_pending": False}),
        (2, {"offer_id": "offer-0002"}),
    ]

    def add(uow: UnitOfWork) -> None:
        for number, (at, changes) in enumerate(cases, start=1):
            uow.agreements.add(
                agreement(
                    id=f"agmt-{number:04d}",
                    request_id=f"sr-{number:04d}",
                    created_at=minutes(at),
                    **(ANNUAL_PENDING | changes),
                )
            )

    write(stored, add)

    with stored.unit_of_work() as uow:
        found = uow.agreements.find_annual_pending(ORG, "offer-0001")
        other_offer = uow.agreements.find_annual_pending(ORG, "offer-0002")
        assert uow.agreements.find_annual_pending(ORG, "offer-0003") is None
        assert uow.agreements.find_annual_pending(OTHER_ORG, "offer-0001") is None

    assert found is not None
    assert found.id == "agmt-0003"
    assert other_offer is not None
    assert other_offer.id == "agmt-0005"


# --- receipts --------------------------------------------------------------------------------

# Longer than any indexable column, and equal to the next one in its first 2,000 characters.
LONG_PAYLOAD = "1716000000." + "x" * 2000 + "@buyer.example.com"


def test_a_payload_is_claimed_once_and_its_answer_kept(stored: Database) -> None:
    received = WHEN.astimezone(PLUS_FIVE)

    with stored.unit_of_work() as uow:
        assert uow.orders.claim_payload(LONG_PAYLOAD, "pc-0001", received) is True
        assert uow.orders.claim_payload(LONG_PAYLOAD, "pc-0001", received) is False
        assert uow.orders.claim_payload(LONG_PAYLOAD + "2", "pc-0001", received) is True
        claimed = uow.orders.get_receipt(LONG_PAYLOAD)
        uow.orders.complete_receipt(LONG_PAYLOAD, 200, "<cXML>…</cXML>")
        with pytest.raises(NotFoundError):
            uow.orders.complete_receipt("never-claimed", 200, "")
        uow.commit()

    with stored.unit_of_work() as uow:
        assert uow.orders.claim_payload(LONG_PAYLOAD, "pc-0001", WHEN) is False
        answered = uow.orders.get_receipt(LONG_PAYLOAD)
        assert uow.orders.get_receipt("never-claimed") is None

    assert claimed == Receipt(payload_id=LONG_PAYLOAD, connection_id="pc-0001", received_at=WHEN)
    assert answered == Receipt(
        payload_id=LONG_PAYLOAD, connection_id="pc-0001", received_at=WHEN, status_code=200,
        response="<cXML>…</cXML>",
    )  # fmt: skip


def test_a_claim_rolled_back_leaves_the_payload_free(stored: Database) -> None:
    with stored.unit_of_work() as uow:
        assert uow.orders.claim_payload("p-1", "pc-0001", WHEN) is True

    with stored.unit_of_work() as uow:
        assert uow.orders.claim_payload("p-1", "pc-0001", WHEN) is True


def test_a_claim_for_an_unknown_connection_is_a_conflict(stored: Database) -> None:
    with stored.unit_of_work() as uow:
        with pytest.raises(ConflictError):
            uow.orders.claim_payload("p-1", "pc-missing", WHEN)
        assert uow.orders.claim_payload("p-1", "pc-0001", WHEN) is True  # still usable


def _claim(database: Database, payload_id: str) -> bool:
    with database.unit_of_work() as uow:
        claimed = uow.orders.claim_payload(payload_id, "pc-0001", WHEN)
        uow.commit()
        return claimed


@pytest.mark.parametrize("commit", [True, False], ids=["first-commits", "first-rolls-back"])
def test_a_claim_waits_for_an_uncommitted_one_and_wins_only_after_a_rollback(
    stored: Database, commit: bool
) -> None:
    _postgresql_only(stored)

    with ThreadPoolExecutor(max_workers=1) as pool, stored.unit_of_work() as first:
        assert first.orders.claim_payload(LONG_PAYLOAD, "pc-0001", WHEN) is True
        second = pool.submit(_claim, stored, LONG_PAYLOAD)
        _wait_until_blocked(stored)
        assert not second.done()
        if commit:
            first.commit()
        else:
            first.rollback()
        assert second.result(timeout=30) is not commit


# --- purchase orders -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "received",
    [
        order(),
        order(
            order_number=LONG_NUMBER,
            payload_id=LONG_PAYLOAD,
            kind=OrderKind.UPDATE,
            order_version=7,
            total=Decimal("0.00"),
            currency="EUR",
            test=True,
            lines=(OrderLine(1, "offer-0001", None, Decimal("0.000001")),),
            order_date=dt.datetime(2024, 5, 16, 23, 59, 59, 999999, tzinfo=PLUS_FIVE),
            received_at=WHEN.astimezone(PLUS_FIVE),
            agreement_ids=("agmt-2", "agmt-1"),
        ),
    ],
    ids=["new", "long-update"],
)
def test_an_order_comes_back_exactly(stored: Database, received: PurchaseOrder) -> None:
    write(stored, lambda uow: uow.orders.add_order(received))

    with stored.unit_of_work() as uow:
        (found,) = uow.orders.find_orders("pc-0001", received.order_number)

    assert found == received
    assert str(found.total) == str(received.total)
    assert [str(line.quantity) for line in found.lines] == [
        str(line.quantity) for line in received.lines
    ]
    assert found.received_at.tzinfo is dt.UTC


def test_an_order_version_and_kind_is_received_once_per_connection(stored: Database) -> None:
    def add(uow: UnitOfWork) -> None:
        update = order(id="po-0003", order_version=3, kind=OrderKind.UPDATE, received_at=minutes(2))
        uow.orders.add_order(update)
        uow.orders.add_order(order())
        uow.orders.add_order(dataclasses.replace(update, id="po-0002", kind=OrderKind.DELETE))
        uow.orders.add_order(order(id="po-other", order_number="PO-1002"))
        uow.orders.add_order(order(id="po-long", order_number=LONG_NUMBER))

    write(stored, add)

    with stored.unit_of_work() as uow:
        with pytest.raises(ConflictError):
            uow.orders.add_order(order(id="po-again", payload_id="another"))
        with pytest.raises(ConflictError):
            uow.orders.add_order(order(id="po-again", order_number=LONG_NUMBER))
        uow.orders.add_order(order(id="po-0004", order_version=4, kind=OrderKind.UPDATE))
        uow.commit()

    with stored.unit_of_work() as uow:
        found = [o.id for o in uow.orders.find_orders("pc-0001", "PO-1001")]
        assert [o.id for o in uow.orders.find_orders("pc-0001", LONG_NUMBER)] == ["po-long"]
        assert list(uow.orders.find_orders("pc-0001", "po-1001")) == []
        assert list(uow.orders.find_orders("pc-missing", "PO-1001")) == []

    assert found == ["po-0001", "po-0002", "po-0003", "po-0004"]


@pytest.mark.parametrize(
    "overrides",
    [{"organization_id": "o-missing"}, {"connection_id": "pc-missing"}],
    ids=["organization", "connection"],
)
def test_an_order_names_what_exists(stored: Database, overrides: dict[str, Any]) -> None:
    with stored.unit_of_work() as uow, pytest.raises(ConflictError):
        uow.orders.add_order(order(**overrides))


def test_orders_are_listed_newest_first_with_the_test_filter(stored: Database) -> None:
    def add(uow: UnitOfWork) -> None:
        for number, (at, test) in enumerate([(0, False), (5, True), (5, False), (10, True)], 1):
            uow.orders.add_order(
                order(
                    id=f"po-{number:04d}",
                    order_number=f"PO-{number}",
                    test=test,
                    received_at=minutes(at),
                )
            )

    write(stored, add)

    with stored.unit_of_work() as uow:

        def ids(organization_id: str = ORG, **criteria: Any) -> list[str]:
            return [o.id for o in uow.orders.list_orders(organization_id, **criteria)]

        assert ids() == ["po-0004", "po-0003", "po-0002", "po-0001"]
        assert ids(test=True) == ["po-0004", "po-0002"]
        assert ids(test=False) == ["po-0003", "po-0001"]
        assert ids(limit=1) == ["po-0004"]
        assert ids(limit=0) == []
        assert ids(OTHER_ORG) == []


# --- the outbox ------------------------------------------------------------------------------


def test_a_message_comes_back_exactly_and_is_replaced_by_an_update(stored: Database) -> None:
    added = message(
        kind=MessageKind.INVOICE, payload_id=LONG_PAYLOAD, reference="inv-0001",
        destination="https://buyer.example.com/cxml/invoices", body="<cXML/>" * 1000,
        created_at=WHEN.astimezone(PLUS_FIVE),
    )  # fmt: skip
    write(stored, lambda uow: uow.outbox.add(added))
    delivered = dataclasses.replace(
        added, status=DeliveryStatus.DELIVERED, attempts=2, delivered_at=minutes(1),
        last_error="HTTP 503",
    )  # fmt: skip

    with stored.unit_of_work() as uow:
        assert uow.outbox.get("msg-0001") == added
        uow.outbox.update(delivered)
        with pytest.raises(NotFoundError):
            uow.outbox.update(message(id="msg-missing"))
        with pytest.raises(ConflictError):
            uow.outbox.add(message(id="msg-0002", organization_id="o-missing"))
        uow.commit()

    with stored.unit_of_work() as uow:
        assert uow.outbox.get("msg-0001") == delivered
        assert uow.outbox.get("msg-missing") is None


def add_messages(database: Database, *messages: OutboxMessage) -> None:
    def add(uow: UnitOfWork) -> None:
        for each in messages:
            uow.outbox.add(each)

    write(database, add)


def due(message_id: str, at: float, **changes: Any) -> OutboxMessage:
    return message(id=message_id, next_attempt_at=minutes(at), **changes)


def test_due_messages_are_claimed_longest_due_first_and_leased(stored: Database) -> None:
    add_messages(
        stored,
        due("msg-c", -1), due("msg-b", -5), due("msg-a", -1), due("msg-d", 0), due("msg-later", 1),
        due("msg-sent", -9, status=DeliveryStatus.DELIVERED),
        due("msg-failed", -9, status=DeliveryStatus.FAILED),
        due("msg-dead", -9, status=DeliveryStatus.DEAD),
    )  # fmt: skip

    with stored.unit_of_work() as uow:
        first = uow.outbox.claim_due(WHEN.astimezone(PLUS_FIVE), limit=3, lease=LEASE)
        second = uow.outbox.claim_due(WHEN, limit=3, lease=LEASE)
        assert list(uow.outbox.claim_due(WHEN, limit=3, lease=LEASE)) == []
        assert list(uow.outbox.claim_due(WHEN, limit=0, lease=LEASE)) == []
        uow.commit()

    assert [m.id for m in first] == ["msg-b", "msg-a", "msg-c"]
    assert [m.id for m in second] == ["msg-d"]
    assert {m.next_attempt_at for m in [*first, *second]} == {WHEN + LEASE}
    assert first[0] == due("msg-b", 5)
    with stored.unit_of_work() as uow:  # the lease is stored
        assert uow.outbox.get("msg-b") == first[0]
        later = uow.outbox.claim_due(minutes(4), limit=10, lease=LEASE)
        assert [m.id for m in later] == ["msg-later"]


def test_a_leased_message_is_due_again_when_the_lease_ends(stored: Database) -> None:
    add_messages(stored, due("msg-a", 0), due("msg-b", 1))
    with stored.unit_of_work() as uow:
        uow.outbox.claim_due(WHEN, limit=10, lease=LEASE)
        uow.commit()

    with stored.unit_of_work() as uow:
        just_before = WHEN + LEASE - dt.timedelta(microseconds=1)
        early = uow.outbox.claim_due(just_before, limit=10, lease=LEASE)
        again = uow.outbox.claim_due(WHEN + LEASE, limit=10, lease=LEASE)

    assert [m.id for m in early] == ["msg-b"]
    assert [m.id for m in again] == ["msg-a"]


def test_a_claim_rolled_back_leaves_the_messages_due(stored: Database) -> None:
    add_messages(stored, due("msg-a", 0))
    with stored.unit_of_work() as uow:
        assert [m.id for m in uow.outbox.claim_due(WHEN, limit=10, lease=LEASE)] == ["msg-a"]

    with stored.unit_of_work() as uow:
        assert [m.id for m in uow.outbox.claim_due(WHEN, limit=10, lease=LEASE)] == ["msg-a"]


def _claim_due(database: Database, limit: int) -> list[str]:
    with database.unit_of_work() as uow:
        claimed = [m.id for m in uow.outbox.claim_due(WHEN, limit=limit, lease=LEASE)]
        uow.commit()
        return claimed


def test_a_worker_skips_messages_another_is_claiming_instead_of_waiting(
    stored: Database,
) -> None:
    _postgresql_only(stored)
    add_messages(stored, *(due(f"msg-{n:02d}", -n) for n in range(10)))

    with ThreadPoolExecutor(max_workers=1) as pool, stored.unit_of_work() as first:
        mine = [m.id for m in first.outbox.claim_due(WHEN, limit=4, lease=LEASE)]
        theirs = pool.submit(_claim_due, stored, 4).result(timeout=30)  # while `first` is open
        first.commit()

    assert mine == ["msg-09", "msg-08", "msg-07", "msg-06"]
    assert theirs == ["msg-05", "msg-04", "msg-03", "msg-02"]


def _drain(database: Database, start: threading.Barrier) -> list[str]:
    start.wait(timeout=30)
    claimed: list[str] = []
    while batch := _claim_due(database, 7):
        claimed.extend(batch)
    return claimed


def test_concurrent_workers_split_the_due_messages_without_overlap(stored: Database) -> None:
    # PostgreSQL: each worker skips the rows the others hold. SQLite: the claims take turns
    # (each waits for the write lock rather than failing with "database is locked").
    add_messages(stored, *(due(f"msg-{n:03d}", -(n % 17)) for n in range(200)))
    workers = 4
    start = threading.Barrier(workers)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        shares = list(pool.map(lambda _: _drain(stored, start), range(workers)))

    claimed = [message_id for share in shares for message_id in share]
    assert sorted(claimed) == [f"msg-{n:03d}" for n in range(200)]  # each once
    if stored.dialect == "postgresql":
        assert sum(1 for share in shares if share) >= 2  # they did run side by side


def test_attempts_are_listed_oldest_first_and_name_their_message(stored: Database) -> None:
    add_messages(stored, message(), message(id="msg-0002"))

    def add(uow: UnitOfWork) -> None:
        for attempt_id, at in (("att-b", 1), ("att-c", 0), ("att-a", 1)):
            uow.outbox.add_attempt(attempt(id=attempt_id, attempted_at=minutes(at)))
        uow.outbox.add_attempt(
            attempt(
                id="att-ok",
                message_id="msg-0002",
                outcome=AttemptOutcome.DELIVERED,
                status_code=None,
                response_excerpt="",
                attempted_at=minutes(0.5),
            )
        )

    write(stored, add)

    with stored.unit_of_work() as uow:
        found = uow.outbox.list_attempts("msg-0001")
        (delivered,) = uow.outbox.list_attempts("msg-0002")
        assert list(uow.outbox.list_attempts("msg-missing")) == []
        with pytest.raises(ConflictError):
            uow.outbox.add_attempt(attempt(id="att-x", message_id="msg-missing"))

    assert [a.id for a in found] == ["att-c", "att-a", "att-b"]
    assert found[0] == attempt(id="att-c", attempted_at=minutes(0))
    assert delivered.status_code is None
    assert delivered.attempted_at.tzinfo is dt.UTC


def test_messages_are_listed_newest_first_and_filtered(stored: Database) -> None:
    def created(message_id: str, at: float, **changes: Any) -> OutboxMessage:
        return message(id=message_id, created_at=minutes(at), **changes)

    add_messages(
        stored,
        created("msg-a", 0), created("msg-b", 5, kind=MessageKind.INVOICE),
        created("msg-c", 5, status=DeliveryStatus.FAILED), created("msg-d", 10),
        created("msg-x", 20, organization_id=OTHER_ORG, kind=MessageKind.CONFIRMATION),
    )  # fmt: skip

    with stored.unit_of_work() as uow:

        def ids(organization_id: str | None, **criteria: Any) -> list[str]:
            return [m.id for m in uow.outbox.list_messages(organization_id, **criteria)]

        assert ids(ORG) == ["msg-d", "msg-c", "msg-b", "msg-a"]
        assert ids(None) == ["msg-x", "msg-d", "msg-c", "msg-b", "msg-a"]
        assert ids(ORG, kind=MessageKind.INVOICE) == ["msg-b"]
        assert ids(None, kind=MessageKind.CONFIRMATION) == ["msg-x"]
        assert ids(ORG, status=DeliveryStatus.PENDING) == ["msg-d", "msg-b", "msg-a"]
        assert ids(None, kind=MessageKind.EMAIL, status=DeliveryStatus.FAILED) == ["msg-c"]
        assert ids(None, limit=2) == ["msg-x", "msg-d"]
        assert ids(None, limit=0) == []
        assert ids("o-missing") == []
