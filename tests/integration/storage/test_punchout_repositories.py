"""Punchout sessions and subscription requests in storage.

The contract of ``PunchoutRepository`` (``services.ports``), on SQLite and PostgreSQL: values
come back exactly as stored (extrinsics in order, Decimals equal, None kept), a StartPage
token is claimed once even by concurrent claims, updates replace, requests are listed newest
first, and the foreign keys hold.
"""

from __future__ import annotations

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

from marketplace.domain.catalog import PricingModel
from marketplace.domain.charges import Charge, ChargeKind, OfferChoice
from marketplace.domain.errors import ConflictError, NotFoundError
from marketplace.domain.line_items import CartLine, LineType, cart_lines
from marketplace.domain.procurement import CartReturnField, PortalConnection, ProcurementSystem
from marketplace.domain.punchout import (
    SESSION_LIFETIME,
    START_TOKEN_LIFETIME,
    PunchoutOperation,
    PunchoutSession,
    RequestStatus,
    SessionStatus,
    SubscriptionRequest,
)
from marketplace.services.ports import UnitOfWork
from marketplace.storage.database import Database

pytestmark = pytest.mark.integration

WHEN = build.WHEN
ORG = "o-acme00001"
ACCOUNT = "111122223333"
USER = "u-0123456789abcdef"
OTHER_USER = "u-fedcba9876543210"
TOKEN = "0" * 64
PLUS_FIVE = dt.timezone(dt.timedelta(hours=5))
UPFRONT = Charge(ChargeKind.UPFRONT, "12-month contract", Decimal("1234.56"))
USAGE = Charge(ChargeKind.USAGE, "Usage (budget estimate)", Decimal("0.01"))


def session(**overrides: Any) -> PunchoutSession:
    values: dict[str, Any] = {
        "id": "ps-0001",
        "connection_id": "pc-0001",
        "organization_id": ORG,
        "account_id": ACCOUNT,
        "system": ProcurementSystem.COUPA,
        "operation": PunchoutOperation.CREATE,
        "buyer_cookie": "c0ffee",
        "form_post_url": "https://buyer.example.com/punchout/return",
        "cart_field": CartReturnField.URLENCODED,
        "cxml_version": "1.2.014",
        "test": False,
        "token_hash": TOKEN,
        "token_expires_at": WHEN + START_TOKEN_LIFETIME,
        "expires_at": WHEN + SESSION_LIFETIME,
        "created_at": WHEN,
    }
    return PunchoutSession(**(values | overrides))


def request(**overrides: Any) -> SubscriptionRequest:
    values: dict[str, Any] = {
        "id": "sr-0001",
        "organization_id": ORG,
        "account_id": ACCOUNT,
        "user_id": USER,
        "product_id": "prod-0001",
        "product_title": "Log Analytics",
        "seller_name": "Kestrel Observability",
        "offer_id": "offer-0001",
        "offer_name": "Annual contract",
        "pricing_model": PricingModel.SAAS_CONTRACT,
        "currency": "USD",
        "choice": OfferChoice(12, {"users": 25, "admins": 0}, Decimal("0.01")),
        "charges": (UPFRONT, USAGE),
        "lines": cart_lines((UPFRONT, USAGE), split=True),
        "status": RequestStatus.PENDING_APPROVAL,
        "test": False,
        "created_at": WHEN,
        "updated_at": WHEN,
    }
    return SubscriptionRequest(**(values | overrides))


@pytest.fixture
def stored(database: Database) -> Database:
    """An organization, its account, two users and a portal connection."""
    with database.unit_of_work() as uow:
        uow.organizations.add(build.organization())
        uow.accounts.add(build.account())
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
        uow.commit()
    return database


def write(database: Database, action: Callable[[UnitOfWork], object]) -> None:
    with database.unit_of_work() as uow:
        action(uow)
        uow.commit()


def add_session(database: Database, *sessions: PunchoutSession) -> None:
    write(database, lambda uow: [uow.punchout.add_session(each) for each in sessions])


def add_requests(database: Database, *requests: SubscriptionRequest) -> None:
    write(database, lambda uow: [uow.punchout.add_request(each) for each in requests])


# --- sessions ----------------------------------------------------------------------------


def test_a_session_round_trips_with_every_field(stored: Database) -> None:
    full = session(
        system=ProcurementSystem.ARIBA,
        operation=PunchoutOperation.EDIT,
        buyer_cookie="Ünïcode cookie ✓ " + "x" * 2000,
        cart_field=CartReturnField.BASE64,
        test=True,
        user_email="buyer@acme.example",
        user_name="Bea Buyer",
        extrinsics=(("UserEmail", "buyer@acme.example"), ("Dept", "IT"), ("Dept", "Ops")),
        selected_item="prod-0001",
        request_ids=("sr-0002", "sr-0001"),
        start_url="https://marketplace.example.com/punchout/start?token=abc",
        token_used_at=dt.datetime(2024, 5, 17, 14, 31, 2, 123456, tzinfo=PLUS_FIVE),
        user_id=USER,
        status=SessionStatus.RETURNED,
        returned_at=WHEN + dt.timedelta(minutes=20),
    )
    bare = session(id="ps-0002", token_hash="1" * 64)
    add_session(stored, full, bare)

    with stored.unit_of_work() as uow:
        found = uow.punchout.get_session("ps-0001")
        assert uow.punchout.get_session("ps-0002") == bare
        assert uow.punchout.get_session("ps-missing") is None
    assert found == full
    assert found is not None
    assert found.extrinsics == (
        ("UserEmail", "buyer@acme.example"),
        ("Dept", "IT"),
        ("Dept", "Ops"),
    )
    assert found.token_used_at is not None
    assert found.token_used_at.utcoffset() == dt.timedelta(0)


def test_a_session_is_found_by_its_token_hash_used_or_not(stored: Database) -> None:
    add_session(stored, session(), session(id="ps-0002", token_hash="1" * 64))
    write(stored, lambda uow: uow.punchout.claim_start_token("ps-0001", WHEN))

    with stored.unit_of_work() as uow:
        found = uow.punchout.get_session_by_token(TOKEN)
        assert uow.punchout.get_session_by_token("2" * 64) is None
    assert found == session(token_used_at=WHEN)


def test_a_start_token_is_claimed_once(stored: Database) -> None:
    add_session(stored, session())
    used_at = (WHEN + dt.timedelta(minutes=1)).astimezone(PLUS_FIVE)

    with stored.unit_of_work() as uow:
        assert uow.punchout.claim_start_token("ps-0001", used_at) is True
        assert uow.punchout.claim_start_token("ps-0001", used_at) is False
        assert uow.punchout.claim_start_token("ps-missing", used_at) is False
        uow.commit()
    with stored.unit_of_work() as uow:
        assert uow.punchout.claim_start_token("ps-0001", WHEN) is False
        found = uow.punchout.get_session("ps-0001")

    assert found == session(token_used_at=used_at)


def test_a_claim_rolled_back_leaves_the_token_unused(stored: Database) -> None:
    add_session(stored, session())
    with stored.unit_of_work() as uow:
        assert uow.punchout.claim_start_token("ps-0001", WHEN) is True

    with stored.unit_of_work() as uow:
        assert uow.punchout.claim_start_token("ps-0001", WHEN) is True


def _claim(database: Database, start: threading.Barrier) -> bool:
    start.wait(timeout=30)  # outside: SQLite's units of work take turns, one at a time
    with database.unit_of_work() as uow:
        claimed = uow.punchout.claim_start_token("ps-0001", WHEN)
        uow.commit()
        return claimed


def test_of_concurrent_claims_exactly_one_wins(stored: Database) -> None:
    add_session(stored, session())
    claims = 6
    start = threading.Barrier(claims)

    with ThreadPoolExecutor(max_workers=claims) as pool:
        results = list(pool.map(lambda _: _claim(stored, start), range(claims)))

    assert sorted(results) == [False] * (claims - 1) + [True]


def _wait_until_blocked(database: Database, deadline_seconds: float = 30) -> None:
    """Poll, with a deadline, until a PostgreSQL backend waits for a row lock."""
    deadline = time.monotonic() + deadline_seconds
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    with database.engine.connect() as connection:
        while connection.execute(query).scalar_one() == 0:
            if time.monotonic() > deadline:
                raise AssertionError("the second claim never waited for the first")
            connection.rollback()  # a fresh snapshot of pg_stat_activity
            time.sleep(0.01)


def test_a_claim_waiting_for_an_uncommitted_one_loses(stored: Database) -> None:
    if stored.dialect != "postgresql":
        pytest.skip("row locks are PostgreSQL's (SQLite's writers take turns)")
    add_session(stored, session())

    with ThreadPoolExecutor(max_workers=1) as pool, stored.unit_of_work() as first:
        assert first.punchout.claim_start_token("ps-0001", WHEN) is True
        second = pool.submit(_claim, stored, threading.Barrier(1))
        _wait_until_blocked(stored)
        first.commit()
        assert second.result(timeout=30) is False


def test_updating_a_session_replaces_it(stored: Database) -> None:
    add_session(stored, session(extrinsics=(("A", "1"),), request_ids=("sr-1",)))
    changed = session(
        user_id=USER,
        status=SessionStatus.CANCELLED,
        extrinsics=(("B", "2"), ("A", "1")),
        start_url="https://marketplace.example.com/start",
        returned_at=WHEN + dt.timedelta(hours=1),
    )

    with stored.unit_of_work() as uow:
        uow.punchout.update_session(changed)
        with pytest.raises(NotFoundError):
            uow.punchout.update_session(session(id="ps-missing", token_hash="1" * 64))
        uow.commit()

    with stored.unit_of_work() as uow:
        assert uow.punchout.get_session("ps-0001") == changed


@pytest.mark.parametrize(
    "overrides",
    [
        {"id": "ps-0001", "token_hash": "1" * 64},
        {"id": "ps-0002", "token_hash": TOKEN},
        {"id": "ps-0002", "token_hash": "1" * 64, "connection_id": "pc-missing"},
        {"id": "ps-0002", "token_hash": "1" * 64, "organization_id": "o-missing000"},
        {"id": "ps-0002", "token_hash": "1" * 64, "user_id": "u-missing"},
    ],
    ids=["id", "token-hash", "connection", "organization", "user"],
)
def test_a_session_refused_by_a_constraint_is_a_conflict_and_the_transaction_goes_on(
    stored: Database, overrides: dict[str, Any]
) -> None:
    add_session(stored, session())

    with stored.unit_of_work() as uow:
        with pytest.raises(ConflictError):
            uow.punchout.add_session(session(**overrides))
        uow.punchout.add_session(session(id="ps-0003", token_hash="3" * 64))
        uow.commit()

    with stored.unit_of_work() as uow:
        assert uow.punchout.get_session("ps-0003") is not None
        assert uow.punchout.get_session("ps-0002") is None


def test_a_session_cannot_be_updated_to_name_an_unknown_user(stored: Database) -> None:
    add_session(stored, session())

    with stored.unit_of_work() as uow, pytest.raises(ConflictError):
        uow.punchout.update_session(session(user_id="u-missing"))


# --- requests ----------------------------------------------------------------------------


def test_a_request_round_trips_exactly(stored: Database) -> None:
    add_session(stored, session())
    instalments = tuple(
        Charge(ChargeKind.INSTALMENT, f"Instalment {n} of 3", Decimal(a), m)
        for n, (a, m) in enumerate((("1000.10", 0), ("999.90", 12), ("0.01", 24)), start=1)
    )
    full = request(
        pricing_model=PricingModel.FLEXIBLE_PAYMENT,
        currency="EUR",
        choice=OfferChoice(36, {"users": 1_000_000, "admins": 0}, None, annual=True),
        charges=instalments,
        lines=(CartLine(LineType.MATERIAL, 200001, Decimal("0.01"), instalments),),
        status=RequestStatus.AGREEMENT_CREATED,
        test=True,
        updated_at=(WHEN + dt.timedelta(days=3)).astimezone(PLUS_FIVE),
        connection_id="pc-0001",
        session_id="ps-0001",
    )
    plain = request(id="sr-0002")
    free = request(
        id="sr-0003",
        pricing_model=PricingModel.FREE,
        choice=OfferChoice(),
        charges=(Charge(ChargeKind.UPFRONT, "No charge", Decimal("0.00")),),
        lines=cart_lines((Charge(ChargeKind.UPFRONT, "No charge", Decimal("0.00")),)),
        status=RequestStatus.PREAPPROVED,
    )
    add_requests(stored, full, plain, free)

    with stored.unit_of_work() as uow:
        found = uow.punchout.get_request("sr-0001")
        found_plain = uow.punchout.get_request("sr-0002")
        assert uow.punchout.get_request("sr-0003") == free
        assert uow.punchout.get_request("sr-missing") is None
    assert found == full
    assert found_plain == plain
    assert found is not None
    assert found_plain is not None
    assert found.choice.usage_budget is None
    assert found.choice.quantities == {"users": 1_000_000, "admins": 0}
    assert found.total == Decimal("2000.01")
    assert found.updated_at.utcoffset() == dt.timedelta(0)
    assert found_plain.choice.usage_budget == Decimal("0.01")
    assert [str(c.amount) for c in found_plain.charges] == ["1234.56", "0.01"]
    assert [(line.quantity, str(line.unit_price)) for line in found_plain.lines] == [
        (1, "1234.56"),
        (1, "0.01"),
    ]


def test_updating_a_request_replaces_it(stored: Database) -> None:
    add_requests(stored, request())
    changed = request(
        choice=OfferChoice(24, {"users": 30}, Decimal("2500.50")),
        charges=(UPFRONT,),
        lines=cart_lines((UPFRONT,)),
        status=RequestStatus.PO_RECEIVED,
        updated_at=WHEN + dt.timedelta(days=1),
        connection_id="pc-0001",
    )

    with stored.unit_of_work() as uow:
        uow.punchout.update_request(changed)
        with pytest.raises(NotFoundError):
            uow.punchout.update_request(request(id="sr-missing"))
        uow.commit()

    with stored.unit_of_work() as uow:
        assert uow.punchout.get_request("sr-0001") == changed


def test_requests_are_listed_newest_first_and_by_user(stored: Database) -> None:
    minutes = {"sr-a": 0, "sr-b": 5, "sr-c": 5, "sr-d": 10}
    users = {"sr-a": USER, "sr-b": OTHER_USER, "sr-c": USER, "sr-d": OTHER_USER}
    add_requests(
        stored,
        *(
            request(id=i, user_id=users[i], created_at=WHEN + dt.timedelta(minutes=m))
            for i, m in minutes.items()
        ),
    )

    with stored.unit_of_work() as uow:

        def ids(organization_id: str = ORG, **criteria: Any) -> list[str]:
            return [r.id for r in uow.punchout.list_requests(organization_id, **criteria)]

        assert ids() == ["sr-d", "sr-c", "sr-b", "sr-a"]
        assert ids(user_id=USER) == ["sr-c", "sr-a"]
        assert ids(user_id=OTHER_USER, limit=1) == ["sr-d"]
        assert ids(limit=0) == []
        assert ids(user_id="u-nobody") == []
        assert ids("o-other00001") == []
        assert isinstance(uow.punchout.list_requests(ORG), tuple)


def test_a_repeated_request_id_is_a_conflict(stored: Database) -> None:
    add_requests(stored, request())

    with stored.unit_of_work() as uow, pytest.raises(ConflictError):
        uow.punchout.add_request(request(product_title="Other"))


@pytest.mark.parametrize(
    "unknown",
    [
        {"organization_id": "o-missing000"},
        {"user_id": "u-missing"},
        {"connection_id": "pc-missing"},
        {"session_id": "ps-missing"},
    ],
    ids=["organization", "user", "connection", "session"],
)
def test_a_request_naming_an_unknown_row_is_a_conflict_and_the_transaction_goes_on(
    stored: Database, unknown: dict[str, str]
) -> None:
    add_requests(stored, request())

    with stored.unit_of_work() as uow:
        with pytest.raises(ConflictError):
            uow.punchout.add_request(request(id="sr-0002", **unknown))
        with pytest.raises(ConflictError):
            uow.punchout.update_request(request(**unknown))
        uow.punchout.add_request(request(id="sr-0003"))
        uow.commit()

    with stored.unit_of_work() as uow:
        assert [r.id for r in uow.punchout.list_requests(ORG)] == ["sr-0003", "sr-0001"]
        assert uow.punchout.get_request("sr-0001") == request()


def test_deleting_the_organization_takes_its_sessions_and_requests(stored: Database) -> None:
    add_session(stored, session(user_id=USER))
    add_requests(stored, request(connection_id="pc-0001", session_id="ps-0001"))

    with stored.engine.begin() as connection:
        connection.execute(text("DELETE FROM organizations WHERE id = :id"), {"id": ORG})

    with stored.unit_of_work() as uow:
        assert uow.punchout.get_session("ps-0001") is None
        assert uow.punchout.get_request("sr-0001") is None
