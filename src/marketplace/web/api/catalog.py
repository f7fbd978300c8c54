"""``/api/v1/products``: search the catalog and describe a product."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request

from marketplace.domain.accounts import Principal
from marketplace.domain.catalog import DeliveryMethod, PricingModel, SearchQuery
from marketplace.domain.policies import ACTIONS
from marketplace.services import catalog
from marketplace.web.api.routes import ActionRoute
from marketplace.web.api.schemas import ERROR_RESPONSES, ProductBody, ProductHit, ProductList
from marketplace.web.deps import Require, get_database, get_settings

router = APIRouter(tags=["catalog"], route_class=ActionRoute, responses=ERROR_RESPONSES)


def product_url(request: Request, product_id: str) -> str:
    """The absolute address of a product's page, from the settings' base URL."""
    return f"{get_settings(request).base_url}/products/{quote(product_id, safe='')}"


@router.get("/products", response_model=ProductList, operation_id="searchProducts")
def search_products(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ACTIONS.SEARCH_LISTINGS))],
    q: Annotated[str, Query(description="Free text.")] = "",
    pricing_model: PricingModel | None = None,
    delivery_method: DeliveryMethod | None = None,
    category: str | None = None,
    page: Annotated[int, Query(description="1-based.")] = 1,
    page_size: Annotated[int, Query(description="1 to 100.")] = 20,
) -> ProductList:
    """Search products by text, filtered by pricing model, delivery method and category."""
    query = SearchQuery(
        text=q.strip(),
        pricing_model=pricing_model,
        delivery_method=delivery_method,
        category=(category or "").strip() or None,
        page=page,
        page_size=page_size,
    )
    results = catalog.search_products(get_database(request).unit_of_work(), query)
    items = [ProductHit.of(hit, product_url(request, hit.id)) for hit in results.items]
    return ProductList.of(results, items)


@router.get("/products/{product_id}", response_model=ProductBody, operation_id="getProduct")
def get_product(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ACTIONS.DESCRIBE_LISTINGS))],
    product_id: str,
) -> ProductBody:
    """A product with all its offers, dimensions and prices."""
    product = catalog.get_product(get_database(request).unit_of_work(), product_id)
    return ProductBody.of(product, product_url(request, product.id))
