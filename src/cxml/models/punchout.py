"""Punchout: ``PunchOutSetupRequest``/``Response`` and the ``PunchOutOrderMessage`` cart."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from cxml.models.common import (
    Address,
    Contact,
    Extrinsic,
    ItemDetail,
    ItemID,
    ItemOut,
    Money,
    Shipping,
    Tax,
    extrinsic_value,
)
from cxml.models.envelope import Envelope, Payload

__all__ = [
    "ItemIn",
    "PunchOutOperation",
    "PunchOutOrderMessage",
    "PunchOutOrderMessageHeader",
    "PunchOutSetupRequest",
    "PunchOutSetupResponse",
]


class PunchOutOperation(enum.Enum):
    """``@operation`` of a setup request, ``@operationAllowed`` of an order message."""

    CREATE = "create"
    INSPECT = "inspect"
    EDIT = "edit"
    SOURCE = "source"


@dataclass(frozen=True, slots=True, kw_only=True)
class PunchOutSetupRequest(Payload):
    """``PunchOutSetupRequest``: the buyer opens a shopping session on the supplier's site."""

    element: ClassVar[str] = "PunchOutSetupRequest"
    envelope: ClassVar[Envelope] = Envelope.REQUEST

    operation: PunchOutOperation
    buyer_cookie: str
    extrinsics: tuple[Extrinsic, ...] = ()
    browser_form_post_url: str | None = None
    contacts: tuple[Contact, ...] = ()
    supplier_setup_url: str | None = None
    ship_to: Address | None = None
    selected_item: ItemID | None = None
    items: tuple[ItemOut, ...] = ()

    def extrinsic(self, name: str) -> str | None:
        """The value of the extrinsic called ``name`` (case-insensitive), or None."""
        return extrinsic_value(self.extrinsics, name)

    @property
    def user_email(self) -> str | None:
        """The shopper's e-mail: the ``UserEmail`` extrinsic, else the first contact's e-mail."""
        email = self.extrinsic("UserEmail")
        if email:
            return email
        for contact in self.contacts:
            for address in contact.emails:
                return address.address
        return None


@dataclass(frozen=True, slots=True)
class PunchOutSetupResponse(Payload):
    """``PunchOutSetupResponse``: the one-time StartPage URL of the shopping session."""

    element: ClassVar[str] = "PunchOutSetupResponse"
    envelope: ClassVar[Envelope] = Envelope.RESPONSE

    start_page_url: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemIn:
    """``ItemIn``: a cart line the supplier returns to the buyer."""

    quantity: Decimal
    item_id: ItemID
    item_detail: ItemDetail
    line_number: int | None = None
    ship_to: Address | None = None
    shipping: Shipping | None = None
    tax: Tax | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PunchOutOrderMessageHeader:
    """``PunchOutOrderMessageHeader``: cart total and what the buyer may do with it later."""

    operation_allowed: PunchOutOperation
    total: Money
    ship_to: Address | None = None
    shipping: Shipping | None = None
    tax: Tax | None = None
    quote_status: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PunchOutOrderMessage(Payload):
    """``PunchOutOrderMessage``: the cart, posted by the user's browser to ``BrowserFormPost``.

    It travels through the browser, so its header must not carry a shared secret.
    """

    element: ClassVar[str] = "PunchOutOrderMessage"
    envelope: ClassVar[Envelope] = Envelope.MESSAGE

    buyer_cookie: str
    header: PunchOutOrderMessageHeader
    items: tuple[ItemIn, ...] = ()
