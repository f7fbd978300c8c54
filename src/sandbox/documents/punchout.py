"""Punchout documents: the setup request the sandbox sends, and the cart that comes back.

The setup request is shaped like Coupa's sample (cXML 1.2.014): ``operation="create"``, a
32-hex BuyerCookie, the extrinsics FirstName, LastName, UniqueName, UserEmail, User and
BusinessUnit, the BrowserFormPost URL back to the sandbox, a ``Contact role="endUser"`` and the
SupplierSetup URL. An Ariba-style supplier gets a Level 1 punchout as Ariba Network sends it:
UserEmail, UniqueName and CostCenter, no SupplierSetup (Ariba resolves the URL itself), no
SelectedItem (the store's home page). An ``edit`` setup request carries the PO's lines as
``ItemOut`` so that the supplier can rebuild the cart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import cxml
from cxml.models.common import (
    Classification,
    Contact,
    Description,
    Email,
    Extrinsic,
    ItemDetail,
    ItemID,
    ItemOut,
    Money,
    Name,
)
from cxml.models.envelope import Document
from cxml.models.punchout import (
    ItemIn,
    PunchOutOperation,
    PunchOutOrderMessage,
    PunchOutSetupRequest,
)
from sandbox.documents.common import deployment_mode, payload_host, punchout_header
from sandbox.domain.errors import InputError
from sandbox.domain.people import BUSINESS_UNIT, User
from sandbox.domain.requisitions import Line
from sandbox.domain.suppliers import Supplier, SupplierMode

__all__ = ["Cart", "classification", "item_detail", "read_cart", "setup_request"]


def setup_request(
    supplier: Supplier,
    user: User,
    *,
    buyer_cookie: str,
    form_post_url: str,
    base_url: str,
    now: dt.datetime,
    edit_lines: Sequence[Line] = (),
) -> Document:
    """The PunchOutSetupRequest for ``user`` at ``supplier``'s punchout site."""
    ariba = supplier.settings.mode is SupplierMode.ARIBA
    extrinsics: tuple[Extrinsic, ...]
    if ariba:
        extrinsics = (
            Extrinsic("UserEmail", user.email),
            Extrinsic("UniqueName", user.login),
            Extrinsic("CostCenter", BUSINESS_UNIT),
        )
    else:
        extrinsics = (
            Extrinsic("FirstName", user.first_name),
            Extrinsic("LastName", user.last_name),
            Extrinsic("UniqueName", user.email),
            Extrinsic("UserEmail", user.email),
            Extrinsic("User", user.email),
            Extrinsic("BusinessUnit", BUSINESS_UNIT),
        )
    request = PunchOutSetupRequest(
        operation=PunchOutOperation.EDIT if edit_lines else PunchOutOperation.CREATE,
        buyer_cookie=buyer_cookie,
        extrinsics=extrinsics,
        browser_form_post_url=form_post_url,
        contacts=(Contact(name=Name(user.name), role="endUser", emails=(Email(user.email),)),),
        supplier_setup_url=None if ariba else supplier.settings.punchout_url,
        items=tuple(_item_out(line) for line in edit_lines),
    )
    return Document(
        payload_id=cxml.new_payload_id(payload_host(base_url)),
        timestamp=now.replace(microsecond=0),
        payload=request,
        header=punchout_header(supplier),
        deployment_mode=deployment_mode(supplier),
        version=supplier.settings.cxml_version,
    )


def classification(line: Line) -> tuple[Classification, ...]:
    """The line's UNSPSC code (``unknown`` when the cart had none, as Coupa sends)."""
    return (Classification("UNSPSC", line.unspsc or "unknown"),)


def item_detail(line: Line) -> ItemDetail:
    """ItemDetail: price, description, unit of measure, UNSPSC and the LineType extrinsic."""
    return ItemDetail(
        unit_price=Money(line.unit_price, line.currency),
        descriptions=(Description(line.description or line.supplier_part_id, "en"),),
        unit_of_measure=line.unit_of_measure,
        classifications=classification(line),
        extrinsics=(Extrinsic("LineType", line.line_type),) if line.line_type else (),
    )


def _item_out(line: Line) -> ItemOut:
    return ItemOut(
        quantity=line.quantity,
        line_number=line.line_number,
        item_id=ItemID(line.supplier_part_id, line.supplier_part_auxiliary_id),
        item_detail=item_detail(line),
    )


@dataclass(frozen=True, slots=True)
class Cart:
    """A returned cart: its BuyerCookie, what may be done with it later, and its lines."""

    buyer_cookie: str
    operation_allowed: str
    lines: tuple[Line, ...]
    document: Document

    @property
    def total(self) -> Decimal:
        """The sum of the lines."""
        return sum((line.total for line in self.lines), Decimal(0))


def read_cart(fields: Mapping[str, Any]) -> Cart:
    """The cart in a posted form (``cXML-urlencoded`` or ``cXML-base64``, any spelling).

    Raises :class:`cxml.CxmlError` when the form holds no readable cXML and InputError when
    the document is not a PunchOutOrderMessage or mixes currencies.
    """
    document = cxml.parse_form(fields)
    message = document.payload
    if not isinstance(message, PunchOutOrderMessage):
        name = type(message).__name__ if message is not None else "a bare Response"
        raise InputError(f"The form carries {name}, not a PunchOutOrderMessage (the cart).")
    lines = tuple(_line(item, index) for index, item in enumerate(message.items, start=1))
    if len({line.currency for line in lines}) > 1:
        raise InputError("The cart mixes currencies; a requisition has one.")
    return Cart(
        buyer_cookie=message.buyer_cookie.strip(),
        operation_allowed=message.header.operation_allowed.value,
        lines=lines,
        document=document,
    )


def _line(item: ItemIn, index: int) -> Line:
    detail = item.item_detail
    unspsc = next(
        (c.value for c in detail.classifications if c.domain.casefold() == "unspsc"), None
    )
    return Line(
        line_number=index,
        description=detail.description,
        quantity=item.quantity,
        unit_price=detail.unit_price.amount,
        currency=detail.unit_price.currency,
        unit_of_measure=detail.unit_of_measure,
        supplier_part_id=item.item_id.supplier_part_id,
        supplier_part_auxiliary_id=item.item_id.supplier_part_auxiliary_id,
        unspsc=unspsc,
        line_type=detail.extrinsic("LineType"),
    )
