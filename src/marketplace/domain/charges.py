"""What a configured offer costs: the buyer's choices and the charges they lead to.

A buyer configures an offer (:class:`OfferChoice`): a duration and quantities of contract
dimensions, a budget estimate for usage pricing. :func:`charges_for` turns offer and choice
into :class:`Charge` values, the things a procurement system approves and the marketplace
later invoices:

=====================  =====================================================================
``FREE``, ``BYOL``     one $0 charge (a $0.00 line when it goes to the procurement system)
``FREE_TRIAL``         one $0 charge for the trial, plus the usage budget if it meters usage
``SAAS_CONTRACT``      one upfront charge (price x quantity x months per contract dimension),
                       plus the usage budget when the offer also meters usage
``SAAS_SUBSCRIPTION``  the usage budget (an estimate: usage is billed monthly as it comes)
``FLEXIBLE_PAYMENT``   one charge per instalment, on its date
``SERVER_ANNUAL``      first approval: the pay-as-you-go part at a default $10,000 (never
                       invoiced); second approval: the annual contract value
=====================  =====================================================================

:func:`default_choice` is valid as it stands for every offer; :func:`check_choice` names
every field of a choice that the offer does not allow.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from marketplace.domain.catalog import DimensionKind, Offer, PricingModel
from marketplace.domain.errors import FieldError

__all__ = [
    "DEFAULT_USAGE_BUDGET",
    "MAX_QUANTITY",
    "MAX_USAGE_BUDGET",
    "SERVER_ANNUAL_PAYG_AMOUNT",
    "Charge",
    "ChargeKind",
    "OfferChoice",
    "charges_for",
    "check_choice",
    "default_choice",
    "to_cents",
]

DEFAULT_USAGE_BUDGET = Decimal("1000.00")
MAX_USAGE_BUDGET = Decimal("100000000.00")
SERVER_ANNUAL_PAYG_AMOUNT = Decimal("10000.00")
MAX_QUANTITY = 1_000_000
_CENT = Decimal("0.01")


class ChargeKind(enum.Enum):
    """What a charge is for."""

    UPFRONT = "upfront"  # one charge at the start (a contract, or $0 for free software)
    INSTALMENT = "instalment"  # one payment of a flexible payment schedule
    USAGE = "usage"  # metered usage, approved as a budget estimate

    @property
    def is_usage(self) -> bool:
        """True for usage charges (billed as usage arrives, not as approved)."""
        return self is ChargeKind.USAGE


@dataclass(frozen=True, slots=True)
class Charge:
    """One charge of a configured offer: what, how much (rounded to cents), due when."""

    kind: ChargeKind
    label: str
    amount: Decimal
    due_month: int = 0  # months after the start


@dataclass(frozen=True, slots=True)
class OfferChoice:
    """How the buyer configured an offer. ``quantities`` maps contract dimension keys to
    quantities; ``annual`` selects the second approval of a server annual agreement."""

    duration_months: int | None = None
    quantities: Mapping[str, int] = field(default_factory=dict)
    usage_budget: Decimal | None = None
    annual: bool = False


def to_cents(amount: Decimal) -> Decimal:
    """``amount`` rounded half up to cents."""
    return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


def _contract_dimensions(offer: Offer) -> tuple[str, ...]:
    return tuple(d.key for d in offer.dimensions if d.kind is DimensionKind.CONTRACT)


def _meters_usage(offer: Offer) -> bool:
    return any(d.kind is DimensionKind.USAGE for d in offer.dimensions)


def _takes_budget(offer: Offer) -> bool:
    return _meters_usage(offer) and offer.pricing_model in (
        PricingModel.SAAS_CONTRACT,
        PricingModel.SAAS_SUBSCRIPTION,
        PricingModel.FREE_TRIAL,
    )


def default_choice(offer: Offer) -> OfferChoice:
    """The configuration a product page starts with: the first duration, one of each
    contract dimension, the default budget for usage. Valid for every offer."""
    return OfferChoice(
        duration_months=offer.durations[0] if offer.durations else None,
        quantities=dict.fromkeys(_contract_dimensions(offer), 1),
        usage_budget=DEFAULT_USAGE_BUDGET if _takes_budget(offer) else None,
    )


def check_choice(offer: Offer, choice: OfferChoice) -> tuple[FieldError, ...]:
    """Every field of ``choice`` the offer does not allow (empty when it is valid)."""
    problems: list[FieldError] = []
    if offer.durations and choice.duration_months not in offer.durations:
        months = ", ".join(str(m) for m in offer.durations)
        problems.append(FieldError("duration_months", f"Choose one of: {months} months."))
    contract = _contract_dimensions(offer)
    for key, quantity in choice.quantities.items():
        if key not in contract:
            problems.append(FieldError(f"quantities.{key}", "This offer has no such dimension."))
        elif isinstance(quantity, bool) or not isinstance(quantity, int):
            problems.append(FieldError(f"quantities.{key}", "Enter a whole number."))
        elif not 0 <= quantity <= MAX_QUANTITY:
            problems.append(
                FieldError(f"quantities.{key}", f"Enter a number from 0 to {MAX_QUANTITY:,}.")
            )
    if (
        contract
        and offer.pricing_model is PricingModel.SAAS_CONTRACT
        and not any(choice.quantities.get(key, 0) for key in contract)
        and not problems
    ):
        problems.append(FieldError("quantities", "Choose at least one unit of a dimension."))
    if choice.usage_budget is None and offer.pricing_model is PricingModel.SAAS_SUBSCRIPTION:
        problems.append(FieldError("usage_budget", "Enter a budget estimate for the usage."))
    if choice.usage_budget is not None:
        if not _takes_budget(offer):
            problems.append(FieldError("usage_budget", "This offer takes no budget estimate."))
        elif not (
            choice.usage_budget.is_finite()
            and _CENT <= choice.usage_budget <= MAX_USAGE_BUDGET
            and to_cents(choice.usage_budget) == choice.usage_budget
        ):
            problems.append(
                FieldError("usage_budget", f"Enter an amount from 0.01 to {MAX_USAGE_BUDGET:,}.")
            )
    if choice.annual and offer.pricing_model is not PricingModel.SERVER_ANNUAL:
        problems.append(FieldError("annual", "Only server annual offers have a second approval."))
    return tuple(problems)


def charges_for(offer: Offer, choice: OfferChoice) -> tuple[Charge, ...]:
    """The charges of ``offer`` configured as ``choice`` (check the choice first)."""
    model = offer.pricing_model
    if model in (PricingModel.FREE, PricingModel.BYOL):
        return (Charge(ChargeKind.UPFRONT, "No charge", Decimal("0.00")),)
    if model is PricingModel.FLEXIBLE_PAYMENT:
        return tuple(
            Charge(
                ChargeKind.INSTALMENT,
                f"Instalment {number} of {len(offer.instalments)}",
                to_cents(instalment.amount),
                instalment.month_offset,
            )
            for number, instalment in enumerate(offer.instalments, start=1)
        )
    if model is PricingModel.SERVER_ANNUAL:
        if choice.annual:
            return (Charge(ChargeKind.UPFRONT, "Annual contract", _contract_total(offer, choice)),)
        return (
            Charge(ChargeKind.USAGE, "Pay-as-you-go usage (estimate)", SERVER_ANNUAL_PAYG_AMOUNT),
        )
    charges: list[Charge] = []
    if model is PricingModel.FREE_TRIAL:
        charges.append(
            Charge(ChargeKind.UPFRONT, f"{offer.trial_days}-day free trial", Decimal("0.00"))
        )
    elif model is PricingModel.SAAS_CONTRACT:
        months = choice.duration_months or 1
        label = f"{months}-month contract"
        charges.append(Charge(ChargeKind.UPFRONT, label, _contract_total(offer, choice, months)))
    if choice.usage_budget is not None and _takes_budget(offer):
        charges.append(
            Charge(ChargeKind.USAGE, "Usage (budget estimate)", to_cents(choice.usage_budget))
        )
    return tuple(charges)


def _contract_total(offer: Offer, choice: OfferChoice, months: int = 1) -> Decimal:
    """Each contract dimension's price x quantity, for ``months`` (prices are per month,
    except a server annual offer's, which are per year)."""
    total = sum(
        (
            d.price * choice.quantities.get(d.key, 0) * months
            for d in offer.dimensions
            if d.kind is DimensionKind.CONTRACT
        ),
        Decimal(0),
    )
    return to_cents(total)
