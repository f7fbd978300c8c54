"""``/api/v1/agreements`` and ``/api/v1/subscription-requests``: what was bought, and asked for.

The caller sees their account's (the management account: the whole organization's).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from marketplace.domain.accounts import Principal
from marketplace.domain.agreements import Agreement
from marketplace.domain.policies import ACTIONS
from marketplace.domain.punchout import SubscriptionRequest
from marketplace.services import agreements
from marketplace.web.api.routes import ActionRoute
from marketplace.web.api.schemas import ERROR_RESPONSES
from marketplace.web.deps import Require, get_database

router = APIRouter(tags=["agreements"], route_class=ActionRoute, responses=ERROR_RESPONSES)


class ChargeBody(BaseModel):
    """One charge of an agreement or request."""

    kind: str
    label: str
    amount: Decimal
    due_month: int


class AgreementBody(BaseModel):
    """An agreement: product, offer, configuration, dates, payment model, purchase order."""

    id: str
    product_id: str
    product_title: str
    seller_name: str
    offer_id: str
    offer_name: str
    status: str
    payment_model: str
    pricing_model: str
    currency: str
    starts_on: dt.date
    ends_on: dt.date | None
    duration_months: int | None
    quantities: dict[str, int]
    charges: list[ChargeBody]
    purchase_order_number: str | None
    purchase_order_lines: list[int]
    order_version: int
    annual_pending: bool
    account_id: str
    user_id: str
    request_id: str
    created_at: dt.datetime
    cancelled_at: dt.datetime | None

    @classmethod
    def of(cls, agreement: Agreement, today: dt.date) -> AgreementBody:
        """The API's view of an agreement (an active one past its end reads as expired)."""
        return cls(
            id=agreement.id,
            product_id=agreement.product_id,
            product_title=agreement.product_title,
            seller_name=agreement.seller_name,
            offer_id=agreement.offer_id,
            offer_name=agreement.offer_name,
            status=agreement.status_on(today).value,
            payment_model=agreement.payment_model.value,
            pricing_model=agreement.pricing_model.value,
            currency=agreement.currency,
            starts_on=agreement.starts_on,
            ends_on=agreement.ends_on,
            duration_months=agreement.choice.duration_months,
            quantities=dict(agreement.choice.quantities),
            charges=[
                ChargeBody(kind=c.kind.value, label=c.label, amount=c.amount, due_month=c.due_month)
                for c in agreement.charges
            ],
            purchase_order_number=agreement.purchase_order_number,
            purchase_order_lines=list(agreement.purchase_order_lines),
            order_version=agreement.order_version,
            annual_pending=agreement.annual_pending,
            account_id=agreement.account_id,
            user_id=agreement.user_id,
            request_id=agreement.request_id,
            created_at=agreement.created_at,
            cancelled_at=agreement.cancelled_at,
        )


class AgreementList(BaseModel):
    """Agreements, newest first."""

    items: list[AgreementBody]


class RequestBody(BaseModel):
    """A subscription request and where it is."""

    id: str
    product_id: str
    product_title: str
    offer_id: str
    status: str
    total: Decimal
    currency: str
    test: bool
    created_at: dt.datetime

    @classmethod
    def of(cls, request: SubscriptionRequest) -> RequestBody:
        """The API's view of a request."""
        return cls(
            id=request.id,
            product_id=request.product_id,
            product_title=request.product_title,
            offer_id=request.offer_id,
            status=request.status.value,
            total=request.total,
            currency=request.currency,
            test=request.test,
            created_at=request.created_at,
        )


class RequestList(BaseModel):
    """Subscription requests, newest first."""

    items: list[RequestBody]


@router.get("/agreements", response_model=AgreementList, operation_id="listAgreements")
def list_agreements(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ACTIONS.LIST_AGREEMENTS))],
) -> AgreementList:
    """The agreements of the caller's account (the management account: every account's)."""
    found = agreements.list_agreements(get_database(request).unit_of_work(), principal)
    today = dt.datetime.now(dt.UTC).date()
    return AgreementList(items=[AgreementBody.of(a, today) for a in found])


@router.get("/agreements/{agreement_id}", response_model=AgreementBody, operation_id="getAgreement")
def get_agreement(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ACTIONS.LIST_AGREEMENTS))],
    agreement_id: str,
) -> AgreementBody:
    """One agreement the caller may see."""
    found = agreements.get_agreement(get_database(request).unit_of_work(), principal, agreement_id)
    return AgreementBody.of(found, dt.datetime.now(dt.UTC).date())


@router.get(
    "/subscription-requests", response_model=RequestList, operation_id="listSubscriptionRequests"
)
def list_requests(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ACTIONS.VIEW_SUBSCRIPTIONS))],
) -> RequestList:
    """The subscription requests of the caller's account (management: the organization's)."""
    found = agreements.list_requests(get_database(request).unit_of_work(), principal)
    return RequestList(items=[RequestBody.of(r) for r in found])
