"""How messages leave: e-mail over SMTP (or into the log), cXML documents over HTTP.

Each sender turns what happened into a :class:`~marketplace.services.ports.SendResult`:

==================================  =====================================================
SMTP accepted the message           delivered
SMTP 5xx (mailbox unknown …)        permanent
SMTP 4xx, refused, timed out        transient
HTTP 2xx with a cXML Status 2xx     delivered
HTTP 2xx with a cXML Status 4xx     permanent (the receiver refused the document)
HTTP 4xx                            permanent
HTTP 5xx, a cXML 5xx, timeout,      transient (retried with back-off)
refused connection, not cXML
==================================  =====================================================
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

import httpx

import cxml
from cxml.models.envelope import Document
from marketplace.domain.outbox import AttemptOutcome, OutboxMessage
from marketplace.services.ports import SendResult

__all__ = ["HttpDocumentSender", "LogMailSender", "SmtpMailSender", "mail_sender_for"]

_log = logging.getLogger(__name__)
_EXCERPT = 500
FROM_ADDRESS = "Software Marketplace <no-reply@marketplace.invalid>"


def _email(message: OutboxMessage, sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.destination
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(idstring=message.id, domain="marketplace.invalid")
    mail.set_content(message.body)
    return mail


class SmtpMailSender:
    """Sends e-mail to the SMTP server of ``smtp://host:port`` (``smtps://`` for TLS;
    ``smtp://user:password@host`` to log in)."""

    def __init__(self, url: str, *, sender: str = FROM_ADDRESS, timeout: float = 10.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"not an SMTP URL: use smtp://host:port, not {parts.scheme}://…")
        self._tls = parts.scheme == "smtps"
        self._host = parts.hostname
        self._port = parts.port or (465 if self._tls else 25)
        self._user = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        self._sender = sender
        self._timeout = timeout

    def send(self, message: OutboxMessage) -> SendResult:
        """Hand the message to the SMTP server."""
        try:
            client: smtplib.SMTP
            if self._tls:
                context = ssl.create_default_context()
                client = smtplib.SMTP_SSL(
                    self._host, self._port, timeout=self._timeout, context=context
                )
            else:
                client = smtplib.SMTP(self._host, self._port, timeout=self._timeout)
            with client:
                if self._user is not None:
                    client.login(self._user, self._password or "")
                client.send_message(_email(message, self._sender))
        except smtplib.SMTPResponseException as exc:
            outcome = AttemptOutcome.PERMANENT if exc.smtp_code >= 500 else AttemptOutcome.TRANSIENT
            return SendResult(outcome, exc.smtp_code, _text(exc.smtp_error))
        except smtplib.SMTPRecipientsRefused as exc:
            return SendResult(AttemptOutcome.PERMANENT, 550, f"recipient refused: {exc.recipients}")
        except (OSError, smtplib.SMTPException) as exc:
            return SendResult(AttemptOutcome.TRANSIENT, None, f"{type(exc).__name__}: {exc}")
        return SendResult(AttemptOutcome.DELIVERED, 250, "accepted by the SMTP server")


class LogMailSender:
    """Without an SMTP server: the e-mail is written to the log (and stays in the outbox,
    delivered, for the admin to read)."""

    def send(self, message: OutboxMessage) -> SendResult:
        """Log the message."""
        _log.info(
            "e-mail (no MARKETPLACE_SMTP_URL, not sent) to %s: %s\n%s",
            message.destination,
            message.subject,
            message.body,
        )
        return SendResult(AttemptOutcome.DELIVERED, None, "logged: no SMTP server is configured")


def mail_sender_for(smtp_url: str | None) -> SmtpMailSender | LogMailSender:
    """The SMTP sender for ``smtp_url``, or the log when there is none."""
    return SmtpMailSender(smtp_url) if smtp_url else LogMailSender()


class HttpDocumentSender:
    """Posts cXML documents (``message.body``, through ``prepare`` when given: invoices get
    their shared secret there) to ``message.destination``."""

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        timeout: float = 30.0,
        prepare: Callable[[OutboxMessage], str] | None = None,
    ) -> None:
        self._client = client or httpx.Client(timeout=timeout, follow_redirects=False)
        self._prepare = prepare

    def send(self, message: OutboxMessage) -> SendResult:
        """POST the document and read the receiver's cXML status."""
        body = self._prepare(message) if self._prepare is not None else message.body
        try:
            response = self._client.post(
                message.destination,
                content=body.encode("utf-8"),
                headers={"Content-Type": "text/xml; charset=utf-8"},
            )
        except httpx.HTTPError as exc:
            return SendResult(AttemptOutcome.TRANSIENT, None, f"{type(exc).__name__}: {exc}")
        excerpt = response.text[:_EXCERPT]
        if response.status_code >= 500:
            return SendResult(AttemptOutcome.TRANSIENT, response.status_code, excerpt)
        if response.status_code >= 300:
            return SendResult(AttemptOutcome.PERMANENT, response.status_code, excerpt)
        code = _cxml_status(response.content)
        if code is None:
            return SendResult(
                AttemptOutcome.TRANSIENT, response.status_code, "not a cXML answer: " + excerpt
            )
        if 200 <= code < 300:
            return SendResult(AttemptOutcome.DELIVERED, code, excerpt)
        outcome = AttemptOutcome.TRANSIENT if code >= 500 else AttemptOutcome.PERMANENT
        return SendResult(outcome, code, excerpt)

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()


def _cxml_status(body: bytes) -> int | None:
    try:
        document: Document = cxml.parse(body)
    except cxml.CxmlError:
        return None
    return document.status.code if document.status is not None else None


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
