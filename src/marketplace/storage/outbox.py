"""The SQL repository of the delivery outbox (``services.ports.OutboxRepository``).

:class:`SqlOutboxRepository` works on the unit of work's connection. A write the constraints
refuse (a taken id; an unknown organization or message) raises
:class:`~marketplace.domain.errors.ConflictError` and leaves the transaction usable
(``storage.guarded``).

Workers share the table (DESIGN.md §2): :meth:`SqlOutboxRepository.claim_due` picks due rows
with ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so that a worker passes over the rows
another is claiming instead of waiting for them, then leases what it took by moving
``next_attempt_at`` past the lease. SQLite has no row locks (SQLAlchemy leaves the clause
out): its writers take turns on the whole database, so there a claim first takes the write
lock (waiting its turn) and only then reads; as the first statement of its transaction, as
the worker makes it, it never fails with "database is locked" however many claim at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, false, func, insert, select, update

from marketplace.domain.errors import NotFoundError
from marketplace.domain.outbox import (
    AttemptOutcome,
    DeliveryAttempt,
    DeliveryStatus,
    MessageKind,
    OutboxMessage,
)
from marketplace.storage.guarded import guarded_write
from marketplace.storage.records import AnyRow
from marketplace.storage.tables import delivery_attempts, outbox_messages

__all__ = ["SqlOutboxRepository"]

# Built once: executed with each row's values as parameters, a statement is compiled once
# and found again in SQLAlchemy's cache by a key that costs nothing to work out.
_INSERT_MESSAGE = insert(outbox_messages)


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class SqlOutboxRepository:
    """Outbox messages, leased to workers, and their delivery attempts."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    # -- messages --------------------------------------------------------------------------

    def add(self, message: OutboxMessage) -> None:
        """Store a new message; ``ConflictError`` for a taken id or an unknown organization."""
        text = f"outbox message {message.id} cannot be stored"
        guarded_write(self._connection, _INSERT_MESSAGE, text, _message_row(message))

    def get(self, message_id: str) -> OutboxMessage | None:
        row = self._connection.execute(
            select(outbox_messages).where(outbox_messages.c.id == message_id)
        ).first()
        return None if row is None else _message(row)

    def update(self, message: OutboxMessage) -> None:
        """Replace the stored message (``NotFoundError`` when there is none)."""
        statement = (
            update(outbox_messages)
            .where(outbox_messages.c.id == message.id)
            .values(_message_row(message))
        )
        text = f"outbox message {message.id} cannot be stored"
        if guarded_write(self._connection, statement, text) == 0:
            raise NotFoundError(f"outbox message {message.id} does not exist")

    def claim_due(
        self, now: dt.datetime, *, limit: int, lease: dt.timedelta
    ) -> Sequence[OutboxMessage]:
        """Up to ``limit`` pending messages due at ``now``, longest due first
        (``next_attempt_at``, then ``id``), leased until ``now + lease`` (which is the
        ``next_attempt_at`` they come back with). See the module docstring."""
        if limit <= 0:
            return ()
        table = outbox_messages
        if self._connection.dialect.name == "sqlite":
            self._take_write_lock()
        statement = (
            select(table)
            .where(
                table.c.status == DeliveryStatus.PENDING.value,
                table.c.next_attempt_at <= now,
            )
            .order_by(table.c.next_attempt_at, table.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        due = [_message(row) for row in self._connection.execute(statement)]
        if not due:
            return ()
        until = _utc(now + lease)
        self._connection.execute(
            update(table)
            .where(table.c.id.in_([message.id for message in due]))
            .values(next_attempt_at=until)
        )
        return tuple(dataclasses.replace(message, next_attempt_at=until) for message in due)

    def _take_write_lock(self) -> None:
        """Make this SQLite transaction a writer before it reads: a transaction that has
        read, then writes after another writer committed, fails at once ("database is
        locked": its snapshot is stale) instead of waiting. A write that changes nothing
        takes the lock, waiting its turn (``busy_timeout``)."""
        self._connection.execute(
            update(outbox_messages).where(false()).values(id=outbox_messages.c.id)
        )

    def list_messages(
        self,
        organization_id: str | None,
        *,
        kind: MessageKind | None = None,
        status: DeliveryStatus | None = None,
        limit: int = 100,
    ) -> Sequence[OutboxMessage]:
        """Messages (of one organization, or every one for None), of ``kind`` and in
        ``status`` when given, newest first (``created_at``, then ``id``, both descending),
        at most ``limit``."""
        if limit <= 0:
            return ()
        table = outbox_messages
        statement = select(table)
        if organization_id is not None:
            statement = statement.where(table.c.organization_id == organization_id)
        if kind is not None:
            statement = statement.where(table.c.kind == kind.value)
        if status is not None:
            statement = statement.where(table.c.status == status.value)
        statement = statement.order_by(table.c.created_at.desc(), table.c.id.desc())
        return tuple(_message(row) for row in self._connection.execute(statement.limit(limit)))

    def count_pending(self) -> Mapping[MessageKind, int]:
        """How many messages are pending (leased ones too), by kind (one ``GROUP BY``)."""
        table = outbox_messages
        statement = (
            select(table.c.kind, func.count())
            .where(table.c.status == DeliveryStatus.PENDING.value)
            .group_by(table.c.kind)
        )
        return {MessageKind(kind): n for kind, n in self._connection.execute(statement)}

    def oldest_due(self, now: dt.datetime) -> dt.datetime | None:
        """The earliest ``next_attempt_at`` of the pending messages due at ``now`` (found
        through the ``(status, next_attempt_at)`` index)."""
        table = outbox_messages
        statement = select(func.min(table.c.next_attempt_at)).where(
            table.c.status == DeliveryStatus.PENDING.value, table.c.next_attempt_at <= now
        )
        oldest = self._connection.execute(statement).scalar()
        return None if oldest is None else _utc(oldest)

    # -- attempts --------------------------------------------------------------------------

    def count_attempts(self) -> Mapping[AttemptOutcome, int]:
        """How many attempts came to each outcome (one ``GROUP BY``)."""
        table = delivery_attempts
        statement = select(table.c.outcome, func.count()).group_by(table.c.outcome)
        return {AttemptOutcome(outcome): n for outcome, n in self._connection.execute(statement)}

    def add_attempt(self, attempt: DeliveryAttempt) -> None:
        """Store an attempt; ``ConflictError`` for a taken id or an unknown message."""
        statement = insert(delivery_attempts).values(
            id=attempt.id,
            message_id=attempt.message_id,
            attempted_at=attempt.attempted_at,
            outcome=attempt.outcome.value,
            duration_ms=attempt.duration_ms,
            status_code=attempt.status_code,
            response_excerpt=attempt.response_excerpt,
        )
        guarded_write(
            self._connection, statement, f"delivery attempt {attempt.id} cannot be stored"
        )

    def list_attempts(self, message_id: str) -> Sequence[DeliveryAttempt]:
        """A message's attempts, oldest first (``attempted_at``, then ``id``)."""
        table = delivery_attempts
        statement = (
            select(table)
            .where(table.c.message_id == message_id)
            .order_by(table.c.attempted_at, table.c.id)
        )
        return tuple(_attempt(row) for row in self._connection.execute(statement))


def _message_row(message: OutboxMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "kind": message.kind.value,
        "organization_id": message.organization_id,
        "destination": message.destination,
        "subject": message.subject,
        "body": message.body,
        "status": message.status.value,
        "next_attempt_at": message.next_attempt_at,
        "created_at": message.created_at,
        "attempts": message.attempts,
        "payload_id": message.payload_id,
        "reference": message.reference,
        "delivered_at": message.delivered_at,
        "last_error": message.last_error,
    }


def _message(row: AnyRow) -> OutboxMessage:
    values = row._asdict()
    values.update(kind=MessageKind(row.kind), status=DeliveryStatus(row.status))
    return OutboxMessage(**values)


def _attempt(row: AnyRow) -> DeliveryAttempt:
    values = row._asdict()
    values.update(outcome=AttemptOutcome(row.outcome))
    return DeliveryAttempt(**values)
