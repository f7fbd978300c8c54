"""Helpers for the purchase-order tests over real databases and real HTTP servers.

- a small catalog (:func:`add_catalog`) and pending subscription requests made through the
  punchout services, as a Coupa user's punchout makes them (:func:`pending_request`, which
  also re-opens a request in an ``edit`` punchout);
- OrderRequests as Coupa sends them for those requests (:func:`order_items`,
  :func:`order_request`) and their cXML answers (:func:`post_order`, :class:`OrderAnswer`);
- concurrency: the app in a uvicorn thread on a free port (:func:`serving`) and the same
  documents posted from several threads at once (:func:`post_concurrently`);
- e-mail: an SMTP server on loopback that keeps what it receives (:func:`smtp_inbox`);
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from email import message_from_bytes
from email.message import Message
from typing import Any

import httpx
import pytest
import storage_builders as build
import uvicorn
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from cxml_builders import bill_to
from fastapi import FastAPI
from punchout_web import FORM_POST_URL, SECRET, USER_EMAIL, header
from servers import free_port

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
from marketplace.domain.catalog import Dimension, DimensionKind
from marketplace.domain.charges import OfferChoice
from marketplace.domain.punchout import SubscriptionRequest
from marketplace.services import punchout
from marketplace.services.cxml_auth import authenticate_buyer
from marketplace.services.ports import UnitOfWorkFactory
from marketplace.services.secret_box import FernetSecretBox

__all__ = [
    "CXML_HEADERS",
    "OFFER_ID",
    "PRODUCT_ID",
    "Inbox",
    "OrderAnswer",
    "add_catalog",
    "order_items",
    "order_request",
    "pending_request",
    "post_concurrently",
    "post_order",
    "read_answer",
    "serving",
    "smtp_inbox",
]

PRODUCT_ID = "prod-orders"
OFFER_ID = "offer-team"
CXML_HEADERS = {"Content-Type": "text/xml; charset=utf-8"}
ORDER_DATE = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
DEADLINE = 30.0  # seconds, for servers to start and stop


# -- the catalog and the requests ------------------------------------------------------------


def add_catalog(units: UnitOfWorkFactory) -> None:
    """Add "Observability Suite" (:data:`PRODUCT_ID`) with its "Team contract" offer
    (:data:`OFFER_ID`): $1,200 a user a month, for 1, 12, 24 or 36 months."""
    offer = build.offer(
        PRODUCT_ID,
        id=OFFER_ID,
        name="Team contract",
        dimensions=(
            Dimension(
                key="users",
                name="Users",
                unit="user",
                price=Decimal("1200"),
                kind=DimensionKind.CONTRACT,
            ),
        ),
        durations=(1, 12, 24, 36),
    )
    with units() as uow:
        uow.catalog.add_sellers([build.seller()])
        uow.catalog.add_products([build.product(PRODUCT_ID, offers=(offer,))])
        uow.commit()


def pending_request(
    units: UnitOfWorkFactory,
    box: FernetSecretBox,
    connection: dict[str, Any],
    choice: OfferChoice,
    *,
    product_id: str = PRODUCT_ID,
    offer_id: str = OFFER_ID,
    email: str = USER_EMAIL,
    edit: SubscriptionRequest | None = None,
) -> SubscriptionRequest:
    """A request pending approval, made as a punchout makes it: the setup request of
    ``connection`` (authenticated with :data:`SECRET`), the StartPage, Request approval.

    With ``edit``, an ``edit`` punchout re-opens that request and changes it to ``choice``
    (it is pending approval again, under the same id)."""
    caller = authenticate_buyer(units(), header(connection), box=box)
    items: tuple[ItemOut, ...] = ()
    if edit is not None:
        items = (
            ItemOut(quantity=Decimal(1), item_id=ItemID(edit.offer_id, edit.id), line_number=1),
        )
    setup = PunchOutSetupRequest(
        operation=PunchOutOperation.EDIT if edit else PunchOutOperation.CREATE,
        buyer_cookie=secrets.token_hex(16),
        extrinsics=(
            Extrinsic("FirstName", "Dana"),
            Extrinsic("LastName", "Okafor"),
            Extrinsic("UserEmail", email),
        ),
        browser_form_post_url=FORM_POST_URL,
        items=items,
    )
    started = punchout.start_punchout(units(), caller, setup, cxml_version="1.2.014")
    session, user = punchout.open_start_page(units(), started.start_token)
    result = punchout.request_approval(
        units(),
        user,
        session.id,
        product_id=product_id,
        offer_id=offer_id,
        choice=choice,
        request_id=edit.id if edit else None,
    )
    assert result.cart is not None, "the request was pre-approved, not sent for approval"
    return result.request


# -- purchase orders -------------------------------------------------------------------------


def order_items(request: SubscriptionRequest, *, first_line: int = 1) -> tuple[ItemOut, ...]:
    """The order lines Coupa sends for ``request``: its cart lines, numbered from
    ``first_line`` (SupplierPartID the offer, SupplierPartAuxiliaryID the request)."""
    return tuple(
        ItemOut(
            quantity=Decimal(line.quantity),
            line_number=number,
            item_id=ItemID(request.offer_id, request.id),
            item_detail=ItemDetail(
                unit_price=Money(line.unit_price, request.currency),
                descriptions=(Description(request.product_title),),
                unit_of_measure="EA",
                classifications=(Classification("UNSPSC", line.unspsc),),
            ),
        )
        for number, line in enumerate(request.lines, start=first_line)
    )


def order_request(
    connection: dict[str, Any],
    items: Sequence[ItemOut],
    *,
    order_number: str,
    version: int = 1,
    kind: OrderType = OrderType.NEW,
    payload_id: str | None = None,
    test: bool = False,
    secret: str = SECRET,
) -> bytes:
    """An OrderRequest of ``connection`` (a new payloadID unless given), serialized."""
    currency = next((i.item_detail.unit_price.currency for i in items if i.item_detail), "USD")
    total = sum(
        (i.quantity * i.item_detail.unit_price.amount for i in items if i.item_detail),
        Decimal(0),
    )
    document = Document(
        payload_id=payload_id or f"{secrets.token_hex(10)}@acme.coupahost.example",
        timestamp=ORDER_DATE,
        payload=OrderRequest(
            header=OrderRequestHeader(
                order_id=order_number,
                order_date=ORDER_DATE,
                total=Money(total, currency),
                bill_to=bill_to(),
                type=kind,
                order_version=version,
            ),
            items=tuple(items),
        ),
        header=header(connection, secret=secret),
        deployment_mode=DeploymentMode.TEST if test else DeploymentMode.PRODUCTION,
    )
    return cxml.serialize(document)


@dataclass(frozen=True)
class OrderAnswer:
    """What the marketplace answered: the HTTP status, the cXML status code and its text."""

    http: int
    code: int
    text: str


def read_answer(response: httpx.Response) -> OrderAnswer:
    """The cXML answer carried by ``response`` (asserting that it is one)."""
    assert response.headers["content-type"].startswith("text/xml"), response.text
    document = cxml.parse(response.content)
    assert document.status is not None, response.text
    return OrderAnswer(response.status_code, document.status.code, document.status.detail)


def post_order(client: httpx.Client, body: bytes, path: str = "/cxml/orders") -> OrderAnswer:
    """Post ``body`` to the order URL; the answer."""
    return read_answer(client.post(path, content=body, headers=CXML_HEADERS))


def post_concurrently(base_url: str, bodies: Sequence[bytes]) -> list[OrderAnswer]:
    """Post every body at the same moment, each from a thread and client of its own."""
    start = threading.Barrier(len(bodies))

    def send(body: bytes) -> OrderAnswer:
        with httpx.Client(base_url=base_url, timeout=60.0) as client:
            start.wait(timeout=DEADLINE)
            return post_order(client, body)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(send, bodies))


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a thread on a free loopback port; its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + DEADLINE
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail(f"uvicorn did not start on port {port}")
        time.sleep(0.01)  # polling a thread with a deadline, not waiting for a result
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=DEADLINE)


# -- e-mail ----------------------------------------------------------------------------------


@dataclass
class Inbox:
    """What an SMTP server on loopback received, and how to reach it (``url``)."""

    url: str
    envelopes: list[Envelope] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def mails(self) -> list[Message]:
        """Every message received, parsed."""
        found = []
        for envelope in self.envelopes:
            assert isinstance(envelope.content, bytes)
            found.append(message_from_bytes(envelope.content))
        return found


@contextmanager
def smtp_inbox() -> Iterator[Inbox]:
    """An aiosmtpd server on a free loopback port for the duration of the block."""
    port = free_port()
    inbox = Inbox(f"smtp://127.0.0.1:{port}")
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
