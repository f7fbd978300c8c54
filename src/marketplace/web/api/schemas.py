"""The JSON API's bodies, as pydantic models built from domain values.

Money is a decimal string (``"1200.00"``) with its ISO currency, never a float.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from marketplace.domain.accounts import Account, ApiKey, Organization, Principal
from marketplace.domain.catalog import Dimension, Offer, Product, ProductSummary, SearchPage


class FieldProblem(BaseModel):
    """One bad field of a request."""

    field: str
    message: str


class ErrorDetail(BaseModel):
    """What went wrong: a stable code, a message for people, and the bad fields if any."""

    code: str = Field(description="validation_error, unauthenticated, access_denied, …")
    message: str
    fields: list[FieldProblem]


class ErrorBody(BaseModel):
    """Every error answer of the API."""

    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Invalid request; `fields` names each problem."},
    401: {"model": ErrorBody, "description": "No API key, or one that is unknown or revoked."},
    403: {"model": ErrorBody, "description": "The key's policies do not allow the action."},
    404: {"model": ErrorBody, "description": "Not found, or not in the caller's organization."},
    # Also keeps FastAPI from documenting a 422: malformed requests are 400s here.
    "4XX": {"model": ErrorBody, "description": "Any other client error (409, 429, …)."},
}


class ProductHit(BaseModel):
    """A product in search results."""

    id: str
    title: str
    short_description: str
    seller: str
    categories: list[str]
    delivery_method: str
    pricing_model: str
    starting_price: str | None = Field(description="Lowest unit price, a decimal string.")
    currency: str
    url: str = Field(description="The product's page on the marketplace.")

    @classmethod
    def of(cls, hit: ProductSummary, url: str) -> ProductHit:
        return cls(
            id=hit.id,
            title=hit.title,
            short_description=hit.short_description,
            seller=hit.seller_name,
            categories=list(hit.categories),
            delivery_method=hit.delivery_method.value,
            pricing_model=hit.pricing_model.value,
            starting_price=None if hit.starting_price is None else str(hit.starting_price),
            currency=hit.currency,
            url=url,
        )


class ProductList(BaseModel):
    """One page of search results."""

    items: list[ProductHit]
    total: int
    total_is_exact: bool  # False: there are more than ``total`` hits (counting stopped)
    page: int
    page_size: int
    pages: int
    facets: dict[str, dict[str, int]]

    @classmethod
    def of(cls, results: SearchPage, items: list[ProductHit]) -> ProductList:
        return cls(
            items=items,
            total=results.total,
            total_is_exact=results.total_is_exact,
            page=results.page,
            page_size=results.page_size,
            pages=results.pages,
            facets=results.facets,
        )


class DimensionBody(BaseModel):
    """A priced unit of an offer (contract prices are per unit per month)."""

    key: str
    name: str
    unit: str
    kind: str
    price: str

    @classmethod
    def of(cls, dimension: Dimension) -> DimensionBody:
        return cls(
            key=dimension.key,
            name=dimension.name,
            unit=dimension.unit,
            kind=dimension.kind.value,
            price=str(dimension.price),
        )


class InstalmentBody(BaseModel):
    """One payment of a flexible payment schedule."""

    month_offset: int
    amount: str


class OfferBody(BaseModel):
    """A way to buy a product."""

    id: str
    name: str
    pricing_model: str
    currency: str
    dimensions: list[DimensionBody]
    durations: list[int] = Field(description="Contract durations offered, in months.")
    instalments: list[InstalmentBody]
    trial_days: int
    is_default: bool

    @classmethod
    def of(cls, offer: Offer) -> OfferBody:
        return cls(
            id=offer.id,
            name=offer.name,
            pricing_model=offer.pricing_model.value,
            currency=offer.currency,
            dimensions=[DimensionBody.of(d) for d in offer.dimensions],
            durations=list(offer.durations),
            instalments=[
                InstalmentBody(month_offset=i.month_offset, amount=str(i.amount))
                for i in offer.instalments
            ],
            trial_days=offer.trial_days,
            is_default=offer.is_default,
        )


class SellerBody(BaseModel):
    """Who sells a product."""

    id: str
    name: str


class ProductBody(BaseModel):
    """A product with every offer."""

    id: str
    title: str
    short_description: str
    long_description: str
    seller: SellerBody
    categories: list[str]
    delivery_method: str
    pricing_model: str = Field(description="The pricing model of the default offer.")
    offers: list[OfferBody]
    url: str = Field(description="The product's page on the marketplace.")

    @classmethod
    def of(cls, product: Product, url: str) -> ProductBody:
        return cls(
            id=product.id,
            title=product.title,
            short_description=product.short_description,
            long_description=product.long_description,
            seller=SellerBody(id=product.seller.id, name=product.seller.name),
            categories=list(product.categories),
            delivery_method=product.delivery_method.value,
            pricing_model=product.pricing_model.value,
            offers=[OfferBody.of(o) for o in product.offers],
            url=url,
        )


class AccountBody(BaseModel):
    """An account of an organization."""

    id: str = Field(description="12 digits.")
    name: str
    kind: str = Field(description='"management" or "member".')
    organization_id: str
    created_at: dt.datetime

    @classmethod
    def of(cls, account: Account) -> AccountBody:
        return cls(
            id=account.id,
            name=account.name,
            kind=account.kind.value,
            organization_id=account.organization_id,
            created_at=account.created_at,
        )


class AccountList(BaseModel):
    """The organization's accounts."""

    items: list[AccountBody]


class OrganizationBody(BaseModel):
    """An organization with its accounts."""

    id: str
    name: str
    management_account_id: str
    created_at: dt.datetime
    accounts: list[AccountBody]

    @classmethod
    def of(cls, organization: Organization, accounts: list[AccountBody]) -> OrganizationBody:
        return cls(
            id=organization.id,
            name=organization.name,
            management_account_id=organization.management_account_id,
            created_at=organization.created_at,
            accounts=accounts,
        )


class NewAccountRequest(BaseModel):
    """A member account to create, with its first administrator."""

    model_config = ConfigDict(extra="forbid")

    name: str
    admin_email: str
    admin_name: str | None = None


class NewAccountBody(BaseModel):
    """The created account and its administrator's API key (shown this once only)."""

    account_id: str
    api_key: str
    admin_user_id: str
    account: AccountBody


class UserBody(BaseModel):
    """The caller."""

    id: str
    email: str
    name: str
    policies: list[str]


class OrganizationRef(BaseModel):
    """The caller's organization, without its accounts."""

    id: str
    name: str
    management_account_id: str


class MeBody(BaseModel):
    """Who the API key belongs to."""

    user: UserBody
    account: AccountBody
    organization: OrganizationRef

    @classmethod
    def of(cls, principal: Principal) -> MeBody:
        user, org = principal.user, principal.organization
        return cls(
            user=UserBody(id=user.id, email=user.email, name=user.name, policies=[*user.policies]),
            account=AccountBody.of(principal.account),
            organization=OrganizationRef(
                id=org.id, name=org.name, management_account_id=org.management_account_id
            ),
        )


class ApiKeyBody(BaseModel):
    """An API key of the caller, without the key itself (it is never shown again)."""

    id: str
    prefix: str = Field(description="Identifies the key: it starts with mk_<prefix>_.")
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    active: bool

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyBody:
        return cls(
            id=key.id,
            prefix=key.prefix,
            created_at=key.created_at,
            revoked_at=key.revoked_at,
            active=key.active,
        )


class ApiKeyList(BaseModel):
    """The caller's API keys, revoked ones included, oldest first."""

    items: list[ApiKeyBody]


class NewApiKeyBody(BaseModel):
    """A new API key; ``api_key`` is shown this once only (only its hash is stored)."""

    id: str
    prefix: str
    api_key: str
    created_at: dt.datetime
