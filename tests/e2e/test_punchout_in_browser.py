"""The acceptance of punchout, in Chromium: a test buyer sends a Coupa-shaped
PunchOutSetupRequest, the browser opens the StartPage inside the buyer's page, searches,
opens a product and clicks Request approval, and the test buyer receives the cart.

The test buyer is a small HTTP server in the test process on ``localhost``, another site
than the marketplace on ``127.0.0.1``: inside its frame the marketplace's (``SameSite=Lax``,
plain http) cookies are never sent, so these tests also show that a punchout does not depend
on them, and that the marketplace lets this buyer (and only it) frame its pages. The buyer's
page frames the StartPage; its ``/punchout/checkout`` is the BrowserFormPost URL and records
every cart posted to it.

The organization and its connections are made with ``marketplace procurement`` against the
served database, as an operator would.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest
from playwright.sync_api import FrameLocator, Page, expect
from punchout_web import official_dtds, setup_request, start_page_url
from servers import Server, free_port

import cxml
from cxml import PunchOutOperation, PunchOutOrderMessage

pytestmark = pytest.mark.e2e

SERVICE, MATERIAL = "81162000", "43232701"


def snapshot(page: Page, name: str) -> None:
    folder = os.environ.get("MARKETPLACE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


# -- the test buyer ------------------------------------------------------------------------


@dataclass
class Buyer:
    """The test buyer's server: ``origin`` and the carts posted to its checkout URL."""

    origin: str
    carts: list[dict[str, str]] = field(default_factory=list)

    @property
    def checkout_url(self) -> str:
        return f"{self.origin}/punchout/checkout?id=17"

    def shop_url(self, start_page: str) -> str:
        """The buyer's page that frames ``start_page`` (as Coupa frames a punchout)."""
        return f"{self.origin}/shop?start={quote(start_page, safe='')}"


def _handler(buyer: Buyer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != "/shop":
                self._answer(404, "<h1>Not found</h1>")
                return
            start = parse_qs(parts.query)["start"][0]
            self._answer(
                200,
                "<h1>Acme Coupa (test buyer)</h1>"
                f'<iframe id="punchout" title="Marketplace punchout" src="{html.escape(start)}"'
                ' width="1240" height="860"></iframe>',
            )

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode("utf-8")
            fields = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
            buyer.carts.append(fields)
            self._answer(200, "<h1>Cart received</h1>")

        def _answer(self, status: int, body: str) -> None:
            page = f'<!doctype html><html lang="en"><title>Test buyer</title>{body}</html>'
            data = page.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test reports what matters."""

    return Handler


@pytest.fixture(scope="module")
def buyer() -> Iterator[Buyer]:
    port = free_port()
    found = Buyer(f"http://localhost:{port}")
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(found))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()


# -- the organization, through the command line --------------------------------------------


def marketplace_cli(server: Server, *args: str) -> dict[str, Any]:
    """Run ``marketplace … --json`` against the served database; its JSON answer."""
    folder = server.log.parent  # the ``marketplace`` fixture keeps its database there
    environ = {
        **os.environ,
        "MARKETPLACE_DATABASE_URL": f"sqlite:///{folder / 'marketplace.db'}",
        "MARKETPLACE_VAR_DIR": str(folder / "var"),
        "MARKETPLACE_BASE_URL": server.base_url,
    }
    command = [str(Path(sys.executable).with_name("marketplace")), *args, "--json"]
    done = subprocess.run(command, env=environ, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


@pytest.fixture(scope="module")
def organization_id(marketplace: Server) -> str:
    """A Coupa organization of its own (test mode on), so as not to touch the demo one."""
    email = f"admin-{secrets.token_hex(4)}@punchout-e2e.example"
    created = marketplace_cli(
        marketplace, "org", "create", "--name", "Punchout E2E Corp", "--admin-email", email
    )
    org_id: str = created["organization_id"]
    marketplace_cli(
        marketplace,
        "procurement",
        "configure",
        "--org",
        org_id,
        "--system",
        "COUPA",
        "--name",
        "E2E Coupa",
    )
    return org_id


def connection(marketplace: Server, organization_id: str, cart_field: str) -> dict[str, Any]:
    """A new connection: its purchase information and shared secret."""
    created = marketplace_cli(
        marketplace,
        "procurement",
        "connect",
        "--org",
        organization_id,
        "--buyer-domain",
        "DUNS",
        "--buyer-identity",
        f"e2e-{secrets.token_hex(4)}",
        "--cart-field",
        cart_field,
    )
    info: dict[str, Any] = created["purchase_information"]
    return {**info, "shared_secret": created["shared_secret"]}


# -- driving a punchout --------------------------------------------------------------------


def punch_out(
    marketplace: Server,
    buyer: Buyer,
    coupa: dict[str, Any],
    *,
    operation: PunchOutOperation = PunchOutOperation.CREATE,
    request_ids: tuple[str, ...] = (),
) -> str:
    """Send a Coupa-shaped setup request (1.2.014) to the punchout URL; the StartPage URL."""
    assert coupa["punchout_url"] == f"{marketplace.base_url}/cxml/punchout"
    body = setup_request(
        coupa,
        operation=operation,
        email=f"dana-{secrets.token_hex(3)}@punchout-e2e.example",
        form_post_url=buyer.checkout_url,
        request_ids=request_ids,
        secret=coupa["shared_secret"],
        buyer_cookie=secrets.token_hex(16),
    )
    answer = httpx.post(
        coupa["punchout_url"], content=body, headers={"Content-Type": "text/xml"}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    start_page = start_page_url(answer)
    assert start_page.startswith(f"{marketplace.base_url}/punchout/start/")
    return start_page


def received_cart(frame: FrameLocator, buyer: Buyer, before: int) -> tuple[bytes, str]:
    """Wait for the buyer to show the cart it received (its ``before + 1``-th, exactly one
    more); the cart's cXML bytes and field name."""
    expect(frame.get_by_role("heading", name="Cart received")).to_be_visible()
    assert len(buyer.carts) == before + 1
    fields = buyer.carts[-1]
    [name] = list(fields)  # one hidden field, nothing else (no secret, no session)
    return cxml.decode_form(fields), name


def check_cart(raw: bytes) -> PunchOutOrderMessage:
    """The decoded cart: valid against the 1.2.014 DTD, carrying no shared secret."""
    validation = official_dtds().validate(raw)
    assert validation.valid, validation.errors
    assert b"SharedSecret" not in raw
    document = cxml.parse(raw)
    assert document.version == "1.2.014"
    assert document.is_test
    message = document.payload
    assert isinstance(message, PunchOutOrderMessage)
    return message


def shop_and_request_approval(page: Page, frame: FrameLocator, pricing_model: str) -> str:
    """Search, filter by pricing model, open the first product and Request approval with
    its default configuration; the product's title."""
    expect(frame.get_by_text("You are shopping from")).to_be_visible()
    frame.get_by_role("search").get_by_label("Search software").fill("software")
    frame.get_by_role("button", name="Search", exact=True).click()
    frame.get_by_label("Pricing model").select_option(pricing_model)
    frame.get_by_role("button", name="Apply filters").click()
    filtered = re.compile(rf"[?&]pricing_model={re.escape(pricing_model)}(&|$)")
    deadline = time.monotonic() + 15  # the filtered page, not the one before it
    while not any(filtered.search(f.url) for f in page.frames):
        assert time.monotonic() < deadline, [f.url for f in page.frames]
        page.wait_for_timeout(50)
    results = frame.locator("ol.results > li")
    expect(results.first).to_be_visible()
    title = results.first.get_by_role("link").first.inner_text()
    results.first.get_by_role("link").first.click()
    expect(frame.get_by_role("heading", level=1)).to_have_text(title)
    snapshot(page, f"punchout-product-{pricing_model}")
    frame.get_by_role("button", name="Request approval", exact=True).click()
    return title


def test_coupa_punchout_returns_a_service_line_in_cxml_urlencoded(
    page: Page, marketplace: Server, buyer: Buyer, organization_id: str
) -> None:
    coupa = connection(marketplace, organization_id, "cxml-urlencoded")
    start_page = punch_out(marketplace, buyer, coupa)
    before = len(buyer.carts)

    page.goto(buyer.shop_url(start_page))
    frame = page.frame_locator("#punchout")
    snapshot(page, "punchout-home")
    title = shop_and_request_approval(page, frame, "saas_contract")

    raw, field_name = received_cart(frame, buyer, before)
    assert field_name == "cxml-urlencoded"
    message = check_cart(raw)
    [item] = message.items
    # One upfront contract charge: a Service line, quantity 1 at the whole amount.
    assert item.item_detail.classifications[0].value == SERVICE
    assert item.item_detail.extrinsic("LineType") == "Service"
    assert item.quantity == 1
    assert item.item_detail.unit_price.amount == message.header.total.amount > 0
    assert title in item.item_detail.description
    assert item.item_id.supplier_part_auxiliary_id


def test_coupa_punchout_returns_a_material_line_in_cxml_base64(
    page: Page, marketplace: Server, buyer: Buyer, organization_id: str
) -> None:
    coupa = connection(marketplace, organization_id, "cxml-base64")
    start_page = punch_out(marketplace, buyer, coupa)
    before = len(buyer.carts)

    page.goto(buyer.shop_url(start_page))
    frame = page.frame_locator("#punchout")
    shop_and_request_approval(page, frame, "saas_subscription")

    raw, field_name = received_cart(frame, buyer, before)
    assert field_name == "cxml-base64"
    [item] = check_cart(raw).items
    # Pay as you go: the $1,000.00 budget estimate as a Material line of cents.
    assert item.item_detail.classifications[0].value == MATERIAL
    assert item.item_detail.extrinsic("LineType") == "Material"
    assert item.item_detail.unit_price.amount == Decimal("0.01")
    assert item.quantity == 100000


def test_edit_brings_the_same_line_back_and_inspect_cannot_change_it(
    page: Page, marketplace: Server, buyer: Buyer, organization_id: str
) -> None:
    coupa = connection(marketplace, organization_id, "cxml-urlencoded")
    page.goto(buyer.shop_url(punch_out(marketplace, buyer, coupa)))
    frame = page.frame_locator("#punchout")
    before = len(buyer.carts)
    title = shop_and_request_approval(page, frame, "saas_contract")
    [first] = check_cart(received_cart(frame, buyer, before)[0]).items
    request_id = first.item_id.supplier_part_auxiliary_id
    assert request_id is not None

    # edit: the re-opened cart, its line changed on the product page, the same line back.
    start_page = punch_out(
        marketplace, buyer, coupa, operation=PunchOutOperation.EDIT, request_ids=(request_id,)
    )
    page.goto(buyer.shop_url(start_page))
    frame = page.frame_locator("#punchout")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Your Coupa cart")
    snapshot(page, "punchout-edit-cart")
    frame.get_by_role("link", name=f"Change {title}").click()
    expect(frame.get_by_role("heading", name="Change this line of your Coupa cart")).to_be_visible()
    frame.locator('input[name^="quantities."]').first.fill("2")
    before = len(buyer.carts)
    frame.get_by_role("button", name="Request approval", exact=True).click()
    edited = check_cart(received_cart(frame, buyer, before)[0])
    [item] = edited.items
    assert item.item_id.supplier_part_auxiliary_id == request_id
    assert item.item_detail.unit_price.amount > first.item_detail.unit_price.amount

    # inspect: the cart can be looked at, never changed; Return to Coupa sends it back as is.
    start_page = punch_out(
        marketplace, buyer, coupa, operation=PunchOutOperation.INSPECT, request_ids=(request_id,)
    )
    page.goto(buyer.shop_url(start_page))
    frame = page.frame_locator("#punchout")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Your Coupa cart")
    expect(frame.get_by_role("rowheader", name=title)).to_be_visible()
    expect(frame.get_by_role("link", name=f"Change {title}")).to_have_count(0)
    snapshot(page, "punchout-inspect-cart")
    frame.get_by_role("link", name=title, exact=True).click()
    expect(frame.get_by_role("heading", level=1)).to_have_text(title)
    expect(frame.get_by_text("nothing can be requested or changed")).to_be_visible()
    expect(frame.get_by_role("button", name="Request approval")).to_have_count(0)
    before = len(buyer.carts)
    frame.get_by_role("button", name="Return to Coupa").click()
    inspected = check_cart(received_cart(frame, buyer, before)[0])
    assert inspected.header.operation_allowed is PunchOutOperation.INSPECT
    assert [i.item_id.supplier_part_auxiliary_id for i in inspected.items] == [request_id]
    assert inspected.items[0].item_detail.unit_price == item.item_detail.unit_price


def test_a_start_page_used_twice_shows_a_clear_page_not_a_session(
    page: Page, marketplace: Server, buyer: Buyer, organization_id: str
) -> None:
    coupa = connection(marketplace, organization_id, "cxml-urlencoded")
    start_page = punch_out(marketplace, buyer, coupa)
    page.goto(buyer.shop_url(start_page))
    expect(page.frame_locator("#punchout").get_by_text("You are shopping from")).to_be_visible()

    second = page.context.new_page()
    response = second.goto(start_page)

    assert response is not None
    assert response.status == 410
    expect(second.get_by_role("heading", level=1)).to_have_text("This link can no longer be used")
    expect(second.get_by_text("already been used")).to_be_visible()
    expect(second.get_by_text("You are shopping from")).to_have_count(0)
    expect(second.get_by_role("button", name="Return to Coupa")).to_have_count(0)
