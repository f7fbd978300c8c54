"""The words of the demo catalog: what a product family is, sellers, and shared phrases.

Every company, brand and product of the demo catalog is invented. A :class:`Family` is a
kind of software (log analytics, vulnerability scanners, databases …): its categories, how
it may be delivered, product names each with its own pitch, selling points, and the priced
dimensions its offers use, at the list prices such products carry (per user, per host, per
GB …) as ``Decimal`` with two decimals. The families themselves are in
:mod:`demo_families_infra` and :mod:`demo_families_apps`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from marketplace.domain.catalog import DeliveryMethod, Dimension, DimensionKind

__all__ = [
    "BRAND_ENDINGS",
    "DELIVERY_SENTENCES",
    "SELLER_BRANDS",
    "SERVICE_KINDS",
    "TAILS",
    "TRUST",
    "DimensionChoice",
    "Family",
    "contract",
    "family",
    "usage",
]

_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class DimensionChoice:
    """One priced unit with the list prices it may carry (each a ready ``Dimension``)."""

    variants: tuple[Dimension, ...]


def _choice(kind: DimensionKind, key: str, name: str, unit: str, prices: str) -> DimensionChoice:
    return DimensionChoice(
        tuple(
            Dimension(key=key, name=name, unit=unit, price=Decimal(p).quantize(_CENT), kind=kind)
            for p in prices.split()
        )
    )


def contract(key: str, name: str, unit: str, prices: str) -> DimensionChoice:
    """A contract dimension (bought upfront, priced per month) at space-separated prices."""
    return _choice(DimensionKind.CONTRACT, key, name, unit, prices)


def usage(key: str, name: str, unit: str, prices: str) -> DimensionChoice:
    """A usage dimension (metered, billed monthly) at space-separated prices."""
    return _choice(DimensionKind.USAGE, key, name, unit, prices)


@dataclass(frozen=True, slots=True, kw_only=True)
class Family:
    """A kind of software and everything needed to invent listings of it."""

    key: str
    categories: tuple[str, ...]  # the first is the main one
    deliveries: tuple[DeliveryMethod, ...]
    brands: tuple[str, ...]  # product brands coined for this family
    products: tuple[tuple[str, str], ...]  # (name, pitch without its full stop)
    models: tuple[tuple[str, str], ...]  # the same, for ML_MODEL delivery
    features: tuple[str, ...]  # long-description sentences
    contract: tuple[DimensionChoice, ...]
    usage: tuple[DimensionChoice, ...]
    seller_suffixes: tuple[str, ...]


def family(
    *,
    key: str,
    categories: str,
    deliveries: tuple[DeliveryMethod, ...],
    brand_roots: str,
    products: str,
    features: str,
    contract: tuple[DimensionChoice, ...],
    usage: tuple[DimensionChoice, ...],
    seller_suffixes: str,
    models: str = "",
) -> Family:
    """A family from compact text: ``;``-separated lists, products as name/pitch line pairs."""
    roots = brand_roots.split()
    return Family(
        key=key,
        categories=_items(categories),
        deliveries=deliveries,
        brands=tuple(r + e for r in roots for e in BRAND_ENDINGS if r[-1] != e[0]),
        products=_pairs(products),
        models=_pairs(models),
        features=_lines(features),
        contract=contract,
        usage=usage,
        seller_suffixes=_items(seller_suffixes),
    )


def _items(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(";"))


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    lines = _lines(text)
    return tuple(zip(lines[0::2], lines[1::2], strict=True))


BRAND_ENDINGS = ("ly", "wise", "hub", "flow", "stack", "scope", "deck", "base", "works", "grid")

SERVICE_KINDS = (
    "Assessment", "Implementation", "Workshop", "Quick Start", "Managed Service",
    "Advisory", "Proof of Concept", "Readiness Review", "Accelerator",
)  # fmt: skip

# How a short description ends, by delivery method.
TAILS = {
    DeliveryMethod.SAAS: (
        ".",
        ".",
        " for teams of any size.",
        ", set up in under an hour.",
        " across every account in your organization.",
        ", at a predictable price.",
    ),
    DeliveryMethod.SERVER: (
        ".",
        ", on a hardened machine image in your own VPC.",
        ", running in your own account.",
    ),
    DeliveryMethod.CONTAINER: (
        ".",
        ", packaged as a Helm chart.",
        ", inside your own Kubernetes clusters.",
    ),
    DeliveryMethod.ML_MODEL: (".", ", running in your own account.", ", in real time or in batch."),
    DeliveryMethod.PROFESSIONAL_SERVICES: (
        ".",
        ", for organizations of every size.",
        ", on a fixed timeline.",
    ),
}

DELIVERY_SENTENCES = {
    DeliveryMethod.SAAS: (
        "Delivered as software as a service: nothing to install, billed to your account."
    ),
    DeliveryMethod.SERVER: "Runs on a machine image launched in your own account and network.",
    DeliveryMethod.CONTAINER: (
        "Ships as container images with a Helm chart for Kubernetes and Amazon ECS."
    ),
    DeliveryMethod.ML_MODEL: (
        "Deploys as a model package to a real-time endpoint or a batch transform job."
    ),
    DeliveryMethod.PROFESSIONAL_SERVICES: (
        "Delivered by the seller's consultants; the statement of work lists every step."
    ),
}

TRUST = (
    "Backed by 24/7 support and a 99.9% availability commitment.",
    "SOC 2 Type II and ISO 27001 certified.",
    "Trusted by more than 2,000 customers worldwide.",
    "Every subscription includes onboarding with a named customer success manager.",
    "Support by e-mail and chat is included at no extra cost.",
    "Documentation, training videos and a community forum are free for every customer.",
)

SELLER_BRANDS = (
    "Acorn", "Aldercrest", "Ambergrid", "Arclight", "Azurite", "Basalt", "Birchway", "Bluefin",
    "Brightwater", "Cedarline", "Cinder", "Clearwater", "Cobalt", "Copperleaf", "Crestview",
    "Driftwood", "Eastgate", "Emberly", "Evergreen", "Falconridge", "Fernhill", "Fieldstone",
    "Flintlock", "Foxglove", "Glacier", "Goldcrest", "Greystone", "Halcyon", "Hawthorn",
    "Heliotrope", "Highline", "Ironbark", "Juniper", "Kestrel", "Kittiwake", "Lakeshore",
    "Larkspur", "Lodestar", "Marigold", "Meridian", "Mistral", "Moonstone", "Northwind",
    "Oakmont", "Onyxbrook", "Orchid", "Palisade", "Pinecrest", "Quartzite", "Quill", "Redwood",
    "Riverbend", "Saltmarsh", "Sandpiper", "Silverline", "Skylark", "Solstice", "Starling",
    "Stonebridge", "Sunridge", "Tamarack", "Thistle", "Tidewater", "Timberline", "Topaz",
    "Trillium", "Umber", "Vantage", "Verdant", "Westbrook", "Whitecap", "Willowmere",
    "Windward", "Wrenfield", "Yarrow", "Zephyr", "Alpenglow", "Bramble", "Canopy", "Dovetail",
)  # fmt: skip
