"""Full-text search on SQLite: FTS5 queries over ``product_search`` (see ``search_index.py``).

Everything is answered inside the FTS5 index, without reading ``products``: the products of
one (pricing model, delivery method) cell are one rowid range, and so are those of one pricing
model; the delivery method and the category are filter tags. Counting the hits per cell is
one scan when they are few, else (once a count stopping past the caller's limit has
found no more) one range count per cell, each skipping the rest of the index. A page of a
broad search is a scan of the best tier that keeps only its newest hits.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from marketplace.domain.catalog import DeliveryMethod, PricingModel, SearchQuery
from marketplace.storage.facets import Cells
from marketplace.storage.search_index import (
    PK_BITS,
    PK_MASK,
    category_tag,
    cell_of,
    cell_rowids,
    delivery_tag,
    pk_of,
    pricing_rowids,
)
from marketplace.storage.text import QueryTerms

__all__ = ["SqliteSearch", "match_expression"]

Cell = tuple[PricingModel, DeliveryMethod]
# The FTS5 columns of tiers 1 and 2; tier 3 is every column (tags never match a term).
_TIER_COLUMNS = {1: "title", 2: "title summary seller categories"}
_MATCH = "FROM product_search WHERE product_search MATCH ?"
_IN_RANGE = " AND rowid BETWEEN ? AND ?"
_COMPLETIONS = (
    "SELECT term FROM product_search_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?"
)
_PREFIX_INDEXED = 4  # the longest prefix with an FTS5 prefix index (see the migration)
_MAX_COMPLETIONS = 64
# Up to this many hits, one scan (and a sort) counts the cells faster than a count per cell.
_SCANNED_HITS = 2_000


def match_expression(
    phrases: Sequence[str], tier: int, tags: Sequence[str] = (), *, below: int | None = None
) -> str:
    """The FTS5 MATCH expression requiring every phrase in the columns of ``tier``, and the
    filter ``tags``; ``below`` excludes the hits of a higher tier."""

    def in_tier(level: int) -> str:
        wanted = "(" + " AND ".join(phrases) + ")"
        return f"{{{_TIER_COLUMNS[level]}}} : {wanted}" if level in _TIER_COLUMNS else wanted

    expression = " AND ".join([in_tier(tier), *(f'"{tag}"' for tag in tags)])
    if below is not None:
        expression = f"({expression}) NOT ({in_tier(below)})"
    return expression


@dataclass(frozen=True, slots=True)
class _Filter:
    """A query's filters as FTS5 tags and a rowid range."""

    tags: tuple[str, ...] = ()
    rowids: tuple[int, int] | None = None

    @classmethod
    def of(cls, query: SearchQuery, *, category: bool = True) -> _Filter:
        model, method = query.pricing_model, query.delivery_method
        tags = []
        rowids = None
        if model is not None:
            rowids = cell_rowids(model, method) if method is not None else pricing_rowids(model)
        elif method is not None:
            tags.append(delivery_tag(method))
        if category and query.category is not None:
            tags.append(category_tag(query.category))
        return cls(tuple(tags), rowids)

    def sql(
        self, select: str, phrases: Sequence[str], tier: int = 3, *, below: int | None = None
    ) -> tuple[str, list[Any]]:
        """``select`` (a SELECT list) over the hits of ``phrases`` in ``tier`` (but not in
        tier ``below``), filtered, and its parameters."""
        sql = f"SELECT {select} {_MATCH}"
        params: list[Any] = [match_expression(phrases, tier, self.tags, below=below)]
        if self.rowids is not None:
            sql += _IN_RANGE
            params += self.rowids
        return sql, params


class SqliteSearch:
    """FTS5 queries on one connection (one search)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._phrases: dict[QueryTerms, list[str] | None] = {}

    def _rows(self, sql: str, params: Sequence[Any]) -> list[Any]:
        return list(self._connection.exec_driver_sql(sql, tuple(params)).all())

    def phrases(self, terms: QueryTerms) -> list[str] | None:
        """The FTS5 phrases of ``terms``, or None when the prefix begins no indexed term.

        A prefix of up to 4 letters has its own FTS5 prefix index. A longer one is replaced
        by the indexed terms it begins (``"datab"*`` → ``("database" OR "databricks")``),
        looked up once, since FTS5 re-merges a prefix's doclists at every evaluation.
        """
        if terms not in self._phrases:
            self._phrases[terms] = self._find_phrases(terms)
        return self._phrases[terms]

    def _find_phrases(self, terms: QueryTerms) -> list[str] | None:
        phrases = [f'"{term}"' for term in terms.exact]
        prefix = terms.prefix
        if prefix is None:
            return phrases
        completions = self._completions(prefix) if len(prefix) > _PREFIX_INDEXED else None
        if completions is None:
            return [*phrases, f'"{prefix}"*']
        if not completions:
            return None
        return [*phrases, "(" + " OR ".join(f'"{term}"' for term in completions) + ")"]

    def _completions(self, prefix: str) -> list[str] | None:
        """The indexed terms beginning with ``prefix`` (None: too many to list)."""
        following = prefix[:-1] + chr(min(ord(prefix[-1]) + 1, sys.maxunicode))
        rows = self._rows(_COMPLETIONS, [prefix, following, _MAX_COMPLETIONS + 1])
        return None if len(rows) > _MAX_COMPLETIONS else [term for (term,) in rows]

    def cells(
        self, terms: QueryTerms, category: str | None, candidates: Sequence[Cell], limit: int
    ) -> Cells | None:
        """One scan when the hits are few; else, once a bounded count has found at most
        ``limit`` of them, a count per candidate cell's rowid range. None: more than
        ``limit`` hits."""
        phrases = self.phrases(terms)
        if phrases is None or not candidates:
            return {}
        tags = [category_tag(category)] if category is not None else []
        expression = match_expression(phrases, 3, tags)
        scanned = min(_SCANNED_HITS, limit)
        scan = f"SELECT rowid >> ?, count(*) FROM (SELECT rowid {_MATCH} LIMIT ?) GROUP BY 1"
        rows = self._rows(scan, [PK_BITS, expression, scanned + 1])
        if sum(count for _, count in rows) <= scanned:
            return {cell_of(code): count for code, count in rows}
        if scanned == limit or self._count(expression, limit + 1) > limit:
            return None
        count = f"(SELECT count(*) {_MATCH}{_IN_RANGE})"
        params: list[Any] = []
        for cell in candidates:
            params += [expression, *cell_rowids(*cell)]
        (counts,) = self._rows("SELECT " + ", ".join([count] * len(candidates)), params)
        return {cell: n for cell, n in zip(candidates, counts, strict=True) if n}

    def _count(self, expression: str, limit: int) -> int:
        sql = f"SELECT count(*) FROM (SELECT 1 {_MATCH} LIMIT ?)"
        return int(self._rows(sql, [expression, limit])[0][0])

    def count(
        self, terms: QueryTerms, query: SearchQuery, limit: int, *, category: bool = False
    ) -> int:
        """Hits of the text and the pricing and delivery filters (and, if ``category``, the
        category filter), counted up to ``limit``."""
        phrases = self.phrases(terms)
        if phrases is None:
            return 0
        sql, params = _Filter.of(query, category=category).sql("1", phrases)
        (total,) = self._rows(f"SELECT count(*) FROM ({sql} LIMIT ?)", [*params, limit])[0]
        return int(total)

    def category_counts(self, terms: QueryTerms, query: SearchQuery) -> dict[str, int]:
        """Hits of the text and the pricing and delivery filters per category: one scan of
        the hits, each joined with its categories."""
        phrases = self.phrases(terms)
        if phrases is None:
            return {}
        sql, params = _Filter.of(query, category=False).sql("rowid & ? AS pk", phrases)
        join = (
            f"SELECT c.name, count(*) FROM ({sql}) AS hit"
            " CROSS JOIN product_categories AS c ON c.product_pk = hit.pk GROUP BY c.name"
        )
        return dict(self._rows(join, [PK_MASK, *params]))

    def page(self, terms: QueryTerms, query: SearchQuery, offset: int) -> list[int]:
        """The ``pk``s of one page of hits: by tier, newest first within a tier (one scan a
        tier, SQLite's top-N sort keeping only the newest)."""
        phrases = self.phrases(terms)
        if phrases is None:
            return []
        where = _Filter.of(query)
        wanted = offset + query.page_size
        found: list[int] = []
        for tier in (1, 2, 3):
            below = tier - 1 if tier > 1 else None
            sql, params = where.sql("rowid", phrases, tier, below=below)
            newest = f"{sql} ORDER BY rowid & ? DESC LIMIT ?"
            rows = self._rows(newest, [*params, PK_MASK, wanted - len(found)])
            found += [rowid for (rowid,) in rows]
            if len(found) >= wanted:
                break
        return [pk_of(rowid) for rowid in found[offset:wanted]]
