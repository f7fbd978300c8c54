"""Reading agreements, purchase orders (test orders included) and subscription requests.

Who sees what: a user with ``aws-marketplace:ViewSubscriptions`` sees their account's
agreements and requests ("Your software"); the management account's users see every account
of the organization. ``aws-marketplace:ListAgreements`` is the JSON API's permission, with the
same scope. Purchase orders, test orders among them, are the procurement administrator's
(``DescribeProcurementSystemConfiguration``, management account).
"""

from __future__ import annotations

from collections.abc import Sequence

from marketplace.domain.accounts import Principal
from marketplace.domain.agreements import Agreement
from marketplace.domain.errors import NotFoundError
from marketplace.domain.orders import PurchaseOrder
from marketplace.domain.policies import ACTIONS
from marketplace.domain.punchout import SubscriptionRequest
from marketplace.services.permissions import authorize
from marketplace.services.ports import UnitOfWork

__all__ = ["get_agreement", "list_agreements", "list_orders", "list_requests"]

_LIMIT = 500


def _visible(principal: Principal, account_id: str, organization_id: str) -> bool:
    if organization_id != principal.organization.id:
        return False
    return principal.account.is_management or account_id == principal.account.id


def list_agreements(
    uow: UnitOfWork, principal: Principal, *, action: str = ACTIONS.LIST_AGREEMENTS
) -> tuple[Agreement, ...]:
    """The agreements the principal may see, newest first."""
    authorize(principal, action)
    with uow:
        found = uow.agreements.list_for_organization(principal.organization.id, limit=_LIMIT)
    return tuple(a for a in found if _visible(principal, a.account_id, a.organization_id))


def get_agreement(uow: UnitOfWork, principal: Principal, agreement_id: str) -> Agreement:
    """One agreement the principal may see (404 for any other)."""
    authorize(principal, ACTIONS.LIST_AGREEMENTS)
    with uow:
        agreement = uow.agreements.get(agreement_id)
    if agreement is None or not _visible(
        principal, agreement.account_id, agreement.organization_id
    ):
        raise NotFoundError(f"There is no agreement {agreement_id}.")
    return agreement


def list_requests(uow: UnitOfWork, principal: Principal) -> tuple[SubscriptionRequest, ...]:
    """The subscription requests the principal may see, newest first."""
    authorize(principal, ACTIONS.VIEW_SUBSCRIPTIONS)
    with uow:
        found = uow.punchout.list_requests(principal.organization.id, limit=_LIMIT)
    return tuple(r for r in found if _visible(principal, r.account_id, r.organization_id))


def list_orders(
    uow: UnitOfWork, principal: Principal, *, test: bool | None = None
) -> Sequence[PurchaseOrder]:
    """The organization's purchase orders (``test``: only test orders, or none of them)."""
    authorize(principal, ACTIONS.DESCRIBE_PROCUREMENT_CONFIGURATION)
    with uow:
        return tuple(uow.orders.list_orders(principal.organization.id, test=test, limit=_LIMIT))
