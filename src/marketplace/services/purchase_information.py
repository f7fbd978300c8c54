"""Purchase information: the values a Coupa (or Ariba) administrator copies into their system
to reach a connection, each with the cXML element it fills and where it goes there."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.domain.procurement import CXML_VERSION, PortalConnection, ProcurementSystem

__all__ = ["CXML_PATHS", "PurchaseInformation", "PurchaseInformationItem", "build"]

CXML_PATHS = {
    "punchout": "/cxml/punchout",
    "order": "/cxml/orders",
    "profile": "/cxml/profile",
}
"""Where the web app receives each cXML request (published in purchase information)."""


@dataclass(frozen=True, slots=True)
class PurchaseInformationItem:
    """One value the procurement system's administrator copies, and where it goes."""

    key: str
    label: str
    value: str
    cxml: str  # the cXML element or attribute the value fills, or what it is for
    where: str  # where it goes in the procurement system's setup screens


@dataclass(frozen=True, slots=True)
class PurchaseInformation:
    """Everything a Coupa (or Ariba) administrator needs to point their system at us."""

    connection_id: str
    system: ProcurementSystem
    items: tuple[PurchaseInformationItem, ...]

    def as_dict(self) -> dict[str, str]:
        """``{key: value}`` for every item (the JSON API's fixed keys among them)."""
        return {item.key: item.value for item in self.items}

    def value(self, key: str) -> str:
        """The value of the item ``key`` (``KeyError`` when there is none)."""
        return self.as_dict()[key]


_COUPA_WHERE = {
    "punchout_url": "Punchout Site → Punchout URL",
    "order_url": "Supplier → PO Transmission → PO URL (PO Method: cXML)",
    "profile_url": "Not needed in Coupa; for systems that discover URLs with a ProfileRequest",
    "buyer_domain": "Supplier → PO Transmission → Our Domain",
    "buyer_identity": "Supplier → PO Transmission → Our Identity",
    "supplier_domain": "Punchout Site → Domain; PO Transmission → Supplier Domain",
    "supplier_identity": "Punchout Site → Identity; PO Transmission → Supplier Identity",
    "sender_domain": "Punchout Site → Sender Domain",
    "sender_identity": "Punchout Site → Sender Identity",
    "protocol": "Punchout Site → Protocol",
    "cxml_version": "Nothing to enter: Coupa sends this version",
    "cart_field": "Nothing to enter: the cart comes back in this form field",
}
_ARIBA_WHERE = {
    "punchout_url": "Ariba Network supplier account → Punchout URL (set by the marketplace)",
    "order_url": "Ariba Network supplier account → order routing URL (cXML)",
    "profile_url": "Ariba Network supplier account → profile URL",
    "buyer_domain": "Supplier relationship: the buyer's Ariba Network domain",
    "buyer_identity": "Supplier relationship: the buyer's ANID",
    "supplier_domain": "Supplier relationship: the supplier's domain",
    "supplier_identity": "Supplier relationship: the marketplace's ANID",
    "sender_domain": "Sent by Ariba Network itself",
    "sender_identity": "Sent by Ariba Network itself",
    "protocol": "Ariba Network supplier account → routing method cXML",
    "cxml_version": "Nothing to enter: Ariba Network sends this version",
    "cart_field": "Nothing to enter: the cart comes back in this form field",
}
_ITEMS = (
    ("punchout_url", "Punchout URL", "PunchOutSetupRequest is posted to this URL"),
    ("order_url", "PO URL", "OrderRequest (purchase orders) is posted to this URL"),
    ("profile_url", "Profile URL", "ProfileRequest is posted to this URL"),
    ("buyer_domain", "Buyer domain", "Header/From/Credential/@domain"),
    ("buyer_identity", "Buyer identity", "Header/From/Credential/Identity"),
    ("supplier_domain", "Supplier domain", "Header/To/Credential/@domain"),
    ("supplier_identity", "Supplier identity", "Header/To/Credential/Identity"),
    ("sender_domain", "Sender domain", "Header/Sender/Credential/@domain"),
    ("sender_identity", "Sender identity", "Header/Sender/Credential/Identity"),
    ("protocol", "Protocol", "Documents are cXML over HTTPS POST"),
    ("cxml_version", "cXML version", "DOCTYPE …/schemas/cXML/<version>/cXML.dtd"),
    ("cart_field", "Cart return field", "The form field PunchOutOrderMessage is posted in"),
)


def build(connection: PortalConnection, base_url: str) -> PurchaseInformation:
    """The purchase information of ``connection`` with URLs under ``base_url``."""
    base = base_url.rstrip("/")
    values = {
        "punchout_url": base + CXML_PATHS["punchout"],
        "order_url": base + CXML_PATHS["order"],
        "profile_url": base + CXML_PATHS["profile"],
        "buyer_domain": connection.buyer_domain,
        "buyer_identity": connection.buyer_identity,
        "supplier_domain": connection.supplier_domain,
        "supplier_identity": connection.supplier_identity,
        "sender_domain": connection.sender_domain,
        "sender_identity": connection.sender_identity,
        "protocol": "cxml",
        "cxml_version": CXML_VERSION,
        "cart_field": connection.cart_field.value,
    }
    where = _ARIBA_WHERE if connection.system is ProcurementSystem.ARIBA else _COUPA_WHERE
    items = tuple(
        PurchaseInformationItem(key, label, values[key], cxml, where[key])
        for key, label, cxml in _ITEMS
    )
    return PurchaseInformation(connection.id, connection.system, items)
