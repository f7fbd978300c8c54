"""The delivery outbox: documents and e-mails to send, written in the transaction that decided
to send them, delivered later by the worker, every attempt recorded.

A :class:`OutboxMessage` is delivered, failed for good (a 4xx: it stops and waits to be
replayed after a fix), or retried after a transient failure (5xx, timeout, refused
connection) with exponential back-off and jitter until :data:`MAX_ATTEMPTS`, when it is dead.
A re-sent cXML document keeps its payloadID, so the receiver can recognise it.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_CAP",
    "MAX_ATTEMPTS",
    "AttemptOutcome",
    "DeliveryAttempt",
    "DeliveryStatus",
    "MessageKind",
    "OutboxMessage",
    "retry_delay",
]

MAX_ATTEMPTS = 8
BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_CAP = dt.timedelta(hours=6)


class MessageKind(enum.Enum):
    """What a message is."""

    EMAIL = "email"
    INVOICE = "invoice"
    CONFIRMATION = "confirmation"


class DeliveryStatus(enum.Enum):
    """Where a message is."""

    PENDING = "pending"  # due at next_attempt_at
    DELIVERED = "delivered"
    FAILED = "failed"  # refused for good (4xx): shown to the admin, replayable
    DEAD = "dead"  # gave up after MAX_ATTEMPTS transient failures: replayable


class AttemptOutcome(enum.Enum):
    """What one attempt came to."""

    DELIVERED = "delivered"
    TRANSIENT = "transient"
    PERMANENT = "permanent"


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxMessage:
    """One thing to deliver. ``body`` is the e-mail's text or the cXML document; ``payload_id``
    the document's payloadID (kept across attempts); ``reference`` what it is about (an
    agreement or invoice id)."""

    id: str
    kind: MessageKind
    organization_id: str
    destination: str  # an e-mail address or a URL
    subject: str
    body: str
    status: DeliveryStatus
    next_attempt_at: dt.datetime
    created_at: dt.datetime
    attempts: int = 0
    payload_id: str | None = None
    reference: str | None = None
    delivered_at: dt.datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryAttempt:
    """One try at delivering a message."""

    id: str
    message_id: str
    attempted_at: dt.datetime
    outcome: AttemptOutcome
    duration_ms: int
    status_code: int | None = None
    response_excerpt: str = ""


def retry_delay(attempts: int, jitter: float) -> dt.timedelta:
    """How long to wait after ``attempts`` failed attempts: 30 s doubling up to 6 hours,
    times ``jitter`` (a random number from 0.5 to 1.5, so workers do not retry in step)."""
    seconds = BACKOFF_BASE.total_seconds() * 2 ** max(attempts - 1, 0)
    capped = min(seconds, BACKOFF_CAP.total_seconds())
    return dt.timedelta(seconds=capped * min(max(jitter, 0.5), 1.5))
