"""How the HTTP sender reads a receiver's answer (httpx.MockTransport: no network)."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

import cxml
from marketplace.domain.outbox import AttemptOutcome, DeliveryStatus, MessageKind, OutboxMessage
from marketplace.worker.senders import HttpDocumentSender, LogMailSender, SmtpMailSender

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
MESSAGE = OutboxMessage(
    id="msg-1",
    kind=MessageKind.INVOICE,
    organization_id="o-1",
    destination="https://buyer.example/cxml/invoices",
    subject="Invoice",
    body="<cXML/>",
    status=DeliveryStatus.PENDING,
    next_attempt_at=NOW,
    created_at=NOW,
)


def status_document(code: int) -> bytes:
    return cxml.serialize(cxml.status_response(code, "detail"))


def sender_answering(handler: httpx.MockTransport) -> HttpDocumentSender:
    return HttpDocumentSender(httpx.Client(transport=handler))


@pytest.mark.parametrize(
    ("http", "body", "outcome"),
    [
        (200, status_document(200), AttemptOutcome.DELIVERED),
        (200, status_document(201), AttemptOutcome.DELIVERED),
        (200, status_document(400), AttemptOutcome.PERMANENT),
        (200, status_document(500), AttemptOutcome.TRANSIENT),
        (200, b"<html>hello</html>", AttemptOutcome.TRANSIENT),
        (400, b"bad", AttemptOutcome.PERMANENT),
        (404, b"nope", AttemptOutcome.PERMANENT),
        (500, b"oops", AttemptOutcome.TRANSIENT),
        (503, status_document(200), AttemptOutcome.TRANSIENT),
    ],
)
def test_the_answer_decides_the_outcome(http: int, body: bytes, outcome: AttemptOutcome) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(http, content=body)

    result = sender_answering(httpx.MockTransport(answer)).send(MESSAGE)

    assert result.outcome is outcome
    assert seen[0].method == "POST"
    assert seen[0].headers["content-type"] == "text/xml; charset=utf-8"
    assert seen[0].content == b"<cXML/>"


def test_a_connection_error_is_transient() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    result = sender_answering(httpx.MockTransport(refuse)).send(MESSAGE)

    assert result.outcome is AttemptOutcome.TRANSIENT
    assert "ConnectError" in result.excerpt


def test_without_smtp_mail_goes_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO")

    result = LogMailSender().send(MESSAGE)

    assert result.outcome is AttemptOutcome.DELIVERED
    assert "Invoice" in caplog.text


@pytest.mark.parametrize("url", ["http://mail.example", "smtp://", "mail.example:25"])
def test_an_smtp_url_must_name_a_server(url: str) -> None:
    with pytest.raises(ValueError, match="SMTP URL"):
        SmtpMailSender(url)
