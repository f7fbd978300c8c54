"""Sellers, products and offers: stored in bulk, read back exactly (money to the last digit)."""

from __future__ import annotations

from decimal import Decimal

import pytest
import storage_builders as build

from marketplace.domain.catalog import DeliveryMethod, PricingModel, Product, SearchQuery
from marketplace.domain.errors import ConflictError
from marketplace.services.demo import generate_products, generate_sellers
from marketplace.storage.database import Database

pytestmark = pytest.mark.integration


def _store(database: Database, *products: Product) -> None:
    with database.unit_of_work() as uow:
        uow.catalog.add_products(products)
        uow.commit()


def test_a_product_with_every_kind_of_offer_round_trips_exactly(database: Database) -> None:
    product = build.product("prod-offers", offers=build.every_kind_of_offer("prod-offers"))
    _store(database, product)

    with database.unit_of_work() as uow:
        stored = uow.catalog.get_product("prod-offers")

    assert stored == product
    assert stored is not None
    prices = [str(d.price) for offer in stored.offers for d in offer.dimensions]
    assert prices == [str(d.price) for offer in product.offers for d in offer.dimensions]
    assert "1E+3" in prices
    assert "1E-7" in prices
    assert stored.pricing_model is PricingModel.FLEXIBLE_PAYMENT


def test_generated_products_round_trip(database: Database) -> None:
    products = list(generate_products(60))
    with database.unit_of_work() as uow:
        uow.catalog.add_sellers(generate_sellers())
        assert uow.catalog.add_products(iter(products)) == 60
        uow.commit()

    with database.unit_of_work() as uow:
        assert [uow.catalog.get_product(p.id) for p in products] == products
        assert uow.catalog.count_products() == 60


def test_an_unknown_product_is_none(database: Database) -> None:
    with database.unit_of_work() as uow:
        assert uow.catalog.get_product("prod-unknown") is None


def test_a_product_already_stored_is_a_conflict_and_nothing_of_the_batch_is_kept(
    database: Database,
) -> None:
    _store(database, build.product("prod-1"))

    with database.unit_of_work() as uow:
        with pytest.raises(ConflictError, match="prod-1"):
            uow.catalog.add_products([build.product("prod-2"), build.product("prod-1")])
        uow.commit()

    with database.unit_of_work() as uow:
        assert uow.catalog.get_product("prod-2") is None
        assert uow.catalog.count_products() == 1


def test_the_same_product_twice_in_one_batch_is_a_conflict(database: Database) -> None:
    with database.unit_of_work() as uow, pytest.raises(ConflictError, match="prod-1"):
        uow.catalog.add_products([build.product("prod-1"), build.product("prod-1")])


def test_sellers_are_stored_with_their_products_and_keep_their_first_name(
    database: Database,
) -> None:
    renamed = build.seller(name="Northwind Renamed")
    with database.unit_of_work() as uow:
        uow.catalog.add_sellers([build.seller()])
        uow.catalog.add_sellers([renamed])
        uow.catalog.add_products([build.product("prod-1", seller=renamed)])
        uow.commit()

    with database.unit_of_work() as uow:
        stored = uow.catalog.get_product("prod-1")
    assert stored is not None
    assert stored.seller == build.seller()


def test_categories_are_counted_most_used_first(database: Database) -> None:
    _store(
        database,
        build.product("prod-1", categories=("Security", "DevOps")),
        build.product("prod-2", categories=("Security",)),
        build.product("prod-3", categories=("Databases", "Security", "Databases")),
        build.product("prod-4", categories=()),
    )

    with database.unit_of_work() as uow:
        assert uow.catalog.categories() == (("Security", 3), ("Databases", 1), ("DevOps", 1))
        assert uow.catalog.count_products() == 4
        stored = uow.catalog.get_product("prod-3")
    assert stored is not None
    assert stored.categories == ("Databases", "Security")


def test_an_empty_catalog_has_no_products_and_no_categories(database: Database) -> None:
    with database.unit_of_work() as uow:
        assert uow.catalog.count_products() == 0
        assert uow.catalog.categories() == ()


def test_thousands_of_products_are_stored_in_one_call(database: Database) -> None:
    with database.unit_of_work() as uow:
        added = uow.catalog.add_products(generate_products(2500))
        uow.commit()

    with database.unit_of_work() as uow:
        assert added == uow.catalog.count_products() == 2500
        assert sum(count for _, count in uow.catalog.categories()) >= 2500


def test_summaries_show_the_default_offer_and_its_lowest_price(database: Database) -> None:
    product = build.product(
        "prod-1",
        delivery_method=DeliveryMethod.CONTAINER,
        offers=build.every_kind_of_offer("prod-1"),
    )
    _store(database, product)

    with database.unit_of_work() as uow:
        (summary,) = uow.catalog.search(SearchQuery()).items

    assert summary.id == "prod-1"
    assert summary.seller_name == "Northwind Software"
    assert summary.categories == ("DevOps", "Monitoring")
    assert summary.delivery_method is DeliveryMethod.CONTAINER
    assert summary.pricing_model is PricingModel.FLEXIBLE_PAYMENT
    assert summary.starting_price == Decimal("99999999999.99")
    assert summary.currency == "USD"


def test_a_product_is_found_by_any_of_its_offers(database: Database) -> None:
    with database.unit_of_work() as uow:
        uow.catalog.add_products([build.product("prod-1"), build.product("prod-2")])
        uow.commit()

    with database.unit_of_work() as uow:
        found = uow.catalog.get_product_by_offer("offer-prod-2")
        missing = uow.catalog.get_product_by_offer("offer-nope")

    assert found is not None
    assert found.id == "prod-2"
    assert missing is None
