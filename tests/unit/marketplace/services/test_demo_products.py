"""The demo catalog generator: deterministic, complete, and priced like a real marketplace."""

from __future__ import annotations

import re
import time
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.domain.catalog import (
    CONTRACT_DURATIONS,
    DeliveryMethod,
    DimensionKind,
    Offer,
    PricingModel,
)
from marketplace.domain.errors import ValidationError
from marketplace.services.demo import generate_products, generate_sellers
from marketplace.services.demo_families_apps import FAMILIES
from marketplace.services.demo_products import _sellers_for, product_id

CATALOG = list(generate_products(2_000))
OFFERS = [offer for product in CATALOG for offer in product.offers]
TOKEN = r"[a-z2-7]{13}"


def offers_of(model: PricingModel) -> list[Offer]:
    found = [offer for offer in OFFERS if offer.pricing_model is model]
    assert found, f"no {model} offer in the sample"
    return found


# --- determinism -----------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_catalog() -> None:
    assert list(generate_products(300)) == CATALOG[:300]


def test_another_seed_gives_another_catalog() -> None:
    other = list(generate_products(300, seed=8))

    assert not {p.id for p in other} & {p.id for p in CATALOG}
    assert [p.title for p in other] != [p.title for p in CATALOG[:300]]


@given(start=st.integers(0, 1_900), count=st.integers(0, 60))
@settings(max_examples=40, deadline=None)
def test_product_n_is_the_same_whatever_the_count_and_start(start: int, count: int) -> None:
    assert list(generate_products(count, start=start)) == CATALOG[start : start + count]


def test_a_product_far_into_the_catalog_needs_none_of_the_ones_before() -> None:
    (far,) = generate_products(1, start=99_999)

    assert far.id == product_id(7, 99_999)


def test_a_negative_count_or_start_is_refused() -> None:
    with pytest.raises(ValidationError):
        list(generate_products(-1))
    with pytest.raises(ValidationError):
        list(generate_products(1, start=-1))


# --- identifiers -----------------------------------------------------------------------------


def test_product_and_offer_ids_look_like_marketplace_ids_and_are_unique() -> None:
    product_ids = [p.id for p in CATALOG]
    offer_ids = [o.id for o in OFFERS]

    assert all(re.fullmatch(f"prod-{TOKEN}", i) for i in product_ids)
    assert all(re.fullmatch(f"offer-{TOKEN}", i) for i in offer_ids)
    assert len(set(product_ids)) == len(product_ids)
    assert len(set(offer_ids)) == len(offer_ids)


def test_ids_stay_unique_over_a_hundred_thousand_products() -> None:
    ids = {product_id(7, index) for index in range(100_000)}

    assert len(ids) == 100_000


# --- coverage --------------------------------------------------------------------------------


@given(start=st.integers(0, len(CATALOG) - 20))
def test_any_twenty_consecutive_products_show_every_pricing_model_and_delivery_method(
    start: int,
) -> None:
    window = CATALOG[start : start + 20]

    assert {p.pricing_model for p in window} == set(PricingModel)
    assert {p.delivery_method for p in window} == set(DeliveryMethod)


@given(seed=st.integers(0, 2**32), block=st.integers(0, 10_000))
@settings(max_examples=25, deadline=None)
def test_every_seed_covers_every_pricing_model_in_twenty_products(seed: int, block: int) -> None:
    window = list(generate_products(20, seed=seed, start=block * 7))

    assert {p.pricing_model for p in window} == set(PricingModel)
    assert {p.delivery_method for p in window} == set(DeliveryMethod)


def test_the_catalog_is_mostly_saas_like_a_real_marketplace() -> None:
    deliveries = Counter(p.delivery_method for p in CATALOG)

    assert deliveries.most_common(1)[0][0] is DeliveryMethod.SAAS


def test_some_products_carry_a_second_offer_that_is_not_the_default() -> None:
    several = [p for p in CATALOG if len(p.offers) > 1]

    assert 0.15 < len(several) / len(CATALOG) < 0.45
    for product in several:
        assert [o.is_default for o in product.offers] == [True, False]
        assert product.offers[0].pricing_model is not product.offers[1].pricing_model


# --- what a buyer reads ----------------------------------------------------------------------


def test_every_product_reads_like_a_listing() -> None:
    for product in CATALOG:
        assert product.title.strip() == product.title
        assert "  " not in product.title
        assert product.short_description[0].isupper()
        assert product.short_description.endswith(".")
        assert product.long_description.startswith(product.short_description)
        assert product.long_description.count("\n\n") == 2
        assert product.categories
        assert len(set(product.categories)) == len(product.categories)
        assert product.created_at.tzinfo is not None


def test_titles_are_varied() -> None:
    titles = Counter(p.title for p in CATALOG)

    assert len(titles) > 0.6 * len(CATALOG)
    assert titles.most_common(1)[0][1] <= 5


def test_products_are_spread_over_believable_categories() -> None:
    categories = Counter(c for p in CATALOG for c in p.categories)

    for expected in (
        "Security",
        "DevOps",
        "Data Analytics",
        "Machine Learning",
        "Storage & Backup",
        "Observability",
        "Databases",
        "Identity & Access",
        "Cost Management",
        "Professional Services",
    ):
        assert categories[expected] > 20, expected


def test_delivery_methods_fit_the_products() -> None:
    for product in CATALOG:
        if product.delivery_method is DeliveryMethod.PROFESSIONAL_SERVICES:
            assert product.categories[0] == "Professional Services"
        if product.delivery_method is DeliveryMethod.ML_MODEL:
            assert product.categories[0] == "Machine Learning"
        if product.pricing_model is PricingModel.SERVER_ANNUAL:
            assert product.delivery_method is DeliveryMethod.SERVER


def test_sellers_are_many_distinct_and_every_product_has_one_of_them() -> None:
    sellers = generate_sellers()

    assert len(sellers) >= 50
    assert len({s.id for s in sellers}) == len({s.name for s in sellers}) == len(sellers)
    assert all(re.fullmatch(f"seller-{TOKEN}", s.id) for s in sellers)
    assert {p.seller for p in CATALOG} <= set(sellers)
    assert generate_sellers(seed=12345) == sellers


# --- offers and prices -----------------------------------------------------------------------


def test_each_product_has_exactly_one_default_offer_and_owns_its_offers() -> None:
    for product in CATALOG:
        assert sum(o.is_default for o in product.offers) == 1
        assert all(o.product_id == product.id for o in product.offers)


def test_every_price_is_a_positive_decimal_with_two_decimals() -> None:
    amounts = [d.price for o in OFFERS for d in o.dimensions]
    amounts += [i.amount for o in OFFERS for i in o.instalments]

    assert amounts
    for amount in amounts:
        assert isinstance(amount, Decimal)
        assert amount > 0
        assert amount.as_tuple().exponent == -2


def test_dimension_keys_are_unique_within_an_offer() -> None:
    for offer in OFFERS:
        keys = [d.key for d in offer.dimensions]
        assert len(keys) == len(set(keys)), offer


@pytest.mark.parametrize("model", [PricingModel.FREE, PricingModel.BYOL])
def test_free_and_byol_offers_carry_no_price(model: PricingModel) -> None:
    for offer in offers_of(model):
        assert (offer.dimensions, offer.instalments, offer.durations) == ((), (), ())


def test_free_trials_last_a_number_of_days_then_bill_usage() -> None:
    for offer in offers_of(PricingModel.FREE_TRIAL):
        assert 7 <= offer.trial_days <= 30
        assert offer.dimensions
        assert {d.kind for d in offer.dimensions} == {DimensionKind.USAGE}
        assert f"{offer.trial_days}-day" in offer.name


def test_contracts_price_units_per_month_for_durations_buyers_can_pick() -> None:
    units: Counter[str] = Counter()
    for offer in offers_of(PricingModel.SAAS_CONTRACT):
        assert offer.dimensions
        assert {d.kind for d in offer.dimensions} == {DimensionKind.CONTRACT}
        assert offer.durations
        assert set(offer.durations) <= set(CONTRACT_DURATIONS)
        assert list(offer.durations) == sorted(set(offer.durations))
        units.update(d.unit for d in offer.dimensions)

    assert units["Users"] > 0
    assert units["Hosts"] > 0


def test_subscriptions_bill_usage_dimensions_only() -> None:
    for offer in offers_of(PricingModel.SAAS_SUBSCRIPTION):
        assert 1 <= len(offer.dimensions) <= 3
        assert {d.kind for d in offer.dimensions} == {DimensionKind.USAGE}
        assert offer.durations == ()


def test_flexible_payments_add_up_to_the_contract_total() -> None:
    for offer in offers_of(PricingModel.FLEXIBLE_PAYMENT):
        (months,) = offer.durations
        offsets = [i.month_offset for i in offer.instalments]
        total = sum((d.price for d in offer.dimensions), Decimal(0)) * months

        assert months in CONTRACT_DURATIONS
        assert {d.kind for d in offer.dimensions} == {DimensionKind.CONTRACT}
        assert len(offer.instalments) >= 2
        assert offsets[0] == 0
        assert offsets == sorted(set(offsets))
        assert offsets[-1] < months
        assert sum(i.amount for i in offer.instalments) == total


def test_server_annual_offers_price_each_instance_type_by_the_hour_and_by_the_year() -> None:
    for offer in offers_of(PricingModel.SERVER_ANNUAL):
        hourly = {
            d.name.removesuffix(" (hourly)"): d for d in offer.dimensions if "hourly" in d.key
        }
        annual = {
            d.name.removesuffix(" (annual)"): d for d in offer.dimensions if "annual" in d.key
        }

        assert hourly
        assert hourly.keys() == annual.keys()
        for instance_type, per_hour in hourly.items():
            per_year = annual[instance_type]
            assert per_hour.kind is DimensionKind.USAGE
            assert per_hour.unit == "Hours"
            assert per_year.kind is DimensionKind.CONTRACT
            assert per_year.price < per_hour.price * 8760  # the annual price saves money


# --- speed -----------------------------------------------------------------------------------


def test_generation_is_fast_enough_for_a_hundred_thousand_products() -> None:
    # CPU time, not wall time: other processes on the machine must not fail this test.
    started = time.process_time()
    generated = sum(1 for _ in generate_products(20_000, seed=99))
    elapsed = time.process_time() - started

    assert generated == 20_000
    assert elapsed < 2.0, (
        f"20,000 products took {elapsed:.2f} s (100,000 must stay well under 10 s)"
    )


def test_every_family_has_sellers() -> None:
    for family in FAMILIES:
        assert _sellers_for(family.key), family.key
