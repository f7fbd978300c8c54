"""The whole procurement flow in Chromium, with both apps as ``make serve`` runs them
(``scripts/serve-all.sh`` on loopback ports): the buyer sandbox's Shop Online tile, the
marketplace's StartPage in the sandbox's frame, Request approval, the requisition and its
approvals, the purchase order, the agreement, and the invoice in the sandbox's inbox; the same
in test mode; a free product under pre-approval; a cancelled PO and its credit memo.

``MARKETPLACE_SCREENSHOTS=docs/screenshots`` saves the README's walk-through pictures.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from playwright.sync_api import Browser, Frame, Locator, Page, expect

from sandbox.client import SandboxClient

if TYPE_CHECKING:  # the fixture's type; conftest is not importable by name
    from conftest import WiredApps

pytestmark = pytest.mark.e2e

SUPPLIER = "Software Marketplace"  # what `marketplace demo setup` calls it in the sandbox


def snapshot(page: Page, name: str, *, full_page: bool = False) -> None:
    """Save the page (1000 px wide) for the README when MARKETPLACE_SCREENSHOTS is set."""
    folder = os.environ.get("MARKETPLACE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full_page)


@pytest.fixture
def tab(browser: Browser) -> Iterator[Page]:
    """A fresh browser (no cookies) 1000 px wide, the README screenshots' width."""
    context = browser.new_context(viewport={"width": 1000, "height": 760})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def sandbox(wired_apps: WiredApps) -> Iterator[SandboxClient]:
    with SandboxClient(wired_apps.sandbox_url, timeout=60) as client:
        yield client


# -- steps ---------------------------------------------------------------------------------


def sign_in_to_sandbox(page: Page, apps: WiredApps, email: str) -> None:
    """Pick the sandbox user ``email`` on its sign-in page (it has no passwords)."""
    users = httpx.get(f"{apps.sandbox_url}/api/v1/users", timeout=10).json()["items"]
    [name] = [user["name"] for user in users if user["email"] == email]
    page.context.clear_cookies()
    page.goto(f"{apps.sandbox_url}/sign-in")
    page.get_by_role("button", name=f"Sign in as {name}").click()
    expect(page.get_by_text(f"Signed in as {name}")).to_be_visible()


def shop(where: Page | Frame, pricing_model: str, page: Page | None = None) -> str:
    """Search the marketplace, keep ``pricing_model``, open the first product, click Request
    approval with its default configuration; the product's title (``page``: the window to
    take the product's screenshot of)."""
    where.get_by_role("search").get_by_label("Search software").fill("software")
    where.get_by_role("button", name="Search", exact=True).click()
    where.get_by_label("Pricing model").select_option(pricing_model)
    where.get_by_role("button", name="Apply filters").click()
    where.wait_for_url(re.compile(rf"[?&]pricing_model={pricing_model}(&|$)"))
    link = where.locator("ol.results > li").first.get_by_role("link").first
    title = link.inner_text().strip()
    link.click()
    expect(where.get_by_role("heading", level=1)).to_have_text(title)
    button = where.get_by_role("button", name="Request approval", exact=True)
    if page is not None:
        button.scroll_into_view_if_needed()
        snapshot(page, "sandbox-product")
    button.click()
    return title


def punchout_frame(page: Page) -> Frame:
    """The frame the sandbox's punchout page opens the marketplace in."""
    handle = page.locator(f'iframe[title="{SUPPLIER} punchout"]').element_handle()
    frame = handle.content_frame()
    assert frame is not None
    return frame


def shop_in_window(page: Page, sandbox: SandboxClient, supplier_id: int, model: str) -> int:
    """A punchout started through the sandbox's API, shopped in the whole window; its id."""
    session = sandbox.start_punchout(supplier_id)
    page.goto(session["start_page_url"])
    shop(page, model)
    return int(session["id"])


def approve_all_in_browser(page: Page, apps: WiredApps, requisition_url: str) -> None:
    """Approve as each approver the chain waits for, signed in as them; ends on the PO page."""
    while True:
        waiting = page.get_by_text(re.compile(r"Waiting for \S+ to approve"))
        if waiting.count() == 0:
            return
        approver = re.search(r"Waiting for (\S+) to approve", waiting.inner_text())
        assert approver is not None
        sign_in_to_sandbox(page, apps, approver.group(1))
        page.goto(requisition_url)
        snapshot(page, "sandbox-approve", full_page=True)
        page.get_by_role("button", name="Approve", exact=True).click()


def invoice_row(page: Page, apps: WiredApps, po_number: int, kind: str) -> Locator:
    """The Invoices page's row of the PO's ``kind`` ("Invoice", "Credit memo"), reloading
    until it is there (the worker delivers it in another process)."""
    deadline = time.monotonic() + 30
    while True:
        page.goto(f"{apps.sandbox_url}/invoices")
        rows = page.get_by_role("row").filter(has_text=f"PO {po_number}").filter(has_text=kind)
        if rows.count() > 0 or time.monotonic() > deadline:
            return rows.first
        time.sleep(0.5)  # polling the other process's delivery, with a deadline


def agreements_of(apps: WiredApps, po_number: int) -> list[dict[str, Any]]:
    items = apps.api("/agreements")["items"]
    return [a for a in items if a["purchase_order_number"] == str(po_number)]


def new_supplier(apps: WiredApps, sandbox: SandboxClient, *, test: bool) -> int:
    """Another connection of the demo organization, and a sandbox supplier for it."""
    created = apps.cli(
        "procurement",
        "connect",
        "--org",
        apps.organization_id,
        "--buyer-domain",
        "DUNS",
        "--buyer-identity",
        f"e2e-{secrets.token_hex(4)}",
        "--invoice-endpoint",
        f"{apps.sandbox_url}/cxml/invoices",
    )
    name = f"{SUPPLIER} {'test' if test else 'e2e'} {secrets.token_hex(2)}"
    supplier = sandbox.configure_supplier(
        name, created["purchase_information"], secret=created["shared_secret"], test=test
    )
    return int(supplier["id"])


# -- the tests -----------------------------------------------------------------------------


def test_tile_to_invoice_matched_in_the_inbox(tab: Page, wired_apps: WiredApps) -> None:
    apps, page = wired_apps, tab
    page.goto(apps.sandbox_url)
    page.get_by_role("button", name="Sign in as Dana Okafor").click()
    expect(page.get_by_role("heading", name="Shop Online")).to_be_visible()
    snapshot(page, "sandbox-home")

    page.get_by_role("button", name=f"Shop at {SUPPLIER}", exact=True).click()
    frame = punchout_frame(page)
    expect(frame.get_by_text("You are shopping from")).to_be_visible()
    snapshot(page, "sandbox-punchout")
    title = shop(frame, "saas_contract", page)

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Requisition \d+"))
    expect(page.get_by_role("cell", name=re.compile(re.escape(title)))).to_be_visible()
    snapshot(page, "sandbox-requisition", full_page=True)
    requisition_url = page.url
    page.get_by_role("button", name="Submit for approval").click()
    approve_all_in_browser(page, apps, requisition_url)

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"Purchase order \d+"))
    po_number = int(heading.inner_text().split()[-1])
    answer = page.get_by_role("status")
    expect(answer).to_contain_text("Accepted")
    expect(answer).to_contain_text("200 OK")
    snapshot(page, "sandbox-purchase-order")
    [agreement] = agreements_of(apps, po_number)
    assert agreement["status"] == "active"
    assert agreement["product_title"] == title

    apps.bill_and_deliver()
    row = invoice_row(page, apps, po_number, "Invoice")
    expect(row).to_contain_text("Matched")
    snapshot(page, "sandbox-invoices")
    row.get_by_role("link").first.click()
    expect(page.get_by_text("Every line matches its purchase-order line.")).to_be_visible()


def test_test_mode_acknowledges_the_po_and_creates_nothing_billable(
    tab: Page, wired_apps: WiredApps, sandbox: SandboxClient
) -> None:
    supplier_id = new_supplier(wired_apps, sandbox, test=True)
    session_id = shop_in_window(tab, sandbox, supplier_id, "saas_contract")
    requisition_id = sandbox.wait_for_requisition(session_id)
    sandbox.submit(requisition_id)

    po = sandbox.approve_all(requisition_id)

    assert po["test"] is True  # sent with deploymentMode="test"
    assert (po["outcome"], po["status_code"]) == ("accepted", 200)
    assert agreements_of(wired_apps, po["number"]) == []
    wired_apps.bill_and_deliver()
    assert [i for i in sandbox.invoices() if po["number"] in i["po_numbers"]] == []


def test_free_product_under_pre_approval_needs_no_requisition(
    tab: Page, wired_apps: WiredApps, sandbox: SandboxClient
) -> None:
    configuration = wired_apps.cli("procurement", "show", "--org", wired_apps.organization_id)
    name = configuration["configuration"]["name"]
    wired_apps.cli(
        "procurement", "configure", "--org", wired_apps.organization_id,
        "--system", "COUPA", "--name", name, "--preapprove-free",
    )  # fmt: skip
    [supplier] = [s for s in sandbox.suppliers() if s["name"] == SUPPLIER]

    session_id = shop_in_window(tab, sandbox, supplier["id"], "free")

    expect(tab.get_by_role("heading", name="You're subscribed")).to_be_visible()
    session = sandbox.punchout(session_id)
    assert session["requisition_id"] is None
    assert session["status"] == "open"  # no cart came back: nothing to approve


def test_po_cancelled_in_the_sandbox_cancels_the_agreement_with_a_credit_memo(
    tab: Page, wired_apps: WiredApps, sandbox: SandboxClient
) -> None:
    apps, page = wired_apps, tab
    supplier_id = new_supplier(apps, sandbox, test=False)
    session_id = shop_in_window(page, sandbox, supplier_id, "saas_contract")
    requisition_id = sandbox.wait_for_requisition(session_id)
    sandbox.submit(requisition_id)
    po = sandbox.approve_all(requisition_id)
    apps.bill_and_deliver()
    sandbox.wait_for_invoice(po["number"])

    sign_in_to_sandbox(page, apps, "dana@acme.example")
    page.goto(f"{apps.sandbox_url}/purchase-orders/{po['number']}")
    page.get_by_role("button", name="Cancel purchase order").click()

    expect(page.get_by_role("status")).to_contain_text("cancelled")
    [agreement] = agreements_of(apps, po["number"])
    assert agreement["status"] == "cancelled"
    apps.bill_and_deliver()
    row = invoice_row(page, apps, po["number"], "Credit memo")
    expect(row).to_contain_text("Matched")
    credit = sandbox.wait_for_invoice(po["number"], credit=True, timeout=5)
    assert credit["total"].startswith("-")
