"""Catalog pages: the home page, search results with filters, and the product page.

The product page has three shapes of its "Request approval" part:

- in a punchout (``request.state.punchout``): the offer configuration form whose primary
  button is **Request approval** (it posts to ``/punchout/request-approval``); in an
  ``edit`` punchout ``?request_id=`` changes that line of the cart; ``inspect`` shows no
  form at all (nothing can change);
- outside one, for a user whose organization has a procurement configuration: a
  **Request approval** button that sends them to start from their procurement system
  (``/products/{id}/request-approval``, see :mod:`marketplace.services.punchout_redirect`);
- otherwise nothing (buying directly is another feature).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from fastapi import Request
from fastapi.responses import HTMLResponse

from marketplace.domain.accounts import Principal
from marketplace.domain.catalog import (
    DeliveryMethod,
    PricingModel,
    Product,
    SearchPage,
    SearchQuery,
)
from marketplace.domain.errors import FieldError, NotFoundError, ValidationError
from marketplace.domain.punchout import PunchoutSession
from marketplace.services import catalog, punchout, punchout_redirect
from marketplace.web.deps import get_database
from marketplace.web.offer_form import OfferForm, build_form, choice_values, find_offer
from marketplace.web.pages import page_router
from marketplace.web.rendering import render

router = page_router()

_E = TypeVar("_E", bound=enum.Enum)
_PAGE_WINDOW = 2  # pages shown either side of the current one


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """The home page: a search box and the catalog's categories."""
    with get_database(request).unit_of_work() as uow:
        categories = list(uow.catalog.categories())
        product_count = uow.catalog.count_products()
    context = {"categories": categories, "product_count": product_count}
    return render(request, "home.html", context)


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request,
    q: str = "",
    pricing_model: str = "",
    delivery_method: str = "",
    category: str = "",
    page: str = "1",
) -> HTMLResponse:
    """Search results, filtered by pricing model, delivery method and category."""
    query = _search_query(q, pricing_model, delivery_method, category, page)
    results = catalog.search_products(get_database(request).unit_of_work(), query)
    # The category facet ignores the category filter: every category with hits for the rest
    # of the query, which is what the select should offer (and the chosen one, always).
    # Broad searches skip counting categories (storage caps that work); the select then
    # offers every category of the catalog.
    if "category" in results.facets:
        categories = set(results.facets["category"])
    else:
        with get_database(request).unit_of_work() as uow:
            categories = {name for name, _ in uow.catalog.categories()}
    if query.category:
        categories.add(query.category)
    params = {
        "q": query.text,
        "pricing_model": pricing_model if query.pricing_model else "",
        "delivery_method": delivery_method if query.delivery_method else "",
        "category": query.category or "",
    }
    context = {
        "query": query,
        "params": params,
        "results": results,
        "pages": pagination(results),
        "pricing_models": list(PricingModel),
        "delivery_methods": list(DeliveryMethod),
        "categories": sorted(categories, key=str.casefold),
        "facets": results.facets,
    }
    return render(request, "search.html", context)


@router.get("/products/{product_id}", response_class=HTMLResponse)
def product(
    request: Request, product_id: str, offer: str = "", request_id: str = ""
) -> HTMLResponse:
    """A product: what it is, who sells it, every offer with its prices, and how to ask
    for it (see the module). ``offer`` picks the offer to configure in a punchout."""
    found = catalog.get_product(get_database(request).unit_of_work(), product_id)
    return product_page(request, found, offer_id=offer or None, request_id=request_id or None)


def product_page(
    request: Request,
    product: Product,
    *,
    offer_id: str | None = None,
    values: Mapping[str, str] | None = None,
    errors: Sequence[FieldError] = (),
    request_id: str | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render the product page; ``values``/``errors`` re-show a submitted configuration,
    ``message`` is an alert (why a request could not be made)."""
    session: PunchoutSession | None = getattr(request.state, "punchout", None)
    principal: Principal | None = getattr(request.state, "principal", None)
    form: OfferForm | None = None
    direct = False
    if session is not None and principal is not None and not session.read_only:
        form = _offer_form(
            request, session, principal, product, offer_id, values, errors, request_id
        )
    elif session is None and principal is not None:
        uow = get_database(request).unit_of_work()
        direct = punchout_redirect.direct_request_offered(uow, principal)
    paragraphs = [p.strip() for p in product.long_description.split("\n\n") if p.strip()]
    context = {
        "product": product,
        "paragraphs": paragraphs,
        "form": form,
        "direct_request": direct,
        "message": message,
        "error_summary": list(errors),
    }
    return render(request, "product.html", context, status_code=status_code)


def _offer_form(
    request: Request,
    session: PunchoutSession,
    principal: Principal,
    product: Product,
    offer_id: str | None,
    values: Mapping[str, str] | None,
    errors: Sequence[FieldError],
    request_id: str | None,
) -> OfferForm:
    """The configuration form: a submitted one again, the line of an edit, or the default."""
    if request_id is not None and values is None:
        uow = get_database(request).unit_of_work()
        requests = punchout.session_requests(uow, principal, session)
        editing = next((r for r in requests if r.id == request_id), None)
        if editing is None or editing.product_id != product.id:
            raise NotFoundError("That line is not part of the cart being changed.")
        offer = find_offer(product, editing.offer_id)
        return build_form(offer, choice_values(offer, editing.choice), request_id=request_id)
    offer = find_offer(product, offer_id)
    return build_form(offer, values, errors=errors, request_id=request_id)


def _search_query(
    text: str, pricing_model: str, delivery_method: str, category: str, page: str
) -> SearchQuery:
    errors: list[FieldError] = []
    model = _choice(PricingModel, pricing_model, "pricing_model", "pricing model", errors)
    method = _choice(DeliveryMethod, delivery_method, "delivery_method", "delivery method", errors)
    number = _page_number(page, errors)
    if errors:
        raise ValidationError("The search could not be run.", tuple(errors))
    return SearchQuery(
        text=text.strip(),
        pricing_model=model,
        delivery_method=method,
        category=category.strip() or None,
        page=number,
    )


def _choice(
    kind: type[_E], value: str, field: str, label: str, errors: list[FieldError]
) -> _E | None:
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        errors.append(FieldError(field, f"There is no {label} called {value!r}."))
        return None


def _page_number(value: str, errors: list[FieldError]) -> int:
    try:
        number = int(value or "1")
    except ValueError:
        number = 0
    if number < 1:
        errors.append(FieldError("page", "The page must be a whole number from 1."))
        return 1
    return number


@dataclass(frozen=True, slots=True)
class PageLink:
    """One link of the pagination: its page number, or None for a gap ("…")."""

    number: int | None
    current: bool = False


def pagination(results: SearchPage) -> Sequence[PageLink]:
    """First, last, and the pages around the current one, with gaps between."""
    last = results.pages
    shown = {1, last, *range(results.page - _PAGE_WINDOW, results.page + _PAGE_WINDOW + 1)}
    links: list[PageLink] = []
    previous = 0
    for number in sorted(n for n in shown if 1 <= n <= last):
        if number - previous > 1:
            links.append(PageLink(None))
        links.append(PageLink(number, current=number == results.page))
        previous = number
    return links
