"""The worker's loop: bill once a day, deliver what is due, sleep a little, again, until
told to stop.

``marketplace worker`` runs it in the foreground; ``marketplace serve`` runs it in a thread
beside the web app unless told not to. Several workers (threads or processes, on one
PostgreSQL) share the outbox safely: rows are leased when claimed.

With :class:`DailyBilling`, the worker also runs the billing run (``as_of`` = today, UTC) when
it starts and whenever the UTC date changes, before delivering, so the day's cXML invoices go
out in the same round. A billing run makes each invoice once however often it runs, so
several workers billing the same day make nothing twice. A run that fails is logged and tried
again after :data:`BILLING_RETRY`; delivery goes on meanwhile.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit

from marketplace.config import Settings
from marketplace.domain.outbox import AttemptOutcome, MessageKind
from marketplace.services.billing import BillingReport, run_billing
from marketplace.services.clock import utcnow
from marketplace.services.delivery import DEFAULT_LEASE, DeliveryReport, deliver_due
from marketplace.services.invoice_delivery import secret_inserter
from marketplace.services.ports import MessageSender, UnitOfWorkFactory
from marketplace.services.secret_box import FernetSecretBox
from marketplace.worker.senders import HttpDocumentSender, mail_sender_for

__all__ = ["BILLING_RETRY", "DailyBilling", "Worker", "billing_for", "lease_for", "senders_for"]

_log = logging.getLogger(__name__)
IDLE_SECONDS = 1.0
BILLING_RETRY = 300.0  # seconds before a failed billing run is tried again


@dataclass(frozen=True, slots=True)
class DailyBilling:
    """What the worker's daily billing run needs: the host named in cXML payloadIDs and the
    tax rate."""

    host: str
    tax_rate: Decimal = Decimal(0)


def billing_for(settings: Settings) -> DailyBilling:
    """Daily billing with the settings' base URL host and tax rate."""
    return DailyBilling(
        host=urlsplit(settings.base_url).hostname or "localhost", tax_rate=settings.tax_rate
    )


def lease_for(settings: Settings) -> dt.timedelta:
    """How long the worker holds what it claims (``MARKETPLACE_OUTBOX_LEASE_SECONDS``)."""
    return dt.timedelta(seconds=settings.outbox_lease_seconds)


def senders_for(
    settings: Settings, units: UnitOfWorkFactory | None = None
) -> dict[MessageKind, MessageSender]:
    """E-mail over SMTP (or the log), invoices and confirmations over HTTP (invoices get their
    connection's shared secret put in as they leave, when ``units`` is given)."""
    prepare = None
    if units is not None:
        box = FernetSecretBox(settings.secret_keys())
        prepare = secret_inserter(units, box)
    http = HttpDocumentSender(prepare=prepare)
    return {
        MessageKind.EMAIL: mail_sender_for(settings.smtp_url),
        MessageKind.INVOICE: http,
        MessageKind.CONFIRMATION: http,
    }


@dataclass
class Worker:
    """Bills daily (when given ``billing``) and delivers the outbox of one database until
    :meth:`stop`."""

    units: UnitOfWorkFactory
    senders: dict[MessageKind, MessageSender]
    idle_seconds: float = IDLE_SECONDS
    batch: int = 50
    billing: DailyBilling | None = None
    lease: dt.timedelta = DEFAULT_LEASE
    today: Callable[[], dt.date] = field(default=lambda: utcnow().date())
    monotonic: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self._stopping = threading.Event()
        self._billed_on: dt.date | None = None
        self._billing_failed_at: float | None = None

    def bill_if_due(self) -> BillingReport | None:
        """Run billing as of today unless it ran today already (or failed moments ago);
        None when it did not run. A failed run is logged, not raised."""
        if self.billing is None:
            return None
        today = self.today()
        if self._billed_on == today:
            return None
        failed_at = self._billing_failed_at
        if failed_at is not None and self.monotonic() - failed_at < BILLING_RETRY:
            return None
        try:
            report = run_billing(
                self.units, as_of=today, host=self.billing.host, tax_rate=self.billing.tax_rate
            )
        except Exception:  # the database may be away: deliver anyway, bill again later
            _log.exception("the billing run as of %s failed; trying again later", today)
            self._billing_failed_at = self.monotonic()
            return None
        self._billed_on, self._billing_failed_at = today, None
        _log.info(
            "billing as of %s: %d agreements, %d invoices, %d cXML invoices queued",
            today,
            report.agreements,
            report.total,
            report.cxml_queued,
        )
        return report

    def run_once(self) -> DeliveryReport:
        """Bill if due today, then deliver everything due now (round after round until a
        round claims nothing)."""
        self.bill_if_due()
        total = DeliveryReport()
        while True:
            report = deliver_due(self.units, self.senders, limit=self.batch, lease=self.lease)
            total.claimed += report.claimed
            for outcome, count in report.outcomes.items():
                total.outcomes[outcome] = total.count(outcome) + count
            if report.claimed < self.batch or self._stopping.is_set():
                return total

    def run(self, on_round: Callable[[DeliveryReport], None] | None = None) -> None:
        """Deliver until stopped; a failing round is logged and retried after a pause."""
        while not self._stopping.is_set():
            try:
                report = self.run_once()
            except Exception:  # the database may be away for a moment: keep going
                _log.exception("a delivery round failed; trying again shortly")
                report = DeliveryReport()
            if on_round is not None and report.claimed:
                on_round(report)
            if not report.claimed or report.count(AttemptOutcome.DELIVERED) == 0:
                self._stopping.wait(self.idle_seconds)

    def start_thread(self) -> threading.Thread:
        """Run in a daemon thread (``marketplace serve``)."""
        thread = threading.Thread(target=self.run, name="outbox-worker", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Finish the message in hand, then stop."""
        self._stopping.set()
