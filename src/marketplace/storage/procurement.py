"""SQL repositories of procurement integration and its audit log (``services.ports``).

:class:`SqlProcurementRepository` keeps configurations (one per organization), portal
connections and their sealed secrets; :class:`SqlAuditRepository` the audit log. Both work on
the unit of work's connection. A write the constraints refuse raises
:class:`~marketplace.domain.errors.ConflictError` and leaves the transaction usable
(``storage.guarded``).

A connection's credentials are found through SHA-256 digests (``tables.portal_connections``
says why): :func:`credentials_key` of all four values is unique, :func:`buyer_key` of the
buyer's two is indexed. Domains are lower-cased before digesting (cXML compares them in any
case), identities are taken as they are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.domain.audit import AuditEvent, FieldChange
from marketplace.domain.errors import ConflictError, NotFoundError
from marketplace.domain.procurement import (
    CartReturnField,
    ConnectionSecret,
    ConnectionStatus,
    PortalConnection,
    ProcurementConfiguration,
    ProcurementSystem,
)
from marketplace.storage.guarded import guarded_write
from marketplace.storage.records import AnyRow
from marketplace.storage.tables import (
    audit_events,
    connection_secrets,
    portal_connections,
    procurement_configurations,
)

__all__ = ["SqlAuditRepository", "SqlProcurementRepository", "buyer_key", "credentials_key"]

# The statements of the purchase-order path, built once with bind parameters: SQLAlchemy
# compiles each once and finds it again by a key that costs nothing to work out.
_CONFIGURATION = select(procurement_configurations).where(
    procurement_configurations.c.organization_id == bindparam("organization_id")
)
_CONFIGURATION_FOR_UPDATE = _CONFIGURATION.with_for_update()
_BY_BUYER = (
    select(portal_connections)
    .where(
        portal_connections.c.buyer_key == bindparam("key"),
        portal_connections.c.buyer_identity == bindparam("identity"),
    )
    .order_by(portal_connections.c.created_at, portal_connections.c.id)
)
_SECRETS = (
    select(connection_secrets)
    .where(connection_secrets.c.connection_id == bindparam("connection_id"))
    .order_by(connection_secrets.c.created_at.desc(), connection_secrets.c.id.desc())
)


def _digest(*values: str) -> str:
    # A JSON array is an unambiguous encoding of the values (no separator can be forged).
    return hashlib.sha256(json.dumps(values).encode()).hexdigest()


def buyer_key(domain: str, identity: str) -> str:
    """The digest a buyer's ``From`` credential is looked up by."""
    return _digest(domain.lower(), identity)


def credentials_key(connection: PortalConnection) -> str:
    """The digest that makes a connection's four credential values unique."""
    return _digest(
        connection.buyer_domain.lower(),
        connection.buyer_identity,
        connection.supplier_domain.lower(),
        connection.supplier_identity,
    )


class SqlProcurementRepository:
    """Configurations, connections (unique by their credentials) and sealed secrets."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    # -- configurations ------------------------------------------------------------------

    def get_configuration(
        self, organization_id: str, *, for_update: bool = False
    ) -> ProcurementConfiguration | None:
        """The organization's configuration; ``for_update`` locks its row on PostgreSQL
        (SQLite has no row locks: its writers take turns on the whole database)."""
        statement = _CONFIGURATION_FOR_UPDATE if for_update else _CONFIGURATION
        row = self._connection.execute(statement, {"organization_id": organization_id}).first()
        return None if row is None else _configuration(row)

    def save_configuration(self, configuration: ProcurementConfiguration) -> None:
        """Insert the configuration, or replace its organization's (one atomic upsert)."""
        values = _configuration_row(configuration)
        dialect = postgresql if self._connection.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(procurement_configurations).values(values)
        statement = statement.on_conflict_do_update(
            index_elements=[procurement_configurations.c.organization_id],
            set_={k: v for k, v in values.items() if k != "organization_id"},
        )
        guarded_write(
            self._connection,
            statement,
            f"organization {configuration.organization_id} does not exist",
        )

    # -- connections -----------------------------------------------------------------------

    def add_connection(self, connection: PortalConnection) -> None:
        """Store a new connection; ``ConflictError`` when its credentials (or id) are taken."""
        statement = insert(portal_connections).values(_connection_row(connection))
        message = f"connection {connection.id} already exists (or names an unknown account)"
        try:
            guarded_write(self._connection, statement, message)
        except ConflictError as error:
            raise self._named(connection, error) from error.__cause__

    def update_connection(self, connection: PortalConnection) -> None:
        """Replace the stored connection (``NotFoundError`` when there is none)."""
        statement = (
            update(portal_connections)
            .where(portal_connections.c.id == connection.id)
            .values(_connection_row(connection))
        )
        message = f"connection {connection.id} names an unknown organization or account"
        try:
            changed = guarded_write(self._connection, statement, message)
        except ConflictError as error:
            raise self._named(connection, error) from error.__cause__
        if changed == 0:
            raise NotFoundError(f"connection {connection.id} does not exist")

    def get_connection(self, connection_id: str) -> PortalConnection | None:
        row = self._connection.execute(
            select(portal_connections).where(portal_connections.c.id == connection_id)
        ).first()
        return None if row is None else _portal_connection(row)

    def list_connections(self, organization_id: str) -> Sequence[PortalConnection]:
        """The organization's connections, oldest first."""
        rows = self._connection.execute(
            select(portal_connections)
            .where(portal_connections.c.organization_id == organization_id)
            .order_by(portal_connections.c.created_at, portal_connections.c.id)
        )
        return tuple(_portal_connection(row) for row in rows)

    def find_connections_by_buyer(
        self, buyer_domain: str, buyer_identity: str
    ) -> Sequence[PortalConnection]:
        """Every connection with this ``From`` (domain in any case, identity exactly)."""
        rows = self._connection.execute(
            _BY_BUYER,
            {"key": buyer_key(buyer_domain, buyer_identity), "identity": buyer_identity},
        )
        domain = buyer_domain.lower()
        found = (_portal_connection(row) for row in rows)
        return tuple(c for c in found if c.buyer_domain.lower() == domain)

    def _named(self, connection: PortalConnection, error: ConflictError) -> ConflictError:
        """The conflict naming the connection that holds these credentials, if one does."""
        holder = self._connection.execute(
            select(portal_connections.c.id).where(
                portal_connections.c.credentials_key == credentials_key(connection),
                portal_connections.c.id != connection.id,
            )
        ).scalar()
        if holder is None:
            return error
        return ConflictError(f"connection {holder} already uses these credentials")

    # -- secrets ---------------------------------------------------------------------------

    def add_secret(self, secret: ConnectionSecret) -> None:
        statement = insert(connection_secrets).values(
            id=secret.id,
            connection_id=secret.connection_id,
            sealed=secret.sealed,
            created_at=secret.created_at,
            expires_at=secret.expires_at,
        )
        guarded_write(self._connection, statement, f"secret {secret.id} cannot be stored")

    def list_secrets(self, connection_id: str) -> Sequence[ConnectionSecret]:
        """The connection's secrets, newest first (``created_at``, then ``id``, descending)."""
        rows = self._connection.execute(_SECRETS, {"connection_id": connection_id})
        return tuple(_secret(row) for row in rows)

    def list_all_secrets(self) -> Sequence[ConnectionSecret]:
        """Every connection's secrets, oldest first (``created_at``, then ``id``)."""
        rows = self._connection.execute(
            select(connection_secrets).order_by(
                connection_secrets.c.created_at, connection_secrets.c.id
            )
        )
        return tuple(_secret(row) for row in rows)

    def replace_sealed(self, secret_id: str, sealed: str) -> None:
        """Store a new sealed form of the same secret (``NotFoundError`` for an unknown id)."""
        result = self._connection.execute(
            update(connection_secrets)
            .where(connection_secrets.c.id == secret_id)
            .values(sealed=sealed)
        )
        if result.rowcount == 0:
            raise NotFoundError(f"secret {secret_id} does not exist")

    def expire_secret(self, secret_id: str, expires_at: dt.datetime) -> None:
        """Set when the secret stops being accepted (``NotFoundError`` for an unknown id)."""
        result = self._connection.execute(
            update(connection_secrets)
            .where(connection_secrets.c.id == secret_id)
            .values(expires_at=expires_at)
        )
        if result.rowcount == 0:
            raise NotFoundError(f"secret {secret_id} does not exist")


def _secret(row: AnyRow) -> ConnectionSecret:
    return ConnectionSecret(
        id=row.id,
        connection_id=row.connection_id,
        sealed=row.sealed,
        created_at=row.created_at,
        expires_at=row.expires_at,
    )


def _configuration_row(configuration: ProcurementConfiguration) -> dict[str, Any]:
    return {
        "organization_id": configuration.organization_id,
        "system": configuration.system.value,
        "name": configuration.name,
        "description": configuration.description,
        "enable_redirect": configuration.enable_redirect,
        "test_mode": configuration.test_mode,
        "preapprove_free": configuration.preapprove_free,
        "preapprove_byol": configuration.preapprove_byol,
        "billing_integration": configuration.billing_integration,
        "purchase_order_role_created_at": configuration.purchase_order_role_created_at,
        "redirect_paused": configuration.redirect_paused,
        "version": configuration.version,
        "created_at": configuration.created_at,
        "updated_at": configuration.updated_at,
    }


def _configuration(row: AnyRow) -> ProcurementConfiguration:
    values = row._asdict()
    values["system"] = ProcurementSystem(row.system)
    return ProcurementConfiguration(**values)


def _connection_row(connection: PortalConnection) -> dict[str, Any]:
    return {
        "id": connection.id,
        "organization_id": connection.organization_id,
        "account_id": connection.account_id,
        "system": connection.system.value,
        "buyer_domain": connection.buyer_domain,
        "buyer_identity": connection.buyer_identity,
        "supplier_domain": connection.supplier_domain,
        "supplier_identity": connection.supplier_identity,
        "buyer_key": buyer_key(connection.buyer_domain, connection.buyer_identity),
        "credentials_key": credentials_key(connection),
        "invoice_endpoint": connection.invoice_endpoint,
        "approval_redirect_url": connection.approval_redirect_url,
        "sellers_of_record": json.dumps(list(connection.sellers_of_record)),
        "cart_field": connection.cart_field.value,
        "status": connection.status.value,
        "test_mode": connection.test_mode,
        "created_at": connection.created_at,
        "updated_at": connection.updated_at,
    }


def _portal_connection(row: AnyRow) -> PortalConnection:
    return PortalConnection(
        id=row.id,
        organization_id=row.organization_id,
        account_id=row.account_id,
        system=ProcurementSystem(row.system),
        buyer_domain=row.buyer_domain,
        buyer_identity=row.buyer_identity,
        supplier_domain=row.supplier_domain,
        supplier_identity=row.supplier_identity,
        invoice_endpoint=row.invoice_endpoint,
        approval_redirect_url=row.approval_redirect_url,
        sellers_of_record=tuple(json.loads(row.sellers_of_record)),
        cart_field=CartReturnField(row.cart_field),
        status=ConnectionStatus(row.status),
        test_mode=row.test_mode,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class SqlAuditRepository:
    """The audit log, per organization, newest first, paged by ``(occurred_at, id)``."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, event: AuditEvent) -> None:
        statement = insert(audit_events).values(
            id=event.id,
            organization_id=event.organization_id,
            occurred_at=event.occurred_at,
            event_name=event.event_name,
            resource_type=event.resource_type,
            resource_id=event.resource_id,
            account_id=event.account_id,
            actor_user_id=event.actor_user_id,
            actor_email=event.actor_email,
            source=event.source,
            request_parameters=json.dumps(dict(event.request_parameters)),
            changes=json.dumps(
                [{"field": c.field, "old": c.old, "new": c.new} for c in event.changes]
            ),
        )
        guarded_write(self._connection, statement, f"audit event {event.id} cannot be stored")

    def list_for_organization(
        self,
        organization_id: str,
        *,
        limit: int,
        before: tuple[dt.datetime, str] | None = None,
    ) -> Sequence[AuditEvent]:
        """Up to ``limit`` events, newest first; ``before`` is the previous page's last
        ``(occurred_at, id)``. The row comparison walks the (organization, time, id) index."""
        if limit <= 0:
            return ()
        statement = select(audit_events).where(audit_events.c.organization_id == organization_id)
        if before is not None:
            # Against a plain tuple each value is bound with its column's type (UtcDateTime).
            key = tuple_(audit_events.c.occurred_at, audit_events.c.id)
            statement = statement.where(key < tuple(before))
        statement = statement.order_by(
            audit_events.c.occurred_at.desc(), audit_events.c.id.desc()
        ).limit(limit)
        return tuple(_audit_event(row) for row in self._connection.execute(statement))


def _audit_event(row: AnyRow) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        organization_id=row.organization_id,
        occurred_at=row.occurred_at,
        event_name=row.event_name,
        resource_type=row.resource_type,
        resource_id=row.resource_id,
        account_id=row.account_id,
        actor_user_id=row.actor_user_id,
        actor_email=row.actor_email,
        source=row.source,
        request_parameters=json.loads(row.request_parameters),
        changes=tuple(
            FieldChange(change["field"], change["old"], change["new"])
            for change in json.loads(row.changes)
        ),
    )
