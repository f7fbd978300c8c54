r"""The full-text index ``product_search``: what goes in, on SQLite and on PostgreSQL.

Both backends index the same terms (see ``text.py``) in the same fields:

=============  ===========================  ==============  ===========================
field          text                         FTS5 column     PostgreSQL ``tsvector``\ s
=============  ===========================  ==============  ===========================
title          the title                    ``title``       ``title``, ``near``, ``document``
summary        the short description        ``summary``     ``near``, ``document``
seller         the seller's name            ``seller``      ``near``, ``document``
categories     the category names           ``categories``  ``near``, ``document``
body           the long description         ``body``        ``document``
=============  ===========================  ==============  ===========================

Both also hold, per product, its *cell code*: 8 bits for its (pricing model, delivery
method), the pricing model in the high half. SQLite (FTS5, contentless, ``ascii``
tokenizer, ``detail=column``) puts it in the rowid, above the product's ``pk``: the hits of
a cell (or of a pricing model) are a rowid range, which FTS5 counts and reads without
visiting other rows. A ``tags`` column holds filter tokens (the delivery method, one token
per category), so that filters are intersections inside the index. PostgreSQL keeps the
code and the categories in columns beside the three ``tsvector``\ s (``title`` and
``document`` GIN-indexed, one per ranking tier), so that no search joins ``products``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Connection

from marketplace.domain.catalog import DeliveryMethod, PricingModel, Product
from marketplace.storage.records import default_offer, unique_categories
from marketplace.storage.text import terms, tsvector_literal

__all__ = [
    "DELIVERY_CODES",
    "PK_BITS",
    "PK_MASK",
    "PRICING_CODES",
    "SearchDocument",
    "category_tag",
    "cell_code",
    "cell_of",
    "cell_rowids",
    "delivery_tag",
    "index_products",
    "optimize_index",
    "pk_of",
    "pricing_rowids",
    "rowid_of",
]

# Stable codes (never renumber: they are stored in SQLite rowids). 4 bits each.
PRICING_CODES: dict[PricingModel, int] = {
    PricingModel.FREE: 1,
    PricingModel.FREE_TRIAL: 2,
    PricingModel.BYOL: 3,
    PricingModel.SAAS_CONTRACT: 4,
    PricingModel.SAAS_SUBSCRIPTION: 5,
    PricingModel.FLEXIBLE_PAYMENT: 6,
    PricingModel.SERVER_ANNUAL: 7,
}
DELIVERY_CODES: dict[DeliveryMethod, int] = {
    DeliveryMethod.SAAS: 1,
    DeliveryMethod.SERVER: 2,
    DeliveryMethod.CONTAINER: 3,
    DeliveryMethod.PROFESSIONAL_SERVICES: 4,
    DeliveryMethod.ML_MODEL: 5,
}
if set(PRICING_CODES) != set(PricingModel) or set(DELIVERY_CODES) != set(DeliveryMethod):
    raise RuntimeError("every pricing model and delivery method needs a search code")

PK_BITS = 40  # room for a trillion products below the codes
PK_MASK = (1 << PK_BITS) - 1
_PRICING_BY_CODE = {code: model for model, code in PRICING_CODES.items()}
_DELIVERY_BY_CODE = {code: method for method, code in DELIVERY_CODES.items()}


def cell_code(pricing_model: PricingModel, delivery_method: DeliveryMethod) -> int:
    """The 8-bit code of a (pricing model, delivery method) pair."""
    return PRICING_CODES[pricing_model] << 4 | DELIVERY_CODES[delivery_method]


def rowid_of(pk: int, pricing_model: PricingModel, delivery_method: DeliveryMethod) -> int:
    """The FTS5 rowid of the product stored as ``pk``: its cell code, then ``pk``."""
    if not 0 < pk <= PK_MASK:
        raise ValueError(f"product pk {pk} does not fit the search index")
    return cell_code(pricing_model, delivery_method) << PK_BITS | pk


def cell_of(code: int) -> tuple[PricingModel, DeliveryMethod]:
    """The (pricing model, delivery method) of a cell code (a rowid shifted right)."""
    return _PRICING_BY_CODE[code >> 4], _DELIVERY_BY_CODE[code & 15]


def pk_of(rowid: int) -> int:
    """The product ``pk`` of an FTS5 rowid."""
    return rowid & PK_MASK


def cell_rowids(pricing_model: PricingModel, delivery_method: DeliveryMethod) -> tuple[int, int]:
    """The first and last rowid of a cell: its products are exactly the rowids in between."""
    low = cell_code(pricing_model, delivery_method) << PK_BITS
    return low, low | PK_MASK


def pricing_rowids(pricing_model: PricingModel) -> tuple[int, int]:
    """The first and last rowid of the products of a pricing model (the high code bits)."""
    low = PRICING_CODES[pricing_model] << 4 << PK_BITS
    return low, low | (15 << PK_BITS) | PK_MASK


def delivery_tag(method: DeliveryMethod) -> str:
    """The filter token of a delivery method. Tags start with ``_``, which a search term
    never holds (``text.terms`` splits there), so no query word can match a tag."""
    return "_dm_" + method.value


@lru_cache(maxsize=4096)
def category_tag(category: str) -> str:
    """The filter token of a category: a digest, so any name is one exact token."""
    return "_c_" + hashlib.sha256(category.encode()).hexdigest()[:20]


@lru_cache(maxsize=4096)
def _few_terms(text: str) -> tuple[str, ...]:
    """``terms`` of the texts many products share (seller names, category lists)."""
    return tuple(terms(text))


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """The terms of each field of a product, and its filter tags."""

    title: Sequence[str]
    summary: Sequence[str]
    body: Sequence[str]
    seller: Sequence[str]
    categories: Sequence[str]
    tags: Sequence[str]

    @classmethod
    def of(cls, product: Product) -> SearchDocument:
        """The document of ``product``."""
        categories = unique_categories(product)
        return cls(
            title=terms(product.title),
            summary=terms(product.short_description),
            body=terms(product.long_description),
            seller=_few_terms(product.seller.name),
            categories=_few_terms(" ".join(categories)),
            tags=[
                delivery_tag(product.delivery_method),
                *(category_tag(name) for name in categories),
            ],
        )

    def add_terms_to(self, vocabulary: set[str]) -> None:
        """Add every search term of the document (tags excluded) to ``vocabulary``."""
        for field in (self.title, self.summary, self.body, self.seller, self.categories):
            vocabulary.update(field)

    def fts_row(self, rowid: int) -> tuple[int, str, str, str, str, str, str]:
        """The FTS5 row: rowid, then the columns in table order."""
        return (
            rowid,
            " ".join(self.title),
            " ".join(self.summary),
            " ".join(self.body),
            " ".join(self.seller),
            " ".join(self.categories),
            " ".join(self.tags),
        )

    def postgres_row(self, pk: int, cell: int, categories: Sequence[str]) -> dict[str, object]:
        """The PostgreSQL ``product_search`` row (``tsvector`` literals for each tier)."""
        near = (self.title, self.summary, self.seller, self.categories)
        return {
            "pk": pk,
            "cell": cell,
            "categories": list(categories),
            "title": tsvector_literal(self.title),
            "near": tsvector_literal(*near),
            "document": tsvector_literal(*near, self.body),
        }


_FTS_INSERT = (
    "INSERT INTO product_search (rowid, title, summary, body, seller, categories, tags) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_TERMS_INSERT = "INSERT INTO product_search_terms (term) VALUES (?) ON CONFLICT DO NOTHING"
_TSVECTOR_INSERT = (
    "INSERT INTO product_search (product_pk, cell, categories, title, near, document) VALUES"
    " (%(pk)s, %(cell)s, %(categories)s, %(title)s::tsvector, %(near)s::tsvector,"
    " %(document)s::tsvector)"
)


def optimize_index(connection: Connection) -> None:
    """Tidy the full-text index after loading many products: SQLite merges it into one
    segment (a search otherwise looks each word up in every segment the loads left behind);
    PostgreSQL moves the GIN index's pending entries into the index proper (a search
    otherwise reads them all, until autovacuum does the same)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(
            "INSERT INTO product_search (product_search) VALUES ('optimize')"
        )
    else:
        for index in ("ix_product_search_title", "ix_product_search_document"):
            connection.exec_driver_sql(f"SELECT gin_clean_pending_list('{index}')")


def index_products(connection: Connection, stored: Sequence[tuple[int, Product]]) -> None:
    """Add the products stored as the given ``pk``s to the full-text index."""
    if not stored:
        return
    if connection.dialect.name == "sqlite":
        documents = [(pk, product, SearchDocument.of(product)) for pk, product in stored]
        rows = [
            document.fts_row(
                rowid_of(pk, default_offer(product).pricing_model, product.delivery_method)
            )
            for pk, product, document in documents
        ]
        # In rowid order: FTS5 writes out a new segment whenever a rowid goes backwards.
        connection.exec_driver_sql(_FTS_INSERT, sorted(rows))
        vocabulary: set[str] = set()
        for _, _, document in documents:
            document.add_terms_to(vocabulary)
        connection.exec_driver_sql(_TERMS_INSERT, [(term,) for term in sorted(vocabulary)])
    else:
        params = [
            SearchDocument.of(product).postgres_row(
                pk,
                cell_code(default_offer(product).pricing_model, product.delivery_method),
                unique_categories(product),
            )
            for pk, product in stored
        ]
        connection.exec_driver_sql(_TSVECTOR_INSERT, params)
