"""What the marketplace tells its operators about itself: whether it is ready to serve, the
figures its database holds, and what this process's worker delivered.

- :func:`check_readiness`: the database answers and its schema is at the newest migration
  (``/readyz``).
- :func:`take_snapshot`: orders received, agreements by status, invoices by kind, the
  outbox's backlog and delivery attempts by outcome, read from the database at the time of
  asking. Several app processes and workers share one database, so these figures are the
  same whichever process is asked (``/metrics`` reads them at each scrape).
- :data:`OUTBOX_ATTEMPTS`: a Prometheus counter of this process's delivery attempts, by
  message kind and outcome, counted by :func:`marketplace.services.delivery.deliver_due`.
  It lives here, below the web app and the worker, because both count into it: the worker
  thread of ``marketplace serve`` and the web app's ``/metrics`` share the process.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from prometheus_client import Counter

from marketplace.domain.agreements import AgreementStatus
from marketplace.domain.billing import InvoiceKind
from marketplace.domain.outbox import AttemptOutcome, MessageKind
from marketplace.services.clock import utcnow
from marketplace.services.ports import Clock, DatabaseProbe, UnitOfWorkFactory

__all__ = [
    "OUTBOX_ATTEMPTS",
    "Readiness",
    "Snapshot",
    "check_readiness",
    "count_attempt",
    "take_snapshot",
]

_log = logging.getLogger(__name__)

OUTBOX_ATTEMPTS = Counter(
    "marketplace_outbox_attempts",
    "Delivery attempts made by this process's worker, by message kind and outcome.",
    ["kind", "outcome"],
    registry=None,  # the web app's registry takes it in (web.metrics)
)


def count_attempt(kind: MessageKind, outcome: AttemptOutcome) -> None:
    """Count one delivery attempt of this process."""
    OUTBOX_ATTEMPTS.labels(kind=kind.value, outcome=outcome.value).inc()


@dataclass(frozen=True, slots=True)
class Readiness:
    """Whether the app can serve: ``database`` is ``ok``, ``unreachable``, ``not migrated``
    or ``migrations pending``; ``revision`` is the database's, ``expected`` the code's."""

    database: str
    revision: str | None = None
    expected: str | None = None
    detail: str = ""

    @property
    def ready(self) -> bool:
        """True when the database answers and is at the newest migration."""
        return self.database == "ok"


def check_readiness(probe: DatabaseProbe | None) -> Readiness:
    """Ask the database for its schema revision and compare it with the code's."""
    if probe is None:
        return Readiness("unchecked", detail="This database cannot report its schema.")
    try:
        revision, expected = probe.schema_revisions()
    except Exception as exc:  # whatever the driver raises: the database is not there
        _log.warning("readiness: the database does not answer (%s)", type(exc).__name__)
        return Readiness(
            "unreachable", detail=f"The database does not answer: {type(exc).__name__}."
        )
    if revision is None:
        return Readiness(
            "not migrated", None, expected, "Run `marketplace db upgrade` to create the tables."
        )
    if revision != expected:
        return Readiness(
            "migrations pending",
            revision,
            expected,
            f"The database is at revision {revision}; this code needs {expected} "
            "(run `marketplace db upgrade`).",
        )
    return Readiness("ok", revision, expected)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The database's figures at one moment (see the module docstring).

    ``orders`` counts purchase orders received (every version) by whether they were test
    orders; ``pending`` the messages waiting to be delivered, by kind; ``oldest_due_age``
    is how long, in seconds, the longest-waiting due message has waited (0 when none is due).
    """

    orders: Mapping[bool, int]
    agreements: Mapping[AgreementStatus, int]
    invoices: Mapping[InvoiceKind, int]
    pending: Mapping[MessageKind, int]
    oldest_due_age: float
    attempts: Mapping[AttemptOutcome, int]


def take_snapshot(units: UnitOfWorkFactory, *, clock: Clock = utcnow) -> Snapshot:
    """Read the figures in one (read-only) transaction."""
    now = clock()
    with units() as uow:
        oldest = uow.outbox.oldest_due(now)
        return Snapshot(
            orders=dict(uow.orders.count_orders()),
            agreements=dict(uow.agreements.count_by_status()),
            invoices=dict(uow.billing.count_invoices()),
            pending=dict(uow.outbox.count_pending()),
            oldest_due_age=_age(now, oldest),
            attempts=dict(uow.outbox.count_attempts()),
        )


def _age(now: dt.datetime, since: dt.datetime | None) -> float:
    return 0.0 if since is None else max((now - since).total_seconds(), 0.0)
