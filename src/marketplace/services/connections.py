"""Portal connections: create, view, enable and disable them, rotate their shared secrets,
and read their purchase information (see :mod:`.procurement` for permissions and rules)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from marketplace.domain.accounts import Principal
from marketplace.domain.audit import AuditEventName, FieldChange, JsonValue
from marketplace.domain.errors import ConflictError
from marketplace.domain.policies import ACTIONS
from marketplace.domain.procurement import (
    ConnectionSecret,
    ConnectionStatus,
    PortalConnection,
    ProcurementConfiguration,
    ProcurementSystem,
)
from marketplace.services import procurement_checks
from marketplace.services.clock import utcnow
from marketplace.services.ports import Clock, SecretBox, UnitOfWork
from marketplace.services.procurement_common import (
    NOT_SET_UP,
    find_connection,
    organization_for,
    record,
    require_organization,
)
from marketplace.services.purchase_information import PurchaseInformation
from marketplace.services.purchase_information import build as build_purchase_information
from marketplace.services.validation import Checks

__all__ = [
    "DEFAULT_SECRET_GRACE",
    "MAX_SECRET_GRACE",
    "ConnectionDetails",
    "ConnectionRequest",
    "NewConnection",
    "RotatedSecret",
    "create_connection",
    "disable_connection",
    "enable_connection",
    "get_connection",
    "list_connections",
    "purchase_information",
    "rotate_secret",
]

DEFAULT_SECRET_GRACE = dt.timedelta(hours=24)
MAX_SECRET_GRACE = dt.timedelta(days=30)


# -- inputs and answers ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConnectionRequest:
    """A new connection. Coupa: ``buyer_domain`` and ``buyer_identity`` (required), the rest
    optional (supplier domain ``NetworkID`` and a unique supplier identity are generated, as
    is a 32-byte shared secret). Ariba: ``buyer_anid`` (required) and ``supplier_anid``
    (default: the marketplace's); no invoice endpoint, no redirect URL."""

    buyer_domain: str | None = None
    buyer_identity: str | None = None
    supplier_domain: str | None = None
    supplier_identity: str | None = None
    shared_secret: str | None = None
    invoice_endpoint: str | None = None
    approval_redirect_url: str | None = None
    sellers_of_record: Sequence[str] = ()
    cart_field: str | None = None
    buyer_anid: str | None = None
    supplier_anid: str | None = None
    test_mode: bool = False
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class NewConnection:
    """A created connection and its shared secret: the only time the secret is shown."""

    connection: PortalConnection
    shared_secret: str


@dataclass(frozen=True, slots=True)
class ConnectionDetails:
    """A connection and when its secret was set; ``previous_secret_expires_at`` is set while
    a rotated-out secret is still accepted."""

    connection: PortalConnection
    secret_created_at: dt.datetime | None
    previous_secret_expires_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class RotatedSecret:
    """A connection's new shared secret (shown once) and until when the old one works."""

    connection: PortalConnection
    shared_secret: str
    previous_secret_expires_at: dt.datetime


# -- connections -----------------------------------------------------------------------------


def create_connection(
    uow: UnitOfWork,
    principal: Principal | None,
    request: ConnectionRequest,
    *,
    box: SecretBox,
    organization_id: str | None = None,
    source: str = "api",
    clock: Clock = utcnow,
) -> NewConnection:
    """Create a connection of the configured system (409 before the first Put; 409 when the
    credentials are taken). The secret is sealed with ``box``; the answer shows it once."""
    org_id = organization_for(principal, organization_id, ACTIONS.CREATE_PORTAL_PREFERENCE)
    with uow:
        organization = require_organization(uow, org_id)
        configuration = uow.procurement.get_configuration(org_id, for_update=True)
        system = configuration.system if configuration else ProcurementSystem.COUPA
        checks = Checks()
        clean = procurement_checks.clean_connection(
            checks,
            system,
            buyer_domain=request.buyer_domain,
            buyer_identity=request.buyer_identity,
            supplier_domain=request.supplier_domain,
            supplier_identity=request.supplier_identity,
            shared_secret=request.shared_secret,
            invoice_endpoint=request.invoice_endpoint,
            approval_redirect_url=request.approval_redirect_url,
            sellers_of_record=request.sellers_of_record,
            cart_field=request.cart_field,
            buyer_anid=request.buyer_anid,
            supplier_anid=request.supplier_anid,
        )
        procurement_checks.check_flag(checks, "test_mode", request.test_mode)
        procurement_checks.check_flag(checks, "enabled", request.enabled)
        checks.done()
        if configuration is None:
            raise ConflictError(NOT_SET_UP)
        now = clock()
        connection = PortalConnection(
            id="pc-" + secrets.token_hex(8),
            organization_id=org_id,
            account_id=principal.account.id if principal else organization.management_account_id,
            system=system,
            buyer_domain=clean.buyer_domain,
            buyer_identity=clean.buyer_identity,
            supplier_domain=clean.supplier_domain,
            supplier_identity=clean.supplier_identity,
            invoice_endpoint=clean.invoice_endpoint,
            approval_redirect_url=clean.approval_redirect_url,
            sellers_of_record=clean.sellers_of_record,
            cart_field=clean.cart_field,
            status=ConnectionStatus.ENABLED if request.enabled else ConnectionStatus.DISABLED,
            test_mode=bool(request.test_mode),
            created_at=now,
            updated_at=now,
        )
        _require_free_credentials(uow, connection)
        secret = clean.shared_secret or procurement_checks.new_shared_secret()
        uow.procurement.add_connection(connection)
        uow.procurement.add_secret(_sealed(box, connection.id, secret, now))
        parameters = {**_connection_values(connection), "shared_secret": secret}
        changes: tuple[FieldChange, ...] = ()
        if connection.enabled and connection.has_redirect:
            restored = _redirect_after(uow, configuration, connection, now)
            if restored is not None:  # redirect was paused for want of a redirect connection
                uow.procurement.save_configuration(restored)
                changes = (FieldChange("configuration.enable_redirect", False, True),)
        record(
            uow,
            principal,
            connection,
            AuditEventName.CREATE_CONNECTION,
            now,
            source,
            request=parameters,
            changes=changes,
        )
        uow.commit()
    return NewConnection(connection, secret)


def get_connection(
    uow: UnitOfWork,
    principal: Principal | None,
    connection_id: str,
    *,
    organization_id: str | None = None,
    clock: Clock = utcnow,
) -> ConnectionDetails:
    """One connection of the organization (404 for any other), never its secret."""
    org_id = organization_for(principal, organization_id, ACTIONS.GET_PORTAL_PREFERENCE)
    with uow:
        connection = find_connection(uow, org_id, connection_id)
        stored = uow.procurement.list_secrets(connection.id)
    now = clock()
    current = next((s for s in stored if s.expires_at is None), None)
    grace = [s.expires_at for s in stored if s.expires_at is not None and s.valid_at(now)]
    return ConnectionDetails(
        connection,
        current.created_at if current else None,
        max(grace) if grace else None,
    )


def list_connections(
    uow: UnitOfWork, principal: Principal | None, *, organization_id: str | None = None
) -> Sequence[PortalConnection]:
    """The organization's connections, oldest first (never their secrets)."""
    org_id = organization_for(principal, organization_id, ACTIONS.LIST_PORTAL_PREFERENCES)
    with uow:
        return tuple(uow.procurement.list_connections(org_id))


def enable_connection(
    uow: UnitOfWork,
    principal: Principal | None,
    connection_id: str,
    *,
    organization_id: str | None = None,
    source: str = "api",
    clock: Clock = utcnow,
) -> PortalConnection:
    """Enable a connection (enabling an enabled one changes nothing and records nothing).
    If redirect was paused because the last redirect connection was disabled, and this one
    has a redirect URL, redirect comes back on."""
    return _set_status(
        uow, principal, connection_id, ConnectionStatus.ENABLED, organization_id, source, clock
    )


def disable_connection(
    uow: UnitOfWork,
    principal: Principal | None,
    connection_id: str,
    *,
    organization_id: str | None = None,
    source: str = "api",
    clock: Clock = utcnow,
) -> PortalConnection:
    """Disable a connection (reversible). Disabling the last enabled connection with a
    redirect URL turns the organization's redirect off (paused until one is enabled again)."""
    return _set_status(
        uow, principal, connection_id, ConnectionStatus.DISABLED, organization_id, source, clock
    )


def _set_status(
    uow: UnitOfWork,
    principal: Principal | None,
    connection_id: str,
    status: ConnectionStatus,
    organization_id: str | None,
    source: str,
    clock: Clock,
) -> PortalConnection:
    org_id = organization_for(principal, organization_id, ACTIONS.PUT_PROCUREMENT_CONFIGURATION)
    with uow:
        configuration = uow.procurement.get_configuration(org_id, for_update=True)
        connection = find_connection(uow, org_id, connection_id)
        if connection.status is status:
            return connection
        now = clock()
        updated = dataclasses.replace(connection, status=status, updated_at=now)
        uow.procurement.update_connection(updated)
        changes = [FieldChange("status", connection.status.value, status.value)]
        if configuration is not None and updated.has_redirect:
            redirect = _redirect_after(uow, configuration, updated, now)
            if redirect is not None:
                uow.procurement.save_configuration(redirect)
                changes.append(
                    FieldChange(
                        "configuration.enable_redirect",
                        configuration.enable_redirect,
                        redirect.enable_redirect,
                    )
                )
        name = (
            AuditEventName.ENABLE_CONNECTION
            if status is ConnectionStatus.ENABLED
            else AuditEventName.DISABLE_CONNECTION
        )
        record(uow, principal, updated, name, now, source, changes=tuple(changes))
        uow.commit()
    return updated


def _redirect_after(
    uow: UnitOfWork,
    configuration: ProcurementConfiguration,
    changed: PortalConnection,
    now: dt.datetime,
) -> ProcurementConfiguration | None:
    """The configuration with redirect turned off (last redirect connection disabled) or
    back on (a redirect connection enabled while paused); None when it stays as it is."""
    if changed.enabled:
        if not configuration.redirect_paused:
            return None
        on, paused = True, False
    else:
        if not configuration.enable_redirect:
            return None
        others = [
            c
            for c in uow.procurement.list_connections(configuration.organization_id)
            if c.id != changed.id and c.enabled and c.has_redirect
        ]
        if others:
            return None
        on, paused = False, True
    return dataclasses.replace(
        configuration,
        enable_redirect=on,
        redirect_paused=paused,
        updated_at=now,
        version=configuration.version + 1,
    )


def rotate_secret(
    uow: UnitOfWork,
    principal: Principal | None,
    connection_id: str,
    *,
    box: SecretBox,
    grace: dt.timedelta = DEFAULT_SECRET_GRACE,
    new_secret: str | None = None,
    organization_id: str | None = None,
    source: str = "api",
    clock: Clock = utcnow,
) -> RotatedSecret:
    """Give the connection a new secret (generated unless given); the current one is still
    accepted for ``grace`` (0 to 30 days), older ones stop at once."""
    org_id = organization_for(principal, organization_id, ACTIONS.PUT_PORTAL_PREFERENCE)
    checks = Checks()
    secret = procurement_checks.check_secret(checks, "shared_secret", new_secret)
    if not dt.timedelta(0) <= grace <= MAX_SECRET_GRACE:
        checks.fail("grace_period_seconds", "Use a grace period from 0 seconds to 30 days.")
    checks.done()
    secret = secret or procurement_checks.new_shared_secret()
    with uow:
        uow.procurement.get_configuration(org_id, for_update=True)
        connection = find_connection(uow, org_id, connection_id)
        now = clock()
        until = now + grace
        for stored in uow.procurement.list_secrets(connection.id):
            if stored.expires_at is None:
                uow.procurement.expire_secret(stored.id, until)
            elif stored.valid_at(now):
                uow.procurement.expire_secret(stored.id, now)
        uow.procurement.add_secret(_sealed(box, connection.id, secret, now))
        record(
            uow,
            principal,
            connection,
            AuditEventName.ROTATE_SECRET,
            now,
            source,
            request={"shared_secret": secret, "grace_period_seconds": int(grace.total_seconds())},
        )
        uow.commit()
    return RotatedSecret(connection, secret, until)


def purchase_information(
    uow: UnitOfWork,
    principal: Principal | None,
    connection_id: str,
    *,
    base_url: str,
    organization_id: str | None = None,
) -> PurchaseInformation:
    """The values the procurement system's administrator copies for this connection."""
    org_id = organization_for(
        principal, organization_id, ACTIONS.DESCRIBE_PROCUREMENT_CONFIGURATION
    )
    with uow:
        connection = find_connection(uow, org_id, connection_id)
    return build_purchase_information(connection, base_url)


def _require_free_credentials(uow: UnitOfWork, connection: PortalConnection) -> None:
    for other in uow.procurement.find_connections_by_buyer(
        connection.buyer_domain, connection.buyer_identity
    ):
        if (
            other.supplier_domain.casefold() == connection.supplier_domain.casefold()
            and other.supplier_identity == connection.supplier_identity
        ):
            raise ConflictError(
                f"A connection with buyer {connection.buyer_domain}/{connection.buyer_identity} "
                f"and supplier {connection.supplier_domain}/{connection.supplier_identity} "
                "already exists. Use another supplier identity, or leave it empty to have a "
                "unique one generated."
            )


def _sealed(box: SecretBox, connection_id: str, secret: str, now: dt.datetime) -> ConnectionSecret:
    return ConnectionSecret(
        id="sec-" + secrets.token_hex(8),
        connection_id=connection_id,
        sealed=box.seal(secret),
        created_at=now,
    )


def _connection_values(connection: PortalConnection) -> dict[str, JsonValue]:
    return {
        "system": connection.system.value,
        "buyer_domain": connection.buyer_domain,
        "buyer_identity": connection.buyer_identity,
        "supplier_domain": connection.supplier_domain,
        "supplier_identity": connection.supplier_identity,
        "invoice_endpoint": connection.invoice_endpoint,
        "approval_redirect_url": connection.approval_redirect_url,
        "sellers_of_record": list(connection.sellers_of_record),
        "cart_field": connection.cart_field.value,
        "status": connection.status.value,
        "test_mode": connection.test_mode,
    }
