"""The steps of ``marketplace demo``, from the Shop Online tile to the invoice, each printed
as it happens with the cXML documents that crossed the wire.

The sandbox is driven over its JSON API (the tile, the approvals), the marketplace's pages
by Chromium (the punchout shopping and Request approval), the agreement is read from the
marketplace's JSON API, and billing and delivery run in this process on the marketplace's
database, as ``marketplace billing run`` and ``marketplace worker --once`` do.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click
import httpx

from marketplace.cli.demo_browser import (
    Shopping,
    document_reader,
    sandbox_documents,
    shop_and_request_approval,
    sign_in_to_sandbox,
)
from marketplace.cli.demo_documents import key_lines, without_secrets
from marketplace.cli.demo_sandbox import REQUESTER, SandboxApi, SandboxApiError
from marketplace.config import Settings
from marketplace.domain.outbox import AttemptOutcome
from marketplace.services import accounts
from marketplace.services.billing import run_billing
from marketplace.services.clock import utcnow
from marketplace.services.demo import DEMO_ADMIN_EMAIL
from marketplace.services.ports import UnitOfWorkFactory
from marketplace.worker.runner import Worker, billing_for, senders_for

if TYPE_CHECKING:  # Playwright is imported only when the demo runs
    from playwright.sync_api import Browser, Page

__all__ = ["STEPS", "DemoResult", "Narrator", "run_flow"]

STEPS = 8
SEARCH = "software"
PRICING_MODEL = "saas_contract"  # an upfront contract: invoiced at once, in full


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What the demo bought, and the documents that prove it."""

    purchase_order_number: int
    agreement_id: str
    invoice_number: str
    product_title: str
    total: str
    currency: str


class Narrator:
    """Prints numbered steps, their details, and documents (key lines, or whole)."""

    def __init__(self, *, whole_documents: bool, err: bool = False) -> None:
        self.whole_documents = whole_documents
        self.err = err
        self.number = 0
        self.started = time.monotonic()

    def step(self, title: str) -> None:
        self.number += 1
        elapsed = time.monotonic() - self.started
        self.echo(f"\n[{self.number}/{STEPS}] {title}  ({elapsed:.1f} s)")

    def say(self, text: str) -> None:
        self.echo(f"    {text}")

    def document(self, heading: str, document: str | bytes) -> None:
        self.echo(f"    {heading}")
        if self.whole_documents:
            text = document.decode("utf-8") if isinstance(document, bytes) else document
            lines = without_secrets(text).strip().splitlines()
        else:
            lines = key_lines(document)
        for line in lines:
            self.echo(f"        {line}")

    def echo(self, text: str) -> None:
        click.echo(text, err=self.err)


@dataclass(frozen=True, slots=True)
class Apps:
    """Where the two apps answer, and the marketplace's database and settings."""

    marketplace_url: str
    sandbox_url: str
    settings: Settings
    units: UnitOfWorkFactory
    supplier_id: int


def run_flow(apps: Apps, browser: Browser, api: SandboxApi, say: Narrator) -> DemoResult:
    """Tile → punchout → Request approval → requisition → approvals → PO → agreement →
    billing → invoice in the sandbox's inbox."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        sign_in_to_sandbox(context, apps.sandbox_url, REQUESTER)
        reader = document_reader(context, apps.sandbox_url)

        def documents(url: str) -> list[str]:
            return sandbox_documents(reader, url)

        session = _punchout(apps, api, say, documents)
        shopping = _shop(apps, session, say, context.new_page())
        po = _approve(apps, api, say, session, documents)
        agreement = _agreement(apps, say, po)
        _bill(apps, say)
        invoice = _invoice(apps, api, say, po, documents)
    finally:
        context.close()
    return DemoResult(
        purchase_order_number=int(po["number"]),
        agreement_id=str(agreement["id"]),
        invoice_number=str(invoice["invoice_number"]),
        product_title=shopping.product_title,
        total=str(invoice["total"]),
        currency=str(invoice["currency"]),
    )


Documents = Callable[[str], list[str]]


def _punchout(apps: Apps, api: SandboxApi, say: Narrator, documents: Documents) -> dict[str, Any]:
    say.step(f"Shop Online: the sandbox sends the punchout for {REQUESTER}, as its tile does")
    session = api.start_punchout(apps.supplier_id)
    say.say(f"the sandbox posted a PunchOutSetupRequest to {apps.marketplace_url}/cxml/punchout")
    sent = documents(f"{apps.sandbox_url}/punchout/{session['id']}")
    for heading, document in zip(
        ("→ PunchOutSetupRequest (sandbox → marketplace)", "← answer (marketplace → sandbox)"),
        sent,
        strict=False,
    ):
        say.document(heading, document)
    say.say(f"StartPage: {session['start_page_url'].split('/punchout/start/')[0]}/punchout/start/…")
    return session


def _shop(apps: Apps, session: dict[str, Any], say: Narrator, page: Page) -> Shopping:
    say.step("Chromium opens the StartPage, searches, opens a product, clicks Request approval")
    shopping = shop_and_request_approval(
        page,
        start_page_url=session["start_page_url"],
        form_post_url=session["browser_form_post_url"],
        query=SEARCH,
        pricing_model=PRICING_MODEL,
    )
    say.say(f'searched "{SEARCH}", kept upfront contracts, opened "{shopping.product_title}"')
    say.say(f"  {shopping.product_url}")
    say.document(
        f"→ PunchOutOrderMessage, the cart (browser → {session['browser_form_post_url']}, "
        f"form field {shopping.cart_field})",
        shopping.cart,
    )
    return shopping


def _approve(
    apps: Apps, api: SandboxApi, say: Narrator, session: dict[str, Any], documents: Documents
) -> dict[str, Any]:
    say.step("The cart becomes a requisition; it is submitted and approved")
    requisition_id = api.wait_for_requisition(int(session["id"]))
    submitted = api.submit(requisition_id)
    say.say(
        f"requisition {requisition_id}: {submitted['total']} {submitted['currency']}, "
        f"submitted by {submitted['requester']}"
    )
    while True:
        approver = api.call("GET", f"/requisitions/{requisition_id}")["current_approver"]
        decided = api.approve(requisition_id)
        say.say(f"approved by {approver}")
        if decided["purchase_order"] is not None:
            po: dict[str, Any] = decided["purchase_order"]
            break
    say.step(f"Purchase order {po['number']} goes to the marketplace as a cXML OrderRequest")
    [order, *_] = documents(f"{apps.sandbox_url}/purchase-orders/{po['number']}") or [""]
    if order:
        say.document("→ OrderRequest (sandbox → marketplace)", order)
    say.say(f"← answer (marketplace → sandbox): {po['answer']}")
    if po["status_code"] != 200:
        raise SandboxApiError(f"the marketplace did not accept PO {po['number']}: {po['answer']}")
    return po


def _agreement(apps: Apps, say: Narrator, po: dict[str, Any]) -> dict[str, Any]:
    say.step("The marketplace created the agreement (GET /api/v1/agreements)")
    user = accounts.find_user_by_email(apps.units(), DEMO_ADMIN_EMAIL)
    stored, key = accounts.issue_api_key(apps.units(), user.id)
    try:
        answer = httpx.get(
            f"{apps.marketplace_url}/api/v1/agreements",
            headers={"Authorization": f"Bearer {key}"},
            timeout=30,
        )
    finally:  # the key was for this one call
        accounts.revoke_api_key_as_operator(apps.units(), stored.id)
    answer.raise_for_status()
    number = str(po["number"])
    found = [a for a in answer.json()["items"] if a["purchase_order_number"] == number]
    if not found:
        raise SandboxApiError(f"the marketplace shows no agreement for PO {number}")
    agreement: dict[str, Any] = found[0]
    say.say(
        f"agreement {agreement['id']}: {agreement['status']}, {agreement['product_title']} "
        f"({agreement['offer_name']}), {agreement['starts_on']} to {agreement['ends_on']}, "
        f"PO {number}"
    )
    return agreement


def _bill(apps: Apps, say: Narrator) -> None:
    today = utcnow().date()
    say.step(f"Billing run as of {today} and the worker's delivery (in this process)")
    settings = apps.settings
    report = run_billing(
        apps.units, as_of=today, host=billing_for(settings).host, tax_rate=settings.tax_rate
    )
    say.say(
        f"billed {report.agreements} agreement(s): {report.total} new invoice(s), "
        f"{report.cxml_queued} cXML invoice(s) queued"
    )
    delivered = Worker(apps.units, senders_for(settings, apps.units)).run_once()
    say.say(
        f"worker: {delivered.claimed} message(s) due, "
        f"{delivered.count(AttemptOutcome.DELIVERED)} delivered"
    )


def _invoice(
    apps: Apps, api: SandboxApi, say: Narrator, po: dict[str, Any], documents: Documents
) -> dict[str, Any]:
    say.step("The invoice reaches the sandbox's inbox and is matched to the PO")
    invoice = api.wait_for_invoice(int(po["number"]))
    [received, *_] = documents(f"{apps.sandbox_url}/invoices/{invoice['id']}") or [""]
    if received:
        say.document(
            f"→ InvoiceDetailRequest (marketplace → {api.base_url}/cxml/invoices)", received
        )
    match = "matched to the PO's lines" if invoice["matched"] else "; ".join(invoice["problems"])
    say.say(
        f"invoice {invoice['invoice_number']}: {invoice['total']} {invoice['currency']} for "
        f"PO {po['number']}, {match}"
    )
    return invoice
