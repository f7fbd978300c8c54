"""How prices, terms and counts read on the pages: pure functions, no I/O.

Money keeps every significant digit (a usage price of ``0.0035`` stays ``$0.0035``) and at
least two decimal places; a contract dimension is priced per unit **per month**.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from marketplace.domain.catalog import Dimension, DimensionKind, Instalment, Offer, PricingModel

__all__ = [
    "format_count",
    "format_durations",
    "format_instalment_due",
    "format_money",
    "format_trial",
    "offer_summary",
    "unit_phrase",
    "unit_price",
]

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"}
_MAX_PLACES = 12  # a price is exact; only absurd inputs get rounded


def format_money(amount: Decimal, currency: str) -> str:
    """``Decimal("1200")``, ``"USD"`` → ``"$1,200.00"``; unknown currencies get their code."""
    exponent = amount.normalize().as_tuple().exponent
    places = 2 if not isinstance(exponent, int) else min(_MAX_PLACES, max(2, -exponent))
    text = f"{abs(amount):,.{places}f}"
    sign = "-" if amount < 0 else ""
    symbol = _SYMBOLS.get(currency.upper())
    if symbol is None:
        return f"{sign}{text} {currency.upper()}"
    return f"{sign}{symbol}{text}"


def unit_price(dimension: Dimension, currency: str) -> str:
    """``"$1,200.00 per user / month"`` for a contract dimension, ``"$0.10 per GB"`` for usage.

    A unit that is itself a length of time (``"Days"``, ``"Instance-years"``) is not "per
    month" again: ``"$1,500.00 per day"``.
    """
    money = format_money(dimension.price, currency)
    unit = unit_phrase(dimension.unit)
    if dimension.kind is DimensionKind.CONTRACT and not _is_period(unit):
        return f"{money} per {unit} / month"
    return f"{money} per {unit}"


def unit_phrase(unit: str) -> str:
    """A unit as it reads after "per": ``"Users"`` → ``"user"``, ``"Repositories"`` →
    ``"repository"``, ``"vCPUs"`` → ``"vCPU"``; counts and acronyms stay (``"1,000
    requests"``, ``"GB-month"``, ``"TB"``), ``"Million calls"`` → ``"million calls"``."""
    text = unit.strip()
    if not text or text[0].isdigit() or text[0] in "$€£¥":
        return text
    first, _, rest = text.partition(" ")
    if rest:  # "Million calls": a multiplier and a plural noun
        return f"{_lower_word(first)} {rest}"
    head, _, last = text.rpartition("-")
    return f"{_lower_word(head)}-{_singular(last)}" if head else _lower_word(_singular(last))


_PERIODS = ("hour", "day", "week", "month", "year")


def _is_period(unit: str) -> bool:
    return unit.rpartition("-")[2] in _PERIODS


def _lower_word(word: str) -> str:
    """``"Users"`` → ``"users"``; acronyms (``"GB"``, ``"vCPU"``) are left alone."""
    if word[:1].isupper() and word[1:].islower():
        return word.lower()
    return word


def _singular(word: str) -> str:
    if len(word) < 3 or not word.endswith("s") or word.endswith(("ss", "us")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1]


def format_durations(months: Sequence[int]) -> str:
    """``(1, 12, 36)`` → ``"1 month, 12 months or 36 months"``."""
    names = [f"{n} month" if n == 1 else f"{n} months" for n in sorted(months)]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} or {names[-1]}"


def format_instalment_due(instalment: Instalment) -> str:
    """When an instalment is due, relative to the agreement's start."""
    offset = instalment.month_offset
    if offset == 0:
        return "At the start of the agreement"
    return f"{offset} month{'' if offset == 1 else 's'} after the start"


def format_trial(days: int) -> str:
    """``30`` → ``"30-day free trial"``."""
    return f"{days}-day free trial"


def format_count(count: int, singular: str, plural: str | None = None) -> str:
    """``1234, "result"`` → ``"1,234 results"``."""
    word = singular if count == 1 else (plural or f"{singular}s")
    return f"{count:,} {word}"


def offer_summary(offer: Offer) -> str:
    """A one-line price summary of an offer, for lists."""
    if offer.pricing_model is PricingModel.FREE:
        return "Free"
    if offer.pricing_model is PricingModel.BYOL:
        return "Bring your own license"
    if offer.instalments:
        total = sum((i.amount for i in offer.instalments), Decimal(0))
        count = format_count(len(offer.instalments), "instalment")
        return f"{format_money(total, offer.currency)} in {count}"
    prices = [d.price for d in offer.dimensions]
    if not prices:
        return offer.pricing_model.label
    return f"From {format_money(min(prices), offer.currency)}"
