"""Products' pricing model, result pages and the names buyers read."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.domain.catalog import (
    DeliveryMethod,
    Offer,
    PricingModel,
    Product,
    SearchPage,
    Seller,
)


def product(*offers: Offer) -> Product:
    return Product(
        id="prod-1",
        title="T",
        short_description="S",
        long_description="L",
        seller=Seller(id="seller-1", name="Seller"),
        categories=("Security",),
        delivery_method=DeliveryMethod.SAAS,
        offers=offers,
        created_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    )


def offer(model: PricingModel, *, default: bool) -> Offer:
    return Offer(id=f"o-{model.value}", product_id="prod-1", name="O", pricing_model=model,
                 is_default=default)  # fmt: skip


def test_a_product_is_listed_with_the_pricing_model_of_its_default_offer() -> None:
    listed = product(
        offer(PricingModel.FREE_TRIAL, default=False),
        offer(PricingModel.SAAS_CONTRACT, default=True),
    )

    assert listed.pricing_model is PricingModel.SAAS_CONTRACT


def test_without_a_default_offer_the_first_offer_decides() -> None:
    listed = product(
        offer(PricingModel.BYOL, default=False),
        offer(PricingModel.FREE, default=False),
    )

    assert listed.pricing_model is PricingModel.BYOL


@pytest.mark.parametrize(
    ("total", "page_size", "pages"),
    [(0, 20, 1), (1, 20, 1), (20, 20, 1), (21, 20, 2), (100_000, 100, 1000), (7, 1, 7)],
)
def test_a_result_page_counts_the_pages_of_its_search(
    total: int, page_size: int, pages: int
) -> None:
    assert SearchPage(items=(), total=total, page=1, page_size=page_size).pages == pages


def test_every_pricing_model_and_delivery_method_has_a_label() -> None:
    assert all(model.label for model in PricingModel)
    assert all(method.label for method in DeliveryMethod)
    assert PricingModel.FLEXIBLE_PAYMENT.label == "Contract with flexible payment schedule"
