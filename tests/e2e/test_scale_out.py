"""Scale-out under faults: two app processes and two workers on one PostgreSQL database, one
of each killed with SIGKILL midway, and still exactly once.

On a fresh PostgreSQL database (only when ``MARKETPLACE_TEST_POSTGRES_URL`` is set), two
``marketplace serve --no-demo --no-worker`` run on two ports and two ``marketplace worker``
beside them, with a five-second outbox lease. The organization, its Coupa integration (test
mode off, billing integration on) and connection (invoices to a receiver on loopback,
``billing_receiver``) are made with the CLI; 1,000 requests pending approval through the
punchout services (a $100-a-user contract, 12 months, paid upfront).

Client threads send the 1,000 POs as Coupa does behind a load balancer: each goes first to
one app, in turn, and a transport error or a 5xx is sent again, same document, to the other
app. After 400 answers the first app is killed, and not started again. Then ``marketplace
billing run --as-of <today>`` queues 1,000 cXML invoices and the workers deliver them; after
400 posts the receiver holds the next one, and the worker that sent it is killed while it
waits for the answer. The survivor delivers the rest, and that invoice again once its lease
ends.

Afterwards every acknowledged PO has exactly one agreement (recorded once); each invoice was
posted under one payloadID (the killed worker's post sent again with the same one) and
accepted; in the database each message is delivered, with exactly one delivered attempt.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from billing_receiver import CONTRACT, Receiver, add_billing_catalog, invoice_receiver
from coupa_sender import CoupaSender
from orders_support import order_items, order_request
from orders_support import pending_request as make_pending_request
from postgres import fresh_postgres_database
from punchout_web import SECRET
from servers import free_port, wait_until_healthy
from sqlalchemy import Table, func, select

from marketplace.domain.charges import OfferChoice
from marketplace.domain.outbox import AttemptOutcome, DeliveryStatus, MessageKind
from marketplace.domain.punchout import SubscriptionRequest
from marketplace.services.secret_box import FernetSecretBox
from marketplace.storage.billing_tables import invoices
from marketplace.storage.database import Database, open_database
from marketplace.storage.tables import (
    agreements,
    delivery_attempts,
    outbox_messages,
    purchase_orders,
)

POSTGRES_URL = os.environ.get("MARKETPLACE_TEST_POSTGRES_URL", "")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not POSTGRES_URL, reason="needs MARKETPLACE_TEST_POSTGRES_URL"),
]

ORDERS = 1000
KILL_APP_AFTER = 400  # PO answers
KILL_WORKER_AFTER = 400  # invoice posts
CLIENTS = 8
LEASE_SECONDS = 5
DEADLINE = 120.0  # seconds, for each phase
RETRY_PAUSE = 0.05  # seconds between Coupa's retries (minutes in real life)
SECRET_KEY = "scale-out-test-secret-key"
TWO_USERS = OfferChoice(12, {"users": 2})
MARKETPLACE = str(Path(sys.executable).with_name("marketplace"))
T = TypeVar("T")


# -- processes and the CLI -------------------------------------------------------------------


@dataclass
class Process:
    """A ``marketplace`` command running in the background, its output in ``log``."""

    args: Sequence[str]
    environ: dict[str, str]
    log: Path
    base_url: str = ""  # an app's, whose /healthz is polled until it answers
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Process:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [MARKETPLACE, *self.args], env=self.environ, stdout=output,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        if self.base_url:
            wait_until_healthy(f"{self.base_url}/healthz", self.process, self.log)
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush; whatever was in flight is cut."""
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
    """Run ``marketplace *args`` (with ``--json`` but for ``db``); its JSON answer."""
    as_json = args[0] != "db"
    command = [MARKETPLACE, *args, *(["--json"] if as_json else [])]
    done = subprocess.run(
        command, env=environ, input=stdin, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"marketplace {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    answer: dict[str, Any] = json.loads(done.stdout) if as_json else {}
    return answer


def wait_until(found: Callable[[], T], what: str, deadline: float = DEADLINE) -> T:
    """Poll ``found`` until it answers something true; fail at the deadline."""
    until = time.monotonic() + deadline
    while time.monotonic() < until:
        value = found()
        if value:
            return value
        time.sleep(0.05)  # polling other processes' progress with a deadline
    pytest.fail(f"not within {deadline:.0f} s: {what}")


def socket_owner(local_port: int, candidates: Sequence[Process]) -> Process:
    """Which of ``candidates`` holds the loopback TCP socket bound to ``local_port`` (read
    from /proc: the socket's inode, then the processes' file descriptors)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == local_port:
                inodes.add(f"socket:[{fields[9]}]")
    for candidate in candidates:
        for fd in Path(f"/proc/{candidate.pid}/fd").iterdir():
            try:
                if os.readlink(fd) in inodes:
                    return candidate
            except OSError:  # closed meanwhile
                continue
    pytest.fail(f"no worker holds the connection from port {local_port}")


# -- the fixtures ----------------------------------------------------------------------------


@pytest.fixture
def database_url() -> Iterator[str]:
    with fresh_postgres_database(POSTGRES_URL, "scale_out") as url:
        yield url


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    opened = open_database(database_url)
    yield opened
    opened.dispose()


@pytest.fixture
def environ(database_url: str, tmp_path: Path) -> dict[str, str]:
    variables = {
        **os.environ,
        "MARKETPLACE_DATABASE_URL": database_url,
        "MARKETPLACE_VAR_DIR": str(tmp_path / "var"),
        "MARKETPLACE_SECRET_KEY": SECRET_KEY,
        "MARKETPLACE_CXML_RATE": "0",  # one connection sends 1,000 POs at once: no limit
        "MARKETPLACE_OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("MARKETPLACE_SMTP_URL", "MARKETPLACE_BASE_URL", "MARKETPLACE_PORT"):
        variables.pop(name, None)
    return variables


@pytest.fixture
def processes() -> Iterator[list[Process]]:
    """Every process the test starts; stopped at the end."""
    started: list[Process] = []
    yield started
    for process in started:
        process.stop()


# -- the buyer -------------------------------------------------------------------------------


def coupa_connection(environ: dict[str, str], invoice_endpoint: str) -> dict[str, Any]:
    """Acme Corp, Coupa in production with billing integration, and its connection, made with
    the CLI; the connection with its purchase information's credentials."""
    cli(environ, "db", "upgrade")
    org = cli(environ, "org", "create", "--name", "Acme Corp", "--admin-email", "it@acme.example")
    org_id = org["organization_id"]
    cli(environ, "procurement", "configure", "--org", org_id, "--system", "coupa", "--name",
        "Acme Coupa", "--no-test-mode", "--billing-integration")  # fmt: skip
    made = cli(environ, "procurement", "connect", "--org", org_id, "--buyer-domain", "DUNS",
               "--buyer-identity", "acme-coupa", "--invoice-endpoint", invoice_endpoint,
               "--secret-stdin", stdin=SECRET + "\n")  # fmt: skip
    assert made["test_mode"] is False
    return {**made, **made["purchase_information"]}


def pending_requests(
    database: Database, connection: dict[str, Any], count: int
) -> list[SubscriptionRequest]:
    """``count`` requests for the contract, pending approval, each from its own punchout."""
    box = FernetSecretBox([SECRET_KEY])

    def make(_: int) -> SubscriptionRequest:
        return make_pending_request(
            database.unit_of_work, box, connection, TWO_USERS, product_id=CONTRACT[0],
            offer_id=CONTRACT[1],
        )  # fmt: skip

    first = make(0)  # the user is created here, not by eight threads at once
    with ThreadPoolExecutor(CLIENTS) as pool:
        return [first, *pool.map(make, range(1, count))]


# -- what the database holds -----------------------------------------------------------------


def assert_one_agreement_per_po(
    database: Database, connection_id: str, ordered: dict[str, str]
) -> None:
    """Each PO number of ``ordered`` has exactly one agreement, for its request, and was
    recorded once; there is no other agreement."""
    with database.engine.connect() as sql:
        rows = sql.execute(
            select(agreements.c.purchase_order_number, agreements.c.request_id)
            .where(agreements.c.connection_id == connection_id)
        ).all()  # fmt: skip
        recorded = sql.execute(
            select(purchase_orders.c.order_number)
            .where(purchase_orders.c.connection_id == connection_id)
        ).scalars().all()  # fmt: skip
    per_po = Counter(po for po, _ in rows)
    assert [po for po, n in per_po.items() if n > 1] == [], "POs with two agreements"
    assert dict(rows) == ordered
    assert Counter(recorded) == Counter(ordered.keys()), "each PO recorded once"


def count_rows(database: Database, table: Table) -> int:
    with database.engine.connect() as sql:
        return int(sql.execute(select(func.count()).select_from(table)).scalar_one())


def outbox_counts(database: Database) -> Counter[tuple[str, str]]:
    """How many outbox messages there are, by (kind, status)."""
    with database.engine.connect() as sql:
        rows = sql.execute(
            select(outbox_messages.c.kind, outbox_messages.c.status, func.count())
            .group_by(outbox_messages.c.kind, outbox_messages.c.status)
        ).all()  # fmt: skip
    return Counter({(kind, status): count for kind, status, count in rows})


def delivered_attempts(database: Database) -> Counter[str]:
    """How many delivered attempts each invoice message has, by its invoice number."""
    with database.engine.connect() as sql:
        rows = sql.execute(
            select(invoices.c.number, func.count(delivery_attempts.c.id))
            .join(outbox_messages, outbox_messages.c.reference == invoices.c.id)
            .join(delivery_attempts, delivery_attempts.c.message_id == outbox_messages.c.id)
            .where(outbox_messages.c.kind == MessageKind.INVOICE.value,
                   delivery_attempts.c.outcome == AttemptOutcome.DELIVERED.value)
            .group_by(invoices.c.number)
        ).all()  # fmt: skip
    return Counter(dict(rows))


# -- the test --------------------------------------------------------------------------------


def test_two_apps_and_two_workers_lose_and_duplicate_nothing_when_one_of_each_is_killed(
    environ: dict[str, str], database: Database, processes: list[Process], tmp_path: Path
) -> None:
    with invoice_receiver() as receiver:
        started = time.monotonic()
        connection = coupa_connection(environ, receiver.url)
        add_billing_catalog(database.unit_of_work)
        requests = pending_requests(database, connection, ORDERS)
        ordered = {f"PO-{n:04d}": request.id for n, request in enumerate(requests, start=1)}
        bodies = [
            order_request(connection, order_items(request), order_number=number)
            for number, request in zip(ordered, requests, strict=True)
        ]
        arranged = time.monotonic() - started
        apps, workers = start_processes(environ, processes, tmp_path)

        coupa = CoupaSender(
            [app.base_url for app in apps],
            bodies,
            clients=CLIENTS,
            deadline=DEADLINE,
            retry_pause=RETRY_PAUSE,
        )
        coupa.wait_for(KILL_APP_AFTER)
        apps[0].kill()
        answers = coupa.join()

        assert coupa.retries, "no PO met the killed app: the crash proved nothing"
        refused = [
            n for n, a in zip(ordered, answers, strict=True) if (a.http, a.code) != (200, 200)
        ]
        assert refused == []
        assert_one_agreement_per_po(database, connection["id"], ordered)

        # The workers bill daily too, from when they start: the run bills what they did not.
        cli(environ, "billing", "run", "--as-of", dt.datetime.now(dt.UTC).date().isoformat())
        assert count_rows(database, invoices) == ORDERS
        wait_until(lambda: len(receiver.deliveries) >= KILL_WORKER_AFTER, "invoice posts")
        receiver.hold_next()
        held = wait_until(receiver.held, "a post held by the receiver")
        assert held.client_port is not None
        victim = socket_owner(held.client_port, workers)
        victim.kill()
        receiver.release()

        delivered = DeliveryStatus.DELIVERED.value
        everything = {(MessageKind.EMAIL.value, delivered): ORDERS,
                      (MessageKind.INVOICE.value, delivered): ORDERS}  # fmt: skip
        wait_until(lambda: outbox_counts(database) == everything, "every message delivered")
        assert_each_invoice_delivered_once(database, receiver, held.invoice_id)
        print(
            f"\narranged in {arranged:.0f} s; {len(coupa.retries)} PO(s) retried after the app "
            f"was killed; {len(receiver.deliveries)} invoice posts for {ORDERS} invoices; "
            f"{time.monotonic() - started:.0f} s in all"
        )


def start_processes(
    environ: dict[str, str], processes: list[Process], folder: Path
) -> tuple[list[Process], list[Process]]:
    """Two app processes on two ports and two workers, all started."""
    apps = []
    for n in range(2):
        port = free_port()
        app = Process(
            ["serve", "--no-demo", "--no-worker", "--port", str(port)], environ,
            folder / f"app-{n}.log", base_url=f"http://127.0.0.1:{port}",
        )  # fmt: skip
        processes.append(app)
        apps.append(app.start())
    workers = []
    for n in range(2):
        worker = Process(["worker"], environ, folder / f"worker-{n}.log")
        processes.append(worker)
        workers.append(worker.start())
    return apps, workers


def assert_each_invoice_delivered_once(
    database: Database, receiver: Receiver, cut_off: str | None
) -> None:
    """Each invoice posted under one payloadID of its own and accepted; the post the killed
    worker never saw answered was sent again, with the same payloadID; in the database, one
    delivered attempt per invoice."""
    posts = defaultdict(list)
    for delivery in receiver.deliveries:
        posts[delivery.invoice_id].append(delivery)
    assert len(posts) == ORDERS
    assert {n: len({d.payload_id for d in p}) for n, p in posts.items()} == dict.fromkeys(posts, 1)
    assert len({p[0].payload_id for p in posts.values()}) == ORDERS, "a payloadID per invoice"
    assert [n for n, p in posts.items() if not any(d.answered == 200 for d in p)] == []
    assert {d.shared_secret for p in posts.values() for d in p} == {SECRET}
    assert len(posts[cut_off]) >= 2, "the post cut off by the kill was not sent again"
    assert delivered_attempts(database) == dict.fromkeys(posts, 1)
