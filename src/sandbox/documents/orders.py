"""The purchase order as Coupa sends it: a cXML ``OrderRequest`` (1.2.014).

``orderID`` is the PO number, ``orderType="regular"``, ``orderVersion`` the PO's version;
ShipTo and BillTo carry Coupa address ids; every ``ItemOut`` has its ``lineNumber``, the
quantity, the ``ItemID`` with the ``SupplierPartAuxiliaryID`` the cart line carried (the
marketplace's request id: it must come back), and ``ItemDetail`` with the unit price,
description, unit of measure, UNSPSC and the ``LineType`` extrinsic, then a Distribution to
a GL account. An ``update`` or ``delete`` replaces the whole order and names the previous
OrderRequest's payloadID in ``DocumentReference`` (the DTD's rule).
"""

from __future__ import annotations

import datetime as dt

from cxml.models.common import (
    Accounting,
    Contact,
    Distribution,
    Email,
    Extrinsic,
    ItemID,
    ItemOut,
    Money,
    Name,
    PaymentTerm,
    Segment,
)
from cxml.models.envelope import Document
from cxml.models.order import OrderRequest, OrderRequestHeader
from cxml.models.order import OrderType as CxmlOrderType
from sandbox.documents.common import address, deployment_mode, order_header
from sandbox.documents.punchout import item_detail
from sandbox.domain.orders import OrderType, PurchaseOrder
from sandbox.domain.people import BILL_TO, SHIP_TO, User
from sandbox.domain.requisitions import Line
from sandbox.domain.suppliers import Supplier

__all__ = ["order_request"]

GL_ACCOUNT = Segment("GL Account", "64100", "Software subscriptions")
COST_CENTER = Segment("Cost Center", "ENG-200", "Platform engineering")


def order_request(
    supplier: Supplier,
    po: PurchaseOrder,
    requester: User,
    *,
    order_type: OrderType,
    payload_id: str,
    now: dt.datetime,
    previous_payload_id: str | None = None,
) -> Document:
    """The OrderRequest for ``po`` at its current version."""
    header = OrderRequestHeader(
        order_id=str(po.number),
        order_date=(po.created_at if order_type is OrderType.NEW else now).replace(microsecond=0),
        type=CxmlOrderType(order_type.value),
        order_version=po.version,
        order_type="regular",
        requisition_id=str(po.requisition_id),
        total=Money(po.total, po.currency),
        ship_to=address(SHIP_TO),
        bill_to=address(BILL_TO),
        payment_terms=(PaymentTerm(30),),
        contacts=(
            Contact(
                name=Name(requester.name, "en"),
                role="endUser",
                emails=(Email(requester.email, "default"),),
            ),
        ),
        document_reference=previous_payload_id if order_type is not OrderType.NEW else None,
        extrinsics=(Extrinsic("Requester", requester.email),),
    )
    return Document(
        payload_id=payload_id,
        timestamp=now.replace(microsecond=0),
        payload=OrderRequest(header=header, items=tuple(_item(line) for line in po.lines)),
        header=order_header(supplier),
        deployment_mode=deployment_mode(supplier),
        version=supplier.settings.cxml_version,
    )


def _item(line: Line) -> ItemOut:
    return ItemOut(
        quantity=line.quantity,
        line_number=line.line_number,
        item_id=ItemID(line.supplier_part_id, line.supplier_part_auxiliary_id),
        item_detail=item_detail(line),
        distributions=(
            Distribution(
                Accounting("Software - Platform engineering", (GL_ACCOUNT, COST_CENTER)),
                Money(line.total, line.currency),
            ),
        ),
    )
