"""Sellers, products and their offers; search queries and result pages.

Money is :class:`~decimal.Decimal` with an ISO currency, never a float. A product has one or
more offers, each with a pricing model:

========================  ==================================================================
``FREE``                  no charge
``FREE_TRIAL``            free for ``trial_days``, then the offer's dimensions apply
``BYOL``                  bring your own licence: no charge through the marketplace
``SAAS_CONTRACT``         upfront for a duration (1, 12, 24 or 36 months), per contract dimension
``SAAS_SUBSCRIPTION``     pay-as-you-go: usage dimensions billed monthly
``FLEXIBLE_PAYMENT``      a contract paid in instalments on their dates
``SERVER_ANNUAL``         server software: hourly usage, or an annual price per instance type
========================  ==================================================================
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from decimal import Decimal

__all__ = [
    "CONTRACT_DURATIONS",
    "SEARCH_COUNT_LIMIT",
    "DeliveryMethod",
    "Dimension",
    "DimensionKind",
    "Instalment",
    "Offer",
    "PricingModel",
    "Product",
    "ProductSummary",
    "SearchPage",
    "SearchQuery",
    "Seller",
]

CONTRACT_DURATIONS = (1, 12, 24, 36)


class PricingModel(enum.Enum):
    """How an offer is priced (see the module docstring)."""

    FREE = "free"
    FREE_TRIAL = "free_trial"
    BYOL = "byol"
    SAAS_CONTRACT = "saas_contract"
    SAAS_SUBSCRIPTION = "saas_subscription"
    FLEXIBLE_PAYMENT = "flexible_payment"
    SERVER_ANNUAL = "server_annual"

    @property
    def label(self) -> str:
        """The name a buyer reads."""
        return _PRICING_LABELS[self]


_PRICING_LABELS = {
    PricingModel.FREE: "Free",
    PricingModel.FREE_TRIAL: "Free trial",
    PricingModel.BYOL: "Bring your own license",
    PricingModel.SAAS_CONTRACT: "SaaS contract",
    PricingModel.SAAS_SUBSCRIPTION: "SaaS subscription (pay as you go)",
    PricingModel.FLEXIBLE_PAYMENT: "Contract with flexible payment schedule",
    PricingModel.SERVER_ANNUAL: "Server annual",
}


class DeliveryMethod(enum.Enum):
    """How the software reaches the buyer."""

    SAAS = "saas"
    SERVER = "server"
    CONTAINER = "container"
    PROFESSIONAL_SERVICES = "professional_services"
    ML_MODEL = "ml_model"

    @property
    def label(self) -> str:
        """The name a buyer reads."""
        return _DELIVERY_LABELS[self]


_DELIVERY_LABELS = {
    DeliveryMethod.SAAS: "SaaS",
    DeliveryMethod.SERVER: "Server (machine image)",
    DeliveryMethod.CONTAINER: "Container",
    DeliveryMethod.PROFESSIONAL_SERVICES: "Professional services",
    DeliveryMethod.ML_MODEL: "Machine learning model",
}


class DimensionKind(enum.Enum):
    """Whether a dimension is bought upfront (contract) or metered (usage)."""

    CONTRACT = "contract"
    USAGE = "usage"


@dataclass(frozen=True, slots=True, kw_only=True)
class Dimension:
    """A priced unit of an offer: ``price`` per ``unit`` (per month for contract dimensions)."""

    key: str
    name: str
    unit: str
    price: Decimal
    kind: DimensionKind


@dataclass(frozen=True, slots=True, kw_only=True)
class Instalment:
    """One payment of a flexible payment schedule, due ``month_offset`` months after start."""

    month_offset: int
    amount: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Offer:
    """A way to buy a product: a pricing model, its dimensions and terms."""

    id: str
    product_id: str
    name: str
    pricing_model: PricingModel
    currency: str = "USD"
    dimensions: tuple[Dimension, ...] = ()
    durations: tuple[int, ...] = ()
    instalments: tuple[Instalment, ...] = ()
    trial_days: int = 0
    is_default: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Seller:
    """Who sells a product."""

    id: str
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Product:
    """A listing: what it is, who sells it, how it is delivered, and its offers."""

    id: str
    title: str
    short_description: str
    long_description: str
    seller: Seller
    categories: tuple[str, ...]
    delivery_method: DeliveryMethod
    offers: tuple[Offer, ...]
    created_at: dt.datetime

    @property
    def pricing_model(self) -> PricingModel:
        """The pricing model of the default (first) offer."""
        for offer in self.offers:
            if offer.is_default:
                return offer.pricing_model
        return self.offers[0].pricing_model


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductSummary:
    """A search hit: enough to list a product without loading its offers."""

    id: str
    title: str
    short_description: str
    seller_name: str
    categories: tuple[str, ...]
    delivery_method: DeliveryMethod
    pricing_model: PricingModel
    starting_price: Decimal | None
    currency: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchQuery:
    """Free text plus filters, and the page wanted (1-based)."""

    text: str = ""
    pricing_model: PricingModel | None = None
    delivery_method: DeliveryMethod | None = None
    category: str | None = None
    page: int = 1
    page_size: int = 20


# Searches count their hits exactly up to this many; past it the total is "at least this".
SEARCH_COUNT_LIMIT = 5_000


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchPage:
    """One page of results, best first, with the total number of hits.

    ``total_is_exact`` is False when the search stopped counting at ``SEARCH_COUNT_LIMIT``:
    ``total`` is then that limit (there are more hits), and there are no pages past it.
    """

    items: tuple[ProductSummary, ...]
    total: int
    page: int
    page_size: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    total_is_exact: bool = True

    @property
    def pages(self) -> int:
        """How many pages there are (at least 1)."""
        return max(1, -(-self.total // self.page_size))
