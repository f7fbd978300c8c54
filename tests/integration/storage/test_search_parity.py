"""SQLite and PostgreSQL answer every search alike: same hits, same totals, same facets, and
(since both order by tier, then newest) the very same pages."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from marketplace.domain.catalog import DeliveryMethod, PricingModel, SearchQuery
from marketplace.services.demo import generate_products
from marketplace.storage import migrate
from marketplace.storage.database import Database, open_database

pytestmark = pytest.mark.integration

QUERIES = [
    SearchQuery(),
    SearchQuery(text="data"),
    SearchQuery(text="da"),
    SearchQuery(text="secu"),
    SearchQuery(text="security"),
    SearchQuery(text="security "),
    SearchQuery(text="log analytics"),
    SearchQuery(text="Kubernetes operators"),
    SearchQuery(text="machine learning model"),
    SearchQuery(text="zero-trust network"),
    SearchQuery(text="SOC 2"),
    SearchQuery(text="99.9%"),
    SearchQuery(text="backup", pricing_model=PricingModel.FREE),
    SearchQuery(text="cloud", delivery_method=DeliveryMethod.CONTAINER),
    SearchQuery(text="data", category="Machine Learning"),
    SearchQuery(
        text="ma", pricing_model=PricingModel.SAAS_CONTRACT, delivery_method=DeliveryMethod.SAAS
    ),
    SearchQuery(category="Security", delivery_method=DeliveryMethod.SERVER),
    SearchQuery(pricing_model=PricingModel.BYOL),
    SearchQuery(text="no such product anywhere"),
    SearchQuery(text="cost", page=3, page_size=5),
    SearchQuery(text="team", page=2, page_size=50),
]


def _load(database: Database) -> None:
    products = list(generate_products(600))
    for start in range(0, len(products), 150):
        with database.unit_of_work() as uow:
            uow.catalog.add_products(products[start : start + 150])
            uow.commit()


@pytest.fixture(scope="module")
def both(
    new_postgres_database: Callable[[str], AbstractContextManager[str]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Database, Database]]:
    """The same 600 demo products, stored the same way on SQLite and on PostgreSQL."""
    path: Path = tmp_path_factory.mktemp("parity") / "marketplace.db"
    with new_postgres_database("storage_parity") as postgres_url:
        databases = []
        for url in (f"sqlite:///{path}", postgres_url):
            migrate.upgrade(url)
            database = open_database(url)
            _load(database)
            databases.append(database)
        yield databases[0], databases[1]
        for database in databases:
            database.dispose()
    shutil.rmtree(path.parent, ignore_errors=True)


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: repr(q.text or "-")[1:-1] or "-")
def test_both_backends_give_the_same_page(
    both: tuple[Database, Database], query: SearchQuery
) -> None:
    sqlite, postgres = both
    with sqlite.unit_of_work() as uow:
        expected = uow.catalog.search(query)
    with postgres.unit_of_work() as uow:
        found = uow.catalog.search(query)

    assert found == expected


def test_both_backends_count_the_same_categories(both: tuple[Database, Database]) -> None:
    sqlite, postgres = both
    with sqlite.unit_of_work() as uow, postgres.unit_of_work() as other:
        assert other.catalog.categories() == uow.catalog.categories()
        assert other.catalog.count_products() == uow.catalog.count_products() == 600
