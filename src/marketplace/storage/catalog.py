"""The SQL catalog: sellers, products with their offers, and search over them.

``add_products`` stores products in chunks of ``CHUNK_SIZE`` with one multi-row statement per
table and chunk, indexes them for search in the same transaction, and keeps the facet counts
(``catalog_facet_counts``) in step. The whole call runs in a savepoint: a duplicate product
raises :class:`~marketplace.domain.errors.ConflictError` and leaves nothing half-written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from sqlalchemy import Connection, Table, bindparam, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from marketplace.domain.catalog import Product, SearchPage, SearchQuery, Seller
from marketplace.domain.errors import ConflictError
from marketplace.storage.bulk import insert_rows
from marketplace.storage.records import (
    category_rows,
    default_offer,
    offer_rows,
    product_from_rows,
    product_row,
    unique_categories,
)
from marketplace.storage.search import search_catalog
from marketplace.storage.search_index import index_products
from marketplace.storage.tables import (
    catalog_facet_counts,
    offers,
    product_categories,
    products,
    sellers,
)

__all__ = ["CHUNK_SIZE", "SqlCatalogRepository"]

CHUNK_SIZE = 1000  # products per statement (and ids per IN (…): SQLite ≥ 3.32 takes 32,766)
_STORED_IDS = text("SELECT id FROM products WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_NEXT_PKS = text(
    "SELECT nextval(pg_get_serial_sequence('products', 'pk')) FROM generate_series(1, :count)"
)


def _chunks(items: Iterable[Product], size: int) -> Iterator[list[Product]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class SqlCatalogRepository:
    """Sellers, products and offers, and full-text search (``services.ports``)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def _upsert(self, table: Table) -> sqlite.Insert | postgresql.Insert:
        if self._connection.dialect.name == "sqlite":
            return sqlite.insert(table)
        return postgresql.insert(table)

    def add_sellers(self, new_sellers: Iterable[Seller]) -> None:
        """Store sellers; a seller already stored keeps its name (it is in the index)."""
        rows = {seller.id: {"id": seller.id, "name": seller.name} for seller in new_sellers}
        if rows:
            statement = self._upsert(sellers).on_conflict_do_nothing()
            self._connection.execute(statement, list(rows.values()))

    def add_products(self, new_products: Iterable[Product]) -> int:
        """Store products (with their sellers, categories and offers) and index them."""
        added = 0
        try:
            with self._connection.begin_nested():
                for chunk in _chunks(new_products, CHUNK_SIZE):
                    # Writing first takes SQLite's write lock before anything is read.
                    self.add_sellers(product.seller for product in chunk)
                    self._refuse_duplicates(chunk)
                    self._add_chunk(chunk)
                    added += len(chunk)
        except IntegrityError as exc:
            raise ConflictError("a product or offer with the same id already exists") from exc
        return added

    def _refuse_duplicates(self, chunk: Sequence[Product]) -> None:
        ids = [product.id for product in chunk]
        repeated = sorted(product_id for product_id, n in Counter(ids).items() if n > 1)
        stored = self._connection.scalars(_STORED_IDS, {"ids": ids})
        duplicates = sorted({*repeated, *stored})
        if duplicates:
            shown = ", ".join(duplicates[:5]) + (" …" if len(duplicates) > 5 else "")
            raise ConflictError(f"products already exist: {shown}")

    def _add_chunk(self, chunk: Sequence[Product]) -> None:
        pks = self._reserve_pks(len(chunk))
        stored = list(zip(pks, chunk, strict=True))
        rows = [{"pk": pk, **product_row(product)} for pk, product in stored]
        insert_rows(self._connection, products, rows)
        categories = [row for pk, product in stored for row in category_rows(pk, product)]
        insert_rows(self._connection, product_categories, categories)
        offer_list = [row for pk, product in stored for row in offer_rows(pk, product)]
        insert_rows(self._connection, offers, offer_list)
        index_products(self._connection, stored)
        self._count_facets(chunk)

    def _reserve_pks(self, count: int) -> list[int]:
        """Numbers for ``count`` new products, known before they are inserted (so that their
        offers, categories and index entries go in with one statement per table)."""
        if self._connection.dialect.name == "postgresql":
            return list(self._connection.scalars(_NEXT_PKS, {"count": count}))
        # SQLite: the sellers' insert took the database's single write lock, so no other
        # writer can take these numbers before this transaction ends.
        last = self._connection.scalar(select(func.coalesce(func.max(products.c.pk), 0)))
        return list(range(int(last or 0) + 1, int(last or 0) + 1 + count))

    def _count_facets(self, chunk: Sequence[Product]) -> None:
        counts: Counter[tuple[str, str, str]] = Counter()
        for product in chunk:
            model = default_offer(product).pricing_model.value
            method = product.delivery_method.value
            counts[model, method, ""] += 1
            for category in unique_categories(product):
                counts[model, method, category] += 1
        statement = self._upsert(catalog_facet_counts)
        upsert = statement.on_conflict_do_update(
            index_elements=["pricing_model", "delivery_method", "category"],
            set_={"products": catalog_facet_counts.c.products + statement.excluded.products},
        )
        rows = [
            {"pricing_model": m, "delivery_method": d, "category": c, "products": n}
            for (m, d, c), n in counts.items()
        ]
        self._connection.execute(upsert, rows)

    def get_product_by_offer(self, offer_id: str) -> Product | None:
        product_id = self._connection.scalar(
            select(products.c.id)
            .join(offers, offers.c.product_pk == products.c.pk)
            .where(offers.c.id == offer_id)
        )
        return None if product_id is None else self.get_product(product_id)

    def get_product(self, product_id: str) -> Product | None:
        row = self._connection.execute(
            select(products, sellers.c.name.label("seller_name"))
            .join(sellers, sellers.c.id == products.c.seller_id)
            .where(products.c.id == product_id)
        ).first()
        if row is None:
            return None
        categories = self._connection.scalars(
            select(product_categories.c.name)
            .where(product_categories.c.product_pk == row.pk)
            .order_by(product_categories.c.position)
        )
        offer_list = self._connection.execute(
            select(offers).where(offers.c.product_pk == row.pk).order_by(offers.c.position)
        ).all()
        return product_from_rows(row, categories, offer_list)

    def search(self, query: SearchQuery) -> SearchPage:
        return search_catalog(self._connection, query)

    def categories(self) -> Sequence[tuple[str, int]]:
        """Every category with its number of products, most used first, then by name."""
        total = func.sum(catalog_facet_counts.c.products)
        rows = self._connection.execute(
            select(catalog_facet_counts.c.category, total)
            .where(catalog_facet_counts.c.category != "")
            .group_by(catalog_facet_counts.c.category)
            .having(total > 0)
        )
        # Sorted here: the databases' collations would order equal counts differently.
        return tuple(sorted(((name, int(n)) for name, n in rows), key=lambda c: (-c[1], c[0])))

    def count_products(self) -> int:
        total = self._connection.scalar(
            select(func.coalesce(func.sum(catalog_facet_counts.c.products), 0)).where(
                catalog_facet_counts.c.category == ""
            )
        )
        return int(total or 0)
