"""In-memory fakes of agreements, purchase orders (with receipts) and the delivery outbox.

``FakeUnitOfWork`` (``fake_uow``) wires them in as ``agreements``, ``orders`` and ``outbox``;
they keep their rows in its ``FakeStore`` and behave like ``marketplace.storage.agreements``,
``.orders`` and ``.outbox``:

- Agreements: ids and request ids are unique; foreign keys: agreement → organization, user,
  request and (when set) connection. ``update`` replaces the stored agreement
  (``NotFoundError`` for an unknown id, the same constraints checked).
  ``list_for_organization`` is newest first (``created_at``, then ``id``, both descending),
  at most ``limit`` (none for ``limit <= 0``); ``list_page`` gives every organization's,
  by ``id``, strictly after ``after_id`` (from the first for None), at most ``limit``.
  ``find_annual_pending`` finds an *active* agreement on the offer with ``annual_pending``
  set (a cancelled one waits for nothing), the oldest when there are several.
- Orders: ``claim_payload`` records a receipt and returns True once per payloadID (False
  after; one fake transaction at a time, so nothing waits); its connection must exist.
  ``complete_receipt`` stores the answer (``NotFoundError`` when the payloadID was never
  claimed). ``add_order`` raises ``ConflictError`` when the connection already has the order
  number at that version and kind; foreign keys: order → organization and connection.
  ``find_orders`` is lowest version first (then received, then ``id``); ``list_orders``
  newest first (``received_at``, then ``id``, both descending).
- Outbox: message → organization, attempt → message. ``update`` replaces a message
  (``NotFoundError`` for an unknown id). ``claim_due`` takes the pending messages due at
  ``now``, longest due first (``next_attempt_at``, then ``id``), at most ``limit``, and
  moves their ``next_attempt_at`` to ``now + lease`` (what it returns carries the new
  time). ``list_attempts`` is oldest first (``attempted_at``, then ``id``);
  ``list_messages`` newest first (``created_at``, then ``id``, both descending).
- Monitoring: ``count_by_status``, ``count_orders``, ``count_pending`` and
  ``count_attempts`` count the rows of every organization (empty groups left out);
  ``oldest_due`` is the earliest ``next_attempt_at`` of the pending messages due at ``now``.

Values come back as storage gives them: times in UTC (naive ones taken as UTC), sequences as
tuples, an agreement's choice and charges and an order's lines through the very JSON storage
writes (``punchout_records``, ``order_records``). A broken foreign key or a repeated id
raises :class:`~fake_uow.FakeIntegrityError`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence

from fake_uow import FakeIntegrityError, FakeRepository, as_utc, in_utc, insert_row, require_row

from marketplace.domain.agreements import Agreement, AgreementStatus
from marketplace.domain.errors import ConflictError, NotFoundError
from marketplace.domain.orders import PurchaseOrder, Receipt
from marketplace.domain.outbox import (
    AttemptOutcome,
    DeliveryAttempt,
    DeliveryStatus,
    MessageKind,
    OutboxMessage,
)
from marketplace.storage import order_records
from marketplace.storage import punchout_records as records

__all__ = ["FakeAgreementRepository", "FakeOrderRepository", "FakeOutboxRepository"]


class FakeAgreementRepository(FakeRepository):
    """Agreements by id, by request and by organization (see the module docstring)."""

    def add(self, agreement: Agreement) -> None:
        self._check(agreement)
        insert_row(self._data.agreements, agreement.id, _stored_agreement(agreement), "agreement")

    def update(self, agreement: Agreement) -> None:
        if agreement.id not in self._data.agreements:
            raise NotFoundError(f"agreement {agreement.id} does not exist")
        self._check(agreement)
        self._data.agreements[agreement.id] = _stored_agreement(agreement)

    def get(self, agreement_id: str) -> Agreement | None:
        return self._data.agreements.get(agreement_id)

    def for_request(self, request_id: str) -> Agreement | None:
        found = self._data.agreements.values()
        return next((a for a in found if a.request_id == request_id), None)

    def list_for_organization(
        self, organization_id: str, *, user_id: str | None = None, limit: int = 100
    ) -> Sequence[Agreement]:
        if limit <= 0:
            return ()
        found = [
            a
            for a in self._data.agreements.values()
            if a.organization_id == organization_id and user_id in (None, a.user_id)
        ]
        found.sort(key=lambda a: (a.created_at, a.id), reverse=True)
        return tuple(found[:limit])

    def list_page(self, *, after_id: str | None, limit: int) -> Sequence[Agreement]:
        if limit <= 0:
            return ()
        found = sorted(
            (a for a in self._data.agreements.values() if after_id is None or a.id > after_id),
            key=lambda a: a.id,
        )
        return tuple(found[:limit])

    def find_annual_pending(self, organization_id: str, offer_id: str) -> Agreement | None:
        found = [
            a
            for a in self._data.agreements.values()
            if a.organization_id == organization_id
            and a.offer_id == offer_id
            and a.annual_pending
            and a.status is AgreementStatus.ACTIVE
        ]
        return min(found, key=lambda a: (a.created_at, a.id), default=None)

    def count_by_status(self) -> Mapping[AgreementStatus, int]:
        return dict(Counter(a.status for a in self._data.agreements.values()))

    def _check(self, agreement: Agreement) -> None:
        require_row(self._data.organizations, agreement.organization_id, "organization")
        require_row(self._data.users, agreement.user_id, "user")
        require_row(self._data.subscription_requests, agreement.request_id, "request")
        if agreement.connection_id is not None:
            require_row(self._data.connections, agreement.connection_id, "connection")
        holder = self.for_request(agreement.request_id)
        if holder is not None and holder.id != agreement.id:
            raise FakeIntegrityError(f"request {agreement.request_id} has agreement {holder.id}")


def _stored_agreement(agreement: Agreement) -> Agreement:
    """The agreement as storage gives it back (through the JSON storage writes)."""
    agreement = in_utc(agreement, "created_at", "updated_at", "cancelled_at")
    return dataclasses.replace(
        agreement,
        choice=records.choice_from_json(records.choice_json(agreement.choice)),
        charges=records.charges_from_json(records.charges_json(agreement.charges)),
        purchase_order_lines=order_records.line_numbers_from_json(
            order_records.line_numbers_json(agreement.purchase_order_lines)
        ),
    )


class FakeOrderRepository(FakeRepository):
    """Purchase orders and cXML receipts (see the module docstring)."""

    def claim_payload(self, payload_id: str, connection_id: str, received_at: dt.datetime) -> bool:
        require_row(self._data.connections, connection_id, "connection")
        if payload_id in self._data.receipts:
            return False
        receipt = Receipt(
            payload_id=payload_id, connection_id=connection_id, received_at=as_utc(received_at)
        )
        self._data.receipts[payload_id] = receipt
        return True

    def get_receipt(self, payload_id: str) -> Receipt | None:
        return self._data.receipts.get(payload_id)

    def complete_receipt(self, payload_id: str, status_code: int, response: str) -> None:
        receipt = self._data.receipts.get(payload_id)
        if receipt is None:
            raise NotFoundError(f"no receipt for payloadID {payload_id!r}")
        completed = dataclasses.replace(receipt, status_code=status_code, response=response)
        self._data.receipts[payload_id] = completed

    def add_order(self, order: PurchaseOrder) -> None:
        require_row(self._data.organizations, order.organization_id, "organization")
        require_row(self._data.connections, order.connection_id, "connection")
        key = (order.order_version, order.kind)
        if any(
            (o.order_version, o.kind) == key
            for o in self._data.purchase_orders.values()
            if o.connection_id == order.connection_id and o.order_number == order.order_number
        ):
            raise ConflictError(
                f"purchase order {order.order_number} version {order.order_version} "
                f"({order.kind.value}) was already received"
            )
        insert_row(self._data.purchase_orders, order.id, _stored_order(order), "purchase order")

    def find_orders(self, connection_id: str, order_number: str) -> Sequence[PurchaseOrder]:
        found = [
            o
            for o in self._data.purchase_orders.values()
            if o.connection_id == connection_id and o.order_number == order_number
        ]
        return tuple(sorted(found, key=lambda o: (o.order_version, o.received_at, o.id)))

    def list_orders(
        self, organization_id: str, *, test: bool | None = None, limit: int = 100
    ) -> Sequence[PurchaseOrder]:
        if limit <= 0:
            return ()
        found = [
            o
            for o in self._data.purchase_orders.values()
            if o.organization_id == organization_id and test in (None, o.test)
        ]
        found.sort(key=lambda o: (o.received_at, o.id), reverse=True)
        return tuple(found[:limit])

    def count_orders(self) -> Mapping[bool, int]:
        return dict(Counter(o.test for o in self._data.purchase_orders.values()))


def _stored_order(order: PurchaseOrder) -> PurchaseOrder:
    """The order as storage gives it back (through the JSON storage writes)."""
    order = in_utc(order, "order_date", "received_at")
    return dataclasses.replace(
        order,
        lines=order_records.order_lines_from_json(order_records.order_lines_json(order.lines)),
        agreement_ids=records.strings_from_json(records.strings_json(order.agreement_ids)),
    )


class FakeOutboxRepository(FakeRepository):
    """Outbox messages and their delivery attempts (see the module docstring)."""

    def add(self, message: OutboxMessage) -> None:
        require_row(self._data.organizations, message.organization_id, "organization")
        insert_row(self._data.outbox_messages, message.id, _stored_message(message), "message")

    def get(self, message_id: str) -> OutboxMessage | None:
        return self._data.outbox_messages.get(message_id)

    def update(self, message: OutboxMessage) -> None:
        if message.id not in self._data.outbox_messages:
            raise NotFoundError(f"outbox message {message.id} does not exist")
        require_row(self._data.organizations, message.organization_id, "organization")
        self._data.outbox_messages[message.id] = _stored_message(message)

    def claim_due(
        self, now: dt.datetime, *, limit: int, lease: dt.timedelta
    ) -> Sequence[OutboxMessage]:
        if limit <= 0:
            return ()
        now = as_utc(now)
        due = [
            m
            for m in self._data.outbox_messages.values()
            if m.status is DeliveryStatus.PENDING and m.next_attempt_at <= now
        ]
        due.sort(key=lambda m: (m.next_attempt_at, m.id))
        claimed = tuple(dataclasses.replace(m, next_attempt_at=now + lease) for m in due[:limit])
        for message in claimed:
            self._data.outbox_messages[message.id] = message
        return claimed

    def add_attempt(self, attempt: DeliveryAttempt) -> None:
        require_row(self._data.outbox_messages, attempt.message_id, "outbox message")
        stored = in_utc(attempt, "attempted_at")
        insert_row(self._data.delivery_attempts, attempt.id, stored, "delivery attempt")

    def list_attempts(self, message_id: str) -> Sequence[DeliveryAttempt]:
        found = [a for a in self._data.delivery_attempts.values() if a.message_id == message_id]
        return tuple(sorted(found, key=lambda a: (a.attempted_at, a.id)))

    def list_messages(
        self,
        organization_id: str | None,
        *,
        kind: MessageKind | None = None,
        status: DeliveryStatus | None = None,
        limit: int = 100,
    ) -> Sequence[OutboxMessage]:
        if limit <= 0:
            return ()
        found = [
            m
            for m in self._data.outbox_messages.values()
            if organization_id in (None, m.organization_id)
            and kind in (None, m.kind)
            and status in (None, m.status)
        ]
        found.sort(key=lambda m: (m.created_at, m.id), reverse=True)
        return tuple(found[:limit])

    def count_pending(self) -> Mapping[MessageKind, int]:
        messages = self._data.outbox_messages.values()
        return dict(Counter(m.kind for m in messages if m.status is DeliveryStatus.PENDING))

    def oldest_due(self, now: dt.datetime) -> dt.datetime | None:
        now = as_utc(now)
        due = [
            m.next_attempt_at
            for m in self._data.outbox_messages.values()
            if m.status is DeliveryStatus.PENDING and m.next_attempt_at <= now
        ]
        return min(due, default=None)

    def count_attempts(self) -> Mapping[AttemptOutcome, int]:
        return dict(Counter(a.outcome for a in self._data.delivery_attempts.values()))


def _stored_message(message: OutboxMessage) -> OutboxMessage:
    return in_utc(message, "next_attempt_at", "created_at", "delivered_at")
