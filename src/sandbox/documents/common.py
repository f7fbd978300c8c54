"""What the sandbox's documents share: the headers for each supplier mode, addresses, the
deployment mode, and copies of documents with their shared secret removed (to store and show).
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

import cxml
from cxml.models.common import Address, Email, Name, PostalAddress
from cxml.models.envelope import DeploymentMode, Document, Header, Party
from sandbox.domain.people import CompanyAddress
from sandbox.domain.suppliers import (
    ARIBA_SENDER_DOMAIN,
    ARIBA_SENDER_IDENTITY,
    Supplier,
    SupplierMode,
)

__all__ = [
    "COUPA_USER_AGENT",
    "address",
    "deployment_mode",
    "order_header",
    "payload_host",
    "punchout_header",
    "without_secrets",
]

COUPA_USER_AGENT = "Coupa Procurement 1.0"  # Coupa's own, which "does not change"
ARIBA_USER_AGENT = "Ariba Network (buyer sandbox)"


def payload_host(base_url: str) -> str:
    """The host part of our payloadIDs (``…@127.0.0.1``)."""
    return urlsplit(base_url).hostname or "sandbox.invalid"


def deployment_mode(supplier: Supplier) -> DeploymentMode:
    """``test`` for a supplier switched to test, else ``production``."""
    return DeploymentMode.TEST if supplier.settings.test else DeploymentMode.PRODUCTION


def _user_agent(supplier: Supplier) -> str:
    return ARIBA_USER_AGENT if supplier.settings.mode is SupplierMode.ARIBA else COUPA_USER_AGENT


def punchout_header(supplier: Supplier) -> Header:
    """From us to the punchout site (its Domain/Identity), sent by its Sender with its secret."""
    site = supplier.settings
    return Header(
        from_=Party.of(site.our_domain, site.our_identity),
        to=Party.of(site.punchout_domain, site.punchout_identity),
        sender=Party.of(site.sender_domain, site.sender_identity, supplier.punchout_secret),
        user_agent=_user_agent(supplier),
    )


def order_header(supplier: Supplier) -> Header:
    """From us to the supplier (PO transmission). Coupa sends as itself; through Ariba
    Network the Sender is Ariba Network's, with the supplier's own secret."""
    site = supplier.settings
    if site.mode is SupplierMode.ARIBA:
        sender = Party.of(ARIBA_SENDER_DOMAIN, ARIBA_SENDER_IDENTITY, supplier.po_secret)
    else:
        sender = Party.of(site.our_domain, site.our_identity, supplier.po_secret)
    return Header(
        from_=Party.of(site.our_domain, site.our_identity),
        to=Party.of(site.supplier_domain, site.supplier_identity),
        sender=sender,
        user_agent=_user_agent(supplier),
    )


def address(place: CompanyAddress) -> Address:
    """A company address as Coupa sends it (``PostalAddress name="default"``)."""
    return Address(
        name=Name(place.name, "en"),
        address_id=place.address_id,
        iso_country_code=place.iso_country_code,
        postal_address=PostalAddress(
            name="default",
            deliver_to=(place.deliver_to,) if place.deliver_to else (),
            streets=place.streets,
            city=place.city,
            state=place.state,
            postal_code=place.postal_code,
            country=place.country,
            iso_country_code=place.iso_country_code,
        ),
        email=Email(place.email, "default") if place.email else None,
    )


def without_secrets(document: Document) -> str:
    """The document serialized with every shared secret removed (to store and to show)."""
    if document.header is None:
        return cxml.serialize(document).decode("utf-8")
    clean = dataclasses.replace(document, header=document.header.without_secrets())
    return cxml.serialize(clean).decode("utf-8")
