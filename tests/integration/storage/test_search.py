"""Catalog search: matching, ranking, filters, facets and pages, on every backend."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
import storage_builders as build

from marketplace.domain.catalog import (
    DeliveryMethod,
    PricingModel,
    SearchPage,
    SearchQuery,
)
from marketplace.services.demo import generate_products
from marketplace.storage import search, search_sqlite
from marketplace.storage.database import Database

pytestmark = pytest.mark.integration

CONTAINER = DeliveryMethod.CONTAINER
FREE = PricingModel.FREE
SAAS = DeliveryMethod.SAAS
SERVER = DeliveryMethod.SERVER
SUBSCRIPTION = PricingModel.SAAS_SUBSCRIPTION

# Stored in this order: a later product is a newer one.
CATALOG = (
    build.listing("p-body", "Cloud Keeper", long_description="Rotates secrets every night."),
    build.listing("p-summary", "Harbor Guard", short_description="Keeps secrets out of logs."),
    build.listing(
        "p-title",
        "Vault Secrets Manager",
        categories=("Security",),
        delivery_method=CONTAINER,
        pricing_model=FREE,
    ),
    build.listing(
        "p-title-newer",
        "Secrets Scanner",
        categories=("Security", "DevOps"),
        delivery_method=SERVER,
        pricing_model=SUBSCRIPTION,
    ),
    build.listing("p-seller", "Ledger", seller_name="Secretsmith Labs", categories=("Finance",)),
    build.listing(
        "p-accents",
        "Café Résumé Builder",
        long_description="Builds Node.js apps; ISO-27001 certified; manages policies.",
        categories=("Business Applications",),
        delivery_method=SAAS,
        pricing_model=FREE,
    ),
    build.listing("p-databases", "Managed Databases", categories=("Databases",)),
    build.listing(
        "p-observability",
        "Pulse Observability Suite",
        short_description="The vault of your metrics.",
        categories=("Observability", "DevOps"),
        delivery_method=CONTAINER,
    ),
)


def _store(database: Database, products: Any) -> None:
    with database.unit_of_work() as uow:
        uow.catalog.add_products(products)
        uow.commit()


@pytest.fixture(params=["one scan", "a count per cell"])
def catalog(
    request: pytest.FixtureRequest, database: Database, monkeypatch: pytest.MonkeyPatch
) -> Database:
    """``CATALOG``, stored; SQLite counts hits either way it knows (the results must agree)."""
    if request.param == "a count per cell":
        monkeypatch.setattr(search_sqlite, "_SCANNED_HITS", 0)
    for product in CATALOG:  # one call each, so that each is newer than the one before
        _store(database, [product])
    return database


def find(database: Database, text: str = "", **filters: Any) -> SearchPage:
    with database.unit_of_work() as uow:
        return uow.catalog.search(SearchQuery(text=text, **filters))


def ids(page: SearchPage) -> list[str]:
    return [item.id for item in page.items]


def test_title_hits_come_before_summary_seller_and_category_hits_then_description_hits(
    catalog: Database,
) -> None:
    page = find(catalog, "secrets ")

    assert ids(page) == ["p-title-newer", "p-title", "p-summary", "p-body"]
    assert page.total == 4


def test_the_last_word_matches_as_a_prefix_while_it_is_typed(catalog: Database) -> None:
    for typed in ("se", "sec", "secr", "secre", "secret"):
        assert ids(find(catalog, typed)) == [
            "p-title-newer",
            "p-title",
            "p-seller",
            "p-summary",
            "p-body",
        ], typed


def test_a_word_followed_by_a_space_is_matched_whole(catalog: Database) -> None:
    assert ids(find(catalog, "observ")) == ["p-observability"]
    assert find(catalog, "observ ").total == 0


def test_every_word_must_match(catalog: Database) -> None:
    assert ids(find(catalog, "vault secrets")) == ["p-title"]
    assert ids(find(catalog, "vault")) == ["p-title", "p-observability"]


def test_common_words_are_ignored(catalog: Database) -> None:
    assert ids(find(catalog, "the vault of")) == ids(find(catalog, "vault"))


def test_plurals_accents_and_punctuation_do_not_matter(catalog: Database) -> None:
    assert ids(find(catalog, "database ")) == ["p-databases"]
    assert ids(find(catalog, "POLICY ")) == ["p-accents"]
    assert ids(find(catalog, "cafe resume")) == ["p-accents"]
    assert ids(find(catalog, "node.js")) == ["p-accents"]
    assert ids(find(catalog, "iso 27001")) == ["p-accents"]


def test_seller_names_and_categories_are_searched(catalog: Database) -> None:
    assert ids(find(catalog, "secretsmith")) == ["p-seller"]
    assert ids(find(catalog, "finance")) == ["p-seller"]


def test_nothing_matches_an_unknown_word_or_prefix(catalog: Database) -> None:
    for text in ("kubernetes", "zzzz", "zz"):
        page = find(catalog, text)
        assert (page.items, page.total) == ((), 0), text
        assert page.facets == {"pricing_model": {}, "delivery_method": {}, "category": {}}


def test_text_without_any_word_lists_the_whole_catalog(catalog: Database) -> None:
    assert find(catalog, " ?! ").total == len(CATALOG)


def test_an_empty_query_lists_the_newest_products_first(catalog: Database) -> None:
    page = find(catalog, page_size=3)

    assert ids(page) == ["p-observability", "p-databases", "p-accents"]
    assert page.total == len(CATALOG)


def test_the_pricing_model_filter_looks_at_the_default_offer(database: Database) -> None:
    offers = (
        build.offer("p-mixed", id="offer-a", pricing_model=FREE, is_default=False),
        build.offer("p-mixed", id="offer-b", pricing_model=SUBSCRIPTION, is_default=True),
    )
    _store(database, [build.product("p-mixed", offers=offers)])

    assert ids(find(database, "observability", pricing_model=SUBSCRIPTION)) == ["p-mixed"]
    assert find(database, "observability", pricing_model=FREE).total == 0
    assert ids(find(database, pricing_model=SUBSCRIPTION)) == ["p-mixed"]
    assert find(database, pricing_model=FREE).total == 0


@pytest.mark.parametrize(
    ("text", "free"), [("secrets", ["p-title"]), ("", ["p-accents", "p-title"])]
)
def test_filters_narrow_the_hits(catalog: Database, text: str, free: list[str]) -> None:
    assert ids(find(catalog, text, pricing_model=FREE)) == free
    assert ids(find(catalog, text, delivery_method=SERVER)) == ["p-title-newer"]
    assert ids(find(catalog, text, category="Security")) == ["p-title-newer", "p-title"]
    assert find(catalog, text, category="security").total == 0
    both = find(catalog, text, category="Security", delivery_method=CONTAINER, pricing_model=FREE)
    assert ids(both) == ["p-title"]


def test_facets_count_the_hits_by_pricing_model_delivery_method_and_category(
    catalog: Database,
) -> None:
    page = find(catalog, "secret")

    assert page.total == 5
    assert page.facets == {
        "pricing_model": {"free": 1, "saas_contract": 3, "saas_subscription": 1},
        "delivery_method": {"saas": 3, "server": 1, "container": 1},
        "category": {"DevOps": 3, "Security": 2, "Finance": 1},
    }


def test_each_facet_ignores_its_own_filter(catalog: Database) -> None:
    by_model = find(catalog, "secret", pricing_model=PricingModel.SAAS_CONTRACT)
    by_category = find(catalog, "secret", category="Security")

    assert by_model.total == 3
    assert by_model.facets == {
        "pricing_model": {"free": 1, "saas_contract": 3, "saas_subscription": 1},
        "delivery_method": {"saas": 3},
        "category": {"DevOps": 2, "Finance": 1},
    }
    assert by_category.total == 2
    assert by_category.facets == {
        "pricing_model": {"free": 1, "saas_subscription": 1},
        "delivery_method": {"server": 1, "container": 1},
        "category": {"DevOps": 3, "Security": 2, "Finance": 1},
    }


def test_browsing_has_facets_too(catalog: Database) -> None:
    page = find(catalog, delivery_method=CONTAINER)

    assert ids(page) == ["p-observability", "p-title"]
    assert page.facets == {
        "pricing_model": {"free": 1, "saas_contract": 1},
        "delivery_method": {"saas": 5, "server": 1, "container": 2},
        "category": {"DevOps": 1, "Observability": 1, "Security": 1},
    }


def test_categories_are_not_counted_for_too_many_hits(
    catalog: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "CATEGORY_FACET_LIMIT", 4)

    assert "category" not in find(catalog, "secret").facets
    assert "category" not in find(catalog, "secret", category="Security").facets
    narrowed = find(catalog, "secret", pricing_model=PricingModel.SAAS_CONTRACT)
    assert narrowed.facets["category"] == {"DevOps": 2, "Finance": 1}


@pytest.mark.parametrize("text", ["secret", ""])
def test_pages_split_the_hits_without_gaps_or_repeats(catalog: Database, text: str) -> None:
    everything = find(catalog, text, page_size=100)
    pages = [find(catalog, text, page=number, page_size=2) for number in range(1, 6)]

    assert [item for page in pages for item in page.items] == list(everything.items)
    assert {page.total for page in pages} == {everything.total}
    assert pages[-1].items == ()
    assert pages[0].pages == -(-everything.total // 2)


@pytest.fixture
def generated(database: Database) -> Database:
    """400 demo products, stored in batches of 100."""
    products = list(generate_products(400))
    for start in range(0, 400, 100):
        _store(database, products[start : start + 100])
    return database


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(text="data"),
        SearchQuery(text="security team"),
        SearchQuery(text="monitoring"),
        SearchQuery(text="cloud", pricing_model=PricingModel.SAAS_CONTRACT),
        SearchQuery(text="an", delivery_method=SAAS),
        SearchQuery(category="Security"),
    ],
    ids=lambda query: f"{query.text or '-'}",
)
def test_paging_through_a_large_result_visits_every_hit_once(
    generated: Database, query: SearchQuery
) -> None:
    def page(number: int, size: int) -> SearchPage:
        with generated.unit_of_work() as uow:
            return uow.catalog.search(replace(query, page=number, page_size=size))

    first = page(1, 7)
    seen = [item.id for number in range(1, first.pages + 1) for item in page(number, 7).items]
    in_big_pages = [item.id for number in (1, 2, 3, 4, 5) for item in page(number, 100).items]

    assert first.total > 7
    assert len(seen) == len(set(seen)) == first.total
    assert seen == in_big_pages[: first.total]
    assert sum(first.facets["pricing_model"].values()) >= first.total


def test_counting_stops_past_the_count_limit(
    catalog: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = find(catalog, "secret", page_size=100)
    assert (everything.total, everything.total_is_exact) == (5, True)
    monkeypatch.setattr(search, "COUNT_LIMIT", 4)

    broad = find(catalog, "secret", page_size=3)
    assert (broad.total, broad.total_is_exact, broad.pages) == (4, False, 2)
    assert set(broad.facets) <= {"category"}  # pricing and delivery would need every hit
    assert ids(find(catalog, "secret", page=2, page_size=3)) == ids(everything)[3:4]
    assert find(catalog, "secret", page=3, page_size=2).items == ()

    filtered = find(catalog, "secret", pricing_model=SUBSCRIPTION)
    assert (ids(filtered), filtered.total, filtered.total_is_exact) == (["p-title-newer"], 1, True)
    assert set(filtered.facets) <= {"category"}

    narrow = find(catalog, "vault")
    assert (narrow.total, narrow.total_is_exact) == (2, True)
    assert sum(narrow.facets["pricing_model"].values()) == 2
    browsing = find(catalog)
    assert (browsing.total, browsing.total_is_exact) == (len(CATALOG), True)
