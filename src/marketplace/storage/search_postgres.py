"""Full-text search on PostgreSQL: one ``tsquery`` against ``product_search`` (see
``search_index.py``), never a join.

The query is built from the same terms as SQLite's (see ``text.py``). Its hits are those of
``document``; tier 1 adds ``title``, tier 2 ``near``. The pricing model and delivery method
are ranges and masks of the ``cell`` code, the category an element of ``categories``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, text

from marketplace.domain.catalog import DeliveryMethod, PricingModel, SearchQuery
from marketplace.storage.facets import Cells
from marketplace.storage.search_index import (
    DELIVERY_CODES,
    PRICING_CODES,
    cell_code,
    cell_of,
)
from marketplace.storage.text import QueryTerms

__all__ = ["PostgresSearch", "tsquery_literal"]

_HITS = "FROM product_search AS s WHERE s.document @@ CAST(:query AS tsquery)"
# Tier 1 is in the title; tier 2 in title, summary, seller or categories; tier 3 anywhere.
_IN_TIER = {
    1: " AND s.title @@ CAST(:query AS tsquery)",
    2: " AND s.near @@ CAST(:query AS tsquery) AND NOT s.title @@ CAST(:query AS tsquery)",
    3: " AND NOT s.near @@ CAST(:query AS tsquery)",
}


def tsquery_literal(terms: QueryTerms) -> str:
    """The ``tsquery`` of ``terms``: all of them, the prefix as a prefix."""
    parts = [f"'{term}'" for term in terms.exact]
    if terms.prefix is not None:
        parts.append(f"'{terms.prefix}':*")
    return " & ".join(parts)


def _filters(query: SearchQuery, params: dict[str, Any], *, category: bool = True) -> str:
    sql = ""
    model, method = query.pricing_model, query.delivery_method
    if model is not None and method is not None:
        sql += " AND s.cell = :cell"
        params["cell"] = cell_code(model, method)
    elif model is not None:
        sql += " AND s.cell BETWEEN :lowest AND :highest"
        params["lowest"], params["highest"] = (
            PRICING_CODES[model] << 4,
            PRICING_CODES[model] << 4 | 15,
        )
    elif method is not None:
        sql += " AND s.cell & 15 = :method"
        params["method"] = DELIVERY_CODES[method]
    if category and query.category is not None:
        sql += " AND CAST(:category AS text) = ANY(s.categories)"
        params["category"] = query.category
    return sql


class PostgresSearch:
    """Full-text queries on one PostgreSQL connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def _rows(self, sql: str, params: dict[str, Any]) -> list[Any]:
        return list(self._connection.execute(text(sql), params).all())

    def cells(
        self,
        terms: QueryTerms,
        category: str | None,
        candidates: Sequence[tuple[PricingModel, DeliveryMethod]],
        limit: int,
    ) -> Cells | None:
        """Hits per cell, or None when there are more than ``limit`` (one bounded scan)."""
        params: dict[str, Any] = {"query": tsquery_literal(terms), "limit": limit + 1}
        hits = f"SELECT s.cell {_HITS}"
        if category is not None:
            hits += " AND CAST(:category AS text) = ANY(s.categories)"
            params["category"] = category
        sql = f"SELECT hit.cell, count(*) FROM ({hits} LIMIT :limit) AS hit GROUP BY hit.cell"
        rows = self._rows(sql, params)
        if sum(n for _, n in rows) > limit:
            return None
        return {cell_of(code): n for code, n in rows}

    def count(
        self, terms: QueryTerms, query: SearchQuery, limit: int, *, category: bool = False
    ) -> int:
        params: dict[str, Any] = {"query": tsquery_literal(terms), "limit": limit}
        where = _filters(query, params, category=category)
        hits = f"SELECT 1 {_HITS}{where} LIMIT :limit"
        return int(self._rows(f"SELECT count(*) FROM ({hits}) AS hit", params)[0][0])

    def category_counts(self, terms: QueryTerms, query: SearchQuery) -> dict[str, int]:
        params: dict[str, Any] = {"query": tsquery_literal(terms)}
        sql = (
            "SELECT category, count(*) FROM product_search AS s"
            " CROSS JOIN LATERAL unnest(s.categories) AS category"
            " WHERE s.document @@ CAST(:query AS tsquery)"
            f"{_filters(query, params, category=False)} GROUP BY category"
        )
        return dict(self._rows(sql, params))

    def page(self, terms: QueryTerms, query: SearchQuery, offset: int) -> list[int]:
        """By tier, newest first within a tier: a query a tier, each stopping at the page."""
        wanted = offset + query.page_size
        found: list[int] = []
        for tier in (1, 2, 3):
            params: dict[str, Any] = {
                "query": tsquery_literal(terms),
                "limit": wanted - len(found),
            }
            sql = (
                f"SELECT s.product_pk {_HITS}{_IN_TIER[tier]}{_filters(query, params)}"
                " ORDER BY s.product_pk DESC LIMIT :limit"
            )
            found += [pk for (pk,) in self._rows(sql, params)]
            if len(found) >= wanted:
                break
        return found[offset:wanted]
