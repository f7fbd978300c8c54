"""Monitoring: readiness from the schema revision, the database's figures at one moment, and
this process's count of delivery attempts."""

from __future__ import annotations

import datetime as dt

import pytest
from fake_uow import FakeUnitOfWorkFactory

from marketplace.domain.accounts import Organization
from marketplace.domain.outbox import AttemptOutcome, DeliveryStatus, MessageKind, OutboxMessage
from marketplace.services import monitoring
from marketplace.services.delivery import deliver_due
from marketplace.services.monitoring import Readiness, check_readiness, take_snapshot
from marketplace.services.ports import SendResult

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


class Probe:
    def __init__(self, revision: str | None, head: str = "0006") -> None:
        self.revision, self.head = revision, head

    def schema_revisions(self) -> tuple[str | None, str]:
        return self.revision, self.head


class DownProbe:
    def schema_revisions(self) -> tuple[str | None, str]:
        raise OSError("connection refused")


@pytest.mark.parametrize(
    ("probe", "database", "ready"),
    [
        (Probe("0006"), "ok", True),
        (Probe("0005"), "migrations pending", False),
        (Probe(None), "not migrated", False),
        (DownProbe(), "unreachable", False),
        (None, "unchecked", False),
    ],
)
def test_readiness_needs_a_database_that_answers_at_the_newest_revision(
    probe: Probe | DownProbe | None, database: str, ready: bool
) -> None:
    readiness = check_readiness(probe)

    assert readiness.database == database
    assert readiness.ready is ready


def test_ready_reports_the_revision() -> None:
    assert check_readiness(Probe("0006")) == Readiness("ok", "0006", "0006")


@pytest.fixture
def factory() -> FakeUnitOfWorkFactory:
    units = FakeUnitOfWorkFactory()
    with units() as uow:
        uow.organizations.add(
            Organization(id="o-1", name="Acme", management_account_id="1" * 12, created_at=NOW)
        )
        uow.commit()
    return units


def add_message(
    factory: FakeUnitOfWorkFactory, message_id: str, due: dt.datetime, kind: MessageKind
) -> None:
    with factory() as uow:
        uow.outbox.add(
            OutboxMessage(
                id=message_id,
                kind=kind,
                organization_id="o-1",
                destination="https://buyer.example/cxml",
                subject="s",
                body="b",
                status=DeliveryStatus.PENDING,
                next_attempt_at=due,
                created_at=due,
            )
        )
        uow.commit()


def test_an_empty_database_has_no_backlog(factory: FakeUnitOfWorkFactory) -> None:
    snapshot = take_snapshot(factory, clock=lambda: NOW)

    assert snapshot.orders == {}
    assert snapshot.pending == {}
    assert snapshot.oldest_due_age == 0


def test_the_backlog_counts_pending_messages_and_ages_the_longest_due(
    factory: FakeUnitOfWorkFactory,
) -> None:
    add_message(factory, "m-old", NOW - dt.timedelta(minutes=5), MessageKind.INVOICE)
    add_message(factory, "m-new", NOW - dt.timedelta(seconds=10), MessageKind.INVOICE)
    add_message(factory, "m-later", NOW + dt.timedelta(hours=1), MessageKind.EMAIL)

    snapshot = take_snapshot(factory, clock=lambda: NOW)

    assert snapshot.pending == {MessageKind.INVOICE: 2, MessageKind.EMAIL: 1}
    assert snapshot.oldest_due_age == 300


class Sender:
    def __init__(self, outcome: AttemptOutcome) -> None:
        self.outcome = outcome

    def send(self, message: OutboxMessage) -> SendResult:
        return SendResult(self.outcome, 503)


def counted(kind: str, outcome: str) -> float:
    """This process's ``marketplace_outbox_attempts_total{kind,outcome}``."""
    wanted = {"kind": kind, "outcome": outcome}
    samples = [s for metric in monitoring.OUTBOX_ATTEMPTS.collect() for s in metric.samples]
    return next((s.value for s in samples if s.name.endswith("_total") and s.labels == wanted), 0.0)


def test_delivery_attempts_are_counted_in_the_database_and_in_this_process(
    factory: FakeUnitOfWorkFactory,
) -> None:
    add_message(factory, "m-1", NOW - dt.timedelta(seconds=1), MessageKind.INVOICE)
    add_message(factory, "m-2", NOW - dt.timedelta(seconds=1), MessageKind.INVOICE)
    before = counted("invoice", "transient")

    deliver_due(factory, {MessageKind.INVOICE: Sender(AttemptOutcome.TRANSIENT)}, clock=lambda: NOW)

    assert take_snapshot(factory, clock=lambda: NOW).attempts == {AttemptOutcome.TRANSIENT: 2}
    assert counted("invoice", "transient") == before + 2
