"""What the procurement use cases share: whose organization a call is about, lookups that
answer 404, and recording audit events."""

from __future__ import annotations

import datetime as dt

from marketplace.domain.accounts import Organization, Principal
from marketplace.domain.audit import FieldChange, JsonValue
from marketplace.domain.errors import NotFoundError
from marketplace.domain.procurement import PortalConnection, ProcurementConfiguration
from marketplace.services import audit_log
from marketplace.services.permissions import authorize
from marketplace.services.ports import UnitOfWork

__all__ = [
    "CONFIGURATION_RESOURCE",
    "CONNECTION_RESOURCE",
    "NOT_SET_UP",
    "find_connection",
    "organization_for",
    "record",
    "require_organization",
]

CONFIGURATION_RESOURCE = "procurement-system-configuration"
CONNECTION_RESOURCE = "procurement-portal-connection"
NOT_SET_UP = (
    "No procurement system is set up yet: put the procurement system configuration first "
    "(PUT /api/v1/procurement-system-configuration, or Manage procurement systems)."
)


def organization_for(principal: Principal | None, organization_id: str | None, action: str) -> str:
    """The organization the call is about, once the principal is allowed ``action``."""
    if principal is None:
        if not organization_id:
            raise NotFoundError("Name the organization (organization_id).")
        return organization_id
    authorize(principal, action)
    if organization_id is not None and organization_id != principal.organization.id:
        raise NotFoundError(f"There is no organization {organization_id}.")
    return principal.organization.id


def require_organization(uow: UnitOfWork, org_id: str) -> Organization:
    organization = uow.organizations.get(org_id)
    if organization is None:
        raise NotFoundError(f"There is no organization {org_id}.")
    return organization


def find_connection(uow: UnitOfWork, org_id: str, connection_id: str) -> PortalConnection:
    connection = uow.procurement.get_connection(connection_id)
    if connection is None or connection.organization_id != org_id:
        raise NotFoundError(f"There is no connection {connection_id} in your organization.")
    return connection


def record(
    uow: UnitOfWork,
    principal: Principal | None,
    resource: ProcurementConfiguration | PortalConnection,
    event_name: str,
    now: dt.datetime,
    source: str,
    *,
    request: dict[str, JsonValue] | None = None,
    changes: tuple[FieldChange, ...] = (),
) -> None:
    if isinstance(resource, PortalConnection):
        resource_type, resource_id = CONNECTION_RESOURCE, resource.id
    else:
        resource_type, resource_id = CONFIGURATION_RESOURCE, resource.organization_id
    audit_log.record_event(
        uow,
        principal,
        organization_id=resource.organization_id,
        event_name=event_name,
        resource_type=resource_type,
        resource_id=resource_id,
        occurred_at=now,
        source=source if principal is not None or source != "api" else "cli",
        request_parameters=request,
        changes=changes,
    )
