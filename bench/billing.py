"""Billing runs over 10,000 and 100,000 agreements and the delivery of their cXML invoices,
beside the database's bare write rate and the receiver's bare POST rate.

For each size, a fresh database is migrated and arranged: three products (an upfront
contract, a flexible payment schedule of three instalments, pay as you go), an organization
with Coupa in production (billing integration on) and a Coupa connection whose invoice
endpoint is a receiver on loopback, all through the real services. Then the agreements go
in through SQL Core in batches of 5,000 (``storage.bulk.insert_rows``), each a copy of one
of four agreements (and their requests) first stored through the repositories, so every
row is exactly what the repositories write. Of every ten agreements, six are upfront
contracts through the connection (a cXML invoice each), two flexible schedules through it
with two instalments due (two cXML invoices each), one an upfront contract without a
connection (a marketplace invoice only), and one pay as you go with a usage record in the
first month (a usage invoice): 12 invoices and 10 cXML invoices per 10 agreements.

**Billing** runs ``run_billing`` as of the day the second instalments fall due, in a child
process that only opens the database and bills, so that its memory is the run's own:
invoices per second, and the peak memory, which is the peak growth of the child's
*anonymous* resident memory during the run (``RssAnon`` from ``/proc/self/status``, sampled
every 5 ms; ``ru_maxrss`` where there is no ``/proc``): the Python heap, the driver's
buffers and SQLite's page cache (the app's PRAGMA caps it at 64 MiB a connection), but not
the database file's pages mapped in by SQLite's ``mmap`` (file-backed, they grow with the
file read, not with what the run keeps). The ceiling is the same database's bare write
rate for the same work: every agreement read once, a page of 500 at a time (Core rows, no
objects), and one row per invoice of the same average size as the invoices' outbox
messages inserted with ``executemany`` into a scratch table, one transaction per page.

**Delivery** is measured on a subset: worker rounds (``deliver_due``, 50 a round, the
worker's ``HttpDocumentSender`` with the shared secret put in as each invoice leaves) until
2,000 invoices are delivered, invoices per second; the rest stay pending (the outbox holds
every cXML invoice of the size, so the claim query works against all of them). The ceiling
is the same 2,000 documents posted to the same receiver by one keep-alive ``httpx.Client``,
without a database.

Targets (issue 7): the billing time grows at most linearly: t(100,000) / t(10,000) <= 10,
with 25 % slack for this shared machine (<= 12.5); and the peak memory at 100,000 is under
twice that at 10,000. PostgreSQL runs too when ``--postgres`` or
``MARKETPLACE_TEST_POSTGRES_URL`` names a server that accepts connections (a throwaway
database is created and dropped for each size).

``--heap`` also traces the Python heap's peak during the run (``tracemalloc``), which tells
the run's own objects apart from SQLite's page cache, at the price of a run about seven
times slower.

    .venv/bin/python bench/billing.py [--sizes 10000,100000] [--deliver 2000] [--postgres URL]
                                      [--heap]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import secrets
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from sqlalchemy import Table, delete, select, text

import cxml
from _databases import postgres_database, postgres_reachable, sqlite_database
from marketplace.domain.agreements import Agreement, AgreementStatus, PaymentModel
from marketplace.domain.catalog import (
    DeliveryMethod,
    Dimension,
    DimensionKind,
    Instalment,
    Offer,
    PricingModel,
    Product,
    Seller,
)
from marketplace.domain.charges import OfferChoice, charges_for
from marketplace.domain.line_items import cart_lines
from marketplace.domain.outbox import AttemptOutcome, DeliveryStatus, MessageKind
from marketplace.domain.punchout import RequestStatus, SubscriptionRequest
from marketplace.services import accounts
from marketplace.services.billing import run_billing
from marketplace.services.connections import ConnectionRequest, create_connection
from marketplace.services.delivery import deliver_due
from marketplace.services.invoice_delivery import secret_inserter
from marketplace.services.procurement import ConfigurationChange, put_configuration
from marketplace.services.secret_box import FernetSecretBox
from marketplace.storage import migrate
from marketplace.storage.billing_tables import usage_records
from marketplace.storage.bulk import insert_rows
from marketplace.storage.database import Database, open_database
from marketplace.storage.tables import agreements, outbox_messages, subscription_requests
from marketplace.worker.senders import HttpDocumentSender

GROWTH_LIMIT = 10 * 1.25  # linear, with 25 % slack
MEMORY_LIMIT = 2.0
BATCH = 5000
PAGE = 500  # the billing run's page
SHARED_SECRET = "coupa-shared-secret-0123456789"
START = dt.date(2026, 1, 15)
AS_OF = dt.date(2026, 4, 15)  # the upfront charges, two instalments, January's usage
WHEN = dt.datetime(2026, 1, 15, 9, 0, tzinfo=dt.UTC)
PATTERN = "CCCCCCFFNU"  # contract, flexible, contract with no connection, usage
SAMPLE_SECONDS = 0.005


# -- a receiver standing in for Coupa's invoice endpoint --------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    answer = cxml.serialize(cxml.status_response(200))

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(self.answer)))
        self.end_headers()
        self.wfile.write(self.answer)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@contextmanager
def receiver() -> Iterator[str]:
    """A server answering every POST with a cXML 200, on a free loopback port; its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/cxml/invoices"
    finally:
        server.shutdown()
        server.server_close()


# -- arranging: the buyer through the services, the agreements in bulk ------------------------


def _catalog() -> list[Product]:
    users = Dimension(
        key="users", name="Users", unit="user", price=Decimal(100), kind=DimensionKind.CONTRACT
    )
    gigabytes = Dimension(
        key="gb", name="Data ingested", unit="GB", price=Decimal("0.10"), kind=DimensionKind.USAGE
    )
    instalments = tuple(Instalment(month_offset=m, amount=Decimal(3000)) for m in (0, 3, 6))
    offers = {
        "C": Offer(id="offer-contract", product_id="prod-contract", name="Team contract",
                   pricing_model=PricingModel.SAAS_CONTRACT, dimensions=(users,), durations=(12,)),
        "F": Offer(id="offer-flexible", product_id="prod-flexible", name="12 months, 3 payments",
                   pricing_model=PricingModel.FLEXIBLE_PAYMENT, dimensions=(users,),
                   durations=(12,), instalments=instalments),
        "U": Offer(id="offer-metered", product_id="prod-metered", name="Pay as you go",
                   pricing_model=PricingModel.SAAS_SUBSCRIPTION, dimensions=(gigabytes,)),
    }  # fmt: skip
    seller = Seller(id="seller-1", name="Northwind Software")
    return [
        Product(
            id=offer.product_id, title=f"Observability Suite ({offer.name})",
            short_description="Metrics, logs and traces.", long_description="Telemetry.",
            seller=seller, categories=("Monitoring",), delivery_method=DeliveryMethod.SAAS,
            offers=(offer,), created_at=WHEN,
        )
        for offer in offers.values()
    ]  # fmt: skip


@dataclass(frozen=True)
class Buyer:
    organization_id: str
    account_id: str
    user_id: str
    connection_id: str


def arrange_buyer(database: Database, secret_key: str, endpoint: str) -> Buyer:
    """The catalog, Acme with Coupa in production, and its connection (through the services)."""
    with database.unit_of_work() as uow:
        products = _catalog()
        uow.catalog.add_sellers([products[0].seller])
        uow.catalog.add_products(products)
        uow.commit()
    acme = accounts.create_organization(
        database.unit_of_work(), name="Acme Corporation", admin_email="admin@acme.example"
    )
    org_id = acme.organization.id
    change = ConfigurationChange("COUPA", "Coupa", test_mode=False, billing_integration=True)
    put_configuration(database.unit_of_work(), None, change, organization_id=org_id)
    request = ConnectionRequest(
        buyer_domain="DUNS",
        buyer_identity="077665544",
        shared_secret=SHARED_SECRET,
        invoice_endpoint=endpoint,
    )
    box = FernetSecretBox([secret_key])
    new = create_connection(database.unit_of_work(), None, request, box=box, organization_id=org_id)
    return Buyer(org_id, acme.account.id, acme.user.id, new.connection.id)


def _templates(buyer: Buyer) -> dict[str, tuple[SubscriptionRequest, Agreement]]:
    """One request and agreement of each letter of :data:`PATTERN`."""
    made = {}
    for letter, product in zip("CFU", _catalog(), strict=True):
        (offer,) = product.offers
        choice = {
            "C": OfferChoice(12, {"users": 2}),
            "F": OfferChoice(12, {"users": 1}),
            "U": OfferChoice(None, {}, Decimal("1000.00")),
        }[letter]
        charges = charges_for(offer, choice)
        common: dict[str, Any] = {
            "organization_id": buyer.organization_id, "account_id": buyer.account_id,
            "user_id": buyer.user_id, "product_id": product.id, "product_title": product.title,
            "seller_name": product.seller.name, "offer_id": offer.id, "offer_name": offer.name,
            "pricing_model": offer.pricing_model, "currency": "USD", "choice": choice,
            "charges": charges, "created_at": WHEN, "updated_at": WHEN,
        }  # fmt: skip
        for key, connection in ((letter, buyer.connection_id), ("N", None)):
            if key == "N" and letter != "C":
                continue
            request = SubscriptionRequest(
                id=f"sr-template-{key}", lines=cart_lines(charges),
                status=RequestStatus.AGREEMENT_CREATED, test=False, **common,
            )  # fmt: skip
            agreement = Agreement(
                id=f"agmt-template-{key}", request_id=request.id,
                payment_model={"C": PaymentModel.UPFRONT,
                               "F": PaymentModel.FLEXIBLE_PAYMENT_SCHEDULE,
                               "U": PaymentModel.PAY_AS_YOU_GO}[letter],
                starts_on=START, ends_on=None if letter == "U" else dt.date(2027, 1, 15),
                status=AgreementStatus.ACTIVE, connection_id=connection,
                purchase_order_number="PO-template", purchase_order_lines=(1,), **common,
            )  # fmt: skip
            made[key] = (request, agreement)
    return made


def _rows(database: Database, table: Table, ids: list[str]) -> dict[str, dict[str, Any]]:
    with database.engine.connect() as connection:
        found = connection.execute(select(table).where(table.c.id.in_(ids)))
        return {row.id: dict(row._mapping) for row in found}


def add_agreements(database: Database, buyer: Buyer, count: int) -> None:
    """``count`` agreements (``agmt-0000000`` …) in :data:`PATTERN`: copies of four stored
    through the repositories, inserted a batch of :data:`BATCH` a transaction."""
    templates = _templates(buyer)
    with database.unit_of_work() as uow:
        for request, agreement in templates.values():
            uow.punchout.add_request(request)
            uow.agreements.add(agreement)
        uow.commit()
    requests = _rows(database, subscription_requests, [r.id for r, _ in templates.values()])
    made = _rows(database, agreements, [a.id for _, a in templates.values()])
    with database.engine.begin() as connection:  # the templates were only patterns
        connection.execute(delete(agreements).where(agreements.c.id.in_(list(made))))
        connection.execute(
            delete(subscription_requests).where(subscription_requests.c.id.in_(list(requests)))
        )
    usage_at = dt.datetime.combine(START + dt.timedelta(days=5), dt.time(12), tzinfo=dt.UTC)
    for first in range(0, count, BATCH):
        request_rows, agreement_rows, usage_rows = [], [], []
        for n in range(first, min(first + BATCH, count)):
            key = PATTERN[n % len(PATTERN)]
            request_id, agreement_id = f"sr-{n:07d}", f"agmt-{n:07d}"
            request_rows.append(requests[f"sr-template-{key}"] | {"id": request_id})
            agreement_rows.append(
                made[f"agmt-template-{key}"]
                | {"id": agreement_id, "request_id": request_id,
                   "purchase_order_number": f"PO-{n:07d}"}
            )  # fmt: skip
            if key == "U":
                usage_rows.append(
                    {"seller_id": "seller-1", "id": f"usage-{n:07d}", "agreement_id": agreement_id,
                     "dimension": "gb", "quantity": Decimal(250), "occurred_at": usage_at,
                     "reported_at": usage_at}
                )  # fmt: skip
        with database.engine.begin() as connection:
            insert_rows(connection, subscription_requests, request_rows)
            insert_rows(connection, agreements, agreement_rows)
            insert_rows(connection, usage_records, usage_rows)


# -- measuring ---------------------------------------------------------------------------------


def _anonymous_kib() -> int | None:
    """This process's anonymous resident memory (KiB), or None without ``/proc``."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def bill_in_this_process(url: str, heap: bool) -> dict[str, Any]:
    """The child's work: one billing run, its seconds and its peak memory growth (KiB); with
    ``heap``, also the peak of the Python heap (``tracemalloc``, which slows the run)."""
    if heap:
        tracemalloc.start(1)
    database = open_database(url)
    heap_before = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    peak = before = _anonymous_kib()
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(SAMPLE_SECONDS):
            peak = max(peak or 0, _anonymous_kib() or 0)

    sampler = threading.Thread(target=sample, daemon=True)
    max_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sampler.start()
    started = time.perf_counter()
    report = run_billing(database.unit_of_work, as_of=AS_OF, host="market.example")
    seconds = time.perf_counter() - started
    heap_peak = tracemalloc.get_traced_memory()[1] - heap_before
    done.set()
    sampler.join()
    database.dispose()
    if before is None or peak is None:  # no /proc: the maximum resident set, file pages too
        growth, measure = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - max_before, "maxrss"
    else:
        growth, measure = max(peak, _anonymous_kib() or 0) - before, "RssAnon"
    return {
        "seconds": seconds,
        "agreements": report.agreements,
        "invoices": report.total,
        "cxml": report.cxml_queued,
        "memory_kib": growth,
        "measure": measure,
        "heap_kib": heap_peak // 1024 if heap else None,
    }


def bill_in_child(url: str, heap: bool) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--bill-child", url, *(["--heap"] if heap else [])],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the billing child failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def write_ceiling(database: Database, invoices: int) -> float:
    """Rows per second of the bare work: read every agreement a page at a time, insert one
    row per invoice (the outbox bodies' average size) per page, commit per page."""
    with database.engine.begin() as connection:
        connection.execute(
            text("CREATE TABLE bench_ceiling (id VARCHAR(64) PRIMARY KEY, body TEXT NOT NULL)")
        )
        size = connection.execute(
            select(text("avg(length(body))")).select_from(outbox_messages)
        ).scalar_one()
    body = "x" * int(size or 3000)
    per_agreement = invoices / max(1, _count(database, agreements))
    insert = text("INSERT INTO bench_ceiling (id, body) VALUES (:id, :body)")
    seen = written = 0
    after = ""
    started = time.perf_counter()
    while True:
        with database.engine.begin() as connection:
            page = connection.execute(
                select(agreements).where(agreements.c.id > after).order_by(agreements.c.id)
                .limit(PAGE)
            ).all()  # fmt: skip
            if not page:
                break
            seen += len(page)
            rows = round(seen * per_agreement) - written
            connection.execute(
                insert, [{"id": f"c-{written + i}", "body": body} for i in range(rows)]
            )
            written += rows
            after = page[-1].id
    return written / (time.perf_counter() - started)


def _count(database: Database, table: Table) -> int:
    with database.engine.connect() as connection:
        return int(connection.execute(select(text("count(*)")).select_from(table)).scalar_one())


def deliver(database: Database, secret_key: str, subset: int) -> tuple[float, float]:
    """Invoices per second of worker rounds until ``subset`` are delivered, and the
    ceiling: the same documents posted by one client, no database."""
    box = FernetSecretBox([secret_key])
    prepare = secret_inserter(database.unit_of_work, box)
    sender = HttpDocumentSender(prepare=prepare, timeout=30.0)
    senders: Mapping[MessageKind, Any] = {MessageKind.INVOICE: sender}
    delivered = 0
    started = time.perf_counter()
    while delivered < subset:
        report = deliver_due(database.unit_of_work, senders, limit=min(50, subset - delivered))
        if not report.claimed:
            break
        delivered += report.count(AttemptOutcome.DELIVERED)
    rate = delivered / (time.perf_counter() - started)
    sender.close()
    with database.unit_of_work() as uow:
        sent = uow.outbox.list_messages(None, status=DeliveryStatus.DELIVERED, limit=subset)
    bodies = [(m.destination, prepare(m).encode("utf-8")) for m in sent]  # each in its own
    with httpx.Client(timeout=30.0) as client:
        client.post(bodies[0][0], content=bodies[0][1])  # open the connection first
        began = time.perf_counter()
        for destination, body in bodies:
            client.post(destination, content=body).raise_for_status()
        ceiling = len(bodies) / (time.perf_counter() - began)
    if delivered < subset:
        raise RuntimeError(f"only {delivered} of {subset} invoices were delivered")
    return rate, ceiling


# -- sizes and backends ------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    size: int
    invoices: int
    seconds: float
    memory_mib: float
    measure: str
    heap_mib: float | None
    ceiling: float
    deliver_rate: float
    post_ceiling: float

    @property
    def rate(self) -> float:
        return self.invoices / self.seconds


def measure_size(label: str, url: str, size: int, subset: int, heap: bool) -> Figures:
    """Arrange a fresh database with ``size`` agreements, bill it, deliver; print a row."""
    secret_key = secrets.token_urlsafe(32)
    migrate.upgrade(url)
    database = open_database(url)
    try:
        with receiver() as endpoint:
            started = time.perf_counter()
            buyer = arrange_buyer(database, secret_key, endpoint)
            add_agreements(database, buyer, size)
            arranged = time.perf_counter() - started
            billed = bill_in_child(url, heap)
            if billed["agreements"] != size or billed["invoices"] != size * 12 // 10:
                raise RuntimeError(f"unexpected billing run: {billed}")
            ceiling = write_ceiling(database, billed["invoices"])
            rate, post_ceiling = deliver(database, secret_key, min(subset, billed["cxml"]))
    finally:
        database.dispose()
    row = Figures(
        size=size,
        invoices=billed["invoices"],
        seconds=billed["seconds"],
        memory_mib=billed["memory_kib"] / 1024,
        measure=billed["measure"],
        heap_mib=billed["heap_kib"] / 1024 if heap else None,
        ceiling=ceiling,
        deliver_rate=rate,
        post_ceiling=post_ceiling,
    )
    print(
        f"{label:<11}{size:>11,}{row.invoices:>10,}{row.seconds:>8.1f}{row.rate:>12,.0f}"
        f"{row.ceiling:>13,.0f}{row.rate / row.ceiling:>8.0%}{row.memory_mib:>10.1f}"
        f"{rate:>11,.0f}{post_ceiling:>12,.0f}{rate / post_ceiling:>8.0%}"
        f"   (arranged in {arranged:.0f} s"
        + (f"; Python heap peak {row.heap_mib:.1f} MiB)" if row.heap_mib is not None else ")"),
        flush=True,
    )
    return row


def verdict(label: str, rows: list[Figures]) -> bool:
    """Print the growth of time and memory from the smallest size to the largest."""
    small, large = rows[0], rows[-1]
    times = large.seconds / small.seconds
    limit = GROWTH_LIMIT * large.size / small.size / 10
    memory = large.memory_mib / small.memory_mib if small.memory_mib > 0 else float("inf")
    flat_time, flat_memory = times <= limit, memory < MEMORY_LIMIT
    print(f"{label}: billing time x{times:.2f} for x{large.size / small.size:.0f} agreements "
          f"(target <= x{limit:.1f}): {'PASS' if flat_time else 'MISS'}")  # fmt: skip
    print(f"{label}: peak memory ({small.measure} growth) x{memory:.2f}, {small.memory_mib:.1f} -> "
          f"{large.memory_mib:.1f} MiB (target < x{MEMORY_LIMIT:.0f}): "
          f"{'PASS' if flat_memory else 'MISS'}")  # fmt: skip
    return flat_time and flat_memory


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="agreements, ascending")
    parser.add_argument("--deliver", type=int, default=2000, help="invoices delivered per size")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("MARKETPLACE_TEST_POSTGRES_URL", ""),
        help="a PostgreSQL server URL [default: MARKETPLACE_TEST_POSTGRES_URL]",
    )
    parser.add_argument(
        "--heap",
        action="store_true",
        help="also trace the Python heap's peak while billing (tracemalloc: about 7x slower)",
    )
    parser.add_argument("--bill-child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bill_child:
        print(json.dumps(bill_in_this_process(args.bill_child, args.heap)))
        return 0
    sizes = sorted(int(size) for size in args.sizes.split(","))
    print(f"{'backend':<11}{'agreements':>11}{'invoices':>10}{'bill s':>8}{'invoices/s':>12}"
          f"{'ceiling/s':>13}{'of ceil':>8}{'peak MiB':>10}{'deliver/s':>11}{'POST ceil/s':>12}"
          f"{'of ceil':>8}")  # fmt: skip
    backends: list[tuple[str, Callable[[], Any]]] = [("SQLite", lambda: sqlite_database("billing"))]
    if args.postgres and postgres_reachable(args.postgres):
        backends.append(("PostgreSQL", lambda: postgres_database(args.postgres, "billing")))
    verdicts = []
    for label, fresh in backends:
        rows = []
        for size in sizes:
            with fresh() as url:
                rows.append(measure_size(label, url, size, args.deliver, args.heap))
        verdicts.append((label, rows))
    if len(backends) == 1:
        print("PostgreSQL: skipped (set MARKETPLACE_TEST_POSTGRES_URL or --postgres "
              "to a reachable server)")  # fmt: skip
    print(f"Delivery: {args.deliver:,} invoices per size (a subset; the rest stay pending).")
    if args.heap:
        print("--heap: the billing times include tracemalloc's overhead.")
    results = [verdict(label, rows) for label, rows in verdicts if len(rows) > 1]
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
