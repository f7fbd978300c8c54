"""Delivering the outbox: claim due messages, send each, record every attempt.

:func:`deliver_due` is one round of the worker. It claims up to ``limit`` due messages in a
short transaction (a lease: another worker skips them until it ends), then sends them one by
one outside any transaction, and records each attempt with the message's new state in a
transaction of its own:

=========================  ============================================================
delivered                  DELIVERED
permanent (a 4xx)          FAILED: stops; shown to the admin; :func:`replay` sends it again
transient (5xx, timeout,   PENDING again after :func:`~marketplace.domain.outbox.retry_delay`
refused connection)        (exponential back-off with jitter), DEAD after ``MAX_ATTEMPTS``
=========================  ============================================================

A worker that dies between sending and recording leaves the message leased; when the lease
ends it is sent again, with the same payloadID, so the receiver can tell. A worker whose lease
ran out while it was sending (a slow receiver) records its attempt but leaves the message's
state to the worker that took it over, so a late answer never undoes a delivery. Delivery is
therefore at least once, and exactly once for receivers that recognise the payloadID.

Every attempt is also counted in this process's ``marketplace_outbox_attempts_total``
(:mod:`marketplace.services.monitoring`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import random
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from marketplace.domain.errors import ConflictError, NotFoundError
from marketplace.domain.outbox import (
    MAX_ATTEMPTS,
    AttemptOutcome,
    DeliveryAttempt,
    DeliveryStatus,
    MessageKind,
    OutboxMessage,
    retry_delay,
)
from marketplace.services.clock import utcnow
from marketplace.services.monitoring import count_attempt
from marketplace.services.ports import Clock, MessageSender, SendResult, UnitOfWorkFactory

__all__ = ["DEFAULT_LEASE", "DeliveryReport", "deliver_due", "replay"]

DEFAULT_LEASE = dt.timedelta(minutes=2)
_EXCERPT = 500

_log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    """What one round did: how many messages were claimed, and their outcomes."""

    claimed: int = 0
    outcomes: dict[AttemptOutcome, int] = field(default_factory=dict)

    def count(self, outcome: AttemptOutcome) -> int:
        """How many attempts came to ``outcome``."""
        return self.outcomes.get(outcome, 0)


def deliver_due(
    units: UnitOfWorkFactory,
    senders: Mapping[MessageKind, MessageSender],
    *,
    limit: int = 50,
    lease: dt.timedelta = DEFAULT_LEASE,
    max_attempts: int = MAX_ATTEMPTS,
    clock: Clock = utcnow,
    jitter: Callable[[], float] = lambda: random.uniform(0.5, 1.5),
) -> DeliveryReport:
    """Deliver up to ``limit`` due messages (see the module docstring)."""
    with units() as uow:
        claimed = tuple(uow.outbox.claim_due(clock(), limit=limit, lease=lease))
        uow.commit()
    report = DeliveryReport(claimed=len(claimed))
    for message in claimed:
        sender = senders.get(message.kind)
        started = time.monotonic()
        if sender is None:
            result = SendResult(
                AttemptOutcome.TRANSIENT, None, f"no sender for {message.kind.value}"
            )
        else:
            try:
                result = sender.send(message)
            except Exception as exc:  # a sender's bug must not stop the round
                _log.exception("sending %s failed", message.id)
                result = SendResult(AttemptOutcome.TRANSIENT, None, f"{type(exc).__name__}: {exc}")
        elapsed = int((time.monotonic() - started) * 1000)
        count_attempt(message.kind, result.outcome)  # this process's counter (/metrics)
        _record(units, message, result, elapsed, max_attempts, clock(), jitter())
        report.outcomes[result.outcome] = report.count(result.outcome) + 1
    return report


def _record(
    units: UnitOfWorkFactory,
    message: OutboxMessage,
    result: SendResult,
    duration_ms: int,
    max_attempts: int,
    now: dt.datetime,
    jitter: float,
) -> None:
    attempts = message.attempts + 1
    excerpt = result.excerpt[:_EXCERPT]
    if result.outcome is AttemptOutcome.DELIVERED:
        updated = dataclasses.replace(
            message,
            status=DeliveryStatus.DELIVERED,
            attempts=attempts,
            delivered_at=now,
            last_error=None,
        )
    elif result.outcome is AttemptOutcome.PERMANENT:
        updated = dataclasses.replace(
            message, status=DeliveryStatus.FAILED, attempts=attempts, last_error=excerpt
        )
    else:
        dead = attempts >= max_attempts
        updated = dataclasses.replace(
            message,
            status=DeliveryStatus.DEAD if dead else DeliveryStatus.PENDING,
            attempts=attempts,
            next_attempt_at=now + retry_delay(attempts, jitter),
            last_error=excerpt,
        )
    attempt = DeliveryAttempt(
        id="att-" + secrets.token_hex(8),
        message_id=message.id,
        attempted_at=now,
        outcome=result.outcome,
        duration_ms=duration_ms,
        status_code=result.status_code,
        response_excerpt=excerpt,
    )
    with units() as uow:
        uow.outbox.add_attempt(attempt)
        current = uow.outbox.get(message.id)
        still_ours = (
            current is not None
            and current.status is DeliveryStatus.PENDING
            and current.next_attempt_at == message.next_attempt_at  # our lease, not a newer one
        )
        if still_ours:
            uow.outbox.update(updated)
        elif current is not None:  # count the attempt, keep the other worker's outcome
            uow.outbox.update(dataclasses.replace(current, attempts=current.attempts + 1))
        uow.commit()
    if not still_ours:  # another worker took the message over: its outcome stands
        _log.warning(
            "%s %s: the lease ran out while it was being sent; this attempt (%s) is recorded "
            "but the message's state is the other worker's",
            message.kind.value,
            message.id,
            result.outcome.value,
        )
        return
    level = logging.INFO if result.outcome is AttemptOutcome.DELIVERED else logging.WARNING
    _log.log(
        level,
        "%s %s to %s: %s (status %s, attempt %d)",
        message.kind.value,
        message.id,
        message.destination,
        updated.status.value,
        result.status_code,
        attempts,
    )


def replay(
    units: UnitOfWorkFactory,
    message_id: str,
    *,
    organization_id: str | None = None,
    clock: Clock = utcnow,
) -> OutboxMessage:
    """Make a failed or dead message due now again (same payloadID); 409 for others."""
    with units() as uow:
        message = uow.outbox.get(message_id)
        if message is None or (
            organization_id is not None and message.organization_id != organization_id
        ):
            raise NotFoundError(f"There is no message {message_id}.")
        if message.status not in (DeliveryStatus.FAILED, DeliveryStatus.DEAD):
            raise ConflictError(
                f"Message {message_id} is {message.status.value}; only failed or dead "
                "messages are replayed."
            )
        again = dataclasses.replace(
            message, status=DeliveryStatus.PENDING, next_attempt_at=clock(), attempts=0
        )
        uow.outbox.update(again)
        uow.commit()
    return again
