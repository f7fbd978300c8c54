"""The worker's loop: deliver what is due, sleep a little, again, until told to stop.

``marketplace worker`` runs it in the foreground; ``marketplace serve`` runs it in a thread
beside the web app unless told not to. Several workers (threads or processes, on one
PostgreSQL) share the outbox safely: rows are leased when claimed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from marketplace.config import Settings
from marketplace.domain.outbox import AttemptOutcome, MessageKind
from marketplace.services.delivery import DeliveryReport, deliver_due
from marketplace.services.ports import MessageSender, UnitOfWorkFactory
from marketplace.worker.senders import HttpDocumentSender, mail_sender_for

__all__ = ["Worker", "senders_for"]

_log = logging.getLogger(__name__)
IDLE_SECONDS = 1.0


def senders_for(settings: Settings) -> dict[MessageKind, MessageSender]:
    """E-mail over SMTP (or the log), invoices and confirmations over HTTP."""
    http = HttpDocumentSender()
    return {
        MessageKind.EMAIL: mail_sender_for(settings.smtp_url),
        MessageKind.INVOICE: http,
        MessageKind.CONFIRMATION: http,
    }


@dataclass
class Worker:
    """Delivers the outbox of one database until :meth:`stop`."""

    units: UnitOfWorkFactory
    senders: dict[MessageKind, MessageSender]
    idle_seconds: float = IDLE_SECONDS
    batch: int = 50

    def __post_init__(self) -> None:
        self._stopping = threading.Event()

    def run_once(self) -> DeliveryReport:
        """Deliver everything due now (round after round until a round claims nothing)."""
        total = DeliveryReport()
        while True:
            report = deliver_due(self.units, self.senders, limit=self.batch)
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
