"""The offer configuration form of a product page in a punchout: its fields, what the user
typed, and the :class:`~marketplace.domain.charges.OfferChoice` it makes.

Field names, which are also the names of the errors :func:`check_choice` reports (so each
message lands next to its field)::

    duration_months        select, when the offer has durations
    quantities.<key>       number, per contract dimension (contracts and server annual)
    usage_budget           budget estimate for usage pricing (required for pay as you go)
    approval               server annual: "payg" (first approval) or "annual" (second)

The form starts from :func:`default_choice` (valid as it stands) or, in an ``edit``
punchout, from the choice of the request being changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from marketplace.domain.catalog import (
    Dimension,
    DimensionKind,
    Instalment,
    Offer,
    PricingModel,
    Product,
)
from marketplace.domain.charges import (
    Charge,
    OfferChoice,
    charges_for,
    check_choice,
    default_choice,
)
from marketplace.domain.errors import FieldError, NotFoundError

__all__ = [
    "OfferForm",
    "QuantityField",
    "build_form",
    "choice_values",
    "find_offer",
    "parse_choice",
]

# Pricing models whose charges depend on the quantities of contract dimensions.
_QUANTITY_MODELS = frozenset({PricingModel.SAAS_CONTRACT, PricingModel.SERVER_ANNUAL})


@dataclass(frozen=True, slots=True)
class QuantityField:
    """One quantity input: the contract dimension and what the input holds."""

    dimension: Dimension
    value: str

    @property
    def key(self) -> str:
        """The dimension's key."""
        return self.dimension.key

    @property
    def field(self) -> str:
        """The input's name (and its errors' field)."""
        return f"quantities.{self.key}"


@dataclass(frozen=True, slots=True)
class OfferForm:
    """What the template needs to show one offer's configuration form."""

    offer: Offer
    values: Mapping[str, str]
    quantities: tuple[QuantityField, ...]
    takes_budget: bool
    budget_required: bool
    instalments: tuple[Instalment, ...]
    charges: tuple[Charge, ...]
    errors: Mapping[str, str] = field(default_factory=dict)
    request_id: str | None = None

    @property
    def total(self) -> Decimal:
        """What the configured offer asks approval for (0 when the form has errors)."""
        return sum((c.amount for c in self.charges), Decimal("0.00"))

    @property
    def server_annual(self) -> bool:
        """True for a server annual offer (two approvals: pay as you go, then annual)."""
        return self.offer.pricing_model is PricingModel.SERVER_ANNUAL


def find_offer(product: Product, offer_id: str | None) -> Offer:
    """The product's offer ``offer_id``; None or empty picks the default offer."""
    if not offer_id:
        return next((o for o in product.offers if o.is_default), product.offers[0])
    for offer in product.offers:
        if offer.id == offer_id:
            return offer
    raise NotFoundError(f"{product.title} has no offer {offer_id}.")


def _quantity_keys(offer: Offer) -> tuple[str, ...]:
    if offer.pricing_model not in _QUANTITY_MODELS:
        return ()
    return tuple(d.key for d in offer.dimensions if d.kind is DimensionKind.CONTRACT)


def _takes_budget(offer: Offer) -> bool:
    return default_choice(offer).usage_budget is not None


def _budget_required(offer: Offer) -> bool:
    # Pay as you go approves the estimate alone: without it there would be nothing to approve.
    return offer.pricing_model is PricingModel.SAAS_SUBSCRIPTION


def choice_values(offer: Offer, choice: OfferChoice | None = None) -> dict[str, str]:
    """The form's values for ``choice`` (the offer's default choice when None)."""
    choice = choice if choice is not None else default_choice(offer)
    values: dict[str, str] = {}
    if offer.durations and choice.duration_months is not None:
        values["duration_months"] = str(choice.duration_months)
    for key in _quantity_keys(offer):
        values[f"quantities.{key}"] = str(choice.quantities.get(key, 1))
    if _takes_budget(offer):
        budget = choice.usage_budget
        values["usage_budget"] = "" if budget is None else f"{budget:.2f}"
    if offer.pricing_model is PricingModel.SERVER_ANNUAL:
        values["approval"] = "annual" if choice.annual else "payg"
    return values


def parse_choice(
    offer: Offer, values: Mapping[str, str]
) -> tuple[OfferChoice, tuple[FieldError, ...]]:
    """The choice the submitted ``values`` make for ``offer``, and every problem with it."""
    problems: list[FieldError] = []
    duration = None
    if offer.durations:
        duration = _whole(values, "duration_months", "Choose a contract duration.", problems)
    quantities: dict[str, int] = {}
    for key in _quantity_keys(offer):
        number = _whole(values, f"quantities.{key}", "Enter a whole number.", problems)
        if number is not None:
            quantities[key] = number
    budget = _budget(offer, values, problems)
    annual = (
        offer.pricing_model is PricingModel.SERVER_ANNUAL and values.get("approval") == "annual"
    )
    choice = OfferChoice(
        duration_months=duration, quantities=quantities, usage_budget=budget, annual=annual
    )
    if not problems:
        problems.extend(check_choice(offer, choice))
    return choice, tuple(problems)


def _whole(
    values: Mapping[str, str], name: str, message: str, problems: list[FieldError]
) -> int | None:
    text = values.get(name, "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 9:
        return int(text)
    problems.append(FieldError(name, message))
    return None


def _budget(offer: Offer, values: Mapping[str, str], problems: list[FieldError]) -> Decimal | None:
    if not _takes_budget(offer):
        return None
    text = values.get("usage_budget", "").strip().lstrip("$").replace(",", "").strip()
    if not text:
        if _budget_required(offer):
            problems.append(FieldError("usage_budget", "Enter a budget estimate."))
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        problems.append(FieldError("usage_budget", "Enter an amount such as 1000.00."))
        return None


def build_form(
    offer: Offer,
    values: Mapping[str, str] | None = None,
    *,
    errors: Sequence[FieldError] = (),
    request_id: str | None = None,
) -> OfferForm:
    """The form of ``offer`` showing ``values`` (its default choice when None), with
    ``errors`` next to their fields and, when the values make a valid choice, its charges."""
    shown = dict(values) if values is not None else choice_values(offer)
    choice, problems = parse_choice(offer, shown)
    contract = {d.key: d for d in offer.dimensions if d.kind is DimensionKind.CONTRACT}
    quantities = tuple(
        QuantityField(contract[key], shown.get(f"quantities.{key}", ""))
        for key in _quantity_keys(offer)
    )
    messages: dict[str, str] = {}
    for problem in errors:
        messages.setdefault(problem.field, problem.message)
    return OfferForm(
        offer=offer,
        values=shown,
        quantities=quantities,
        takes_budget=_takes_budget(offer),
        budget_required=_budget_required(offer),
        instalments=offer.instalments,
        charges=() if problems else charges_for(offer, choice),
        errors=messages,
        request_id=request_id,
    )
