"""``marketplace billing`` (make the invoices due) and ``marketplace seller`` (sellers'
metering keys), for the operator of the marketplace.

``billing run --as-of DAY`` makes every invoice due up to that day, exactly once however
often it runs (the worker runs it daily too); cXML invoices are queued in the outbox for the
worker to deliver. ``seller key create`` gives a seller a metering key for ``POST
/api/v1/usage``, shown only this once.
"""

from __future__ import annotations

import datetime as dt
import time
from urllib.parse import urlsplit

import click
from sqlalchemy import func, select

from marketplace.cli.context import open_store, state
from marketplace.cli.errors import MarketplaceGroup
from marketplace.cli.output import emit_fields, emit_json, note, progress_reporter
from marketplace.domain.billing import InvoiceKind
from marketplace.services import billing as billing_services
from marketplace.services import metering
from marketplace.services.billing import BillingReport
from marketplace.storage.database import Database
from marketplace.storage.tables import agreements

__all__ = ["billing", "count_agreements", "seller"]

_KEY_NOTE = "The metering key is shown only this once: give it to the seller, store it safely."
_KIND_NAMES = {
    InvoiceKind.UPFRONT: "upfront",
    InvoiceKind.INSTALMENT: "instalment",
    InvoiceKind.USAGE: "usage",
    InvoiceKind.CREDIT_MEMO: "credit memo",
}


def count_agreements(database: Database) -> int:
    """How many agreements the run walks (for the progress bar)."""
    with database.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(agreements)).scalar_one())


def invoice_host(base_url: str) -> str:
    """The host named in the payloadIDs of cXML invoices: the public base URL's."""
    return urlsplit(base_url).hostname or "localhost"


@click.group(cls=MarketplaceGroup)
def billing() -> None:
    """Invoices: make those due (the worker also does it daily)."""


@billing.command("run")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    required=True,
    metavar="YYYY-MM-DD",
    help="Make every invoice due up to this day (UTC).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (progress on stderr).")
def run(as_of: dt.datetime, as_json: bool) -> None:
    """Make every invoice due up to a day: upfront charges, instalments, last months' usage,
    credit memos for cancellations; cXML invoices are queued for the worker to deliver.

    Running it again makes nothing new. The tax rate is MARKETPLACE_TAX_RATE (0 if unset).

    \b
    Example:
      marketplace billing run --as-of 2026-03-31
    """
    settings = state().settings()
    if as_of.date() > dt.datetime.now(dt.UTC).date():
        note(
            f"Note: {as_of.date().isoformat()} is after today (UTC): what falls due until then "
            "is invoiced now."
        )
    with open_store(state().database_url()) as database:
        total = count_agreements(database)
        started = time.monotonic()
        with progress_reporter(total, label="Billing agreements", unit="agreements") as report:
            done = 0

            def advance(count: int) -> None:
                nonlocal done
                done += count
                report(done)

            result = billing_services.run_billing(
                database.unit_of_work,
                as_of=as_of.date(),
                host=invoice_host(settings.base_url),
                tax_rate=settings.tax_rate,
                progress=advance,
            )
        seconds = time.monotonic() - started
    _print(result, as_of.date(), seconds, as_json)


def _print(report: BillingReport, as_of: dt.date, seconds: float, as_json: bool) -> None:
    counts = {kind.value: report.invoices.get(kind, 0) for kind in InvoiceKind}
    if as_json:
        emit_json(
            {
                "as_of": as_of.isoformat(),
                "agreements": report.agreements,
                "invoices": report.total,
                "by_kind": counts,
                "cxml_queued": report.cxml_queued,
                "seconds": round(seconds, 3),
            }
        )
        return
    emit_fields(
        f"Billed {_count(report.agreements, 'agreement')} up to {as_of.isoformat()} "
        f"in {seconds:,.1f} s: {_count(report.total, 'new invoice')}.",
        [
            *(
                (f"{_KIND_NAMES[kind]}", f"{report.invoices.get(kind, 0):,}")
                for kind in InvoiceKind
            ),
            ("cXML queued", f"{report.cxml_queued:,} (the worker delivers them)"),
        ],
    )


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


@click.group(cls=MarketplaceGroup)
def seller() -> None:
    """Sellers: their metering keys, to report usage."""


@seller.group("key", cls=MarketplaceGroup)
def seller_key() -> None:
    """Sellers' metering keys (shown once, stored hashed)."""


@seller_key.command("create")
@click.option("--seller", "seller_id", required=True, help="The seller's id (e.g. seller-1).")
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object: key_id, api_key, seller_id."
)
def create_seller_key(seller_id: str, as_json: bool) -> None:
    """Give a seller a metering key for POST /api/v1/usage (Authorization: Bearer sk_…).

    \b
    Example:
      marketplace seller key create --seller seller-1 --json
    """
    with open_store(state().database_url()) as database:
        stored, key = metering.issue_seller_key(database.unit_of_work(), seller_id)
    if as_json:
        emit_json({"key_id": stored.id, "api_key": key, "seller_id": stored.seller_id})
        return
    emit_fields(
        f"Created metering key {stored.id} for seller {stored.seller_id}", [("Metering key", key)]
    )
    note(_KEY_NOTE)
