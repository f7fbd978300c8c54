"""A deterministic, believable demo catalog: sellers and products with their offers.

Products come in blocks of ten, each block drawn from its own ``random.Random`` seeded by
``(seed, block)``; so product ``n`` is the same whatever ``count`` and ``start`` are, and any
product can be generated without the ones before it. Every block holds one product per
pricing model (and between them every delivery method), plus three more drawn at random
(mostly SaaS, as on a real marketplace), in shuffled order: any 20 consecutive products hold
a whole block, hence every pricing model and every delivery method. The pricing model is the
*default* offer's; about a third of the products carry a second offer.

Sellers are the same for every seed (so catalogs seeded with different seeds share them);
the seed decides everything about the products.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import random as random_module
from collections.abc import Iterator
from dataclasses import dataclass

from marketplace.domain.catalog import DeliveryMethod, Offer, PricingModel, Product, Seller
from marketplace.domain.errors import FieldError, ValidationError
from marketplace.services.demo_families_apps import FAMILIES
from marketplace.services.demo_offers import (
    EXTRA_OFFERS,
    OFFER_MAKERS,
    OfferMaker,
    Random,
    pick,
)
from marketplace.services.demo_vocabulary import (
    DELIVERY_SENTENCES,
    SELLER_BRANDS,
    SERVICE_KINDS,
    TAILS,
    TRUST,
    Family,
)

__all__ = ["BLOCK_SIZE", "generate_products", "generate_sellers", "product_id"]

BLOCK_SIZE = 10

_EPOCH = dt.datetime(2023, 1, 2, 9, 0, tzinfo=dt.UTC)
_EXTRA_OFFER_SHARE = 0.3
_ALLOWED = {
    DeliveryMethod.SAAS: {
        PricingModel.FREE,
        PricingModel.FREE_TRIAL,
        PricingModel.SAAS_CONTRACT,
        PricingModel.SAAS_SUBSCRIPTION,
        PricingModel.FLEXIBLE_PAYMENT,
    },
    DeliveryMethod.SERVER: {
        PricingModel.FREE,
        PricingModel.FREE_TRIAL,
        PricingModel.BYOL,
        PricingModel.SERVER_ANNUAL,
    },
    DeliveryMethod.CONTAINER: {
        PricingModel.FREE,
        PricingModel.FREE_TRIAL,
        PricingModel.BYOL,
        PricingModel.SAAS_CONTRACT,
        PricingModel.SAAS_SUBSCRIPTION,
    },
    DeliveryMethod.PROFESSIONAL_SERVICES: {
        PricingModel.SAAS_CONTRACT,
        PricingModel.FLEXIBLE_PAYMENT,
    },
    DeliveryMethod.ML_MODEL: {
        PricingModel.FREE,
        PricingModel.FREE_TRIAL,
        PricingModel.SAAS_SUBSCRIPTION,
    },
}
_SERVICE_QUALIFIERS = (
    "", "", "", " for Financial Services", " for Healthcare", " for Retail",
    " for the Public Sector", " for Startups", " (2 Weeks)", " (6 Weeks)", " - Fixed Price",
)  # fmt: skip
_MODEL_VARIANTS = (
    "", "", " Lite", " Large", " (Multilingual)", " v2", " v3", " for Healthcare",
    " for Financial Services", " for Retail", " - English",
)  # fmt: skip
_EDITIONS = {
    PricingModel.FREE: (" Community Edition", " Free Edition", " Open Source", " Starter"),
    PricingModel.BYOL: (" (BYOL)", " Enterprise (BYOL)"),
    PricingModel.SERVER_ANNUAL: ("", " Enterprise", " Professional"),
    PricingModel.FREE_TRIAL: ("", " Pro", " Cloud"),
    PricingModel.SAAS_CONTRACT: ("", "", " Enterprise", " Business", " Cloud"),
    PricingModel.SAAS_SUBSCRIPTION: ("", "", " Cloud", " Teams"),
    PricingModel.FLEXIBLE_PAYMENT: ("", " Enterprise"),
}


@dataclass(frozen=True, slots=True)
class _Slot:
    """A (delivery method, pricing model) pair with everything looked up once."""

    delivery: DeliveryMethod
    pricing: PricingModel
    families: tuple[Family, ...]
    editions: tuple[str, ...]
    tails: tuple[str, ...]
    offer: OfferMaker
    extras: tuple[OfferMaker, ...]
    sentence: str

    @classmethod
    def of(cls, delivery: DeliveryMethod, pricing: PricingModel) -> _Slot:
        return cls(
            delivery,
            pricing,
            tuple(f for f in FAMILIES if delivery in f.deliveries),
            _EDITIONS[pricing],
            TAILS[delivery],
            OFFER_MAKERS[pricing],
            tuple(OFFER_MAKERS[p] for p in EXTRA_OFFERS[pricing] if p in _ALLOWED[delivery]),
            DELIVERY_SENTENCES[delivery],
        )


_D = DeliveryMethod
_P = PricingModel
# Enum members bound once (reading ``DeliveryMethod.SAAS`` costs more than a global lookup).
_SERVICES = DeliveryMethod.PROFESSIONAL_SERVICES
_MODEL = DeliveryMethod.ML_MODEL
_CONTAINER = DeliveryMethod.CONTAINER
_SERVER = DeliveryMethod.SERVER
# One of each pricing model, and between them each delivery method, in every block.
_COVERAGE = tuple(
    _Slot.of(d, p)
    for d, p in (
        (_D.SAAS, _P.SAAS_CONTRACT),
        (_D.SAAS, _P.FREE_TRIAL),
        (_D.ML_MODEL, _P.SAAS_SUBSCRIPTION),
        (_D.SERVER, _P.SERVER_ANNUAL),
        (_D.SERVER, _P.BYOL),
        (_D.CONTAINER, _P.FREE),
        (_D.PROFESSIONAL_SERVICES, _P.FLEXIBLE_PAYMENT),
    )
)
# The rest of a block, weighted like a real marketplace: mostly SaaS.
_MORE = tuple(
    _Slot.of(d, p)
    for d, p, weight in (
        (_D.SAAS, _P.SAAS_SUBSCRIPTION, 4),
        (_D.SAAS, _P.SAAS_CONTRACT, 4),
        (_D.SAAS, _P.FREE_TRIAL, 2),
        (_D.SAAS, _P.FLEXIBLE_PAYMENT, 1),
        (_D.SAAS, _P.FREE, 1),
        (_D.CONTAINER, _P.BYOL, 1),
        (_D.CONTAINER, _P.SAAS_CONTRACT, 1),
        (_D.CONTAINER, _P.SAAS_SUBSCRIPTION, 1),
        (_D.SERVER, _P.FREE, 1),
        (_D.SERVER, _P.FREE_TRIAL, 1),
        (_D.SERVER, _P.SERVER_ANNUAL, 1),
        (_D.PROFESSIONAL_SERVICES, _P.SAAS_CONTRACT, 1),
        (_D.ML_MODEL, _P.FREE_TRIAL, 1),
    )
    for _ in range(weight)
)


def generate_sellers(seed: int = 7) -> tuple[Seller, ...]:
    """Every demo seller; the same for every ``seed`` (see the module docstring)."""
    return tuple(dict.fromkeys(seller for seller, _ in _seller_pool()))


def generate_products(count: int, *, seed: int = 7, start: int = 0) -> Iterator[Product]:
    """Products ``start`` to ``start + count - 1`` of the demo catalog of ``seed``."""
    if count < 0 or start < 0:
        field = "count" if count < 0 else "start"
        raise ValidationError(
            "The product range is invalid.", (FieldError(field, "Use 0 or more."),)
        )
    end = start + count
    for block in range(start // BLOCK_SIZE, -(-end // BLOCK_SIZE)):
        first = block * BLOCK_SIZE
        products = _block(seed, block)
        yield from products[max(start - first, 0) : end - first]


def product_id(seed: int, index: int) -> str:
    """The id of product ``index`` of the catalog of ``seed``: ``prod-`` and 13 characters."""
    return "prod-" + _token(b"%d:%d" % (seed, index))


_B32 = "abcdefghijklmnopqrstuvwxyz234567"
_B32_PAIRS = tuple(a + b for a in _B32 for b in _B32)


def _token(data: bytes) -> str:
    """13 lower-case base32 characters of a 64-bit hash of ``data`` (RFC 4648 alphabet)."""
    n = int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big") << 1
    pairs = _B32_PAIRS
    return (
        pairs[n >> 55 & 1023]
        + pairs[n >> 45 & 1023]
        + pairs[n >> 35 & 1023]
        + pairs[n >> 25 & 1023]
        + pairs[n >> 15 & 1023]
        + pairs[n >> 5 & 1023]
        + _B32[n & 31]
    )


def _block(seed: int, block: int) -> list[Product]:
    digest = hashlib.blake2b(b"block:%d:%d" % (seed, block), digest_size=8).digest()
    rng = random_module.Random(int.from_bytes(digest, "big"))
    random = rng.random
    slots = [*_COVERAGE, *(pick(random, _MORE) for _ in range(BLOCK_SIZE - len(_COVERAGE)))]
    rng.shuffle(slots)
    first = block * BLOCK_SIZE
    return [_product(random, seed, first + i, slot) for i, slot in enumerate(slots)]


def _product(random: Random, seed: int, index: int, slot: _Slot) -> Product:
    family = pick(random, slot.families)
    seller, brand = pick(random, _sellers_for(family.key))
    title, pitch = _title(random, family, brand, slot)
    short = pitch + pick(random, slot.tails)
    categories: tuple[str, ...] = (family.categories[0],)
    if random() < 0.5:
        categories += (pick(random, family.categories[1:]),)
    identifier = product_id(seed, index)
    return Product(
        id=identifier,
        title=title,
        short_description=short,
        long_description=_long_description(random, family, slot, short),
        seller=seller,
        categories=categories,
        delivery_method=slot.delivery,
        offers=_offers(random, family, slot, seed, index, identifier),
        created_at=_EPOCH + dt.timedelta(minutes=10 * index + int(random() * 10)),
    )


def _title(random: Random, family: Family, brand: str, slot: _Slot) -> tuple[str, str]:
    """The product's name and pitch."""
    if slot.delivery is _SERVICES:
        topic, pitch = pick(random, family.products)
        title = f"{topic} {pick(random, SERVICE_KINDS)}"
        if random() < 0.3:
            title = f"{brand} {title}"
        return title + pick(random, _SERVICE_QUALIFIERS), pitch
    if family.brands and random() < 0.5:
        brand = pick(random, family.brands)
    if slot.delivery is _MODEL:
        noun, pitch = pick(random, family.models)
        return f"{brand} {noun}{pick(random, _MODEL_VARIANTS)}", pitch
    noun, pitch = pick(random, family.products)
    edition = pick(random, slot.editions)
    if slot.delivery is _CONTAINER and not edition and random() < 0.5:
        edition = "" if "Kubernetes" in noun else " for Kubernetes"
    if slot.delivery is _SERVER and random() < 0.4:  # machine images carry their version
        noun += f" {int(random() * 9) + 1}.{int(random() * 10)}"
    return f"{brand} {noun}{edition}", pitch


def _long_description(random: Random, family: Family, slot: _Slot, short: str) -> str:
    features = family.features
    n = len(features)
    first = int(random() * n)
    one, two, three = features[first], features[(first + 1) % n], features[(first + 2) % n]
    return f"{short} {one} {two}\n\n{three} {slot.sentence}\n\n{pick(random, TRUST)}"


def _offers(
    random: Random, family: Family, slot: _Slot, seed: int, index: int, identifier: str
) -> tuple[Offer, ...]:
    makers = [slot.offer]
    if slot.extras and random() < _EXTRA_OFFER_SHARE:
        makers.append(pick(random, slot.extras))
    return tuple(
        make(
            random,
            family,
            slot.delivery,
            "offer-" + _token(b"%d:%d:%d" % (seed, index, number)),
            identifier,
            number == 0,
        )
        for number, make in enumerate(makers)
    )


# Which other family a vendor of a family may also sell (software vendors stay close to home).
_RELATED = {
    "observability": ("devops", "databases", "infrastructure"),
    "security": ("identity", "networking", "backup"),
    "identity": ("security",),
    "databases": ("data", "backup"),
    "devops": ("observability", "infrastructure"),
    "data": ("machine_learning", "databases"),
    "machine_learning": ("data",),
    "backup": ("databases", "infrastructure"),
    "cost": ("observability", "devops"),
    "networking": ("security", "infrastructure"),
    "business": ("data",),
    "infrastructure": ("networking", "security"),
    "professional_services": (),
}


@functools.cache
def _seller_pool() -> tuple[tuple[Seller, Family], ...]:
    """Each brand sells one family; some software vendors a related family, or services."""
    by_key = {family.key: family for family in FAMILIES}
    pool = []
    for i, brand in enumerate(SELLER_BRANDS):
        family = FAMILIES[i % len(FAMILIES)]
        suffixes = family.seller_suffixes
        name = f"{brand} {suffixes[(i // len(FAMILIES)) % len(suffixes)]}"
        seller = Seller(id="seller-" + _token(name.encode()), name=name)
        pool.append((seller, family))
        related = _RELATED[family.key]
        if related and i % 3 == 0:
            pool.append((seller, by_key[related[(i // 3) % len(related)]]))
        elif related and i % 5 == 1:
            pool.append((seller, by_key["professional_services"]))
    return tuple(pool)


@functools.cache
def _sellers_for(family_key: str) -> tuple[tuple[Seller, str], ...]:
    """The sellers of a family, each with the brand its product names use."""
    return tuple(
        (seller, seller.name.split()[0])
        for seller, family in _seller_pool()
        if family.key == family_key
    )
