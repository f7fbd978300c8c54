"""The buyer's side of cXML invoicing, for the billing tests over real databases.

- :func:`invoice_receiver`: a stand-in for Coupa's invoice endpoint (``/cxml/invoices``), an
  HTTP server on a free loopback port, in threads, for the duration of a ``with`` block. It
  keeps every POST (:class:`Delivery`: the body, its payloadID, invoiceID and Sender shared
  secret, and what it answered) and answers as the test scripts it: ``script(500, 500)``
  answers the next two posts 500, then 200 again; ``hold_next()`` keeps the next post
  waiting, unanswered, until ``release()`` (to kill a worker in the middle of a delivery).
  Every answer carries a cXML ``Response/Status`` with the HTTP status as its code, as Coupa
  answers (200, 400 "Bad Request", 500 "Internal Server Error"). ``held()`` is the post being
  held, with the sender's port (to tell which process sent it).
- :func:`coupa_buyer`: an organization with Coupa in production (billing integration on) and a
  Coupa connection whose invoice endpoint is the receiver, made through the services;
  :func:`add_billing_catalog` the three products billed in three ways; :func:`place_order`
  a purchase order as Coupa sends it for pending requests (``orders_support`` builds the
  document), through the services that the order URL calls; :func:`order_subscription` a
  user's request made in a punchout (``orders_support.pending_request``), then ordered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import storage_builders as build
from orders_support import order_items, order_request, pending_request

import cxml
from cxml.models.common import ItemOut
from cxml.models.invoice import InvoiceDetailRequest
from cxml.models.order import OrderType
from marketplace.domain.catalog import Dimension, DimensionKind, Instalment, PricingModel
from marketplace.domain.charges import OfferChoice
from marketplace.domain.procurement import PortalConnection
from marketplace.domain.punchout import SubscriptionRequest
from marketplace.services import accounts
from marketplace.services.connections import ConnectionRequest, create_connection
from marketplace.services.cxml_auth import authenticate_buyer
from marketplace.services.orders import OrderAnswer, receive_order
from marketplace.services.ports import UnitOfWorkFactory
from marketplace.services.procurement import ConfigurationChange, put_configuration
from marketplace.services.secret_box import FernetSecretBox

__all__ = [
    "CONTRACT",
    "DEADLINE",
    "FLEXIBLE",
    "METERED",
    "CoupaBuyer",
    "Delivery",
    "Receiver",
    "add_billing_catalog",
    "coupa_buyer",
    "invoice_receiver",
    "order_subscription",
    "place_order",
]

DEADLINE = 60.0  # seconds, for anything a test polls for
INVOICE_PATH = "/cxml/invoices"
CONTRACT = ("prod-contract", "offer-contract")  # $100 a user a month, 12 months, upfront
FLEXIBLE = ("prod-flexible", "offer-flexible")  # $3,000 at 0, 3 and 6 months
METERED = ("prod-metered", "offer-metered")  # pay as you go, $0.10 a GB


# -- the receiver ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """One POST the receiver got: the body, what it names, and the HTTP status answered
    (None while it is held, or when its sender was gone before the answer)."""

    body: str
    payload_id: str | None
    invoice_id: str | None
    shared_secret: str | None
    answered: int | None
    client_port: int | None = None


@dataclass
class Receiver:
    """What the receiver got and how it answers next (see the module docstring)."""

    url: str
    _deliveries: list[Delivery] = field(default_factory=list, repr=False)
    _script: list[int] = field(default_factory=list, repr=False)
    _hold_next: bool = field(default=False, repr=False)
    _held: int | None = field(default=None, repr=False)
    _released: threading.Event = field(default_factory=threading.Event, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def script(self, *statuses: int) -> None:
        """Answer the next posts with these HTTP statuses, in order; 200 after them."""
        with self._lock:
            self._script.extend(statuses)

    def hold_next(self) -> None:
        """Keep the next post waiting, unanswered, until :meth:`release`."""
        with self._lock:
            self._hold_next = True

    def release(self) -> None:
        """Let a held post go on (it is answered 200 if its sender is still there)."""
        self._released.set()

    def held(self) -> Delivery | None:
        """The post kept waiting by :meth:`hold_next`, once it came (until released)."""
        with self._lock:
            if self._held is None or self._released.is_set():
                return None
            return self._deliveries[self._held]

    @property
    def deliveries(self) -> list[Delivery]:
        """Every post so far, in the order they came."""
        with self._lock:
            return list(self._deliveries)

    def accepted(self) -> Counter[str]:
        """How many times each payloadID was answered 200."""
        return Counter(d.payload_id for d in self.deliveries if d.answered == 200 and d.payload_id)

    def _receive(self, body: bytes, client_port: int) -> tuple[int, int, bool]:
        """Record a post; its index, the status to answer and whether to hold it."""
        delivery = dataclasses.replace(_read(body), client_port=client_port)
        with self._lock:
            self._deliveries.append(delivery)
            status = self._script.pop(0) if self._script else 200
            held, self._hold_next = self._hold_next, False
            if held:
                self._held = len(self._deliveries) - 1
            return len(self._deliveries) - 1, status, held

    def _answered(self, index: int, status: int) -> None:
        with self._lock:
            self._deliveries[index] = dataclasses.replace(self._deliveries[index], answered=status)


def _read(body: bytes) -> Delivery:
    text = body.decode("utf-8", "replace")
    try:
        document = cxml.parse(body)
    except cxml.CxmlError:
        return Delivery(text, None, None, None, None)
    payload = document.payload
    invoice_id = payload.header.invoice_id if isinstance(payload, InvoiceDetailRequest) else None
    secret = document.header.sender.shared_secret if document.header else None
    return Delivery(text, document.payload_id, invoice_id, secret, None)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the sender's httpx client expects
        disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stall

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            index, status, held = receiver._receive(body, self.client_address[1])
            if held:
                receiver._released.wait(timeout=DEADLINE * 2)
            answer = cxml.serialize(cxml.status_response(status))
            try:
                self.send_response(status)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            except OSError:  # the sender was killed while the post was held
                return
            receiver._answered(index, status)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests read :attr:`Receiver.deliveries` instead."""

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A sender that hangs up (a killed worker) is expected, not an error to print."""


@contextmanager
def invoice_receiver() -> Iterator[Receiver]:
    """A :class:`Receiver` listening on a free loopback port for the block."""
    receiver = Receiver("")
    server = _Server(("127.0.0.1", 0), _handler(receiver))  # the system picks a free port
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}{INVOICE_PATH}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="invoice-receiver",
        daemon=True,
    )  # fmt: skip
    thread.start()
    try:
        yield receiver
    finally:
        receiver.release()
        server.shutdown()
        server.server_close()
        thread.join(timeout=DEADLINE)


# -- the buyer -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoupaBuyer:
    """An organization with a Coupa connection; ``connection_fields`` is the connection as
    the JSON API shows it (what ``orders_support`` builds Coupa's documents from)."""

    organization_id: str
    connection: PortalConnection
    box: FernetSecretBox

    @property
    def connection_fields(self) -> dict[str, Any]:
        c = self.connection
        return {
            "id": c.id,
            "buyer_domain": c.buyer_domain,
            "buyer_identity": c.buyer_identity,
            "supplier_domain": c.supplier_domain,
            "supplier_identity": c.supplier_identity,
            "sender_domain": c.sender_domain,
            "sender_identity": c.sender_identity,
        }


def add_billing_catalog(units: UnitOfWorkFactory) -> None:
    """The three products of :data:`CONTRACT`, :data:`FLEXIBLE` and :data:`METERED`."""
    users = Dimension(
        key="users", name="Users", unit="user", price=Decimal(100), kind=DimensionKind.CONTRACT
    )
    gigabytes = Dimension(
        key="gb", name="Data ingested", unit="GB", price=Decimal("0.10"), kind=DimensionKind.USAGE
    )
    instalments = tuple(Instalment(month_offset=m, amount=Decimal(3000)) for m in (0, 3, 6))
    offers = [
        build.offer(CONTRACT[0], id=CONTRACT[1], name="Team contract", dimensions=(users,),
                    durations=(12,)),
        build.offer(FLEXIBLE[0], id=FLEXIBLE[1], name="12 months, 3 payments",
                    pricing_model=PricingModel.FLEXIBLE_PAYMENT, dimensions=(users,),
                    durations=(12,),
                    instalments=instalments),
        build.offer(METERED[0], id=METERED[1], name="Pay as you go",
                    pricing_model=PricingModel.SAAS_SUBSCRIPTION, dimensions=(gigabytes,),
                    durations=()),
    ]  # fmt: skip
    with units() as uow:
        uow.catalog.add_sellers([build.seller()])
        uow.catalog.add_products(
            [build.product(o.product_id, title=o.name, offers=(o,)) for o in offers]
        )
        uow.commit()


def coupa_buyer(
    units: UnitOfWorkFactory,
    box: FernetSecretBox,
    invoice_endpoint: str,
    *,
    secret: str,
    test_mode: bool = False,
) -> CoupaBuyer:
    """Acme Corp with Coupa (billing integration on; in test mode when asked) and a Coupa
    connection with the shared secret ``secret`` and ``invoice_endpoint``."""
    acme = accounts.create_organization(units(), name="Acme Corp", admin_email="it@acme.example")
    org_id = acme.organization.id
    change = ConfigurationChange("COUPA", "Coupa", test_mode=test_mode, billing_integration=True)
    put_configuration(units(), None, change, organization_id=org_id)
    request = ConnectionRequest(
        buyer_domain="DUNS",
        buyer_identity="077665544",
        shared_secret=secret,
        invoice_endpoint=invoice_endpoint,
    )
    made = create_connection(units(), None, request, box=box, organization_id=org_id)
    return CoupaBuyer(org_id, made.connection, box)


def place_order(
    units: UnitOfWorkFactory,
    buyer: CoupaBuyer,
    requests: Sequence[SubscriptionRequest],
    *,
    number: str,
    at: dt.datetime,
    first_line: int = 1,
    kind: OrderType = OrderType.NEW,
    version: int = 1,
) -> OrderAnswer:
    """Purchase order ``number`` for ``requests`` (lines numbered from ``first_line``), as
    Coupa sends it, received at ``at`` (the day its agreements start); the answer."""
    items: list[ItemOut] = []
    for request in requests:
        items.extend(order_items(request, first_line=first_line + len(items)))
    body = order_request(
        buyer.connection_fields, items, order_number=number, version=version, kind=kind
    )
    document = cxml.parse(body)
    assert document.header is not None
    caller = authenticate_buyer(
        units(), document.header, box=buyer.box, test_requested=document.is_test
    )
    answer = receive_order(units(), caller, document, clock=lambda: at)
    assert answer.status_code == 200, answer.text
    return answer


def order_subscription(
    units: UnitOfWorkFactory,
    buyer: CoupaBuyer,
    product: tuple[str, str],
    choice: OfferChoice,
    *,
    number: str,
    at: dt.datetime,
    first_line: int = 1,
) -> SubscriptionRequest:
    """A user's request for ``product`` (``(product id, offer id)``) configured as ``choice``,
    made in a punchout and pending approval, then ordered with PO ``number`` at ``at``."""
    request = pending_request(
        units, buyer.box, buyer.connection_fields, choice, product_id=product[0],
        offer_id=product[1],
    )  # fmt: skip
    place_order(units, buyer, [request], number=number, at=at, first_line=first_line)
    return request
