"""Delivering the outbox: outcomes, back-off, dead letters, leases and replay."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from fake_uow import FakeUnitOfWorkFactory

from marketplace.domain.accounts import Organization
from marketplace.domain.errors import ConflictError, NotFoundError
from marketplace.domain.outbox import (
    AttemptOutcome,
    DeliveryStatus,
    MessageKind,
    OutboxMessage,
    retry_delay,
)
from marketplace.services.delivery import deliver_due, replay
from marketplace.services.ports import SendResult

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@dataclass
class ScriptedSender:
    """Answers with the given outcomes in turn (then the last one forever)."""

    outcomes: list[SendResult]
    sent: list[str] = field(default_factory=list)

    def send(self, message: OutboxMessage) -> SendResult:
        self.sent.append(message.id)
        return self.outcomes[min(len(self.sent), len(self.outcomes)) - 1]


OK = SendResult(AttemptOutcome.DELIVERED, 200, "OK")
DOWN = SendResult(AttemptOutcome.TRANSIENT, 503, "Service Unavailable")
REFUSED = SendResult(AttemptOutcome.PERMANENT, 400, "Bad Request")


@pytest.fixture
def factory() -> FakeUnitOfWorkFactory:
    units = FakeUnitOfWorkFactory()
    with units() as uow:
        uow.organizations.add(
            Organization(
                id="o-1", name="Acme", management_account_id="111111111111", created_at=NOW
            )
        )
        uow.commit()
    return units


def add_message(factory: FakeUnitOfWorkFactory, message_id: str = "msg-1") -> None:
    with factory() as uow:
        uow.outbox.add(
            OutboxMessage(
                id=message_id,
                kind=MessageKind.INVOICE,
                organization_id="o-1",
                destination="https://buyer.example/cxml/invoices",
                subject="Invoice 1",
                body="<cXML/>",
                status=DeliveryStatus.PENDING,
                next_attempt_at=NOW,
                created_at=NOW,
                payload_id="p-1@market",
            )
        )
        uow.commit()


def run(factory: FakeUnitOfWorkFactory, sender: ScriptedSender, at: dt.datetime) -> None:
    deliver_due(factory, {MessageKind.INVOICE: sender}, clock=lambda: at, jitter=lambda: 1.0)


def stored(factory: FakeUnitOfWorkFactory, message_id: str = "msg-1") -> OutboxMessage:
    with factory() as uow:
        message = uow.outbox.get(message_id)
    assert message is not None
    return message


def test_a_delivered_message_is_sent_once(factory: FakeUnitOfWorkFactory) -> None:
    add_message(factory)
    sender = ScriptedSender([OK])

    run(factory, sender, NOW)
    run(factory, sender, NOW + dt.timedelta(days=1))

    assert sender.sent == ["msg-1"]
    message = stored(factory)
    assert (message.status, message.attempts, message.delivered_at) == (
        DeliveryStatus.DELIVERED,
        1,
        NOW,
    )


def test_transient_failures_back_off_then_deliver(factory: FakeUnitOfWorkFactory) -> None:
    add_message(factory)
    sender = ScriptedSender([DOWN, DOWN, DOWN, OK])
    at = NOW
    for _ in range(3):
        run(factory, sender, at)
        waiting = stored(factory)
        assert waiting.status is DeliveryStatus.PENDING
        run(factory, sender, at)  # not due yet: nothing happens
        at = waiting.next_attempt_at

    run(factory, sender, at)

    assert len(sender.sent) == 4
    assert stored(factory).status is DeliveryStatus.DELIVERED
    with factory() as uow:
        attempts = uow.outbox.list_attempts("msg-1")
    assert [a.outcome for a in attempts] == [AttemptOutcome.TRANSIENT] * 3 + [
        AttemptOutcome.DELIVERED
    ]
    assert attempts[0].status_code == 503


def test_a_permanent_failure_stops_and_can_be_replayed(factory: FakeUnitOfWorkFactory) -> None:
    add_message(factory)
    sender = ScriptedSender([REFUSED, OK])
    run(factory, sender, NOW)
    run(factory, sender, NOW + dt.timedelta(days=1))
    assert stored(factory).status is DeliveryStatus.FAILED
    assert stored(factory).last_error == "Bad Request"

    replay(factory, "msg-1", clock=lambda: NOW + dt.timedelta(days=1))
    run(factory, sender, NOW + dt.timedelta(days=1))

    assert sender.sent == ["msg-1", "msg-1"]
    assert stored(factory).status is DeliveryStatus.DELIVERED
    assert stored(factory).payload_id == "p-1@market"


def test_a_message_that_keeps_failing_ends_dead(factory: FakeUnitOfWorkFactory) -> None:
    add_message(factory)
    sender = ScriptedSender([DOWN])
    at = NOW
    for _ in range(8):
        run(factory, sender, at)
        at = stored(factory).next_attempt_at

    assert stored(factory).status is DeliveryStatus.DEAD
    assert len(sender.sent) == 8


def test_replay_refuses_messages_that_did_not_fail(factory: FakeUnitOfWorkFactory) -> None:
    add_message(factory)

    with pytest.raises(ConflictError):
        replay(factory, "msg-1")
    with pytest.raises(NotFoundError):
        replay(factory, "msg-1", organization_id="o-other")


def test_a_sender_that_crashes_counts_as_a_transient_failure(
    factory: FakeUnitOfWorkFactory,
) -> None:
    add_message(factory)

    class Broken:
        def send(self, message: OutboxMessage) -> SendResult:
            raise RuntimeError("bug")

    report = deliver_due(factory, {MessageKind.INVOICE: Broken()}, clock=lambda: NOW)

    assert report.count(AttemptOutcome.TRANSIENT) == 1
    assert stored(factory).status is DeliveryStatus.PENDING


def test_back_off_doubles_up_to_six_hours_with_jitter() -> None:
    assert retry_delay(1, 1.0) == dt.timedelta(seconds=30)
    assert retry_delay(2, 1.0) == dt.timedelta(seconds=60)
    assert retry_delay(20, 1.0) == dt.timedelta(hours=6)
    assert retry_delay(1, 0.5) == dt.timedelta(seconds=15)
    assert retry_delay(1, 9.0) == dt.timedelta(seconds=45)
