"""Catalog objects to table rows and back: products, their categories and offers.

An offer's dimensions and instalments are JSON text with every amount as its exact decimal
string (``"0.000123456789"``), so money comes back as the very same ``Decimal``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Row

from marketplace.domain.catalog import (
    DeliveryMethod,
    Dimension,
    DimensionKind,
    Instalment,
    Offer,
    PricingModel,
    Product,
    ProductSummary,
    Seller,
)
from marketplace.domain.errors import ValidationError

AnyRow = Row[*tuple[Any, ...]]

__all__ = [
    "AnyRow",
    "category_rows",
    "default_offer",
    "offer_from_row",
    "offer_rows",
    "product_from_rows",
    "product_row",
    "starting_price",
    "summary_from_row",
    "unique_categories",
]


def default_offer(product: Product) -> Offer:
    """The offer a product is listed with: the first marked default, else the first."""
    if not product.offers:
        raise ValidationError(f"product {product.id} has no offer")
    return next((offer for offer in product.offers if offer.is_default), product.offers[0])


def starting_price(offer: Offer) -> Decimal | None:
    """The lowest amount a buyer sees for ``offer``: its cheapest dimension, else its smallest
    instalment; None for offers without prices (free, BYOL)."""
    prices = [dimension.price for dimension in offer.dimensions]
    prices = prices or [instalment.amount for instalment in offer.instalments]
    return min(prices) if prices else None


def unique_categories(product: Product) -> tuple[str, ...]:
    """The product's categories, each once, in their order (a category is a set member)."""
    return tuple(dict.fromkeys(name for name in product.categories if name))


def product_row(product: Product) -> dict[str, Any]:
    """The ``products`` row of ``product`` (without ``pk``, which the database assigns)."""
    offer = default_offer(product)
    return {
        "id": product.id,
        "title": product.title,
        "short_description": product.short_description,
        "long_description": product.long_description,
        "seller_id": product.seller.id,
        "delivery_method": product.delivery_method.value,
        "pricing_model": offer.pricing_model.value,
        "starting_price": starting_price(offer),
        "currency": offer.currency,
        "created_at": product.created_at,
    }


def category_rows(pk: int, product: Product) -> list[dict[str, Any]]:
    """The ``product_categories`` rows of the product stored as ``pk``."""
    return [
        {"product_pk": pk, "position": position, "name": name}
        for position, name in enumerate(unique_categories(product))
    ]


def offer_rows(pk: int, product: Product) -> list[dict[str, Any]]:
    """The ``offers`` rows of the product stored as ``pk``."""
    return [
        {
            "id": offer.id,
            "product_pk": pk,
            "position": position,
            "name": offer.name,
            "pricing_model": offer.pricing_model.value,
            "currency": offer.currency,
            "trial_days": offer.trial_days,
            "is_default": offer.is_default,
            "durations": json.dumps(list(offer.durations)),
            "dimensions": json.dumps([_dimension_json(d) for d in offer.dimensions]),
            "instalments": json.dumps([_instalment_json(i) for i in offer.instalments]),
        }
        for position, offer in enumerate(product.offers)
    ]


def _dimension_json(dimension: Dimension) -> dict[str, str]:
    return {
        "key": dimension.key,
        "name": dimension.name,
        "unit": dimension.unit,
        "price": str(dimension.price),
        "kind": dimension.kind.value,
    }


def _instalment_json(instalment: Instalment) -> dict[str, Any]:
    return {"month_offset": instalment.month_offset, "amount": str(instalment.amount)}


def offer_from_row(row: AnyRow, product_id: str) -> Offer:
    """The offer of an ``offers`` row."""
    return Offer(
        id=row.id,
        product_id=product_id,
        name=row.name,
        pricing_model=PricingModel(row.pricing_model),
        currency=row.currency,
        dimensions=tuple(
            Dimension(
                key=item["key"],
                name=item["name"],
                unit=item["unit"],
                price=Decimal(item["price"]),
                kind=DimensionKind(item["kind"]),
            )
            for item in json.loads(row.dimensions)
        ),
        durations=tuple(json.loads(row.durations)),
        instalments=tuple(
            Instalment(month_offset=item["month_offset"], amount=Decimal(item["amount"]))
            for item in json.loads(row.instalments)
        ),
        trial_days=row.trial_days,
        is_default=row.is_default,
    )


def product_from_rows(
    row: AnyRow, categories: Iterable[str], offer_rows: Sequence[AnyRow]
) -> Product:
    """A product from its ``products`` row (with ``seller_name``), categories and offers."""
    return Product(
        id=row.id,
        title=row.title,
        short_description=row.short_description,
        long_description=row.long_description,
        seller=Seller(id=row.seller_id, name=row.seller_name),
        categories=tuple(categories),
        delivery_method=DeliveryMethod(row.delivery_method),
        offers=tuple(offer_from_row(offer, row.id) for offer in offer_rows),
        created_at=row.created_at,
    )


def summary_from_row(row: AnyRow, categories: Iterable[str]) -> ProductSummary:
    """A search hit from its ``products`` row (with ``seller_name``) and categories."""
    return ProductSummary(
        id=row.id,
        title=row.title,
        short_description=row.short_description,
        seller_name=row.seller_name,
        categories=tuple(categories),
        delivery_method=DeliveryMethod(row.delivery_method),
        pricing_model=PricingModel(row.pricing_model),
        starting_price=_decimal(row.starting_price),
        currency=row.currency,
    )


def _decimal(value: Decimal | str | None) -> Decimal | None:
    """A ``DecimalText`` value, whether SQLAlchemy converted it already or not (raw SQL)."""
    return value if value is None or isinstance(value, Decimal) else Decimal(value)
