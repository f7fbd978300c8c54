"""Catalog use cases: search, product pages, and seeding the demo catalog.

Like every use case, these run one transaction on the unit of work they are given (``with
uow:``), which must not be entered yet (see :mod:`.accounts`).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable

from marketplace.domain.catalog import Product, SearchPage, SearchQuery
from marketplace.domain.errors import FieldError, NotFoundError, ValidationError
from marketplace.services.demo_products import generate_products, generate_sellers
from marketplace.services.ports import UnitOfWork, UnitOfWorkFactory

__all__ = [
    "MAX_CATEGORY_LENGTH",
    "MAX_PAGE",
    "MAX_PAGE_SIZE",
    "MAX_QUERY_LENGTH",
    "find_offer_product",
    "get_product",
    "search_products",
    "seed_catalog",
]

MAX_PAGE_SIZE = 100
MAX_QUERY_LENGTH = 200
MAX_PAGE = 10_000  # deeper pages are refinements waiting to happen, and costly to skip to
MAX_CATEGORY_LENGTH = 100


def search_products(uow: UnitOfWork, query: SearchQuery) -> SearchPage:
    """One page of the products matching ``query``, best first, with facet counts.

    The text is trimmed and its runs of white space collapsed before it reaches storage.
    """
    _check(query)
    cleaned = dataclasses.replace(query, text=" ".join(query.text.split()))
    with uow:
        return uow.catalog.search(cleaned)


def get_product(uow: UnitOfWork, product_id: str) -> Product:
    """A product with its offers; NotFoundError when there is none with this id."""
    with uow:
        product = uow.catalog.get_product(product_id)
    if product is None:
        raise NotFoundError(f"There is no product {product_id}.")
    return product


def find_offer_product(uow: UnitOfWork, part_id: str) -> Product | None:
    """The product a punchout's ``SelectedItem`` names, or None.

    Its SupplierPartID is an offer id (what our carts send back) or, from a buyer's own
    catalog, a product id: both are looked up.
    """
    part_id = part_id.strip()
    if not part_id:
        return None
    with uow:
        product = uow.catalog.get_product(part_id)
        if product is None:
            product = uow.catalog.get_product_by_offer(part_id)
    return product


def seed_catalog(
    uow_factory: UnitOfWorkFactory,
    count: int,
    *,
    seed: int = 7,
    batch_size: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Add ``count`` products of the demo catalog of ``seed``; return how many were added.

    The products continue the catalog: with ``n`` products already stored, products ``n`` to
    ``n + count - 1`` of the demo catalog are added, so seeding twice adds new products
    rather than clashing with the old ones. The demo sellers go in with the first batch
    (``add_sellers`` skips sellers already stored). Each batch is one transaction;
    ``progress`` is called after each with the number of products added so far.
    """
    checks = []
    if count < 0:
        checks.append(FieldError("count", "Use 0 or more."))
    if batch_size < 1:
        checks.append(FieldError("batch_size", "Use 1 or more."))
    if checks:
        raise ValidationError("The seeding parameters are invalid.", tuple(checks))
    with uow_factory() as uow:
        start = uow.catalog.count_products()
    products = generate_products(count, seed=seed, start=start)
    needs_sellers = True
    done = 0
    while batch := list(itertools.islice(products, batch_size)):
        with uow_factory() as uow:
            if needs_sellers:
                uow.catalog.add_sellers(generate_sellers(seed))
            uow.catalog.add_products(batch)
            uow.commit()
        needs_sellers = False
        done += len(batch)
        if progress is not None:
            progress(done)
    return done


def _check(query: SearchQuery) -> None:
    problems = []
    if query.page < 1:
        problems.append(FieldError("page", "Use 1 or more."))
    elif query.page > MAX_PAGE:
        problems.append(FieldError("page", f"Use at most {MAX_PAGE}; refine the search."))
    if not 1 <= query.page_size <= MAX_PAGE_SIZE:
        problems.append(FieldError("page_size", f"Use 1 to {MAX_PAGE_SIZE}."))
    if len(query.text) > MAX_QUERY_LENGTH:
        problems.append(FieldError("q", f"Use at most {MAX_QUERY_LENGTH} characters."))
    if query.category is not None and len(query.category) > MAX_CATEGORY_LENGTH:
        problems.append(FieldError("category", f"Use at most {MAX_CATEGORY_LENGTH} characters."))
    if problems:
        raise ValidationError("The search is invalid.", tuple(problems))
