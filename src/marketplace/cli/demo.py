"""``marketplace demo``: the whole procurement flow headless, and ``marketplace demo setup``,
which wires the demo buyer organization to the buyer sandbox (``make serve`` runs it).

Both seed the demo (:mod:`marketplace.services.demo`), make its Coupa configuration and
connection (:mod:`marketplace.services.demo_wiring`) and set up the sandbox's supplier over
the sandbox's JSON API with the connection's purchase information and shared secret. The
secret is shown only when a connection is made, so it goes straight to the sandbox; when the
sandbox lost its supplier, the connection is given a new secret for it.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from marketplace.cli.context import checked_database_url, open_store, state
from marketplace.cli.demo_apps import AppsError, local_apps, running, temporary_folder
from marketplace.cli.demo_browser import CHROMIUM, BrowserError, chromium
from marketplace.cli.demo_flow import Apps, DemoResult, Narrator, run_flow
from marketplace.cli.demo_sandbox import (
    SandboxApi,
    SandboxApiError,
    SupplierSetup,
    connect_sandbox_supplier,
    find_demo_supplier,
    wait_until_up,
)
from marketplace.cli.errors import MarketplaceGroup, fail
from marketplace.cli.output import emit_json, note
from marketplace.config import Settings
from marketplace.services import demo as demo_data
from marketplace.services.demo import DemoInfo
from marketplace.services.demo_wiring import (
    DEMO_SUPPLIER_NAME,
    DemoWiring,
    wire_demo_procurement,
)
from marketplace.services.secret_box import FernetSecretBox
from marketplace.storage import migrate
from marketplace.storage.database import Database

if TYPE_CHECKING:  # Playwright is imported only when the demo runs
    from playwright.sync_api import Browser

__all__ = ["demo"]

DEFAULT_SANDBOX_URL = "http://127.0.0.1:8100"


@dataclass(frozen=True, slots=True)
class Prepared:
    """The demo organization, its wiring, and the sandbox's supplier for it."""

    info: DemoInfo
    wiring: DemoWiring
    supplier: SupplierSetup


def prepare(
    settings: Settings,
    database: Database,
    api: SandboxApi,
    *,
    base_url: str,
    products: int,
) -> Prepared:
    """Seed the demo, wire it to the sandbox behind ``api``, set up the sandbox's supplier."""
    info = demo_data.seed_demo(database.unit_of_work, products=products)
    box = FernetSecretBox(settings.secret_keys())

    def wire(new_secret: bool) -> DemoWiring:
        return wire_demo_procurement(
            database.unit_of_work,
            box,
            organization_id=info.organization_id,
            base_url=base_url,
            sandbox_url=api.base_url,
            new_secret=new_secret,
        )

    wiring = wire(new_secret=False)
    lost = find_demo_supplier(api, wiring.connection.supplier_identity) is None
    if wiring.shared_secret is None and lost:
        wiring = wire(new_secret=True)  # the sandbox lost the secret: give it a new one
    supplier = connect_sandbox_supplier(
        api, wiring.purchase_information.as_dict(), secret=wiring.shared_secret
    )
    return Prepared(info, wiring, supplier)


def _migrate(url: str) -> None:
    migrate.upgrade(checked_database_url(url))


@click.group(
    "demo",
    cls=MarketplaceGroup,
    invoke_without_command=True,
    subcommand_metavar="[setup ...]",
)
@click.option(
    "--marketplace-url",
    metavar="URL",
    default=None,
    help="Use the marketplace serving here (on the database of MARKETPLACE_DATABASE_URL) "
    "instead of starting one; give --sandbox-url too.",
)
@click.option(
    "--sandbox-url", metavar="URL", default=None, help="Use the buyer sandbox serving here."
)
@click.option(
    "--products",
    type=click.IntRange(1, 10_000),
    default=40,
    show_default=True,
    help="Products in the temporary demo catalog.",
)
@click.option(
    "--chromium",
    "chromium_path",
    metavar="PATH",
    default=CHROMIUM,
    show_default=True,
    help="The Chromium to drive (never downloaded).",
)
@click.option("--documents", "whole_documents", is_flag=True, help="Print whole cXML documents.")
@click.option("--keep", is_flag=True, help="Keep the temporary folder (databases and logs).")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object at the end (the steps go to stderr).",
)
@click.pass_context
def demo(
    ctx: click.Context,
    marketplace_url: str | None,
    sandbox_url: str | None,
    products: int,
    chromium_path: str,
    whole_documents: bool,
    keep: bool,
    as_json: bool,
) -> None:
    """Buy software through the buyer sandbox, headless: tile to invoice.

    Starts the marketplace and the buyer sandbox on free loopback ports, with a temporary
    SQLite database each and a small demo catalog; wires the demo buyer organization to the
    sandbox (a Coupa connection, test mode off); then the sandbox sends a punchout, Chromium
    searches, opens a product with an upfront contract and clicks Request approval, the cart
    becomes a requisition, is approved, the PO goes to the marketplace and becomes an
    agreement, the billing run invoices it and the worker delivers the cXML invoice to the
    sandbox's inbox. Each step is printed with the key lines of the cXML documents that
    crossed the wire (shared secrets removed); the last line names the PO number, the
    agreement id and the invoice number.

    Needs Playwright and /usr/bin/chromium, which `make test` installs.

    \b
    Examples:
      marketplace demo
      marketplace demo --documents
      marketplace demo --marketplace-url http://127.0.0.1:8000 --sandbox-url http://127.0.0.1:8100
    """
    if ctx.invoked_subcommand is not None:
        return
    if (marketplace_url is None) != (sandbox_url is None):
        raise click.UsageError("give both --marketplace-url and --sandbox-url, or neither")
    say = Narrator(whole_documents=whole_documents, err=as_json)
    say.echo("Marketplace demo: from the Shop Online tile to the invoice, headless.")
    try:
        with chromium(chromium_path) as browser:
            if marketplace_url is not None and sandbox_url is not None:
                result = _on_running_apps(marketplace_url, sandbox_url, products, browser, say)
            else:
                result = _on_local_apps(products, keep, browser, say)
    except (AppsError, BrowserError, SandboxApiError) as exc:
        fail(str(exc))
    _finish(result, say, as_json)


def _on_local_apps(products: int, keep: bool, browser: Browser, say: Narrator) -> DemoResult:
    with temporary_folder(keep) as folder:
        try:
            return _in_folder(folder, products, keep, browser, say)
        except Exception:
            say.echo(f"\nThe databases and logs of both apps are kept in {folder}.")
            raise


def _in_folder(
    folder: Path, products: int, keep: bool, browser: Browser, say: Narrator
) -> DemoResult:
    apps = local_apps(folder)
    settings = Settings.from_env(apps.environ)
    say.step("Starting the buyer sandbox and the marketplace, wiring them together")
    say.say(f"temporary folder {folder} ({'kept' if keep else 'removed at the end'})")
    _migrate(settings.database_url)
    with ExitStack() as stack:
        stack.enter_context(running(apps))
        say.say(f"marketplace on {apps.marketplace_url}, buyer sandbox on {apps.sandbox_url}")
        database = stack.enter_context(open_store(settings.database_url))
        api = stack.enter_context(SandboxApi(apps.sandbox_url))
        prepared = prepare(
            settings, database, api, base_url=apps.marketplace_url, products=products
        )
        _describe(prepared, say)
        supplier_id = int(prepared.supplier.supplier["id"])
        target = Apps(
            apps.marketplace_url, apps.sandbox_url, settings, database.unit_of_work, supplier_id
        )
        return run_flow(target, browser, api, say)


def _on_running_apps(
    marketplace_url: str, sandbox_url: str, products: int, browser: Browser, say: Narrator
) -> DemoResult:
    marketplace_url, sandbox_url = marketplace_url.rstrip("/"), sandbox_url.rstrip("/")
    settings = state().settings()
    say.step("Using the running apps, wiring them together")
    wait_until_up(marketplace_url, timeout=10, what="The marketplace")
    wait_until_up(sandbox_url, timeout=10, what="The buyer sandbox")
    say.say(f"marketplace on {marketplace_url}, buyer sandbox on {sandbox_url}")
    with open_store(state().database_url()) as database, SandboxApi(sandbox_url) as api:
        prepared = prepare(settings, database, api, base_url=marketplace_url, products=products)
        _describe(prepared, say)
        target = Apps(
            marketplace_url,
            sandbox_url,
            settings,
            database.unit_of_work,
            int(prepared.supplier.supplier["id"]),
        )
        return run_flow(target, browser, api, say)


def _describe(prepared: Prepared, say: Narrator) -> None:
    info, wiring, supplier = prepared.info, prepared.wiring, prepared.supplier
    configuration, connection = wiring.configuration, wiring.connection

    def on(flag: bool) -> str:
        return "on" if flag else "off"

    say.say(f"demo organization {info.organization_name} {info.organization_id}")
    say.say(
        f"Coupa integration “{configuration.name}”: test mode {on(configuration.test_mode)}, "
        f"billing integration {on(configuration.billing_integration)}"
    )
    if wiring.created:
        made = "created"
    elif wiring.shared_secret is not None:
        made = "reused, with a new shared secret for the sandbox"
    else:
        made = "reused"
    say.say(f"connection {connection.id} ({made}): invoices to {connection.invoice_endpoint}")
    found = supplier.supplier
    say.say(
        f"sandbox supplier {found['id']} “{found['name']}” ({supplier.action}): "
        f"punchout to {found['punchout_url']}"
    )


def _finish(result: DemoResult, say: Narrator, as_json: bool) -> None:
    say.echo(
        f"\nDone: {result.product_title} bought through the buyer sandbox.\n"
        f"PO {result.purchase_order_number} · agreement {result.agreement_id} · "
        f"invoice {result.invoice_number} ({result.total} {result.currency})"
    )
    if as_json:
        emit_json(
            {
                "purchase_order_number": result.purchase_order_number,
                "agreement_id": result.agreement_id,
                "invoice_number": result.invoice_number,
                "product_title": result.product_title,
                "total": result.total,
                "currency": result.currency,
            }
        )


@demo.command("setup", short_help="Wire the demo organization to a running buyer sandbox.")
@click.option(
    "--sandbox-url",
    metavar="URL",
    default=DEFAULT_SANDBOX_URL,
    show_default=True,
    help="The buyer sandbox (started already: `sandbox serve`).",
)
@click.option(
    "--products",
    type=click.IntRange(0, 1_000_000),
    default=500,
    show_default=True,
    help="Products in the demo catalog when it is empty (what `marketplace serve` seeds).",
)
@click.option(
    "--wait",
    type=click.FloatRange(0, 600),
    default=30.0,
    show_default=True,
    help="Seconds to wait for the sandbox to answer.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def setup(sandbox_url: str, products: int, wait: float, as_json: bool) -> None:
    """Wire the demo buyer organization to the buyer sandbox (`make serve` runs this).

    Migrates the database, seeds the demo, gives "Demo Buyer Corp" a Coupa configuration
    (test mode off, billing integration and redirect on) and a connection whose invoices go to
    the sandbox's inbox, and sets up the sandbox's "Software Marketplace" supplier with the
    connection's purchase information and secret. Idempotent: a second run reuses both.
    Purchase information uses MARKETPLACE_BASE_URL (default http://127.0.0.1:8000).

    \b
    Example:
      sandbox serve &  marketplace demo setup --sandbox-url http://127.0.0.1:8100
    """
    settings = state().settings()
    sandbox_url = sandbox_url.rstrip("/")
    _migrate(settings.database_url)
    try:
        wait_until_up(sandbox_url, timeout=wait, what="The buyer sandbox")
        with open_store(state().database_url()) as database, SandboxApi(sandbox_url) as api:
            prepared = prepare(
                settings, database, api, base_url=settings.base_url, products=products
            )
    except SandboxApiError as exc:
        fail(f"{exc} (start it with `sandbox serve`)")
    info, wiring, supplier = prepared.info, prepared.wiring, prepared.supplier
    if as_json:
        emit_json(
            {
                "organization_id": info.organization_id,
                "connection_id": wiring.connection.id,
                "connection_created": wiring.created,
                "supplier_id": supplier.supplier["id"],
                "supplier": supplier.action,
                "marketplace_url": settings.base_url,
                "sandbox_url": sandbox_url,
                "test_mode": wiring.configuration.test_mode,
                "billing_integration": wiring.configuration.billing_integration,
            }
        )
        return
    say = Narrator(whole_documents=False)
    say.echo(f"Demo wiring: marketplace {settings.base_url}, buyer sandbox {sandbox_url}")
    _describe(prepared, say)
    note(f"Try it: open {sandbox_url}, sign in as Dana, click Shop at {DEMO_SUPPLIER_NAME}.")
