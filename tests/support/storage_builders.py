"""Domain objects for the storage tests: builders of accounts, sellers, products and offers.

Builders take keyword overrides and fill in everything else with fixed values (no clock), so
a test states only what it is about. Larger catalogs come from the demo generator,
``marketplace.services.demo.generate_products``.

pytest puts ``tests/support`` on the import path, so tests say
``import storage_builders as build``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from marketplace.domain.accounts import Account, AccountKind, ApiKey, Organization, User
from marketplace.domain.catalog import (
    DeliveryMethod,
    Dimension,
    DimensionKind,
    Instalment,
    Offer,
    PricingModel,
    Product,
    Seller,
)
from marketplace.domain.outbox import DeliveryStatus, MessageKind, OutboxMessage

__all__ = [
    "WHEN",
    "account",
    "api_key",
    "every_kind_of_offer",
    "listing",
    "offer",
    "organization",
    "outbox_message",
    "product",
    "seller",
    "user",
]

WHEN = dt.datetime(2024, 5, 17, 9, 30, tzinfo=dt.UTC)


def organization(**overrides: Any) -> Organization:
    """An organization ``o-acme00001`` whose management account is ``111122223333``."""
    values: dict[str, Any] = {
        "id": "o-acme00001",
        "name": "Acme Corp",
        "management_account_id": "111122223333",
        "created_at": WHEN,
    }
    return Organization(**(values | overrides))


def account(**overrides: Any) -> Account:
    """The management account ``111122223333`` of ``o-acme00001``."""
    values: dict[str, Any] = {
        "id": "111122223333",
        "organization_id": "o-acme00001",
        "name": "Acme Management",
        "kind": AccountKind.MANAGEMENT,
        "created_at": WHEN,
    }
    return Account(**(values | overrides))


def user(**overrides: Any) -> User:
    """An administrator of account ``111122223333`` with two managed policies."""
    values: dict[str, Any] = {
        "id": "u-0123456789abcdef",
        "account_id": "111122223333",
        "email": "admin@acme.example",
        "name": "Ada Admin",
        "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
        "policies": ("AWSMarketplaceProcurementSystemAdminFullAccess", "MarketplaceBuyerAccess"),
        "created_at": WHEN,
    }
    return User(**(values | overrides))


def api_key(**overrides: Any) -> ApiKey:
    """An active API key of user ``u-0123456789abcdef``."""
    values: dict[str, Any] = {
        "id": "k-0123456789abcdef",
        "user_id": "u-0123456789abcdef",
        "prefix": "abcd1234",
        "key_hash": "9f" * 32,
        "created_at": WHEN,
    }
    return ApiKey(**(values | overrides))


def seller(**overrides: Any) -> Seller:
    """The seller ``seller-1``."""
    values: dict[str, Any] = {"id": "seller-1", "name": "Northwind Software"}
    return Seller(**(values | overrides))


def offer(product_id: str = "prod-1", **overrides: Any) -> Offer:
    """A default SaaS contract offer with two dimensions, priced to the cent and below."""
    values: dict[str, Any] = {
        "id": f"offer-{product_id}",
        "product_id": product_id,
        "name": "Standard contract",
        "pricing_model": PricingModel.SAAS_CONTRACT,
        "currency": "USD",
        "dimensions": (
            Dimension(
                key="seats",
                name="Seats",
                unit="seat",
                price=Decimal("12.5000"),
                kind=DimensionKind.CONTRACT,
            ),
            Dimension(
                key="api_calls",
                name="API calls",
                unit="1,000 calls",
                price=Decimal("0.000123456789"),
                kind=DimensionKind.USAGE,
            ),
        ),
        "durations": (1, 12, 24, 36),
    }
    return Offer(**(values | overrides))


def product(product_id: str = "prod-1", **overrides: Any) -> Product:
    """A SaaS product with one default contract offer; override any field."""
    values: dict[str, Any] = {
        "id": product_id,
        "title": "Observability Suite",
        "short_description": "Metrics, logs and traces in one place.",
        "long_description": "Collect telemetry from every service and alert on what matters.",
        "seller": seller(),
        "categories": ("DevOps", "Monitoring"),
        "delivery_method": DeliveryMethod.SAAS,
        "offers": (offer(product_id),),
        "created_at": WHEN,
    }
    return Product(**(values | overrides))


def listing(
    product_id: str,
    title: str,
    *,
    short_description: str = "Software for teams.",
    long_description: str = "It runs in the cloud.",
    seller_name: str = "Northwind Software",
    categories: tuple[str, ...] = ("DevOps",),
    delivery_method: DeliveryMethod = DeliveryMethod.SAAS,
    pricing_model: PricingModel = PricingModel.SAAS_CONTRACT,
) -> Product:
    """A small product for search tests: say only the words and filters that matter."""
    return product(
        product_id,
        title=title,
        short_description=short_description,
        long_description=long_description,
        seller=seller(id="seller-" + seller_name.lower().replace(" ", "-"), name=seller_name),
        categories=categories,
        delivery_method=delivery_method,
        offers=(offer(product_id, pricing_model=pricing_model),),
    )


def every_kind_of_offer(product_id: str = "prod-offers") -> tuple[Offer, ...]:
    """One offer per pricing model, with every optional field used and awkward amounts."""

    def dimension(key: str, price: str, kind: DimensionKind) -> Dimension:
        return Dimension(key=key, name=key.title(), unit="unit", price=Decimal(price), kind=kind)

    contract, usage = DimensionKind.CONTRACT, DimensionKind.USAGE
    terms: dict[PricingModel, dict[str, Any]] = {
        PricingModel.FREE: {},
        PricingModel.FREE_TRIAL: {
            "trial_days": 14,
            "dimensions": (dimension("requests", "0.0000001", usage),),
        },
        PricingModel.BYOL: {"currency": "EUR"},
        PricingModel.SAAS_CONTRACT: {
            "dimensions": (
                dimension("seats", "12.50", contract),
                dimension("admins", "1E+3", contract),
            ),
            "durations": (1, 12, 24, 36),
        },
        PricingModel.SAAS_SUBSCRIPTION: {
            "dimensions": (
                dimension("gb", "0.023000", usage),
                dimension("calls", "3.14159", usage),
            ),
        },
        PricingModel.FLEXIBLE_PAYMENT: {
            "dimensions": (dimension("seats", "99999999999.99", contract),),
            "durations": (12, 24),
            "instalments": (
                Instalment(month_offset=0, amount=Decimal("1000.005")),
                Instalment(month_offset=12, amount=Decimal("0.10")),
            ),
        },
        PricingModel.SERVER_ANNUAL: {
            "dimensions": (
                dimension("m5_large_hour", "0.096", usage),
                dimension("m5_large_year", "700", contract),
            ),
        },
    }
    return tuple(
        offer(
            product_id,
            id=f"offer-{product_id}-{model.value}",
            name=model.label,
            pricing_model=model,
            is_default=model is PricingModel.FLEXIBLE_PAYMENT,
            **({"dimensions": (), "durations": ()} | fields),
        )
        for model, fields in terms.items()
    )


def outbox_message(**overrides: Any) -> OutboxMessage:
    """A pending e-mail of organization ``org-1``, due at ``WHEN``."""
    values: dict[str, Any] = {
        "id": "msg-1",
        "kind": MessageKind.EMAIL,
        "organization_id": "org-1",
        "destination": "admin@acme.example",
        "subject": "Your subscription is available",
        "body": "",
        "status": DeliveryStatus.PENDING,
        "next_attempt_at": WHEN,
        "created_at": WHEN,
    }
    return OutboxMessage(**(values | overrides))
