"""The cart as a cXML ``PunchOutOrderMessage``, and the form that carries it back.

Each cart line of each request becomes an ``ItemIn``:

- ``SupplierPartID`` the offer, ``SupplierPartAuxiliaryID`` the request (so an ``edit``
  punchout and the purchase order name it), ``lineNumber`` counted over the cart;
- the line's quantity and unit price (see :mod:`marketplace.domain.line_items`), the
  product's title with the offer and what it is charged for, unit of measure ``EA``, the
  UNSPSC classification, the seller as manufacturer, and a ``LineType`` extrinsic.

The message travels through the user's browser, so its header carries no shared secret: From
is the marketplace (the connection's supplier credential), To the buyer, Sender the
marketplace. It mirrors the setup request's cXML version and is a test document when the
session was one.
"""

from __future__ import annotations

from decimal import Decimal

from cxml.formpost import CartField, encode_form
from cxml.ids import new_payload_id
from cxml.models.common import (
    Classification,
    Description,
    Extrinsic,
    ItemDetail,
    ItemID,
    Money,
)
from cxml.models.envelope import Credential, DeploymentMode, Document, Header, Party
from cxml.models.punchout import (
    ItemIn,
    PunchOutOperation,
    PunchOutOrderMessage,
    PunchOutOrderMessageHeader,
)
from cxml.serializer import serialize
from cxml.timestamps import now
from marketplace.domain.line_items import CartLine
from marketplace.domain.punchout import PunchoutOperation, SubscriptionRequest
from marketplace.services.punchout import CartReturn

__all__ = ["UNIT_OF_MEASURE", "USER_AGENT", "cart_document", "cart_form", "describe_line"]

UNIT_OF_MEASURE = "EA"
USER_AGENT = "Software Marketplace 0.1"


def describe_line(request: SubscriptionRequest, line: CartLine) -> str:
    """What a cart line says about itself (the procurement system shows it)."""
    charged = "; ".join(f"{c.label}: {c.amount} {request.currency}" for c in line.charges)
    return f"{request.product_title} - {request.offer_name} ({charged})"


def cart_document(cart: CartReturn, *, host: str) -> Document:
    """The ``PunchOutOrderMessage`` of ``cart`` (empty when the user cancelled)."""
    session = cart.session
    items: list[ItemIn] = []
    currency = "USD"
    for request in cart.requests:
        currency = request.currency
        for line in request.lines:
            items.append(_item(request, line, len(items) + 1))
    total = sum((item.quantity * item.item_detail.unit_price.amount for item in items), Decimal(0))
    operation = (
        PunchOutOperation.INSPECT
        if session.operation is PunchoutOperation.INSPECT
        else PunchOutOperation.EDIT
    )
    message = PunchOutOrderMessage(
        buyer_cookie=session.buyer_cookie,
        header=PunchOutOrderMessageHeader(
            operation_allowed=operation,
            total=Money(total.quantize(Decimal("0.01")), currency),
        ),
        items=tuple(items),
    )
    connection = cart.connection
    supplier = Party((Credential(connection.supplier_domain, connection.supplier_identity),))
    return Document(
        payload_id=new_payload_id(host),
        timestamp=now(),
        payload=message,
        header=Header(
            from_=supplier,
            to=Party((Credential(connection.buyer_domain, connection.buyer_identity),)),
            sender=supplier,
            user_agent=USER_AGENT,
        ),
        deployment_mode=DeploymentMode.TEST if session.test else DeploymentMode.PRODUCTION,
        version=session.cxml_version,
    )


def _item(request: SubscriptionRequest, line: CartLine, number: int) -> ItemIn:
    return ItemIn(
        quantity=Decimal(line.quantity),
        line_number=number,
        item_id=ItemID(request.offer_id, request.id),
        item_detail=ItemDetail(
            unit_price=Money(line.unit_price, request.currency),
            descriptions=(Description(describe_line(request, line)[:2000]),),
            unit_of_measure=UNIT_OF_MEASURE,
            classifications=(Classification("UNSPSC", line.unspsc),),
            manufacturer_name=request.seller_name,
            extrinsics=(
                Extrinsic("LineType", line.line_type.value),
                Extrinsic("PricingModel", request.pricing_model.value),
            ),
        ),
    )


def cart_form(cart: CartReturn, *, host: str, nonce: str | None = None) -> str:
    """The HTML page that posts the cart to the session's BrowserFormPost URL by itself
    (with a visible button that does the same when scripts do not run)."""
    xml = serialize(cart_document(cart, host=host))
    field = CartField(cart.session.cart_field.value)
    label = f"Continue to {cart.session.system.display_name}"
    return encode_form(
        xml, cart.session.form_post_url, field=field, button_label=label, nonce=nonce
    )
