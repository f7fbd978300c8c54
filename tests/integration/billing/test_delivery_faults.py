"""Delivering cXML invoices when things go wrong, over a real database (SQLite, and
PostgreSQL where configured), to a receiver on loopback that answers as scripted
(``billing_receiver``).

- a receiver answering 500 three times gets the invoice on the fourth attempt, after the
  back-off (and not before), and accepts it once;
- a receiver answering 400 leaves the invoice failed after one attempt, and nothing retries
  it; replayed after the fix, it is delivered with the same payloadID and invoiceID;
- ``marketplace worker`` killed (SIGKILL) while the receiver holds its post: a worker
  started again leaves the leased invoice alone; once the lease is over it is delivered,
  with the same payloadID and invoiceID as the post that was cut off. The lease is two
  minutes (``DEFAULT_LEASE``; ``MARKETPLACE_OUTBOX_LEASE_SECONDS`` changes it): the round
  after it runs in-process with a clock past the lease rather than waiting;
- a worker that outlasts its lease (its post held by the receiver while another worker, its
  clock past the lease, takes the invoice over and delivers it) must not undo that delivery
  with its late result;
- two workers (threads calling ``deliver_due`` at once) drain 2,000 invoices: each is posted
  exactly once, and each worker delivers a share.

Time is driven with ``deliver_due``'s ``clock`` (and ``jitter`` fixed at 1: back-off 30 s,
60 s, 120 s …); nothing sleeps.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
from billing_receiver import (
    CONTRACT,
    DEADLINE,
    CoupaBuyer,
    Delivery,
    Receiver,
    order_subscription,
)
from punchout_web import SECRET
from sqlalchemy import func, select

from marketplace.config import Settings
from marketplace.domain.agreements import Agreement, AgreementStatus, PaymentModel
from marketplace.domain.billing import Invoice
from marketplace.domain.catalog import PricingModel
from marketplace.domain.charges import Charge, ChargeKind, OfferChoice
from marketplace.domain.line_items import cart_lines
from marketplace.domain.outbox import (
    AttemptOutcome,
    DeliveryAttempt,
    DeliveryStatus,
    MessageKind,
    OutboxMessage,
)
from marketplace.domain.punchout import RequestStatus, SubscriptionRequest
from marketplace.services.billing import run_billing
from marketplace.services.clock import utcnow
from marketplace.services.delivery import DEFAULT_LEASE, DeliveryReport, deliver_due, replay
from marketplace.storage.database import Database
from marketplace.storage.tables import delivery_attempts
from marketplace.worker.runner import Worker, senders_for

pytestmark = pytest.mark.integration

PO = "PO-6112"
ORDERED_AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
TWO_USERS = OfferChoice(12, {"users": 2})
MARKETPLACE = str(Path(sys.executable).with_name("marketplace"))
DRAINED = 2000


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def invoice(database: Database, buyer: CoupaBuyer, settings: Settings) -> Invoice:
    """One upfront invoice waiting in the outbox (the order's e-mail is out already)."""
    order_subscription(database.unit_of_work, buyer, CONTRACT, TWO_USERS, number=PO, at=ORDERED_AT)
    Worker(database.unit_of_work, senders_for(settings, database.unit_of_work)).run_once()
    run_billing(database.unit_of_work, as_of=ORDERED_AT.date(), host="market.example")
    with database.unit_of_work() as uow:
        (made,) = uow.billing.list_invoices(buyer.organization_id)
    assert made.message_id is not None
    return made


# -- helpers ---------------------------------------------------------------------------------


def deliver_at(database: Database, settings: Settings, at: dt.datetime) -> DeliveryReport:
    """One worker round as if the time were ``at`` (no jitter in the back-off)."""
    senders = senders_for(settings, database.unit_of_work)
    return deliver_due(database.unit_of_work, senders, clock=lambda: at, jitter=lambda: 1.0)


def message_of(database: Database, invoice: Invoice) -> tuple[OutboxMessage, list[DeliveryAttempt]]:
    assert invoice.message_id is not None
    with database.unit_of_work() as uow:
        message = uow.outbox.get(invoice.message_id)
        attempts = list(uow.outbox.list_attempts(invoice.message_id))
    assert message is not None
    return message, attempts


def first_post(receiver: Receiver, alive: Callable[[], bool], log: Path | None = None) -> Delivery:
    """Poll, with a deadline, until a worker (``alive`` while it runs) posts; fail (with its
    log) if it never does."""
    deadline = time.monotonic() + DEADLINE
    while not (posts := receiver.deliveries):
        if not alive() or time.monotonic() > deadline:
            pytest.fail("the worker posted nothing" + (f":\n{log.read_text()}" if log else ""))
        time.sleep(0.02)  # polling another process or thread with a deadline
    return posts[0]


# -- transient and permanent failures --------------------------------------------------------


def test_an_invoice_refused_with_500_three_times_is_delivered_once_after_back_off(
    database: Database, settings: Settings, receiver: Receiver, invoice: Invoice
) -> None:
    receiver.script(500, 500, 500)
    now = utcnow()

    rounds = [deliver_at(database, settings, now)]
    for _ in range(3):
        due = message_of(database, invoice)[0].next_attempt_at
        early = deliver_at(database, settings, due - dt.timedelta(seconds=1))
        assert early.claimed == 0  # the back-off is honoured
        rounds.append(deliver_at(database, settings, due))
    later = deliver_at(database, settings, now + dt.timedelta(days=30))

    assert [r.claimed for r in rounds] == [1, 1, 1, 1]
    assert later.claimed == 0
    message, attempts = message_of(database, invoice)
    assert (message.status, message.attempts, message.last_error) == (
        DeliveryStatus.DELIVERED,
        4,
        None,
    )
    assert [(a.outcome, a.status_code) for a in attempts] == [
        (AttemptOutcome.TRANSIENT, 500),
        (AttemptOutcome.TRANSIENT, 500),
        (AttemptOutcome.TRANSIENT, 500),
        (AttemptOutcome.DELIVERED, 200),
    ]
    gaps = [b.attempted_at - a.attempted_at for a, b in itertools.pairwise(attempts)]
    assert gaps == [dt.timedelta(seconds=s) for s in (30, 60, 120)]
    posts = receiver.deliveries
    assert [p.answered for p in posts] == [500, 500, 500, 200]
    assert {p.payload_id for p in posts} == {message.payload_id}
    assert {p.invoice_id for p in posts} == {invoice.number}
    assert receiver.accepted() == {message.payload_id: 1}


def test_an_invoice_refused_with_400_fails_at_once_and_a_replay_after_the_fix_delivers_it(
    database: Database, settings: Settings, receiver: Receiver, invoice: Invoice
) -> None:
    receiver.script(400)
    now = utcnow()

    refused = deliver_at(database, settings, now)
    failed, _ = message_of(database, invoice)
    untouched = deliver_at(database, settings, now + dt.timedelta(days=30))
    replayed = replay(database.unit_of_work, failed.id, organization_id=invoice.organization_id)
    delivered = deliver_at(database, settings, utcnow())

    assert refused.count(AttemptOutcome.PERMANENT) == 1
    assert (failed.status, failed.attempts) == (DeliveryStatus.FAILED, 1)
    assert failed.last_error is not None
    assert "Bad Request" in failed.last_error  # the receiver's answer, for the admin
    assert untouched.claimed == 0  # a refused invoice is never retried by itself
    assert replayed.status is DeliveryStatus.PENDING
    assert delivered.count(AttemptOutcome.DELIVERED) == 1
    message, attempts = message_of(database, invoice)
    assert message.status is DeliveryStatus.DELIVERED
    assert [(a.outcome, a.status_code) for a in attempts] == [
        (AttemptOutcome.PERMANENT, 400),
        (AttemptOutcome.DELIVERED, 200),
    ]
    first, second = receiver.deliveries
    assert (first.answered, second.answered) == (400, 200)
    assert first.payload_id == second.payload_id == message.payload_id
    assert first.invoice_id == second.invoice_id == invoice.number
    assert first.body == second.body  # the very same document


# -- a worker killed in the middle of a delivery ---------------------------------------------


def test_a_worker_killed_during_delivery_loses_nothing_and_resends_the_same_document(
    database: Database,
    buyer: CoupaBuyer,
    settings: Settings,
    environ: dict[str, str],
    receiver: Receiver,
    tmp_path: Path,
) -> None:
    yesterday = utcnow() - dt.timedelta(days=1)  # the worker bills as of today
    order_subscription(database.unit_of_work, buyer, CONTRACT, TWO_USERS, number=PO, at=yesterday)
    receiver.hold_next()
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [MARKETPLACE, "worker"], env={**os.environ, **environ}, stdout=output,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        cut_off = first_post(receiver, lambda: worker.poll() is None, log)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=DEADLINE)
    with database.unit_of_work() as uow:
        (invoice,) = uow.billing.list_invoices(buyer.organization_id)  # the worker billed
    leased, attempts_when_killed = message_of(database, invoice)

    restarted = subprocess.run(
        [MARKETPLACE, "worker", "--once", "--json"], env={**os.environ, **environ},
        capture_output=True, text=True, timeout=DEADLINE, check=False,
    )  # fmt: skip
    posts_before_the_lease_ends = len(receiver.deliveries)
    after_lease = deliver_at(database, settings, utcnow() + DEFAULT_LEASE + dt.timedelta(seconds=1))

    assert cut_off.answered is None, log.read_text()
    assert (leased.status, leased.attempts, attempts_when_killed) == (
        DeliveryStatus.PENDING,
        0,
        [],
    )
    assert restarted.returncode == 0, restarted.stderr
    assert json.loads(restarted.stdout)["claimed"] == 0  # the lease keeps it from a 2nd worker
    assert posts_before_the_lease_ends == 1
    assert after_lease.count(AttemptOutcome.DELIVERED) == 1
    message, attempts = message_of(database, invoice)
    assert (message.status, message.attempts) == (DeliveryStatus.DELIVERED, 1)
    assert [(a.outcome, a.status_code) for a in attempts] == [(AttemptOutcome.DELIVERED, 200)]
    first, again = receiver.deliveries
    assert first.payload_id == again.payload_id == message.payload_id
    assert first.invoice_id == again.invoice_id == invoice.number
    assert again.shared_secret == SECRET
    assert receiver.accepted() == {message.payload_id: 1}


def test_a_worker_that_outlasts_its_lease_does_not_undo_a_delivery(
    database: Database, settings: Settings, receiver: Receiver, invoice: Invoice
) -> None:
    receiver.hold_next()
    receiver.script(500)  # the slow post ends badly (the buyer's server was overloaded)
    now = utcnow()
    with ThreadPoolExecutor(max_workers=1) as pool:
        slow = pool.submit(deliver_at, database, settings, now)
        first_post(receiver, lambda: not slow.done())
        took_over = deliver_at(database, settings, now + DEFAULT_LEASE + dt.timedelta(seconds=1))
        receiver.release()
        late = slow.result(timeout=DEADLINE)

    assert took_over.count(AttemptOutcome.DELIVERED) == 1
    assert late.count(AttemptOutcome.TRANSIENT) == 1
    message, attempts = message_of(database, invoice)
    assert len(attempts) == 2
    assert (message.status, message.attempts) == (DeliveryStatus.DELIVERED, 2)
    assert deliver_at(database, settings, now + dt.timedelta(days=1)).claimed == 0


# -- two workers -----------------------------------------------------------------------------


def add_agreements(database: Database, buyer: CoupaBuyer, count: int) -> None:
    """``count`` upfront agreements through the buyer's connection, straight into storage
    (as :mod:`bench.billing` does, without a punchout and a PO each)."""
    charges = (Charge(ChargeKind.UPFRONT, "12-month contract", Decimal("1200.00")),)
    with database.unit_of_work() as uow:
        user = uow.users.get_by_email("it@acme.example")
        assert user is not None
        common = {
            "organization_id": buyer.organization_id, "account_id": user.account_id,
            "user_id": user.id, "product_id": CONTRACT[0], "product_title": "Team contract",
            "seller_name": "Northwind Software", "offer_id": CONTRACT[1],
            "offer_name": "Team contract", "pricing_model": PricingModel.SAAS_CONTRACT,
            "currency": "USD", "choice": OfferChoice(12, {"users": 1}), "charges": charges,
            "created_at": ORDERED_AT, "updated_at": ORDERED_AT,
        }  # fmt: skip
        for n in range(count):
            request = SubscriptionRequest(
                id=f"sr-{n:05d}", lines=cart_lines(charges), status=RequestStatus.AGREEMENT_CREATED,
                test=False, **common,  # type: ignore[arg-type]
            )  # fmt: skip
            uow.punchout.add_request(request)
            uow.agreements.add(
                Agreement(
                    id=f"agmt-{n:05d}", request_id=request.id,
                    payment_model=PaymentModel.UPFRONT, starts_on=ORDERED_AT.date(),
                    ends_on=dt.date(2027, 3, 2), status=AgreementStatus.ACTIVE,
                    connection_id=buyer.connection.id, purchase_order_number=f"PO-{n}",
                    purchase_order_lines=(1,), **common,  # type: ignore[arg-type]
                )
            )  # fmt: skip
        uow.commit()


def test_two_workers_draining_2000_invoices_deliver_each_exactly_once(
    database: Database, buyer: CoupaBuyer, settings: Settings, receiver: Receiver
) -> None:
    add_agreements(database, buyer, DRAINED)
    made = run_billing(database.unit_of_work, as_of=ORDERED_AT.date(), host="market.example")
    assert made.cxml_queued == DRAINED
    start = threading.Barrier(2)

    def work() -> int:
        """A worker: rounds of 50 until a round finds nothing due; how many it delivered."""
        senders = senders_for(settings, database.unit_of_work)
        start.wait(timeout=DEADLINE)
        delivered = 0
        while (report := deliver_due(database.unit_of_work, senders)).claimed:
            delivered += report.count(AttemptOutcome.DELIVERED)
        return delivered

    with ThreadPoolExecutor(max_workers=2) as pool:
        shares = list(pool.map(lambda _: work(), range(2)))

    assert sum(shares) == DRAINED
    assert min(shares) > 0, shares  # both workers took part
    accepted = receiver.accepted()
    assert len(accepted) == DRAINED
    assert set(accepted.values()) == {1}
    assert len(receiver.deliveries) == DRAINED
    with database.unit_of_work() as uow:
        messages = uow.outbox.list_messages(
            buyer.organization_id, kind=MessageKind.INVOICE, limit=DRAINED + 1
        )
    assert len(messages) == DRAINED
    assert {(m.status, m.attempts) for m in messages} == {(DeliveryStatus.DELIVERED, 1)}
    assert {m.payload_id for m in messages} == set(accepted)
    with database.engine.connect() as connection:
        count = select(func.count()).select_from(delivery_attempts)
        assert connection.execute(count).scalar_one() == DRAINED
