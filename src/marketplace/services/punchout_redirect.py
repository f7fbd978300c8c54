"""Request approval outside a punchout: where a user who browses the marketplace directly
is sent to start from their procurement system.

The rule (AWS Marketplace's "Enable redirect", reference §3.5): Coupa users may start
browsing on the marketplace; when their organization has redirect on and an enabled Coupa
connection with an approval redirect URL, **Request approval** sends them to that URL, which
opens a punchout from their Coupa. SAP Ariba users may not start here at all: their
requests can only be made from Ariba. Without a procurement configuration there is nothing
to redirect to (buying directly is another feature).
"""

from __future__ import annotations

from marketplace.domain.accounts import Principal
from marketplace.domain.errors import ConflictError
from marketplace.domain.policies import ACTIONS
from marketplace.domain.procurement import ProcurementSystem
from marketplace.services.permissions import authorize, is_allowed
from marketplace.services.ports import UnitOfWork

__all__ = [
    "ARIBA_ONLY",
    "NOT_CONFIGURED",
    "NO_REDIRECT",
    "direct_request_offered",
    "direct_request_target",
]

ARIBA_ONLY = "Start from SAP Ariba: requests can only be made from Ariba."
NO_REDIRECT = "Start from Coupa: open the marketplace from Coupa (Shop Online) to request approval."
NOT_CONFIGURED = "Your organization has not set up a procurement system to request approval in."


def direct_request_offered(uow: UnitOfWork, principal: Principal) -> bool:
    """True when a product page shows this user Request approval outside a punchout: they
    may subscribe and their organization has a procurement configuration."""
    if not is_allowed(principal, ACTIONS.SUBSCRIBE):
        return False
    with uow:
        configuration = uow.procurement.get_configuration(principal.organization.id)
    return configuration is not None


def direct_request_target(uow: UnitOfWork, principal: Principal) -> str:
    """The approval redirect URL to send the user to (see the module's rule).

    ``AccessDeniedError`` without the subscribe permission; ``ConflictError`` when the
    request cannot be made here: Ariba (:data:`ARIBA_ONLY`), Coupa without redirect or without
    an enabled connection that has a redirect URL (:data:`NO_REDIRECT`), no configuration.
    """
    authorize(principal, ACTIONS.SUBSCRIBE)
    organization_id = principal.organization.id
    with uow:
        configuration = uow.procurement.get_configuration(organization_id)
        connections = uow.procurement.list_connections(organization_id)
    if configuration is None:
        raise ConflictError(NOT_CONFIGURED)
    if configuration.system is ProcurementSystem.ARIBA:
        raise ConflictError(ARIBA_ONLY)
    if configuration.enable_redirect:
        for connection in connections:  # oldest first: the first one set up wins
            if (
                connection.enabled
                and connection.system is ProcurementSystem.COUPA
                and connection.approval_redirect_url
            ):
                return connection.approval_redirect_url
    raise ConflictError(NO_REDIRECT)
