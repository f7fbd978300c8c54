"""Offers of the demo catalog: one per pricing model, priced like real listings.

=====================  ======================================================================
``FREE``, ``BYOL``     no dimensions
``FREE_TRIAL``         7 to 30 trial days, then usage dimensions (hourly ones for servers)
``SAAS_CONTRACT``      1 to 3 contract dimensions ("Users", "Hosts" …), durations from
                       ``CONTRACT_DURATIONS``
``SAAS_SUBSCRIPTION``  1 to 3 usage dimensions (GB ingested, build minutes …)
``FLEXIBLE_PAYMENT``   contract dimensions for one duration, paid in instalments that add up
                       to the contract's total (each dimension's price times the months)
``SERVER_ANNUAL``      per instance type: an hourly usage and an annual contract dimension
=====================  ======================================================================

All randomness comes from the ``random`` function passed in (a seeded ``Random.random``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TypeVar

from marketplace.domain.catalog import (
    DeliveryMethod,
    Dimension,
    DimensionKind,
    Instalment,
    Offer,
    PricingModel,
)
from marketplace.services.demo_vocabulary import DimensionChoice, Family

__all__ = ["EXTRA_OFFERS", "OFFER_MAKERS", "OfferMaker", "Random", "make_offer", "pick"]

Random = Callable[[], float]
T = TypeVar("T")

_DURATION_SETS: tuple[tuple[int, ...], ...] = (
    (1, 12, 24, 36),
    (12, 24, 36),
    (12,),
    (1, 12),
    (12, 36),
    (12, 24),
    (1,),
)
_FLEXIBLE_DURATIONS = (12, 24, 36)
# Months between instalments (annual, semi-annual, quarterly): always two payments or more.
_PAYMENT_EVERY = {12: (6, 3), 24: (12, 6, 3), 36: (12, 6, 3)}
_TRIAL_DAYS = (7, 14, 14, 15, 30, 30)
_SERVICE_DURATIONS: tuple[tuple[int, ...], ...] = ((1,), (12,))
_SERVICE_PAYMENT_EVERY = (3, 6)

# Instance types with how much bigger than a "large" they are; the software's hourly price
# scales with the size. Annual pricing is the hourly price over a year, less a discount.
_INSTANCE_TYPES = (
    ("t3.medium", Decimal("0.5")),
    ("m5.large", Decimal(1)),
    ("m5.xlarge", Decimal(2)),
    ("m5.2xlarge", Decimal(4)),
    ("c5.xlarge", Decimal(2)),
    ("c5.4xlarge", Decimal(8)),
    ("r5.xlarge", Decimal(2)),
    ("r5.4xlarge", Decimal(8)),
)
_HOURLY_BASE = ("0.04", "0.06", "0.09", "0.12", "0.17", "0.25", "0.35", "0.50")
_HOURS_PER_YEAR = 8760
_ANNUAL_SHARE = Decimal("0.70")  # an annual subscription saves about 30 %


def _server_dimensions(base: Decimal) -> tuple[tuple[Dimension, Dimension], ...]:
    pairs = []
    for instance_type, size in _INSTANCE_TYPES:
        hourly = (base * size).quantize(Decimal("0.01"))
        annual = (hourly * _HOURS_PER_YEAR * _ANNUAL_SHARE).quantize(Decimal(1))
        key = instance_type.replace(".", "_")
        pairs.append(
            (
                Dimension(
                    key=f"{key}_hourly",
                    name=f"{instance_type} (hourly)",
                    unit="Hours",
                    price=hourly,
                    kind=DimensionKind.USAGE,
                ),
                Dimension(
                    key=f"{key}_annual",
                    name=f"{instance_type} (annual)",
                    unit="Instance-years",
                    price=annual.quantize(Decimal("0.01")),
                    kind=DimensionKind.CONTRACT,
                ),
            )
        )
    return tuple(pairs)


_SERVER_PRICES = tuple(_server_dimensions(Decimal(base)) for base in _HOURLY_BASE)

# A second, non-default offer some products carry, by the default offer's pricing model.
EXTRA_OFFERS: dict[PricingModel, tuple[PricingModel, ...]] = {
    PricingModel.SAAS_CONTRACT: (PricingModel.FREE_TRIAL, PricingModel.SAAS_SUBSCRIPTION),
    PricingModel.SAAS_SUBSCRIPTION: (PricingModel.SAAS_CONTRACT,),
    PricingModel.FREE_TRIAL: (PricingModel.SAAS_CONTRACT, PricingModel.SAAS_SUBSCRIPTION),
    PricingModel.FLEXIBLE_PAYMENT: (PricingModel.SAAS_CONTRACT,),
    PricingModel.SERVER_ANNUAL: (PricingModel.BYOL, PricingModel.FREE_TRIAL),
    PricingModel.BYOL: (PricingModel.SERVER_ANNUAL,),
    PricingModel.FREE: (),
}


def pick(random: Random, items: Sequence[T]) -> T:
    """One of ``items``, uniformly (faster than ``Random.choice``)."""
    return items[int(random() * len(items))]


def make_offer(
    random: Random,
    family: Family,
    pricing: PricingModel,
    delivery: DeliveryMethod,
    *,
    offer_id: str,
    product_id: str,
    is_default: bool,
) -> Offer:
    """An offer of ``pricing`` for a product of ``family`` delivered by ``delivery``."""
    return OFFER_MAKERS[pricing](random, family, delivery, offer_id, product_id, is_default)


# Enum members bound once: reading ``DeliveryMethod.SAAS`` costs more than a global lookup,
# and a catalog of 100,000 products reads them millions of times.
_SAAS = DeliveryMethod.SAAS
_SERVER = DeliveryMethod.SERVER
_SERVICES = DeliveryMethod.PROFESSIONAL_SERVICES
_FREE = PricingModel.FREE
_BYOL = PricingModel.BYOL
_FREE_TRIAL = PricingModel.FREE_TRIAL
_CONTRACT = PricingModel.SAAS_CONTRACT
_SUBSCRIPTION = PricingModel.SAAS_SUBSCRIPTION
_FLEXIBLE = PricingModel.FLEXIBLE_PAYMENT
_SERVER_ANNUAL = PricingModel.SERVER_ANNUAL
_SAAS_FREE_NAMES = ("Free tier", "Community plan", "Free plan")
_OTHER_FREE_NAMES = ("Free (infrastructure charges apply)", "Community edition")


def _free(
    random: Random, family: Family, delivery: DeliveryMethod, oid: str, pid: str, default: bool
) -> Offer:
    name = pick(random, _SAAS_FREE_NAMES if delivery is _SAAS else _OTHER_FREE_NAMES)
    return Offer(id=oid, product_id=pid, name=name, pricing_model=_FREE, is_default=default)


def _byol(
    random: Random, family: Family, delivery: DeliveryMethod, oid: str, pid: str, default: bool
) -> Offer:
    name = "Bring your own license"
    return Offer(id=oid, product_id=pid, name=name, pricing_model=_BYOL, is_default=default)


def _free_trial(
    random: Random, family: Family, delivery: DeliveryMethod, oid: str, pid: str, default: bool
) -> Offer:
    days = pick(random, _TRIAL_DAYS)
    if delivery is _SERVER:
        dimensions = _server_pairs(random, hourly_only=True)
    else:
        dimensions = _several(random, family.usage, 2)
    return Offer(
        id=oid,
        product_id=pid,
        name=f"{days}-day free trial",
        pricing_model=_FREE_TRIAL,
        dimensions=dimensions,
        trial_days=days,
        is_default=default,
    )


def _contract(
    random: Random, family: Family, delivery: DeliveryMethod, oid: str, pid: str, default: bool
) -> Offer:
    dimensions = _several(random, family.contract, 3)
    if delivery is _SERVICES:
        durations = pick(random, _SERVICE_DURATIONS)
        name = "Fixed-fee engagement" if durations == (1,) else "Annual retainer"
    else:
        durations = pick(random, _DURATION_SETS)
        name = "Monthly contract" if durations == (1,) else "Upfront contract"
    return Offer(
        id=oid,
        product_id=pid,
        name=name,
        pricing_model=_CONTRACT,
        dimensions=dimensions,
        durations=durations,
        is_default=default,
    )


def _subscription(
    random: Random, family: Family, delivery: DeliveryMethod, oid: str, pid: str, default: bool
) -> Offer:
    return Offer(
        id=oid,
        product_id=pid,
        name="Pay as you go",
        pricing_model=_SUBSCRIPTION,
        dimensions=_several(random, family.usage, 3),
        is_default=default,
    )


def _flexible(
    random: Random, family: Family, delivery: DeliveryMethod, oid: str, pid: str, default: bool
) -> Offer:
    dimensions = _several(random, family.contract, 2)
    if delivery is _SERVICES:
        months, every = 12, pick(random, _SERVICE_PAYMENT_EVERY)
    else:
        months = pick(random, _FLEXIBLE_DURATIONS)
        every = pick(random, _PAYMENT_EVERY[months])
    total = sum([d.price for d in dimensions], Decimal(0)) * months
    instalments = _instalments(total, months, every)
    return Offer(
        id=oid,
        product_id=pid,
        name=f"{months}-month contract, {len(instalments)} payments",
        pricing_model=_FLEXIBLE,
        dimensions=dimensions,
        durations=(months,),
        instalments=instalments,
        is_default=default,
    )


def _server_annual(
    random: Random, family: Family, delivery: DeliveryMethod, oid: str, pid: str, default: bool
) -> Offer:
    return Offer(
        id=oid,
        product_id=pid,
        name="Hourly or annual",
        pricing_model=_SERVER_ANNUAL,
        dimensions=_server_pairs(random),
        durations=(12,),
        is_default=default,
    )


OfferMaker = Callable[[Random, Family, DeliveryMethod, str, str, bool], Offer]
OFFER_MAKERS: dict[PricingModel, OfferMaker] = {
    PricingModel.FREE: _free,
    PricingModel.BYOL: _byol,
    PricingModel.FREE_TRIAL: _free_trial,
    PricingModel.SAAS_CONTRACT: _contract,
    PricingModel.SAAS_SUBSCRIPTION: _subscription,
    PricingModel.FLEXIBLE_PAYMENT: _flexible,
    PricingModel.SERVER_ANNUAL: _server_annual,
}


def _several(
    random: Random, choices: Sequence[DimensionChoice], most: int
) -> tuple[Dimension, ...]:
    """1 to ``most`` different dimensions (consecutive ones), each at one of its list prices."""
    n = len(choices)
    count = 1 + int(random() * (most if most < n else n))
    first = int(random() * n)
    picked = []
    for i in range(count):
        variants = choices[(first + i) % n].variants
        picked.append(variants[int(random() * len(variants))])
    return tuple(picked)


def _server_pairs(random: Random, *, hourly_only: bool = False) -> tuple[Dimension, ...]:
    """Hourly (and annual) dimensions for 1 to 3 consecutive instance types."""
    prices = pick(random, _SERVER_PRICES)
    count = 1 + int(random() * 3)
    first = int(random() * (len(prices) - count + 1))
    pairs = prices[first : first + count]
    if hourly_only:
        return tuple(hourly for hourly, _ in pairs)
    return tuple(dimension for pair in pairs for dimension in pair)


def _instalments(total: Decimal, months: int, every: int) -> tuple[Instalment, ...]:
    """Equal payments every ``every`` months; the first one absorbs the rounding."""
    count = months // every
    cents = int(total * 100)
    share, rest = divmod(cents, count)
    return tuple(
        Instalment(
            month_offset=i * every, amount=Decimal(share + (rest if i == 0 else 0)).scaleb(-2)
        )
        for i in range(count)
    )
