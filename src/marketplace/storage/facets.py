"""Totals and facets of a search, from hit counts per (pricing model, delivery method).

Every backend first counts the hits of the text (and of the category filter, if any) per
*cell*, a (pricing model, delivery method) pair; the total and the pricing-model and
delivery-method facets follow from the cells alone, each facet ignoring its own filter.
The category facet is counted separately, over the hits of the text and the other filters.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from marketplace.domain.catalog import DeliveryMethod, PricingModel, SearchQuery

__all__ = ["Cells", "facets", "narrowed_total"]

Cells = Mapping[tuple[PricingModel, DeliveryMethod], int]


def _keeps(query: SearchQuery, model: PricingModel | None, method: DeliveryMethod | None) -> bool:
    return (model is None or query.pricing_model in (None, model)) and (
        method is None or query.delivery_method in (None, method)
    )


def narrowed_total(cells: Cells, query: SearchQuery) -> int:
    """How many hits in ``cells`` pass the pricing-model and delivery-method filters."""
    return sum(count for (model, method), count in cells.items() if _keeps(query, model, method))


def facets(
    cells: Cells | None, query: SearchQuery, categories: Mapping[str, int] | None
) -> dict[str, dict[str, int]]:
    """The facets: hits per pricing model, delivery method (when the cells were counted)
    and category (when counted), non-zero counts only; models and methods in declaration
    order, categories most hits first."""
    result: dict[str, dict[str, int]] = {}
    if cells is not None:
        models: Counter[PricingModel] = Counter()
        methods: Counter[DeliveryMethod] = Counter()
        for (model, method), count in cells.items():
            if _keeps(query, None, method):
                models[model] += count
            if _keeps(query, model, None):
                methods[method] += count
        result["pricing_model"] = {m.value: models[m] for m in PricingModel if models[m]}
        result["delivery_method"] = {m.value: methods[m] for m in DeliveryMethod if methods[m]}
    if categories is not None:
        ranked = sorted(((n, name) for name, n in categories.items() if n), key=_most_first)
        result["category"] = {name: n for n, name in ranked}
    return result


def _most_first(item: tuple[int, str]) -> tuple[int, str]:
    return -item[0], item[1]
