"""Searching the catalog, opening a product, and seeding the demo catalog in batches."""

from __future__ import annotations

import pytest
from fake_uow import FakeUnitOfWork, FakeUnitOfWorkFactory

from marketplace.domain.catalog import PricingModel, SearchQuery
from marketplace.domain.errors import NotFoundError, ValidationError
from marketplace.services import catalog
from marketplace.services.demo import generate_products, generate_sellers


@pytest.fixture
def seeded(factory: FakeUnitOfWorkFactory) -> FakeUnitOfWorkFactory:
    catalog.seed_catalog(factory, 60)
    return factory


# --- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        (SearchQuery(page=0), {"page"}),
        (SearchQuery(page=-3), {"page"}),
        (SearchQuery(page=10_001), {"page"}),
        (SearchQuery(page_size=0), {"page_size"}),
        (SearchQuery(page_size=101), {"page_size"}),
        (SearchQuery(text="x" * 201), {"q"}),
        (SearchQuery(category="c" * 101), {"category"}),
        (SearchQuery(text="x" * 201, page=0, page_size=500), {"q", "page", "page_size"}),
    ],
)
def test_a_bad_search_is_refused_naming_every_bad_field(
    factory: FakeUnitOfWorkFactory, query: SearchQuery, fields: set[str]
) -> None:
    with pytest.raises(ValidationError) as caught:
        catalog.search_products(factory(), query)

    assert {problem.field for problem in caught.value.fields} == fields


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(page=1, page_size=1),
        SearchQuery(page=10_000, page_size=100),
        SearchQuery(text="x" * 200),
    ],
)
def test_searches_at_the_limits_are_accepted(
    factory: FakeUnitOfWorkFactory, query: SearchQuery
) -> None:
    page = catalog.search_products(factory(), query)

    assert page.page == query.page


def test_search_collapses_white_space_before_asking_storage(seeded: FakeUnitOfWorkFactory) -> None:
    spaced = catalog.search_products(seeded(), SearchQuery(text="  log \t  analytics \n"))
    plain = catalog.search_products(seeded(), SearchQuery(text="log analytics"))

    assert spaced == plain


def test_search_returns_a_page_of_summaries_with_facets(seeded: FakeUnitOfWorkFactory) -> None:
    page = catalog.search_products(seeded(), SearchQuery(page_size=7))

    assert page.total == 60
    assert len(page.items) == 7
    assert page.pages == 9
    assert sum(page.facets["pricing_model"].values()) == 60


def test_search_filters_by_pricing_model(seeded: FakeUnitOfWorkFactory) -> None:
    query = SearchQuery(pricing_model=PricingModel.SERVER_ANNUAL, page_size=100)

    page = catalog.search_products(seeded(), query)

    assert page.total >= 6  # one per block of ten at least
    assert {item.pricing_model for item in page.items} == {PricingModel.SERVER_ANNUAL}


def test_searching_reads_and_writes_nothing_else(seeded: FakeUnitOfWorkFactory) -> None:
    uow = seeded()

    catalog.search_products(uow, SearchQuery(text="security"))

    assert (uow.transactions, uow.commits) == (1, 0)


# --- products --------------------------------------------------------------------------------


def test_a_product_is_found_by_its_id(seeded: FakeUnitOfWorkFactory) -> None:
    first = next(generate_products(1))

    assert catalog.get_product(seeded(), first.id) == first


def test_an_unknown_product_is_not_found(seeded: FakeUnitOfWorkFactory) -> None:
    with pytest.raises(NotFoundError) as caught:
        catalog.get_product(seeded(), "prod-doesnotexist")

    assert caught.value.message == "There is no product prod-doesnotexist."


# --- seeding ---------------------------------------------------------------------------------


def test_seeding_adds_the_sellers_and_the_first_products_of_the_demo_catalog(
    factory: FakeUnitOfWorkFactory,
) -> None:
    added = catalog.seed_catalog(factory, 25, seed=3)

    assert added == 25
    assert list(factory.store.products.values()) == list(generate_products(25, seed=3))
    assert set(factory.store.sellers.values()) == set(generate_sellers(3))


def test_seeding_writes_one_transaction_per_batch_and_reports_progress(
    factory: FakeUnitOfWorkFactory,
) -> None:
    reported: list[int] = []

    catalog.seed_catalog(factory, 2_500, batch_size=1_000, progress=reported.append)

    assert reported == [1_000, 2_000, 2_500]
    writers = [uow for uow in factory.created if uow.commits]
    assert [uow.commits for uow in writers] == [1, 1, 1]
    assert len(factory.store.products) == 2_500


def test_seeding_again_continues_the_catalog_instead_of_clashing(
    factory: FakeUnitOfWorkFactory,
) -> None:
    catalog.seed_catalog(factory, 30)
    catalog.seed_catalog(factory, 30)

    assert list(factory.store.products.values()) == list(generate_products(60))


def test_seeding_nothing_writes_nothing(factory: FakeUnitOfWorkFactory) -> None:
    reported: list[int] = []

    assert catalog.seed_catalog(factory, 0, progress=reported.append) == 0

    assert reported == []
    assert factory.commits == 0


def test_a_failed_batch_keeps_the_batches_before_it(factory: FakeUnitOfWorkFactory) -> None:
    original = factory.__call__
    made = 0

    def failing_third_batch() -> FakeUnitOfWork:
        nonlocal made
        uow = original()
        made += 1
        if made == 4:  # the count, then three batches
            uow.commit_error = OSError("disk full")
        return uow

    with pytest.raises(OSError, match="disk full"):
        catalog.seed_catalog(failing_third_batch, 50, batch_size=10)

    assert len(factory.store.products) == 20


@pytest.mark.parametrize(
    ("count", "batch_size", "field"),
    [(-1, 10, "count"), (10, 0, "batch_size")],
)
def test_bad_seeding_parameters_are_refused(
    factory: FakeUnitOfWorkFactory, count: int, batch_size: int, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        catalog.seed_catalog(factory, count, batch_size=batch_size)

    assert [problem.field for problem in caught.value.fields] == [field]


def test_seeding_with_another_seed_continues_the_catalog_with_that_seeds_products(
    factory: FakeUnitOfWorkFactory,
) -> None:
    catalog.seed_catalog(factory, 10)
    catalog.seed_catalog(factory, 10, seed=8)

    expected = [*generate_products(10), *generate_products(10, seed=8, start=10)]
    assert list(factory.store.products.values()) == expected
