"""Catalog search: full text, filters, facets and pages, the same answer on every backend.

**Matching.** The query's terms (``text.parse_query``) must all occur in the title, short or
long description, seller name or category names; the last one also matches as the start of
a word (the word being typed), unless a space follows it. Filters: the pricing model of the
product's *default offer*, the delivery method, and a category (exact name).

**Ranking.** Three tiers: every term in the title; every term in the title, short
description, seller or categories; every term anywhere. Within a tier, newest first (highest
``pk``). A title hit therefore always beats a description hit, both backends give the very
same pages, and a page of a broad search costs the same at 10,000 products as at 100,000:
SQLite reads the newest hits of a tier off its index and stops. (Scoring within a tier with
FTS5's ``bm25`` costs a pass over every document holding each query word, 4-7 ms for common
words at 100,000 products, which the latency budget cannot pay.)

**Counting.** The total and the pricing-model and delivery-method facets come from hit
counts per (pricing model, delivery method) *cell* (``facets.py``), counted exactly only up
to ``COUNT_LIMIT`` hits (``SEARCH_COUNT_LIMIT``), so that a broad search costs the same at
any catalog size. When the text and the category filter have more hits than that, the
cells are not counted: the ``"pricing_model"`` and ``"delivery_method"`` facets are absent,
and the total is the hits of the text and every filter counted up to the limit; past it,
``total`` is the limit and ``total_is_exact`` False, and pages past the limit are empty.
The category facet is counted only while the text and the other filters leave at most
``CATEGORY_FACET_LIMIT`` hits; past that the ``"category"`` facet is absent (callers fall
back to the category list, ``CatalogRepository.categories``). An empty query (browsing)
counts nothing: the ``catalog_facet_counts`` table has every total ready.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from sqlalchemy import Connection, bindparam, exists, func, select, text

from marketplace.domain.catalog import (
    SEARCH_COUNT_LIMIT,
    DeliveryMethod,
    PricingModel,
    ProductSummary,
    SearchPage,
    SearchQuery,
)
from marketplace.storage.facets import Cells, facets, narrowed_total
from marketplace.storage.records import summary_from_row
from marketplace.storage.search_postgres import PostgresSearch
from marketplace.storage.search_sqlite import SqliteSearch
from marketplace.storage.tables import catalog_facet_counts, product_categories, products
from marketplace.storage.text import QueryTerms, parse_query

__all__ = [
    "CATEGORY_FACET_LIMIT",
    "COUNT_LIMIT",
    "TextSearch",
    "search_catalog",
]

CATEGORY_FACET_LIMIT = 1_500
COUNT_LIMIT = SEARCH_COUNT_LIMIT  # read at each search (tests lower it)


Cell = tuple[PricingModel, DeliveryMethod]


class TextSearch(Protocol):
    """What a backend's full-text search provides (``search_sqlite``, ``search_postgres``)."""

    def cells(
        self, terms: QueryTerms, category: str | None, candidates: Sequence[Cell], limit: int
    ) -> Cells | None:
        """Hits of the text (and category) per cell, or None when there are more than
        ``limit`` of them; ``candidates`` are the cells holding any product (of that
        category) at all."""
        ...

    def count(
        self, terms: QueryTerms, query: SearchQuery, limit: int, *, category: bool = False
    ) -> int:
        """Hits of the text and the pricing and delivery filters (and, if ``category``, the
        category filter), counted up to ``limit``."""
        ...

    def category_counts(self, terms: QueryTerms, query: SearchQuery) -> dict[str, int]:
        """Hits of the text and the pricing and delivery filters, per category."""
        ...

    def page(self, terms: QueryTerms, query: SearchQuery, offset: int) -> list[int]:
        """The ``pk``s of the hits at ``offset``, ``query.page_size`` of them, best first."""
        ...


def search_catalog(connection: Connection, query: SearchQuery) -> SearchPage:
    """One page of products matching ``query``, with the total and the facets."""
    page, size = max(1, query.page), max(1, query.page_size)
    query = replace(query, page=page, page_size=size)
    offset = (page - 1) * size
    terms = parse_query(query.text)
    categories: dict[str, int] | None
    if terms.empty:
        cells, categories = _browse_counts(connection, query)
        pks = _browse_page(connection, query, offset)
        return SearchPage(
            items=_summaries(connection, pks),
            total=narrowed_total(cells, query),
            page=page,
            page_size=size,
            facets=facets(cells, query, categories),
        )
    found = _text_search(_backend(connection), connection, terms, query, offset)
    return SearchPage(
        items=_summaries(connection, found.pks),
        total=found.total,
        page=page,
        page_size=size,
        facets=facets(found.cells, query, found.categories),
        total_is_exact=found.exact,
    )


def _backend(connection: Connection) -> TextSearch:
    if connection.dialect.name == "sqlite":
        return SqliteSearch(connection)
    return PostgresSearch(connection)


@dataclass(frozen=True, slots=True)
class _Found:
    cells: Cells | None  # None: not counted (too many hits)
    categories: dict[str, int] | None  # None: not counted
    total: int  # at most COUNT_LIMIT
    exact: bool
    pks: list[int]


def _text_search(
    backend: TextSearch,
    connection: Connection,
    terms: QueryTerms,
    query: SearchQuery,
    offset: int,
) -> _Found:
    limit = COUNT_LIMIT
    candidates = _catalog_cells(connection, query.category or "")
    cells = backend.cells(terms, query.category, candidates, limit)
    if cells is not None:
        total = narrowed_total(cells, query)
    elif query.pricing_model is None and query.delivery_method is None:
        total = limit + 1  # the cells' hits, more than the limit
    else:
        total = backend.count(terms, query, limit + 1, category=True)
    narrowed = total  # hits but for the category filter, which the category facet ignores
    if query.category is not None:
        narrowed = backend.count(terms, query, CATEGORY_FACET_LIMIT + 1)
    categories = None
    if narrowed <= CATEGORY_FACET_LIMIT:
        categories = backend.category_counts(terms, query)
    exact = total <= limit
    total = min(total, limit)
    pks = backend.page(terms, query, offset)[: total - offset] if offset < total else []
    return _Found(cells, categories, total, exact, pks)


_CATALOG_CELLS = text(
    "SELECT pricing_model, delivery_method FROM catalog_facet_counts"
    " WHERE category = :category AND products > 0"
)


def _catalog_cells(connection: Connection, category: str) -> list[Cell]:
    """The cells holding any product of ``category`` (``""``: any product at all)."""
    rows = connection.execute(_CATALOG_CELLS, {"category": category})
    return [(PricingModel(model), DeliveryMethod(method)) for model, method in rows]


def _browse_counts(connection: Connection, query: SearchQuery) -> tuple[Cells, dict[str, int]]:
    """Cells and categories of an empty query, read from ``catalog_facet_counts``."""
    table = catalog_facet_counts
    rows = connection.execute(
        select(table.c.pricing_model, table.c.delivery_method, table.c.products).where(
            table.c.category == (query.category or ""), table.c.products > 0
        )
    )
    cells = {(PricingModel(m), DeliveryMethod(d)): int(n) for m, d, n in rows}
    total = func.sum(table.c.products)
    statement = select(table.c.category, total).where(table.c.category != "")
    if query.pricing_model is not None:
        statement = statement.where(table.c.pricing_model == query.pricing_model.value)
    if query.delivery_method is not None:
        statement = statement.where(table.c.delivery_method == query.delivery_method.value)
    categories = connection.execute(statement.group_by(table.c.category))
    return cells, {name: int(n) for name, n in categories if n}


def _browse_page(connection: Connection, query: SearchQuery, offset: int) -> list[int]:
    statement = select(products.c.pk)
    if query.pricing_model is not None:
        statement = statement.where(products.c.pricing_model == query.pricing_model.value)
    if query.delivery_method is not None:
        statement = statement.where(products.c.delivery_method == query.delivery_method.value)
    if query.category is not None:
        statement = statement.where(
            exists().where(
                product_categories.c.product_pk == products.c.pk,
                product_categories.c.name == query.category,
            )
        )
    statement = statement.order_by(products.c.pk.desc()).limit(query.page_size).offset(offset)
    return list(connection.scalars(statement))


_SUMMARIES = text(
    "SELECT p.pk, p.id, p.title, p.short_description, s.name AS seller_name,"
    " p.delivery_method, p.pricing_model, p.starting_price, p.currency"
    " FROM products AS p JOIN sellers AS s ON s.id = p.seller_id WHERE p.pk IN :pks"
).bindparams(bindparam("pks", expanding=True))
_CATEGORIES = text(
    "SELECT product_pk, name FROM product_categories WHERE product_pk IN :pks"
    " ORDER BY product_pk, position"
).bindparams(bindparam("pks", expanding=True))


def _summaries(connection: Connection, pks: Sequence[int]) -> tuple[ProductSummary, ...]:
    if not pks:
        return ()
    by_pk = {row.pk: row for row in connection.execute(_SUMMARIES, {"pks": pks})}
    categories: defaultdict[int, list[str]] = defaultdict(list)
    for pk, name in connection.execute(_CATEGORIES, {"pks": pks}):
        categories[pk].append(name)
    return tuple(summary_from_row(by_pk[pk], categories[pk]) for pk in pks if pk in by_pk)
