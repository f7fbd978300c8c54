"""Helpers for the buyer-sandbox tests: settings over a temporary SQLite file, a fake
supplier (the marketplace's side of cXML, behind ``httpx.MockTransport``), carts as the
supplier's page would post them, and invoices as the marketplace will send them.

The fake supplier answers like the marketplace: a PunchOutSetupRequest gets a StartPage URL,
an OrderRequest a ``Response/Status`` (200 unless told otherwise). It validates every
document it receives against the official DTDs and keeps them for the tests to inspect.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

import cxml
from cxml.models.common import (
    Classification,
    Description,
    Extrinsic,
    ItemDetail,
    ItemID,
    Money,
    OrderReference,
    Tax,
)
from cxml.models.envelope import DeploymentMode, Document, Header, Party, Status
from cxml.models.invoice import (
    InvoiceDetailItem,
    InvoiceDetailItemReference,
    InvoiceDetailOrder,
    InvoiceDetailRequest,
    InvoiceDetailRequestHeader,
    InvoiceDetailSummary,
    InvoiceOperation,
    InvoicePurpose,
)
from cxml.models.order import OrderRequest
from cxml.models.punchout import (
    ItemIn,
    PunchOutOperation,
    PunchOutOrderMessage,
    PunchOutOrderMessageHeader,
    PunchOutSetupRequest,
    PunchOutSetupResponse,
)
from sandbox.config import SandboxSettings

__all__ = [
    "BASE_URL",
    "SECRET",
    "CartLine",
    "FakeSupplier",
    "cart_form",
    "dtds",
    "invoice",
    "purchase_information",
    "sandbox_settings",
]

BASE_URL = "http://sandbox.test"
SECRET = "marketplace-shared-secret-0123"
SUPPLIER_URL = "https://market.example"
ROOT = Path(__file__).resolve().parents[2]


def dtds() -> cxml.DtdCatalog:
    """The official DTDs: $CXML_DTD_DIR, else ../shared/cxml-dtd (missing fails the test)."""
    configured = os.environ.get("CXML_DTD_DIR")
    folder = Path(configured) if configured else ROOT.parent / "shared" / "cxml-dtd"
    assert (folder / "1.2.014" / "cXML.dtd").is_file(), f"no official DTDs in {folder}"
    return cxml.DtdCatalog(folder)


def sandbox_settings(tmp_path: Path, *, dtd_dir: Path | None = None) -> SandboxSettings:
    """Settings over ``tmp_path/sandbox.db`` with the official DTDs."""
    return SandboxSettings(
        database_url=f"sqlite:///{tmp_path / 'sandbox.db'}",
        base_url=BASE_URL,
        secret_key="test-secret-key",
        cxml_dtd_dir=dtd_dir or dtds().root,
    )


def purchase_information(**changes: str) -> dict[str, str]:
    """What the marketplace's purchase information shows for a Coupa connection."""
    info = {
        "punchout_url": f"{SUPPLIER_URL}/cxml/punchout",
        "order_url": f"{SUPPLIER_URL}/cxml/orders",
        "profile_url": f"{SUPPLIER_URL}/cxml/profile",
        "buyer_domain": "DUNS",
        "buyer_identity": "acme-coupa",
        "supplier_domain": "NetworkID",
        "supplier_identity": "MARKETPLACE-01",
        "sender_domain": "DUNS",
        "sender_identity": "acme-coupa",
        "protocol": "cxml",
        "cxml_version": "1.2.014",
        "cart_field": "cxml-urlencoded",
    }
    info.update(changes)
    return info


@dataclass(frozen=True)
class CartLine:
    """A line the fake supplier puts in a cart."""

    offer: str = "offer-basic-annual"
    request_id: str = "req-0001"
    quantity: Decimal = Decimal(1)
    unit_price: Decimal = Decimal("1200.00")
    description: str = "Observability Cloud, annual contract"
    unspsc: str = "81162000"
    line_type: str = "Service"
    unit: str = "EA"


@dataclass
class FakeSupplier:
    """The marketplace's cXML side, in memory: see the module's docstring."""

    received: list[Document] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)
    order_status: int = 200
    order_text: str = "Purchase order accepted."
    setup_status: int = 200
    http_status: int | None = None  # answer with this HTTP status instead
    unreachable: bool = False
    invalid: list[str] = field(default_factory=list)  # DTD errors of received documents

    def transport(self) -> httpx.MockTransport:
        """An httpx transport that sends every request to this supplier."""
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.unreachable:
            raise httpx.ConnectError("connection refused", request=request)
        body = request.content
        self.raw.append(body)
        result = dtds().validate(body)
        self.invalid.extend(result.errors)
        document = cxml.parse(body)
        self.received.append(document)
        if self.http_status is not None:
            return httpx.Response(self.http_status, text="<html>Bad gateway</html>")
        if isinstance(document.payload, PunchOutSetupRequest):
            if self.setup_status != 200:
                return self._status(self.setup_status, "Login name is not available")
            start = f"{SUPPLIER_URL}/punchout/start/token-{len(self.received)}"
            reply = cxml.response(PunchOutSetupResponse(start), host="market.example")
            return httpx.Response(200, content=cxml.serialize(reply))
        if isinstance(document.payload, OrderRequest):
            return self._status(self.order_status, self.order_text)
        return self._status(450, "Not implemented here")

    def _status(self, code: int, text: str) -> httpx.Response:
        reply = cxml.response(None, Status.of(code, text), host="market.example")
        return httpx.Response(200 if code < 300 else code, content=cxml.serialize(reply))

    @property
    def setup_requests(self) -> list[Document]:
        return [d for d in self.received if isinstance(d.payload, PunchOutSetupRequest)]

    @property
    def orders(self) -> list[Document]:
        return [d for d in self.received if isinstance(d.payload, OrderRequest)]

    def last_setup(self) -> PunchOutSetupRequest:
        payload = self.setup_requests[-1].payload
        assert isinstance(payload, PunchOutSetupRequest)
        return payload

    def last_order(self) -> OrderRequest:
        payload = self.orders[-1].payload
        assert isinstance(payload, OrderRequest)
        return payload


def cart_form(
    setup: PunchOutSetupRequest,
    lines: tuple[CartLine, ...] = (CartLine(),),
    *,
    field_name: str = "cxml-urlencoded",
    buyer_cookie: str | None = None,
) -> tuple[str, dict[str, str]]:
    """The BrowserFormPost path (with its query) and the form fields the supplier's page
    posts back: a PunchOutOrderMessage carrying ``lines`` (no line: a cancelled punchout)."""
    currency = "USD"
    items = tuple(
        ItemIn(
            quantity=line.quantity,
            line_number=number,
            item_id=ItemID(line.offer, line.request_id),
            item_detail=ItemDetail(
                unit_price=Money(line.unit_price, currency),
                descriptions=(Description(line.description),),
                unit_of_measure=line.unit,
                classifications=(Classification("UNSPSC", line.unspsc),),
                extrinsics=(Extrinsic("LineType", line.line_type),),
            ),
        )
        for number, line in enumerate(lines, start=1)
    )
    total = sum((line.quantity * line.unit_price for line in lines), Decimal(0))
    message = Document(
        payload_id=cxml.new_payload_id("market.example"),
        timestamp=cxml.now(),
        header=Header(
            from_=Party.of("NetworkID", "MARKETPLACE-01"),
            to=Party.of("DUNS", "acme-coupa"),
            sender=Party.of("NetworkID", "MARKETPLACE-01"),
            user_agent="Marketplace 1.0",
        ),
        payload=PunchOutOrderMessage(
            buyer_cookie=buyer_cookie or setup.buyer_cookie,
            header=PunchOutOrderMessageHeader(
                operation_allowed=PunchOutOperation.EDIT, total=Money(total, currency)
            ),
            items=items,
        ),
        deployment_mode=DeploymentMode.TEST,
    )
    xml = cxml.serialize(message)
    kind = cxml.CartField.BASE64 if "base64" in field_name.lower() else cxml.CartField.URLENCODED
    url = setup.browser_form_post_url or ""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}", {field_name: cxml.field_value(xml, kind)}


def form_body(fields: dict[str, str]) -> str:
    """The fields url-encoded as a browser posts them."""
    return urlencode(fields)


def session_id(setup: PunchOutSetupRequest) -> int:
    """The punchout session id in the BrowserFormPost URL (``?id=N``)."""
    query = parse_qs(urlsplit(setup.browser_form_post_url or "").query)
    return int(query["id"][0])


def invoice(
    po_number: int | str,
    lines: tuple[tuple[int, Decimal, Decimal], ...] = ((1, Decimal(1), Decimal("1200.00")),),
    *,
    number: str = "INV-000001",
    secret: str = SECRET,
    purpose: InvoicePurpose = InvoicePurpose.STANDARD,
    operation: InvoiceOperation = InvoiceOperation.NEW,
    supplier: tuple[str, str] = ("NetworkID", "MARKETPLACE-01"),
    buyer: tuple[str, str] = ("DUNS", "acme-coupa"),
    payload_id: str | None = None,
    unit: str = "EA",
    change: Callable[[Document], Document] | None = None,
) -> bytes:
    """An InvoiceDetailRequest (1.2.020) as the marketplace sends it: From the supplier, To
    the buyer, Sender the supplier with the shared secret; ``lines`` are ``(PO line number,
    quantity, unit price)``."""
    currency = "USD"
    items = tuple(
        InvoiceDetailItem(
            invoice_line_number=index,
            quantity=quantity,
            unit_of_measure=unit,
            unit_price=Money(price, currency),
            reference=InvoiceDetailItemReference(
                line_number=line_number, item_id=ItemID("offer-basic-annual")
            ),
            subtotal=Money(quantity * price, currency),
        )
        for index, (line_number, quantity, price) in enumerate(lines, start=1)
    )
    subtotal = sum((quantity * price for _, quantity, price in lines), Decimal(0))
    when = dt.datetime(2025, 3, 12, 16, 0, tzinfo=dt.UTC)
    document = Document(
        payload_id=payload_id or cxml.new_payload_id("market.example"),
        timestamp=when,
        header=Header(
            from_=Party.of(*supplier),
            to=Party.of(*buyer),
            sender=Party.of(*supplier, secret),
            user_agent="Marketplace billing 1.0",
        ),
        payload=InvoiceDetailRequest(
            header=InvoiceDetailRequestHeader(
                invoice_id=number, invoice_date=when, purpose=purpose, operation=operation
            ),
            orders=(
                InvoiceDetailOrder(
                    OrderReference(document_payload_id=str(po_number), order_id=str(po_number)),
                    items,
                ),
            ),
            summary=InvoiceDetailSummary(
                subtotal=Money(subtotal, currency),
                tax=Tax(money=Money(Decimal("0.00"), currency), description=Description("Tax")),
                net=Money(subtotal, currency),
            ),
        ),
    )
    if change is not None:
        document = change(document)
    return cxml.serialize(document)


def as_text(value: Any) -> str:
    """Bytes or text as text (for assertions on pages)."""
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)
