"""In-memory fakes of procurement integration, the audit log and punchout (``services.ports``).

``FakeUnitOfWork`` (``fake_uow``) wires them in; they keep their rows in its ``FakeStore``
and behave like ``marketplace.storage.procurement`` and ``marketplace.storage.punchout``:

- Procurement and audit: one configuration per organization (``save_configuration`` inserts
  or replaces it); connections unique by their credentials (buyer domain in any case, buyer
  identity exactly, supplier domain in any case, supplier identity exactly):
  ``add_connection`` and ``update_connection`` raise ``ConflictError`` for credentials
  another connection holds, as storage does; ``update_connection`` and ``expire_secret``
  raise ``NotFoundError`` for an unknown id. Foreign keys: configuration → organization,
  connection → organization and account, secret → connection, audit event → organization.
  Lists are tuples: connections oldest first (``created_at``, then ``id``), secrets newest
  first and audit events newest first (time, then ``id``, both descending; ``before`` is the
  ``(occurred_at, id)`` of the previous page's last event). An event's parameters and
  changes go through JSON (a tuple comes back a list; what JSON cannot hold raises
  ``TypeError``); sellers of record come back a tuple.
  ``get_configuration(for_update=True)`` takes no lock (one fake transaction at a time).
- Punchout: session ids and StartPage token hashes are unique; foreign keys: session →
  connection, organization and (when set) user; request → organization, user and (when
  set) connection and session. ``claim_start_token`` returns True once per session (False
  when already claimed, or for an unknown session) and stores ``used_at``;
  ``update_session`` and ``update_request`` replace the stored value (``NotFoundError`` for
  an unknown id, the same foreign keys checked). ``list_requests`` is newest first
  (``created_at``, then ``id``, both descending), at most ``limit`` (none for
  ``limit <= 0``). Values come back as storage gives them: extrinsics and request ids as
  tuples, a request's choice, charges and lines through the very JSON storage writes
  (``marketplace.storage.punchout_records``: quantities a ``dict``, Decimals equal).

Everywhere: times come back in UTC (naive ones taken as UTC); a broken foreign key or a
repeated id (or token hash) raises :class:`~fake_uow.FakeIntegrityError`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Sequence

from fake_uow import (
    FakeIntegrityError,
    FakeRepository,
    as_utc,
    in_utc,
    insert_row,
    require_row,
)

from marketplace.domain.audit import AuditEvent, FieldChange
from marketplace.domain.errors import ConflictError, NotFoundError
from marketplace.domain.procurement import (
    ConnectionSecret,
    PortalConnection,
    ProcurementConfiguration,
)
from marketplace.domain.punchout import PunchoutSession, SubscriptionRequest
from marketplace.storage import punchout_records as records

__all__ = ["FakeAuditRepository", "FakeProcurementRepository", "FakePunchoutRepository"]


def _credentials(connection: PortalConnection) -> tuple[str, str, str, str]:
    return (
        connection.buyer_domain.lower(),
        connection.buyer_identity,
        connection.supplier_domain.lower(),
        connection.supplier_identity,
    )


class FakeProcurementRepository(FakeRepository):
    """Configurations, connections and secrets (see the module docstring for the rules)."""

    def get_configuration(
        self, organization_id: str, *, for_update: bool = False
    ) -> ProcurementConfiguration | None:
        return self._data.configurations.get(organization_id)

    def save_configuration(self, configuration: ProcurementConfiguration) -> None:
        require_row(self._data.organizations, configuration.organization_id, "organization")
        stored = in_utc(configuration, "purchase_order_role_created_at", "created_at", "updated_at")
        self._data.configurations[configuration.organization_id] = stored

    def add_connection(self, connection: PortalConnection) -> None:
        self._check_connection(connection)
        stored = self._stored(connection)
        insert_row(self._data.connections, connection.id, stored, "connection")

    def update_connection(self, connection: PortalConnection) -> None:
        if connection.id not in self._data.connections:
            raise NotFoundError(f"connection {connection.id} does not exist")
        self._check_connection(connection)
        self._data.connections[connection.id] = self._stored(connection)

    def get_connection(self, connection_id: str) -> PortalConnection | None:
        return self._data.connections.get(connection_id)

    def list_connections(self, organization_id: str) -> Sequence[PortalConnection]:
        return _oldest_first(
            c for c in self._data.connections.values() if c.organization_id == organization_id
        )

    def find_connections_by_buyer(
        self, buyer_domain: str, buyer_identity: str
    ) -> Sequence[PortalConnection]:
        domain = buyer_domain.lower()
        return _oldest_first(
            c
            for c in self._data.connections.values()
            if c.buyer_domain.lower() == domain and c.buyer_identity == buyer_identity
        )

    def add_secret(self, secret: ConnectionSecret) -> None:
        require_row(self._data.connections, secret.connection_id, "connection")
        stored = in_utc(secret, "created_at", "expires_at")
        insert_row(self._data.secrets, secret.id, stored, "secret")

    def list_secrets(self, connection_id: str) -> Sequence[ConnectionSecret]:
        found = [s for s in self._data.secrets.values() if s.connection_id == connection_id]
        return tuple(sorted(found, key=lambda s: (s.created_at, s.id), reverse=True))

    def expire_secret(self, secret_id: str, expires_at: dt.datetime) -> None:
        secret = self._data.secrets.get(secret_id)
        if secret is None:
            raise NotFoundError(f"secret {secret_id} does not exist")
        self._data.secrets[secret_id] = dataclasses.replace(secret, expires_at=as_utc(expires_at))

    def list_all_secrets(self) -> Sequence[ConnectionSecret]:
        return tuple(sorted(self._data.secrets.values(), key=lambda s: (s.created_at, s.id)))

    def replace_sealed(self, secret_id: str, sealed: str) -> None:
        secret = self._data.secrets.get(secret_id)
        if secret is None:
            raise NotFoundError(f"secret {secret_id} does not exist")
        self._data.secrets[secret_id] = dataclasses.replace(secret, sealed=sealed)

    def _check_connection(self, connection: PortalConnection) -> None:
        require_row(self._data.organizations, connection.organization_id, "organization")
        require_row(self._data.accounts, connection.account_id, "account")
        wanted = _credentials(connection)
        for other in self._data.connections.values():
            if other.id != connection.id and _credentials(other) == wanted:
                raise ConflictError(f"connection {other.id} already uses these credentials")

    @staticmethod
    def _stored(connection: PortalConnection) -> PortalConnection:
        connection = in_utc(connection, "created_at", "updated_at")
        return dataclasses.replace(
            connection, sellers_of_record=tuple(connection.sellers_of_record)
        )


def _oldest_first(connections: Iterable[PortalConnection]) -> tuple[PortalConnection, ...]:
    return tuple(sorted(connections, key=lambda c: (c.created_at, c.id)))


class FakeAuditRepository(FakeRepository):
    """The audit log, newest first, paged by ``(occurred_at, id)``."""

    def add(self, event: AuditEvent) -> None:
        require_row(self._data.organizations, event.organization_id, "organization")
        stored = dataclasses.replace(
            in_utc(event, "occurred_at"),
            request_parameters=json.loads(json.dumps(dict(event.request_parameters))),
            changes=tuple(
                FieldChange(c.field, *json.loads(json.dumps([c.old, c.new]))) for c in event.changes
            ),
        )
        insert_row(self._data.audit_events, event.id, stored, "audit event")

    def list_for_organization(
        self,
        organization_id: str,
        *,
        limit: int,
        before: tuple[dt.datetime, str] | None = None,
    ) -> Sequence[AuditEvent]:
        if limit <= 0:
            return ()
        events = [
            e
            for e in self._data.audit_events.values()
            if e.organization_id == organization_id
            and (before is None or (e.occurred_at, e.id) < (as_utc(before[0]), before[1]))
        ]
        events.sort(key=lambda e: (e.occurred_at, e.id), reverse=True)
        return tuple(events[:limit])


class FakePunchoutRepository(FakeRepository):
    """Punchout sessions and subscription requests (see the module docstring for the rules)."""

    def add_session(self, session: PunchoutSession) -> None:
        self._check_session(session)
        if self.get_session_by_token(session.token_hash) is not None:
            raise FakeIntegrityError(f"duplicate StartPage token hash {session.token_hash!r}")
        insert_row(self._data.punchout_sessions, session.id, _stored_session(session), "session")

    def get_session(self, session_id: str) -> PunchoutSession | None:
        return self._data.punchout_sessions.get(session_id)

    def get_session_by_token(self, token_hash: str) -> PunchoutSession | None:
        sessions = self._data.punchout_sessions.values()
        return next((s for s in sessions if s.token_hash == token_hash), None)

    def claim_start_token(self, session_id: str, used_at: dt.datetime) -> bool:
        session = self._data.punchout_sessions.get(session_id)
        if session is None or session.token_used_at is not None:
            return False
        claimed = dataclasses.replace(session, token_used_at=as_utc(used_at))
        self._data.punchout_sessions[session_id] = claimed
        return True

    def update_session(self, session: PunchoutSession) -> None:
        if session.id not in self._data.punchout_sessions:
            raise NotFoundError(f"punchout session {session.id} does not exist")
        self._check_session(session)
        holder = self.get_session_by_token(session.token_hash)
        if holder is not None and holder.id != session.id:
            raise FakeIntegrityError(f"duplicate StartPage token hash {session.token_hash!r}")
        self._data.punchout_sessions[session.id] = _stored_session(session)

    def add_request(self, request: SubscriptionRequest) -> None:
        self._check_request(request)
        stored = _stored_request(request)
        insert_row(self._data.subscription_requests, request.id, stored, "request")

    def update_request(self, request: SubscriptionRequest) -> None:
        if request.id not in self._data.subscription_requests:
            raise NotFoundError(f"subscription request {request.id} does not exist")
        self._check_request(request)
        self._data.subscription_requests[request.id] = _stored_request(request)

    def get_request(self, request_id: str) -> SubscriptionRequest | None:
        return self._data.subscription_requests.get(request_id)

    def list_requests(
        self, organization_id: str, *, user_id: str | None = None, limit: int = 100
    ) -> Sequence[SubscriptionRequest]:
        if limit <= 0:
            return ()
        found = [
            r
            for r in self._data.subscription_requests.values()
            if r.organization_id == organization_id and user_id in (None, r.user_id)
        ]
        found.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        return tuple(found[:limit])

    def _check_session(self, session: PunchoutSession) -> None:
        require_row(self._data.connections, session.connection_id, "connection")
        require_row(self._data.organizations, session.organization_id, "organization")
        if session.user_id is not None:
            require_row(self._data.users, session.user_id, "user")

    def _check_request(self, request: SubscriptionRequest) -> None:
        require_row(self._data.organizations, request.organization_id, "organization")
        require_row(self._data.users, request.user_id, "user")
        if request.connection_id is not None:
            require_row(self._data.connections, request.connection_id, "connection")
        if request.session_id is not None:
            require_row(self._data.punchout_sessions, request.session_id, "session")


def _stored_session(session: PunchoutSession) -> PunchoutSession:
    """The session as storage gives it back (times in UTC, sequences as tuples)."""
    session = in_utc(
        session, "token_expires_at", "expires_at", "created_at", "token_used_at", "returned_at"
    )
    return dataclasses.replace(
        session,
        extrinsics=records.extrinsics_from_json(records.extrinsics_json(session.extrinsics)),
        request_ids=records.strings_from_json(records.strings_json(session.request_ids)),
    )


def _stored_request(request: SubscriptionRequest) -> SubscriptionRequest:
    """The request as storage gives it back (through the JSON storage writes)."""
    request = in_utc(request, "created_at", "updated_at")
    return dataclasses.replace(
        request,
        choice=records.choice_from_json(records.choice_json(request.choice)),
        charges=records.charges_from_json(records.charges_json(request.charges)),
        lines=records.lines_from_json(records.lines_json(request.lines)),
    )
