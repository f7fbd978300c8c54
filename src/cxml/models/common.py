"""Values shared by several cXML documents: money, text, addresses, contacts, items.

Each class is an immutable value with the cXML element it stands for named in its docstring.
Amounts are :class:`~decimal.Decimal`; dates are timezone-aware :class:`~datetime.datetime`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "Accounting",
    "Address",
    "Classification",
    "Comments",
    "Contact",
    "Description",
    "Distribution",
    "Email",
    "Extrinsic",
    "ItemDetail",
    "ItemID",
    "ItemOut",
    "Money",
    "Name",
    "OrderReference",
    "PaymentTerm",
    "Phone",
    "PostalAddress",
    "Segment",
    "Shipping",
    "Tax",
    "TaxDetail",
    "extrinsic_value",
]

DEFAULT_LANG = "en-US"


@dataclass(frozen=True, slots=True)
class Money:
    """``Money``: an amount in an ISO 4217 currency."""

    amount: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class Name:
    """``Name``: a name with its language."""

    text: str
    lang: str = DEFAULT_LANG


@dataclass(frozen=True, slots=True)
class Description:
    """``Description``: free text with its language and an optional ``ShortName``."""

    text: str
    lang: str = DEFAULT_LANG
    short_name: str | None = None


@dataclass(frozen=True, slots=True)
class Extrinsic:
    """``Extrinsic``: a named extension value (Coupa's ``UserEmail``, ``LineType`` …)."""

    name: str
    value: str


def extrinsic_value(extrinsics: tuple[Extrinsic, ...], name: str) -> str | None:
    """The value of the first extrinsic called ``name`` (case-insensitive), or None."""
    wanted = name.casefold()
    for extrinsic in extrinsics:
        if extrinsic.name.casefold() == wanted:
            return extrinsic.value
    return None


@dataclass(frozen=True, slots=True)
class Comments:
    """``Comments``: free text, with the URLs of its ``Attachment`` elements."""

    text: str
    lang: str | None = None
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Email:
    """``Email``: an address, optionally named (Coupa sends ``name="default"``)."""

    address: str
    name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Phone:
    """``Phone/TelephoneNumber``: country dialling code, area code, number."""

    number: str
    area_code: str = ""
    country_code: str = ""
    iso_country_code: str = "US"
    extension: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PostalAddress:
    """``PostalAddress``: street lines, city, state, postal code and country."""

    streets: tuple[str, ...]
    city: str
    country: str
    iso_country_code: str
    deliver_to: tuple[str, ...] = ()
    state: str | None = None
    postal_code: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Address:
    """``Address`` (inside ``ShipTo``, ``BillTo``): a named place with an optional postal part."""

    name: Name
    address_id: str | None = None
    iso_country_code: str | None = None
    postal_address: PostalAddress | None = None
    email: Email | None = None
    phone: Phone | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Contact:
    """``Contact``: a person or role (``endUser``, ``remitTo``, ``billTo`` …)."""

    name: Name
    role: str | None = None
    address_id: str | None = None
    postal_addresses: tuple[PostalAddress, ...] = ()
    emails: tuple[Email, ...] = ()
    phones: tuple[Phone, ...] = ()


@dataclass(frozen=True, slots=True)
class Classification:
    """``Classification``: a commodity code in a domain, e.g. ``UNSPSC`` 81162000."""

    domain: str
    value: str


@dataclass(frozen=True, slots=True)
class ItemID:
    """``ItemID``: the supplier's part number and its auxiliary id (the cart-line reference)."""

    supplier_part_id: str
    supplier_part_auxiliary_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemDetail:
    """``ItemDetail``: price, descriptions, unit of measure, classifications and extrinsics."""

    unit_price: Money
    descriptions: tuple[Description, ...]
    unit_of_measure: str
    classifications: tuple[Classification, ...]
    manufacturer_part_id: str | None = None
    manufacturer_name: str | None = None
    url: str | None = None
    lead_time: int | None = None
    extrinsics: tuple[Extrinsic, ...] = ()

    @property
    def description(self) -> str:
        """The text of the first description."""
        return self.descriptions[0].text if self.descriptions else ""

    def extrinsic(self, name: str) -> str | None:
        """The value of the extrinsic called ``name`` (case-insensitive), or None."""
        return extrinsic_value(self.extrinsics, name)


@dataclass(frozen=True, slots=True)
class Shipping:
    """``Shipping``: a shipping charge and its description."""

    money: Money
    description: Description


@dataclass(frozen=True, slots=True, kw_only=True)
class TaxDetail:
    """``TaxDetail``: one tax (category ``sales``, ``vat`` …) with its rate and amounts."""

    category: str
    tax_amount: Money
    taxable_amount: Money | None = None
    percentage_rate: Decimal | None = None
    purpose: str | None = None
    location: Name | None = None
    description: Description | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Tax:
    """``Tax``: a total tax amount, its description, and the details that make it up."""

    money: Money
    description: Description
    details: tuple[TaxDetail, ...] = ()


@dataclass(frozen=True, slots=True)
class PaymentTerm:
    """``PaymentTerm``: pay within a number of days."""

    pay_in_number_of_days: int


@dataclass(frozen=True, slots=True)
class Segment:
    """``Accounting/Segment``: one accounting value (GL account, cost center …)."""

    type: str
    id: str
    description: str


@dataclass(frozen=True, slots=True)
class Accounting:
    """``Accounting``: a named combination of segments."""

    name: str
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class Distribution:
    """``Distribution``: how much of a line is charged to an accounting combination."""

    accounting: Accounting
    charge: Money


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderReference:
    """``OrderReference``: the buyer's order id and the payloadID of the order document."""

    document_payload_id: str
    order_id: str | None = None
    order_date: dt.datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemOut:
    """``ItemOut``: a line the buyer sends (order lines, and cart lines of an edit punchout)."""

    quantity: Decimal
    item_id: ItemID
    line_number: int | None = None
    requested_delivery_date: dt.date | None = None
    item_detail: ItemDetail | None = None
    ship_to: Address | None = None
    shipping: Shipping | None = None
    tax: Tax | None = None
    distributions: tuple[Distribution, ...] = ()
    contacts: tuple[Contact, ...] = ()
    comments: Comments | None = None
