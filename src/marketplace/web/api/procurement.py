"""``/api/v1/procurement-system-configuration``, ``/api/v1/procurement-connections`` and
``/api/v1/audit-events``: managing the organization's procurement system integration.

Each operation is a use case of :mod:`marketplace.services.procurement`; the route's
``Require`` checks the permission first, and the service checks it again (with the rest of
its rules: management account only, every bad field at once, then 404, then 409).
A shared secret appears in two answers only: creating a connection and rotating its secret.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request

from marketplace.domain.accounts import Principal
from marketplace.domain.policies import ACTIONS
from marketplace.services import procurement
from marketplace.web.api.procurement_schemas import (
    AuditEventList,
    ConfigurationBody,
    ConfigurationRequest,
    ConnectionBody,
    ConnectionDetailsBody,
    ConnectionList,
    NewConnectionBody,
    NewConnectionRequest,
    PurchaseInformationBody,
    RotatedSecretBody,
    RotateSecretRequest,
)
from marketplace.web.api.routes import ActionRoute
from marketplace.web.api.schemas import ERROR_RESPONSES
from marketplace.web.deps import Require, get_database, get_secret_box, get_settings

router = APIRouter(tags=["procurement"], route_class=ActionRoute, responses=ERROR_RESPONSES)

CONFIGURATION = "/procurement-system-configuration"
CONNECTIONS = "/procurement-connections"
CONNECTION = CONNECTIONS + "/{connection_id}"


@router.put(
    CONFIGURATION,
    response_model=ConfigurationBody,
    operation_id="putProcurementSystemConfiguration",
)
def put_configuration(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ACTIONS.PUT_PROCUREMENT_CONFIGURATION))],
    body: ConfigurationRequest,
) -> ConfigurationBody:
    """Create or update the organization's procurement system configuration (management
    account only). Omitted keys keep their value; on the first Put, test mode is on and
    everything else off."""
    configuration = procurement.put_configuration(
        get_database(request).unit_of_work(), principal, body.change(), source="api"
    )
    return ConfigurationBody.of(configuration)


@router.get(
    CONFIGURATION,
    response_model=ConfigurationBody,
    operation_id="describeProcurementSystemConfiguration",
)
def describe_configuration(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ACTIONS.DESCRIBE_PROCUREMENT_CONFIGURATION))],
) -> ConfigurationBody:
    """The organization's procurement system configuration (404 until the first Put)."""
    configuration = procurement.describe_configuration(
        get_database(request).unit_of_work(), principal
    )
    return ConfigurationBody.of(configuration)


@router.post(
    CONNECTIONS,
    response_model=NewConnectionBody,
    status_code=201,
    operation_id="createProcurementConnection",
)
def create_connection(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ACTIONS.CREATE_PORTAL_PREFERENCE))],
    body: NewConnectionRequest,
) -> NewConnectionBody:
    """Create a connection of the configured system (409 before the configuration exists).

    The answer holds the shared secret; it is never shown again.
    """
    created = procurement.create_connection(
        get_database(request).unit_of_work(),
        principal,
        body.request(),
        box=get_secret_box(request),
        source="api",
    )
    return NewConnectionBody.of_new(created)


@router.get(CONNECTIONS, response_model=ConnectionList, operation_id="listProcurementConnections")
def list_connections(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ACTIONS.LIST_PORTAL_PREFERENCES))],
) -> ConnectionList:
    """The organization's connections, oldest first (never their secrets)."""
    found = procurement.list_connections(get_database(request).unit_of_work(), principal)
    return ConnectionList(items=[ConnectionBody.of(connection) for connection in found])


@router.get(
    CONNECTION, response_model=ConnectionDetailsBody, operation_id="getProcurementConnection"
)
def get_connection(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ACTIONS.GET_PORTAL_PREFERENCE))],
    connection_id: str,
) -> ConnectionDetailsBody:
    """One connection of the organization and when its secret was set (never the secret)."""
    details = procurement.get_connection(
        get_database(request).unit_of_work(), principal, connection_id
    )
    return ConnectionDetailsBody.of_details(details)


@router.post(
    CONNECTION + "/enable",
    response_model=ConnectionBody,
    operation_id="enableProcurementConnection",
)
def enable_connection(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ACTIONS.PUT_PROCUREMENT_CONFIGURATION))],
    connection_id: str,
) -> ConnectionBody:
    """Accept punchouts and orders through the connection again; if redirect was paused
    because its last connection was disabled, this one's redirect URL turns it back on."""
    connection = procurement.enable_connection(
        get_database(request).unit_of_work(), principal, connection_id, source="api"
    )
    return ConnectionBody.of(connection)


@router.post(
    CONNECTION + "/disable",
    response_model=ConnectionBody,
    operation_id="disableProcurementConnection",
)
def disable_connection(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ACTIONS.PUT_PROCUREMENT_CONFIGURATION))],
    connection_id: str,
) -> ConnectionBody:
    """Refuse punchouts and orders through the connection (reversible). Disabling the last
    enabled connection with a redirect URL turns the organization's redirect off."""
    connection = procurement.disable_connection(
        get_database(request).unit_of_work(), principal, connection_id, source="api"
    )
    return ConnectionBody.of(connection)


@router.post(
    CONNECTION + "/rotate-secret",
    response_model=RotatedSecretBody,
    operation_id="rotateProcurementConnectionSecret",
)
def rotate_secret(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ACTIONS.PUT_PORTAL_PREFERENCE))],
    connection_id: str,
    body: Annotated[RotateSecretRequest | None, Body()] = None,
) -> RotatedSecretBody:
    """Give the connection a new shared secret (shown this once); the current one is still
    accepted for the grace period (a day unless given), older ones stop at once."""
    rotation = body or RotateSecretRequest()
    rotated = procurement.rotate_secret(
        get_database(request).unit_of_work(),
        principal,
        connection_id,
        box=get_secret_box(request),
        grace=rotation.grace,
        new_secret=rotation.new_secret,
        source="api",
    )
    return RotatedSecretBody.of(rotated)


@router.get(
    CONNECTION + "/purchase-information",
    response_model=PurchaseInformationBody,
    operation_id="getPurchaseInformation",
)
def get_purchase_information(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ACTIONS.DESCRIBE_PROCUREMENT_CONFIGURATION))],
    connection_id: str,
) -> PurchaseInformationBody:
    """The values the procurement system's administrator copies (punchout URL, order URL,
    credentials …), each with the cXML element it fills. The shared secret is not among
    them: it was shown when the connection was created."""
    information = procurement.purchase_information(
        get_database(request).unit_of_work(),
        principal,
        connection_id,
        base_url=get_settings(request).base_url,
    )
    return PurchaseInformationBody.of(information)


@router.get("/audit-events", response_model=AuditEventList, operation_id="listAuditEvents")
def list_audit_events(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ACTIONS.LOOKUP_AUDIT_EVENTS))],
    limit: Annotated[int, Query(ge=1, le=200, description="1 to 200.")] = 50,
    next_token: Annotated[
        str | None, Query(max_length=200, description="From the previous page.")
    ] = None,
) -> AuditEventList:
    """Changes to the organization's procurement integration, newest first (who, when, from
    which account, what changed; secrets and contacts hidden)."""
    page = procurement.list_audit_events(
        get_database(request).unit_of_work(), principal, limit=limit, next_token=next_token
    )
    return AuditEventList.of(page)
