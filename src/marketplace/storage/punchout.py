"""The SQL repository of punchout sessions and subscription requests (``services.ports``).

:class:`SqlPunchoutRepository` works on the unit of work's connection. A write the
constraints refuse (an unknown organization, connection, user or session; a repeated id or
token hash) raises :class:`~marketplace.domain.errors.ConflictError` and leaves the
transaction usable (``storage.guarded``). Sequences and a request's choice, charges and
lines are JSON text (``punchout_records``), so they come back exactly: tuples, and every
``Decimal`` equal to, and written like, the one stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from marketplace.domain.catalog import PricingModel
from marketplace.domain.errors import NotFoundError
from marketplace.domain.procurement import CartReturnField, ProcurementSystem
from marketplace.domain.punchout import (
    PunchoutOperation,
    PunchoutSession,
    RequestStatus,
    SessionStatus,
    SubscriptionRequest,
)
from marketplace.storage import punchout_records as records
from marketplace.storage.guarded import guarded_write
from marketplace.storage.records import AnyRow
from marketplace.storage.tables import punchout_sessions, subscription_requests

__all__ = ["SqlPunchoutRepository"]

# Built once: executed with each row's values as parameters, a statement is compiled once
# and found again in SQLAlchemy's cache by a key that costs nothing to work out.
_UPDATE_REQUEST = update(subscription_requests).where(
    subscription_requests.c.id == bindparam("by_id")
)
_REQUEST = select(subscription_requests).where(subscription_requests.c.id == bindparam("by_id"))


class SqlPunchoutRepository:
    """Punchout sessions (by id or token hash) and subscription requests."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    # -- sessions --------------------------------------------------------------------------

    def add_session(self, session: PunchoutSession) -> None:
        """Store a new session; ``ConflictError`` for a taken id or token hash, or an unknown
        connection, organization or user."""
        statement = insert(punchout_sessions).values(_session_row(session))
        guarded_write(
            self._connection, statement, f"punchout session {session.id} cannot be stored"
        )

    def get_session(self, session_id: str) -> PunchoutSession | None:
        return self._session_where(punchout_sessions.c.id == session_id)

    def get_session_by_token(self, token_hash: str) -> PunchoutSession | None:
        """The session whose StartPage token has this SHA-256 (hex), used or not."""
        return self._session_where(punchout_sessions.c.token_hash == token_hash)

    def claim_start_token(self, session_id: str, used_at: dt.datetime) -> bool:
        """Mark the token used; False when it already was (or there is no such session).

        One conditional UPDATE: on PostgreSQL a concurrent claim waits for the first one's
        row lock, then finds ``token_used_at`` set and changes nothing; SQLite's writers
        take turns on the whole database."""
        result = self._connection.execute(
            update(punchout_sessions)
            .where(
                punchout_sessions.c.id == session_id,
                punchout_sessions.c.token_used_at.is_(None),
            )
            .values(token_used_at=used_at)
        )
        return result.rowcount == 1

    def update_session(self, session: PunchoutSession) -> None:
        """Replace the stored session (``NotFoundError`` when there is none)."""
        statement = (
            update(punchout_sessions)
            .where(punchout_sessions.c.id == session.id)
            .values(_session_row(session))
        )
        message = f"punchout session {session.id} cannot be stored"
        if guarded_write(self._connection, statement, message) == 0:
            raise NotFoundError(f"punchout session {session.id} does not exist")

    def _session_where(self, condition: Any) -> PunchoutSession | None:
        row = self._connection.execute(select(punchout_sessions).where(condition)).first()
        return None if row is None else _session(row)

    # -- requests --------------------------------------------------------------------------

    def add_request(self, request: SubscriptionRequest) -> None:
        """Store a new request; ``ConflictError`` for a taken id, or an unknown organization,
        user, connection or session."""
        statement = insert(subscription_requests).values(_request_row(request))
        guarded_write(
            self._connection, statement, f"subscription request {request.id} cannot be stored"
        )

    def update_request(self, request: SubscriptionRequest) -> None:
        """Replace the stored request (``NotFoundError`` when there is none)."""
        message = f"subscription request {request.id} cannot be stored"
        parameters = {**_request_row(request), "by_id": request.id}
        if guarded_write(self._connection, _UPDATE_REQUEST, message, parameters) == 0:
            raise NotFoundError(f"subscription request {request.id} does not exist")

    def get_request(self, request_id: str) -> SubscriptionRequest | None:
        row = self._connection.execute(_REQUEST, {"by_id": request_id}).first()
        return None if row is None else _request(row)

    def list_requests(
        self, organization_id: str, *, user_id: str | None = None, limit: int = 100
    ) -> Sequence[SubscriptionRequest]:
        """The organization's requests (only ``user_id``'s when given), newest first
        (``created_at``, then ``id``, both descending), at most ``limit``."""
        if limit <= 0:
            return ()
        table = subscription_requests
        statement = select(table).where(table.c.organization_id == organization_id)
        if user_id is not None:
            statement = statement.where(table.c.user_id == user_id)
        statement = statement.order_by(table.c.created_at.desc(), table.c.id.desc()).limit(limit)
        return tuple(_request(row) for row in self._connection.execute(statement))


def _session_row(session: PunchoutSession) -> dict[str, Any]:
    return {
        "id": session.id,
        "connection_id": session.connection_id,
        "organization_id": session.organization_id,
        "account_id": session.account_id,
        "system": session.system.value,
        "operation": session.operation.value,
        "buyer_cookie": session.buyer_cookie,
        "form_post_url": session.form_post_url,
        "cart_field": session.cart_field.value,
        "cxml_version": session.cxml_version,
        "test": session.test,
        "token_hash": session.token_hash,
        "token_expires_at": session.token_expires_at,
        "expires_at": session.expires_at,
        "created_at": session.created_at,
        "user_email": session.user_email,
        "user_name": session.user_name,
        "extrinsics": records.extrinsics_json(session.extrinsics),
        "selected_item": session.selected_item,
        "request_ids": records.strings_json(session.request_ids),
        "start_url": session.start_url,
        "token_used_at": session.token_used_at,
        "user_id": session.user_id,
        "status": session.status.value,
        "returned_at": session.returned_at,
    }


def _session(row: AnyRow) -> PunchoutSession:
    values = row._asdict()
    values.update(
        system=ProcurementSystem(row.system),
        operation=PunchoutOperation(row.operation),
        cart_field=CartReturnField(row.cart_field),
        extrinsics=records.extrinsics_from_json(row.extrinsics),
        request_ids=records.strings_from_json(row.request_ids),
        status=SessionStatus(row.status),
    )
    return PunchoutSession(**values)


def _request_row(request: SubscriptionRequest) -> dict[str, Any]:
    return {
        "id": request.id,
        "organization_id": request.organization_id,
        "account_id": request.account_id,
        "user_id": request.user_id,
        "product_id": request.product_id,
        "product_title": request.product_title,
        "seller_name": request.seller_name,
        "offer_id": request.offer_id,
        "offer_name": request.offer_name,
        "pricing_model": request.pricing_model.value,
        "currency": request.currency,
        "choice": records.choice_json(request.choice),
        "charges": records.charges_json(request.charges),
        "lines": records.lines_json(request.lines),
        "status": request.status.value,
        "test": request.test,
        "created_at": request.created_at,
        "updated_at": request.updated_at,
        "connection_id": request.connection_id,
        "session_id": request.session_id,
    }


def _request(row: AnyRow) -> SubscriptionRequest:
    values = row._asdict()
    values.update(
        pricing_model=PricingModel(row.pricing_model),
        choice=records.choice_from_json(row.choice),
        charges=records.charges_from_json(row.charges),
        lines=records.lines_from_json(row.lines),
        status=RequestStatus(row.status),
    )
    return SubscriptionRequest(**values)
