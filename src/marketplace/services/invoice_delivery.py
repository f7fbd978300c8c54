"""Putting the shared secret into an invoice just before it is sent.

Invoices wait in the outbox without the Sender's shared secret (see
:mod:`.invoice_documents`); :func:`secret_inserter` gives the worker a function that finds the
invoice's connection, opens its current secret and puts it in. A connection without a secret
(or an invoice that is gone) leaves the placeholder: the buyer answers 401, the attempt fails
for good, and the admin sees why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from marketplace.domain.outbox import MessageKind, OutboxMessage
from marketplace.services.invoice_documents import with_shared_secret
from marketplace.services.ports import SecretBox, UnitOfWorkFactory

__all__ = ["secret_inserter"]

_log = logging.getLogger(__name__)


def secret_inserter(units: UnitOfWorkFactory, box: SecretBox) -> Callable[[OutboxMessage], str]:
    """A function from an outbox message to the body to send (invoices get their secret)."""

    def prepare(message: OutboxMessage) -> str:
        if message.kind is not MessageKind.INVOICE or message.reference is None:
            return message.body
        with units() as uow:
            invoice = uow.billing.get_invoice(message.reference)
            connection_id = invoice.connection_id if invoice else None
            stored = uow.procurement.list_secrets(connection_id) if connection_id else ()
        current = next((s for s in stored if s.expires_at is None), None)
        if current is None:
            _log.error("invoice message %s: its connection has no shared secret", message.id)
            return message.body
        return with_shared_secret(message.body, box.open(current.sealed))

    return prepare
