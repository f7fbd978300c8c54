"""A crash while purchase orders arrive: exactly once survives SIGKILL.

``marketplace serve --no-demo --no-worker`` runs as a subprocess on a free port (on a SQLite
file, and on a fresh PostgreSQL database when ``MARKETPLACE_TEST_POSTGRES_URL`` is set). The
organization and its Coupa connection are made with the CLI, the catalog seeded with it, and
500 requests pending approval made through the punchout services, all on the same database
(one request per offer of the catalog in turn: every pricing model). Four client threads send
the 500 POs, each retrying what fails with a transport error or a 5xx, as Coupa does. After
150 answers the server is killed with SIGKILL and started again on the same port.

Afterwards every PO was answered 200 and has exactly one agreement (and its one e-mail in the
outbox, written in the same transaction); resending all 500 with the same payloadIDs gets
the same answers and creates nothing; resending them under new payloadIDs creates nothing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from coupa_sender import CoupaSender
from orders_support import (
    OrderAnswer,
    order_items,
    order_request,
    pending_request,
)
from postgres import fresh_postgres_database
from punchout_web import SECRET
from servers import free_port, wait_until_healthy
from sqlalchemy import select

from marketplace.config import Settings
from marketplace.domain.catalog import Offer
from marketplace.domain.charges import default_choice
from marketplace.domain.punchout import SubscriptionRequest
from marketplace.services.secret_box import FernetSecretBox
from marketplace.storage.database import Database, open_database
from marketplace.storage.tables import agreements, outbox_messages, products, purchase_orders

pytestmark = pytest.mark.e2e

POSTGRES_URL_VARIABLE = "MARKETPLACE_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", *(["postgresql"] if os.environ.get(POSTGRES_URL_VARIABLE) else [])]
ORDERS = 500
KILL_AFTER = 150  # answers
CLIENTS = 4
DEADLINE = 90.0  # seconds for one round of sending
RETRY_PAUSE = 0.05  # seconds between Coupa's retries (minutes in real life)
SECRET_KEY = "order-crash-test-secret-key"
MARKETPLACE = str(Path(sys.executable).with_name("marketplace"))


# -- the server and the CLI ------------------------------------------------------------------


@dataclass
class Marketplace:
    """``marketplace serve --no-demo --no-worker`` on a fixed port: start, kill, start again."""

    environ: dict[str, str]
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [MARKETPLACE, "serve", "--no-demo", "--no-worker", "--port", str(self.port)]
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                command, env=self.environ, stdout=output, stderr=subprocess.STDOUT
            )
        wait_until_healthy(f"{self.base_url}/healthz", self.process, self.log)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, whatever was in flight is cut."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def cli(environ: dict[str, str], *args: str, stdin: str | None = None) -> dict[str, Any]:
    """Run ``marketplace *args``; its JSON answer (``--json``), else {}."""
    done = subprocess.run(
        [MARKETPLACE, *args],
        env=environ,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"marketplace {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    if "--json" not in args:
        return {}
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'marketplace.db'}"
        return
    with fresh_postgres_database(os.environ[POSTGRES_URL_VARIABLE], "order_crash") as url:
        yield url


@pytest.fixture
def marketplace(database_url: str, tmp_path: Path) -> Iterator[Marketplace]:
    """The server's settings and port (not started yet); stopped at the end."""
    port = free_port()
    environ = {
        **os.environ,
        "MARKETPLACE_DATABASE_URL": database_url,
        "MARKETPLACE_VAR_DIR": str(tmp_path / "var"),
        "MARKETPLACE_SECRET_KEY": SECRET_KEY,
        "MARKETPLACE_BASE_URL": f"http://127.0.0.1:{port}",
        # One connection sends 1,500 POs here, far past the per-connection cXML rate limit
        # (MARKETPLACE_CXML_RATE, default 20/s): this test is about crashes, so no limit.
        "MARKETPLACE_CXML_RATE": "0",
    }
    environ.pop("MARKETPLACE_SMTP_URL", None)
    server = Marketplace(environ, port, tmp_path / "server.log")
    yield server
    server.stop()


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    opened = open_database(database_url)
    yield opened
    opened.dispose()


# -- the buyer -------------------------------------------------------------------------------


def coupa_connection(environ: dict[str, str]) -> dict[str, Any]:
    """Acme Corp, its Coupa integration (test mode off) and connection, and a catalog, made
    with the CLI; the connection with its purchase information's credentials."""
    cli(environ, "db", "upgrade")
    org = cli(environ, "org", "create", "--name", "Acme Corp", "--admin-email",
              "admin@acme.example", "--json")  # fmt: skip
    org_id = org["organization_id"]
    cli(environ, "procurement", "configure", "--org", org_id, "--system", "coupa",
        "--name", "Acme Coupa", "--no-test-mode", "--json")  # fmt: skip
    made = cli(environ, "procurement", "connect", "--org", org_id, "--buyer-domain", "DUNS",
               "--buyer-identity", "acme-coupa", "--secret-stdin", "--json",
               stdin=SECRET + "\n")  # fmt: skip
    assert made["test_mode"] is False
    cli(environ, "catalog", "seed", "--products", "20", "--json")
    return {**made, **made["purchase_information"]}


def catalog_offers(database: Database) -> list[Offer]:
    """Every offer of the catalog, product by product."""
    with database.engine.connect() as connection:
        ids = connection.execute(select(products.c.id).order_by(products.c.pk)).scalars().all()
    with database.unit_of_work() as uow:
        found = [uow.catalog.get_product(product_id) for product_id in ids]
    return [offer for product in found if product is not None for offer in product.offers]


def pending_requests(
    database: Database, environ: dict[str, str], connection: dict[str, Any], count: int
) -> list[SubscriptionRequest]:
    """``count`` requests pending approval, one punchout each, the catalog's offers in turn."""
    box = FernetSecretBox([Settings.from_env(environ).secret_key.reveal()])
    offers = catalog_offers(database)
    made = []
    for number in range(count):
        offer = offers[number % len(offers)]
        made.append(
            pending_request(
                database.unit_of_work,
                box,
                connection,
                default_choice(offer),
                product_id=offer.product_id,
                offer_id=offer.id,
            )
        )
    return made


# -- sending as Coupa does -------------------------------------------------------------------


def coupa(base_url: str, bodies: Sequence[bytes]) -> CoupaSender:
    return CoupaSender([base_url], bodies, clients=CLIENTS, deadline=DEADLINE,
                       retry_pause=RETRY_PAUSE)  # fmt: skip


def send_all(base_url: str, bodies: Sequence[bytes]) -> list[OrderAnswer]:
    return coupa(base_url, bodies).join()


# -- what the database holds -----------------------------------------------------------------


def assert_one_agreement_per_po(
    database: Database, connection: dict[str, Any], ordered: dict[str, str]
) -> None:
    """Each PO number of ``ordered`` has exactly one agreement, for its request; no request
    has two; each agreement has its one e-mail; each PO was recorded once."""
    with database.engine.connect() as sql:
        rows = sql.execute(
            select(agreements.c.purchase_order_number, agreements.c.request_id, agreements.c.id)
            .where(agreements.c.connection_id == connection["id"])
        ).all()  # fmt: skip
        recorded = sql.execute(
            select(purchase_orders.c.order_number)
            .where(purchase_orders.c.connection_id == connection["id"])
        ).scalars().all()  # fmt: skip
        mailed = sql.execute(
            select(outbox_messages.c.reference).where(outbox_messages.c.kind == "email")
        ).scalars().all()  # fmt: skip
    per_po = Counter(po for po, _, _ in rows)
    assert [po for po, n in per_po.items() if n > 1] == [], "POs with two agreements"
    assert set(ordered) - set(per_po) == set(), "POs answered 200 without an agreement"
    assert set(per_po) - set(ordered) == set(), "agreements for POs never sent"
    assert {po: request_id for po, request_id, _ in rows} == ordered
    assert Counter(recorded) == Counter(ordered.keys()), "each PO recorded once"
    assert sorted(mailed) == sorted(agreement_id for _, _, agreement_id in rows)


# -- the test --------------------------------------------------------------------------------


def test_a_server_killed_while_pos_arrive_loses_none_and_duplicates_none(
    marketplace: Marketplace, database: Database
) -> None:
    connection = coupa_connection(marketplace.environ)
    requests = pending_requests(database, marketplace.environ, connection, ORDERS)
    ordered = {f"PO-{n:04d}": request.id for n, request in enumerate(requests, start=1)}
    bodies = [
        order_request(connection, order_items(request), order_number=number)
        for number, request in zip(ordered, requests, strict=True)
    ]
    marketplace.start()

    sending = coupa(marketplace.base_url, bodies)
    sending.wait_for(KILL_AFTER)
    marketplace.kill()
    marketplace.start()
    first = sending.join()

    assert sending.retries, "no PO met the killed server: the crash proved nothing"
    refused = {n: a for n, a in zip(ordered, first, strict=True) if (a.http, a.code) != (200, 200)}
    assert refused == {}
    assert_one_agreement_per_po(database, connection, ordered)

    again = send_all(marketplace.base_url, bodies)

    assert again == first, "the same payloadID gets the first answer"
    assert_one_agreement_per_po(database, connection, ordered)

    renewed = [
        order_request(connection, order_items(request), order_number=number)
        for number, request in zip(ordered, requests, strict=True)
    ]
    repeated = send_all(marketplace.base_url, renewed)

    assert {(a.http, a.code) for a in repeated} == {(200, 200)}
    assert all("already received" in a.text for a in repeated), repeated[0]
    assert_one_agreement_per_po(database, connection, ordered)
    print(
        f"\n{database.dialect}: killed after {KILL_AFTER} answers; "
        f"{len(sending.retries)} PO(s) retried ({sum(sending.retries.values())} retries)"
    )
