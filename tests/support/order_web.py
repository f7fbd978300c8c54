"""Helpers for the web tests of purchase orders: a pending request made through the punchout
services, Coupa-shaped OrderRequests for it, and posting them to /cxml/orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from cxml_builders import bill_to
from fastapi.testclient import TestClient
from punchout_web import SECRET, header
from web_support import FakeDatabase

import cxml
from cxml.models.common import (
    Classification,
    Description,
    Extrinsic,
    ItemDetail,
    ItemID,
    ItemOut,
    Money,
)
from cxml.models.envelope import DeploymentMode, Document
from cxml.models.order import OrderRequest, OrderRequestHeader, OrderType
from cxml.models.punchout import PunchOutOperation, PunchOutSetupRequest
from marketplace.domain.charges import OfferChoice
from marketplace.domain.punchout import SubscriptionRequest
from marketplace.services import punchout
from marketplace.services.cxml_auth import authenticate_buyer
from marketplace.services.secret_box import FernetSecretBox

__all__ = ["WHEN", "order_document", "pending_request", "post"]

WHEN = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def pending_request(
    client: TestClient, database: FakeDatabase, connection: dict[str, Any]
) -> SubscriptionRequest:
    """A pending request for one user of the Rich product's team contract."""
    box = client.app.state.secret_box  # type: ignore[attr-defined]
    assert isinstance(box, FernetSecretBox)
    caller = authenticate_buyer(database.unit_of_work(), header(connection), box=box)
    setup = PunchOutSetupRequest(
        operation=PunchOutOperation.CREATE,
        buyer_cookie="cookie",
        extrinsics=(Extrinsic("UserEmail", "dana@acme.example"),),
        browser_form_post_url="https://acme.coupahost.example/checkout",
    )
    started = punchout.start_punchout(
        database.unit_of_work(), caller, setup, cxml_version="1.2.014"
    )
    session, user = punchout.open_start_page(database.unit_of_work(), started.start_token)
    result = punchout.request_approval(
        database.unit_of_work(), user, session.id, product_id="prod-rich",
        offer_id="offer-contract", choice=OfferChoice(12, {"users": 1}),
    )  # fmt: skip
    return result.request


def order_document(
    connection: dict[str, Any],
    request: SubscriptionRequest,
    *,
    quantity: Decimal | None = None,
    kind: OrderType = OrderType.NEW,
    version: int = 1,
    test: bool = False,
    secret: str = SECRET,
) -> bytes:
    (line,) = request.lines
    item = ItemOut(
        quantity=quantity if quantity is not None else Decimal(line.quantity),
        line_number=1,
        item_id=ItemID(request.offer_id, request.id),
        item_detail=ItemDetail(
            unit_price=Money(line.unit_price, request.currency),
            descriptions=(Description(request.product_title),),
            unit_of_measure="EA",
            classifications=(Classification("UNSPSC", line.unspsc),),
        ),
    )
    document = Document(
        payload_id=f"po-{kind.value}-{version}-{test}-{quantity}@acme.coupahost.example",
        timestamp=WHEN,
        payload=OrderRequest(
            header=OrderRequestHeader(
                order_id="6112",
                order_date=WHEN,
                total=Money(line.amount, request.currency),
                bill_to=bill_to(),
                type=kind,
                order_version=version,
            ),
            items=(item,),
        ),
        header=header(connection, secret=secret),
        deployment_mode=DeploymentMode.TEST if test else DeploymentMode.PRODUCTION,
    )
    return cxml.serialize(document)


def post(client: TestClient, body: bytes) -> tuple[int, Document]:
    response = client.post(
        "/cxml/orders", content=body, headers={"Content-Type": "text/xml; charset=utf-8"}
    )
    assert response.headers["content-type"].startswith("text/xml")
    return response.status_code, cxml.parse(response.content)
