"""``/api/v1/invoices`` (buyers read their invoices) and ``/api/v1/usage`` (sellers report
metered usage).

Invoices are read with an API key and ``aws-marketplace:ListAgreements``, with the scope of
agreements: the caller's account, the whole organization for the management account. Each
carries ``delivery_status``: where its cXML copy is (``pending``, ``delivered``, ``failed``,
``dead``), or ``not_sent`` when it does not go to the procurement system.

Usage is reported by a **seller**, not a buyer: ``Authorization: Bearer sk_…`` with a metering
key from ``marketplace seller key create`` (documented as ``x-authentication:
bearer-metering-key``). Each record is answered on its own (accepted, duplicate, or rejected
with the reason), so one bad record loses nothing else; a record id reported again is a
duplicate and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from marketplace.domain.accounts import Principal
from marketplace.domain.billing import InvoiceLine
from marketplace.domain.errors import AuthenticationError
from marketplace.domain.policies import ACTIONS
from marketplace.services import invoices, metering
from marketplace.web.api.routes import ActionRoute
from marketplace.web.api.schemas import ERROR_RESPONSES
from marketplace.web.deps import Require, get_database

__all__ = ["METERING_AUTHENTICATION", "metering_router", "router"]

METERING_AUTHENTICATION = "bearer-metering-key"
_STATUSES = ("accepted", "duplicate", "rejected")

router = APIRouter(tags=["billing"], route_class=ActionRoute, responses=ERROR_RESPONSES)
metering_router = APIRouter(tags=["metering"], responses=ERROR_RESPONSES)


class InvoiceLineBody(BaseModel):
    """One line of an invoice: what, how many, at what price, and the PO line it bills."""

    number: int
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    supplier_part_id: str
    purchase_order_line: int | None
    unit_of_measure: str

    @classmethod
    def of(cls, line: InvoiceLine) -> InvoiceLineBody:
        return cls(
            number=line.number,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.amount,
            supplier_part_id=line.supplier_part_id,
            purchase_order_line=line.purchase_order_line,
            unit_of_measure=line.unit_of_measure,
        )


class InvoiceBody(BaseModel):
    """An invoice or credit memo (negative amounts), and where its cXML copy is."""

    id: str
    number: str
    agreement_id: str
    account_id: str
    kind: str = Field(description="upfront, instalment, usage or credit_memo.")
    invoice_date: dt.date
    period_start: dt.date
    period_end: dt.date
    purchase_order_number: str | None = Field(
        description="Set when the organization's billing integration was on."
    )
    original_invoice_id: str | None = Field(description="The invoice a credit memo credits.")
    lines: list[InvoiceLineBody]
    subtotal: Decimal
    tax_rate: Decimal
    tax: Decimal
    total: Decimal
    currency: str
    product_id: str
    product_title: str
    cxml: bool = Field(description="Whether it goes to the procurement system as cXML.")
    delivery_status: str = Field(
        description="pending, delivered, failed or dead (its cXML copy), else not_sent."
    )
    created_at: dt.datetime

    @classmethod
    def of(cls, view: invoices.InvoiceView) -> InvoiceBody:
        invoice = view.invoice
        return cls(
            id=invoice.id,
            number=invoice.number,
            agreement_id=invoice.agreement_id,
            account_id=invoice.account_id,
            kind=invoice.kind.value,
            invoice_date=invoice.invoice_date,
            period_start=invoice.period_start,
            period_end=invoice.period_end,
            purchase_order_number=invoice.purchase_order_number,
            original_invoice_id=invoice.original_invoice_id,
            lines=[InvoiceLineBody.of(line) for line in invoice.lines],
            subtotal=invoice.subtotal,
            tax_rate=invoice.tax_rate,
            tax=invoice.tax,
            total=invoice.total,
            currency=invoice.currency,
            product_id=invoice.product_id,
            product_title=invoice.product_title,
            cxml=invoice.cxml,
            delivery_status=view.delivery_status,
            created_at=invoice.created_at,
        )


class InvoiceList(BaseModel):
    """Invoices, newest first."""

    items: list[InvoiceBody]


@router.get("/invoices", response_model=InvoiceList, operation_id="listInvoices")
def list_invoices(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ACTIONS.LIST_AGREEMENTS))],
) -> InvoiceList:
    """The invoices of the caller's account (the management account: every account's)."""
    found = invoices.list_invoices(get_database(request).unit_of_work(), principal)
    return InvoiceList(items=[InvoiceBody.of(view) for view in found])


@router.get("/invoices/{invoice_id}", response_model=InvoiceBody, operation_id="getInvoice")
def get_invoice(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ACTIONS.LIST_AGREEMENTS))],
    invoice_id: str,
) -> InvoiceBody:
    """One invoice the caller may see."""
    found = invoices.get_invoice(get_database(request).unit_of_work(), principal, invoice_id)
    return InvoiceBody.of(found)


# -- metering ---------------------------------------------------------------------------------

_metering_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="MeteringKey",
    description="A seller's metering key: `Authorization: Bearer sk_…`.",
)


def metering_seller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_metering_bearer)],
) -> str:
    """Dependency: the id of the seller whose metering key authenticates the request."""
    if credentials is None or not credentials.credentials:
        raise AuthenticationError("Send a metering key: Authorization: Bearer sk_….")
    return metering.authenticate_seller(
        get_database(request).unit_of_work(), credentials.credentials
    )


class UsageRecordBody(BaseModel):
    """One usage record: ``quantity`` units of a usage dimension of the agreement's offer."""

    id: str = Field(description="Your id for the record (1-128 characters, no spaces).")
    agreement_id: str
    dimension: str = Field(description="The key of a usage dimension of the offer.")
    quantity: Decimal = Field(description="Above 0, at most 10^12.")
    timestamp: dt.datetime = Field(description="When the usage happened, with a time zone.")

    def usage_input(self) -> metering.UsageInput:
        return metering.UsageInput(
            id=self.id,
            agreement_id=self.agreement_id,
            dimension=self.dimension,
            quantity=self.quantity,
            timestamp=self.timestamp,
        )


class UsageRequest(BaseModel):
    """A batch of usage records."""

    records: list[UsageRecordBody] = Field(min_length=1, max_length=metering.MAX_RECORDS)


class RecordResultBody(BaseModel):
    """What became of one record."""

    id: str
    status: str = Field(description="accepted, duplicate or rejected.")
    message: str = Field(description="Why a record was rejected (empty when accepted).")


class UsageResponse(BaseModel):
    """One result per record, in the order sent, and how many came to each status."""

    results: list[RecordResultBody]
    accepted: int
    duplicates: int
    rejected: int


@metering_router.post(
    "/usage",
    response_model=UsageResponse,
    operation_id="reportUsage",
    openapi_extra={"x-authentication": METERING_AUTHENTICATION},
)
def report_usage(
    request: Request,
    seller_id: Annotated[str, Depends(metering_seller)],
    body: UsageRequest,
) -> UsageResponse:
    """Report metered usage of pay-as-you-go agreements on your products (a seller's
    metering key, not an API key). A record id reported again is a duplicate."""
    results = metering.report_usage(
        get_database(request).unit_of_work(),
        seller_id,
        [record.usage_input() for record in body.records],
    )
    counts = {status: sum(r.status == status for r in results) for status in _STATUSES}
    return UsageResponse(
        results=[RecordResultBody(id=r.id, status=r.status, message=r.message) for r in results],
        accepted=counts["accepted"],
        duplicates=counts["duplicate"],
        rejected=counts["rejected"],
    )
