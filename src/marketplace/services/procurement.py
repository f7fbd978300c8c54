"""Managing procurement systems: the configuration, portal connections, purchase information
and the audit log of their changes.

Permissions (checked first; every one is kept for the organization's management account)::

    put_configuration, enable/disable_connection  aws-marketplace:PutProcurementSystemConfiguration
    describe/find_configuration,                  aws-marketplace:
      purchase_information                          DescribeProcurementSystemConfiguration
    create_connection                             invoicing:CreateProcurementPortalPreference
    get_connection                                invoicing:GetProcurementPortalPreference
    list_connections                              invoicing:ListProcurementPortalPreferences
    rotate_secret                                 invoicing:PutProcurementPortalPreference
    list_audit_events                             cloudtrail:LookupEvents

``principal=None`` is the operator (the ``marketplace`` command): no permission is checked and
``organization_id`` must be given. Checks run in the order of :mod:`.accounts`: permission
(403), input (400, every bad field at once), existence (404), state (409). Every change writes
its audit event in the same transaction.

The configuration's use cases live here, the connections' in :mod:`.connections`
(re-exported here, so that callers import one module).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from marketplace.domain.accounts import Principal
from marketplace.domain.audit import AuditEventName, JsonValue
from marketplace.domain.errors import ConflictError, FieldError, NotFoundError, ValidationError
from marketplace.domain.policies import ACTIONS
from marketplace.domain.procurement import ProcurementConfiguration, ProcurementSystem
from marketplace.services import audit_log, procurement_checks
from marketplace.services.audit_log import AuditPage
from marketplace.services.clock import utcnow
from marketplace.services.connections import (
    DEFAULT_SECRET_GRACE,
    MAX_SECRET_GRACE,
    ConnectionDetails,
    ConnectionRequest,
    NewConnection,
    RotatedSecret,
    create_connection,
    disable_connection,
    enable_connection,
    get_connection,
    list_connections,
    purchase_information,
    rotate_secret,
)
from marketplace.services.ports import Clock, UnitOfWork
from marketplace.services.procurement_common import (
    NOT_SET_UP,
    organization_for,
    record,
    require_organization,
)
from marketplace.services.purchase_information import (
    CXML_PATHS,
    PurchaseInformation,
    PurchaseInformationItem,
)
from marketplace.services.validation import Checks

__all__ = [
    "CXML_PATHS",
    "DEFAULT_SECRET_GRACE",
    "MAX_SECRET_GRACE",
    "AuditPage",
    "ConfigurationChange",
    "ConnectionDetails",
    "ConnectionRequest",
    "NewConnection",
    "PurchaseInformation",
    "PurchaseInformationItem",
    "RotatedSecret",
    "create_connection",
    "describe_configuration",
    "disable_connection",
    "enable_connection",
    "find_configuration",
    "get_connection",
    "list_audit_events",
    "list_connections",
    "purchase_information",
    "put_configuration",
    "rotate_secret",
]


# -- inputs and answers ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConfigurationChange:
    """A Put of the configuration: ``system`` and ``name`` always; None keeps the stored value
    (or the default on the first Put: test mode on, everything else off)."""

    system: str
    name: str
    description: str | None = None
    enable_redirect: bool | None = None
    test_mode: bool | None = None
    preapprove_free: bool | None = None
    preapprove_byol: bool | None = None
    billing_integration: bool | None = None


# -- configuration ---------------------------------------------------------------------------


def put_configuration(
    uow: UnitOfWork,
    principal: Principal | None,
    change: ConfigurationChange,
    *,
    organization_id: str | None = None,
    source: str = "api",
    clock: Clock = utcnow,
) -> ProcurementConfiguration:
    """Create or update the organization's configuration (audited when something changed).

    Turning billing integration on creates the purchase-order role (once; audited as
    ``CreateServiceLinkedRole``). Ariba has no redirect (``enable_redirect`` true is a field
    error) and starts in test mode: only the operator (``principal=None``) takes an Ariba
    integration out of it. The system cannot change while connections of the other system
    exist (409).
    """
    org_id = organization_for(principal, organization_id, ACTIONS.PUT_PROCUREMENT_CONFIGURATION)
    checks = Checks()
    system = procurement_checks.check_system(checks, change.system)
    name = checks.name("name", change.name)
    description = procurement_checks.description(checks, change.description)
    flags = {
        field: procurement_checks.check_flag(checks, field, getattr(change, field))
        for field in _FLAGS
    }
    if system is ProcurementSystem.ARIBA and flags["enable_redirect"]:
        checks.fail("enable_redirect", "SAP Ariba has no redirect: punchouts start in Ariba.")
    checks.done()
    assert system is not None
    with uow:
        require_organization(uow, org_id)
        current = uow.procurement.get_configuration(org_id, for_update=True)
        if principal is not None and system is ProcurementSystem.ARIBA:
            _check_ariba_test_mode(current, flags["test_mode"])
        if current is not None and current.system is not system:
            _require_no_connections_of_other_system(uow, org_id, system)
        now = clock()
        updated = _apply(current, org_id, system, name, description, flags, now)
        if current is not None and _settings(current) == _settings(updated):
            return current
        uow.procurement.save_configuration(updated)
        record(
            uow,
            principal,
            updated,
            AuditEventName.PUT_CONFIGURATION,
            now,
            source,
            request=_change_parameters(change),
            changes=audit_log.diff(_settings(current) if current else {}, _settings(updated)),
        )
        if updated.purchase_order_role and not (current and current.purchase_order_role):
            record(
                uow,
                principal,
                updated,
                AuditEventName.CREATE_PURCHASE_ORDER_ROLE,
                now,
                source,
                request={"role_name": updated.purchase_order_role},
            )
        uow.commit()
    return updated


_FLAGS = (
    "enable_redirect",
    "test_mode",
    "preapprove_free",
    "preapprove_byol",
    "billing_integration",
)


def _apply(
    current: ProcurementConfiguration | None,
    org_id: str,
    system: ProcurementSystem,
    name: str,
    description: str | None,
    flags: dict[str, bool | None],
    now: dt.datetime,
) -> ProcurementConfiguration:
    base = current or ProcurementConfiguration(
        organization_id=org_id,
        system=system,
        name=name,
        created_at=now,
        updated_at=now,
        version=0,
    )
    values: dict[str, bool] = {
        field: bool(getattr(base, field) if flags[field] is None else flags[field])
        for field in _FLAGS
    }
    redirect_paused = base.redirect_paused and flags["enable_redirect"] is None
    if system is ProcurementSystem.ARIBA:
        values["enable_redirect"], redirect_paused = False, False
    role_at = base.purchase_order_role_created_at or (
        now if values["billing_integration"] else None
    )
    return dataclasses.replace(
        base,
        system=system,
        name=name,
        description=base.description if description is None else description,
        redirect_paused=redirect_paused,
        purchase_order_role_created_at=role_at,
        updated_at=now,
        version=base.version + 1,
        enable_redirect=values["enable_redirect"],
        test_mode=values["test_mode"],
        preapprove_free=values["preapprove_free"],
        preapprove_byol=values["preapprove_byol"],
        billing_integration=values["billing_integration"],
    )


def _settings(configuration: ProcurementConfiguration | None) -> dict[str, JsonValue]:
    """The values a Put sets (what the audit log compares)."""
    if configuration is None:
        return {}
    return {
        "system": configuration.system.value,
        "name": configuration.name,
        "description": configuration.description,
        **{field: bool(getattr(configuration, field)) for field in _FLAGS},
        "purchase_order_role": configuration.purchase_order_role,
    }


def _change_parameters(change: ConfigurationChange) -> dict[str, JsonValue]:
    parameters: dict[str, JsonValue] = {}
    for field in dataclasses.fields(change):
        value = getattr(change, field.name)
        if value is not None:
            parameters[field.name] = value if isinstance(value, str | bool) else str(value)
    return parameters


def _check_ariba_test_mode(
    current: ProcurementConfiguration | None, test_mode: bool | None
) -> None:
    was_live = (
        current is not None and current.system is ProcurementSystem.ARIBA and not current.test_mode
    )
    if test_mode is False and not was_live:
        raise ValidationError(
            "Some fields are invalid.",
            (
                FieldError(
                    "test_mode",
                    "SAP Ariba integrations start in test mode. Once the Ariba test realm "
                    "works, the marketplace operator takes the integration to production.",
                ),
            ),
        )


def _require_no_connections_of_other_system(
    uow: UnitOfWork, org_id: str, system: ProcurementSystem
) -> None:
    others = [c for c in uow.procurement.list_connections(org_id) if c.system is not system]
    if others:
        raise ConflictError(
            f"The organization has {len(others)} {others[0].system.display_name} connection(s); "
            f"it cannot switch to {system.display_name}. Disable and keep them, or set up "
            f"{system.display_name} in another organization."
        )


def describe_configuration(
    uow: UnitOfWork, principal: Principal | None, *, organization_id: str | None = None
) -> ProcurementConfiguration:
    """The organization's configuration (404 until the first Put)."""
    found = find_configuration(uow, principal, organization_id=organization_id)
    if found is None:
        raise NotFoundError(NOT_SET_UP)
    return found


def find_configuration(
    uow: UnitOfWork, principal: Principal | None, *, organization_id: str | None = None
) -> ProcurementConfiguration | None:
    """Like :func:`describe_configuration`, but None until the first Put (for pages)."""
    org_id = organization_for(
        principal, organization_id, ACTIONS.DESCRIBE_PROCUREMENT_CONFIGURATION
    )
    with uow:
        return uow.procurement.get_configuration(org_id)


# -- audit -----------------------------------------------------------------------------------


def list_audit_events(
    uow: UnitOfWork,
    principal: Principal | None,
    *,
    limit: int = 50,
    next_token: str | None = None,
    organization_id: str | None = None,
) -> AuditPage:
    """The organization's audit events, newest first, ``limit`` (1 to 200) at a time."""
    org_id = organization_for(principal, organization_id, ACTIONS.LOOKUP_AUDIT_EVENTS)
    with uow:
        return audit_log.read_events(uow, org_id, limit=limit, next_token=next_token)
