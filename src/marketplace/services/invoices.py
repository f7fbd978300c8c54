"""Reading invoices (credit memos included) with where their cXML copy is.

Who sees what: ``aws-marketplace:ListAgreements`` (the JSON API's permission for agreements)
shows the invoices of the caller's account, and of every account of the organization to the
management account's users, as for agreements. The procurement administrator's invoices page
(management account, ``DescribeProcurementSystemConfiguration``) shows the organization's.

An invoice's **delivery status** is the state of the outbox message that carries it to the
buyer's procurement system as a cXML InvoiceDetailRequest (``pending``, ``delivered``,
``failed``, ``dead``), or ``not_sent`` for an invoice that does not go out as cXML (usage,
test mode, no invoice endpoint, Ariba).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from marketplace.domain.accounts import Principal
from marketplace.domain.billing import Invoice
from marketplace.domain.errors import NotFoundError
from marketplace.domain.outbox import MessageKind
from marketplace.domain.policies import ACTIONS
from marketplace.services.permissions import authorize
from marketplace.services.ports import UnitOfWork

__all__ = [
    "NOT_SENT",
    "InvoiceView",
    "get_invoice",
    "get_organization_invoice",
    "list_invoices",
    "list_organization_invoices",
]

NOT_SENT = "not_sent"
_LIMIT = 500
_SLACK = 50  # invoice messages made after the newest invoice read
ORGANIZATION_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class InvoiceView:
    """An invoice and the delivery status of its cXML copy (``not_sent`` when it has none)."""

    invoice: Invoice
    delivery_status: str

    @property
    def message_id(self) -> str | None:
        """The outbox message carrying the invoice, if it goes out as cXML."""
        return self.invoice.message_id


def _visible(principal: Principal, invoice: Invoice) -> bool:
    if invoice.organization_id != principal.organization.id:
        return False
    return principal.account.is_management or invoice.account_id == principal.account.id


def _views(
    uow: UnitOfWork, organization_id: str, invoices: Sequence[Invoice]
) -> tuple[InvoiceView, ...]:
    """Each invoice of the organization with its delivery status (read in the caller's
    transaction): the organization's newest invoice messages in one read, then any older
    message one by one."""
    wanted = {i.message_id for i in invoices if i.message_id is not None}
    statuses: dict[str, str] = {}
    if len(wanted) > 1:
        recent = uow.outbox.list_messages(
            organization_id, kind=MessageKind.INVOICE, limit=len(wanted) + _SLACK
        )
        statuses = {m.id: m.status.value for m in recent if m.id in wanted}
    for message_id in wanted - statuses.keys():
        message = uow.outbox.get(message_id)
        statuses[message_id] = message.status.value if message is not None else NOT_SENT
    return tuple(
        InvoiceView(i, statuses[i.message_id] if i.message_id is not None else NOT_SENT)
        for i in invoices
    )


def list_invoices(
    uow: UnitOfWork, principal: Principal, *, limit: int = _LIMIT
) -> tuple[InvoiceView, ...]:
    """The invoices the principal may see, newest first."""
    authorize(principal, ACTIONS.LIST_AGREEMENTS)
    account_id = None if principal.account.is_management else principal.account.id
    with uow:
        found = uow.billing.list_invoices(
            principal.organization.id, account_id=account_id, limit=limit
        )
        return _views(uow, principal.organization.id, [i for i in found if _visible(principal, i)])


def get_invoice(uow: UnitOfWork, principal: Principal, invoice_id: str) -> InvoiceView:
    """One invoice the principal may see (404 for any other)."""
    authorize(principal, ACTIONS.LIST_AGREEMENTS)
    with uow:
        invoice = uow.billing.get_invoice(invoice_id)
        if invoice is None or not _visible(principal, invoice):
            raise NotFoundError(f"There is no invoice {invoice_id}.")
        (view,) = _views(uow, principal.organization.id, [invoice])
        return view


def list_organization_invoices(
    uow: UnitOfWork, principal: Principal, *, limit: int = ORGANIZATION_LIMIT
) -> tuple[InvoiceView, ...]:
    """The organization's invoices for its procurement administrator, newest first."""
    authorize(principal, ACTIONS.DESCRIBE_PROCUREMENT_CONFIGURATION)
    with uow:
        found = uow.billing.list_invoices(principal.organization.id, limit=limit)
        return _views(uow, principal.organization.id, found)


def get_organization_invoice(uow: UnitOfWork, principal: Principal, invoice_id: str) -> InvoiceView:
    """One invoice of the organization, for its procurement administrator."""
    authorize(principal, ACTIONS.DESCRIBE_PROCUREMENT_CONFIGURATION)
    with uow:
        invoice = uow.billing.get_invoice(invoice_id)
        if invoice is None or invoice.organization_id != principal.organization.id:
            raise NotFoundError(f"There is no invoice {invoice_id}.")
        (view,) = _views(uow, principal.organization.id, [invoice])
        return view
