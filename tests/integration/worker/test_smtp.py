"""E-mail through a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
from aiosmtpd.smtp import SMTP, Envelope, Session
from servers import free_port

from marketplace.domain.outbox import AttemptOutcome, DeliveryStatus, MessageKind, OutboxMessage
from marketplace.worker.senders import SmtpMailSender

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


class Inbox(Sink):
    """Keeps what it receives; refuses mail for nobody@…"""

    def __init__(self) -> None:
        self.received: list[Envelope] = []

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.startswith("nobody@"):
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.received.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def message(to: str) -> OutboxMessage:
    return OutboxMessage(
        id="msg-1",
        kind=MessageKind.EMAIL,
        organization_id="o-1",
        destination=to,
        subject="Your subscription to Observability Suite is available",
        body="Hello Priya,\n\nPurchase order: PO-6112\n",
        status=DeliveryStatus.PENDING,
        next_attempt_at=NOW,
        created_at=NOW,
    )


def test_the_mail_reaches_the_smtp_server(inbox: tuple[Inbox, int]) -> None:
    handler, port = inbox

    result = SmtpMailSender(f"smtp://127.0.0.1:{port}").send(message("priya@acme.example"))

    assert result.outcome is AttemptOutcome.DELIVERED
    (envelope,) = handler.received
    assert envelope.rcpt_tos == ["priya@acme.example"]
    assert isinstance(envelope.content, bytes)
    mail = message_from_bytes(envelope.content)
    assert mail["Subject"] == "Your subscription to Observability Suite is available"
    assert "PO-6112" in mail.get_payload()


def test_a_refused_mailbox_is_permanent(inbox: tuple[Inbox, int]) -> None:
    _, port = inbox

    result = SmtpMailSender(f"smtp://127.0.0.1:{port}").send(message("nobody@acme.example"))

    assert result.outcome is AttemptOutcome.PERMANENT


def test_no_server_is_transient() -> None:
    result = SmtpMailSender(f"smtp://127.0.0.1:{free_port()}", timeout=2).send(
        message("priya@acme.example")
    )

    assert result.outcome is AttemptOutcome.TRANSIENT
