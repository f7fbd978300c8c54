"""Load test: concurrent punchout flows over HTTP against two app processes on PostgreSQL.

A fresh PostgreSQL database is migrated and arranged through the real services: 1,000
products of the demo catalog and a buyer organization with Coupa in production and one
connection. ``marketplace serve --workers 2 --no-demo --no-worker`` then serves it on a
loopback port (two app processes sharing the port, uvicorn's multi-process mode), with the
per-connection cXML rate limit set out of reach: every flow here comes through the one
connection, which a real buyer's users would not do at this rate, and a 429 counts as an
error.

Each of ``--flows`` virtual users (200) runs punchout flows one after another for
``--duration`` seconds (60), as a Coupa user's browser would, with no browser (httpx,
asyncio, keep-alive connections, every user its own e-mail and cookie-less punchout):

1. ``setup``: Coupa's ``PunchOutSetupRequest`` to ``POST /cxml/punchout``; the StartPage URL
   is read from the cXML answer;
2. ``start``: the StartPage, a ``303`` to the home page (the signed ``ps`` is read from it);
3. ``home``: the home page it leads to;
4. ``search``: ``GET /search?q=<word>&ps=…``, one of a few words, and a product picked from
   the hits at random;
5. ``product``: the product page; its Request approval form is read as a browser would
   (every named field, the default offer configuration as it stands);
6. ``approve``: the form posted to ``POST /punchout/request-approval``, answered with the
   cart page that posts the cXML cart back to Coupa.

It prints flows/s and requests/s, p50 and p99 per step and for a whole flow, and the errors
(a status other than the step's, a page without what the step looks for, a timeout, a
refused connection); the target is 0 errors. The ceiling, measured in the same run at the
same concurrency on the same processes, just before and just after the flows (pooled), is
``GET /healthz`` (the app's middleware and nothing else, through the same client): the
load's requests/s are shown as a share of it. The load generator shares the machine with
the app processes and PostgreSQL, as the ceiling's client does.

PostgreSQL comes from ``--postgres`` or ``MARKETPLACE_TEST_POSTGRES_URL``; without a
reachable server the test is skipped (and says why), exiting 0.

    .venv/bin/python bench/load.py [--duration 60] [--flows 200] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import html
import math
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

import cxml
from _databases import free_port, postgres_database
from marketplace.domain.procurement import PortalConnection
from marketplace.services import accounts
from marketplace.services.catalog import seed_catalog
from marketplace.services.connections import ConnectionRequest, create_connection
from marketplace.services.procurement import ConfigurationChange, put_configuration
from marketplace.services.secret_box import FernetSecretBox
from marketplace.storage import migrate
from marketplace.storage.database import open_database

CATALOG_SIZE = 1000
APP_PROCESSES = 2
SHARED_SECRET = "coupa-shared-secret-0123456789"
FORM_POST_URL = "https://acme.coupahost.example/punchout/checkout?id=17"
SERVER_DEADLINE = 120.0  # seconds for the server to come up
REQUEST_TIMEOUT = 60.0  # seconds: a request slower than this is an error
CEILING_SECONDS = 5.0
WORDS = ("security", "monitoring", "data", "backup", "analytics", "kubernetes", "identity",
         "observability", "database", "cloud")  # fmt: skip
STEPS = ("setup", "start", "home", "search", "product", "approve")
CXML_HEADERS = {"Content-Type": "text/xml; charset=utf-8"}
_PRODUCT_LINK = re.compile(r'<h2 id="hit-\d+"><a href="(/products/[^"?]+)')


class FlowError(Exception):
    """A step did not get what a browser would have got."""


# -- arranging the buyer ---------------------------------------------------------------------


def arrange(url: str, secret_key: str) -> PortalConnection:
    """Migrate, seed the catalog, and make Acme with Coupa in production and its connection."""
    migrate.upgrade(url)
    database = open_database(url)
    try:
        seed_catalog(database.unit_of_work, CATALOG_SIZE)
        database.optimize()
        created = accounts.create_organization(
            database.unit_of_work(), name="Acme Corporation", admin_email="admin@acme.example"
        )
        org_id = created.organization.id
        change = ConfigurationChange(system="COUPA", name="Coupa", test_mode=False)
        put_configuration(database.unit_of_work(), None, change, organization_id=org_id)
        request = ConnectionRequest(
            buyer_domain="DUNS", buyer_identity="077665544", shared_secret=SHARED_SECRET
        )
        box = FernetSecretBox([secret_key])
        made = create_connection(
            database.unit_of_work(), None, request, box=box, organization_id=org_id
        )
        return made.connection
    finally:
        database.dispose()


def setup_request(connection: PortalConnection, email: str) -> bytes:
    """Coupa's PunchOutSetupRequest for the user ``email`` (a new buyer cookie each time)."""
    now = dt.datetime.now(dt.UTC)
    document = cxml.Document(
        payload_id=f"{now.timestamp():.6f}.{uuid.uuid4().hex[:8]}@acme.coupahost.example",
        timestamp=now,
        header=cxml.Header(
            from_=cxml.Party.of(connection.buyer_domain, connection.buyer_identity),
            to=cxml.Party.of(connection.supplier_domain, connection.supplier_identity),
            sender=cxml.Party.of(
                connection.sender_domain, connection.sender_identity, SHARED_SECRET
            ),
            user_agent="Coupa Procurement 1.0",
        ),
        payload=cxml.PunchOutSetupRequest(
            operation=cxml.PunchOutOperation.CREATE,
            buyer_cookie=secrets.token_hex(16),
            extrinsics=(
                cxml.Extrinsic("FirstName", "Load"),
                cxml.Extrinsic("LastName", "Tester"),
                cxml.Extrinsic("UserEmail", email),
            ),
            browser_form_post_url=FORM_POST_URL,
        ),
        version="1.2.014",
    )
    return cxml.serialize(document)


# -- one flow, as a browser in Coupa's frame -------------------------------------------------


class RequestForm(HTMLParser):
    """The fields of the page's ``/punchout/request-approval`` form, as a browser posts them:
    inputs with their values, checked radios and checkboxes only, a select's selected option
    (or its first)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}
        self._inside = False
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._inside = values.get("action") == "/punchout/request-approval"
        elif not self._inside or ("name" not in values and tag != "option"):
            return
        elif tag == "select":
            self._select = values["name"]
        elif tag == "option" and self._select is not None:
            if "selected" in values or self._select not in self.fields:
                self.fields[self._select] = values.get("value", "")
        elif tag in ("input", "textarea"):
            if values.get("type") in ("radio", "checkbox") and "checked" not in values:
                return
            if values.get("type") not in ("submit", "button"):
                self.fields[values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False
        elif tag == "select":
            self._select = None


@dataclass
class Figures:
    """What the flows did: latencies (ms) per step and per flow, requests, errors."""

    steps: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    flows: list[float] = field(default_factory=list)
    requests: int = 0
    errors: Counter[str] = field(default_factory=Counter)


class Flow:
    """One virtual user: its client, its e-mail; :meth:`run` is one punchout flow."""

    def __init__(self, client: httpx.AsyncClient, connection: PortalConnection, user: int):
        self.client = client
        self.connection = connection
        self.email = f"loaduser{user}@acme.example"
        self.random = random.Random(user)

    async def run(self, figures: Figures) -> None:
        started = time.perf_counter()
        start_url = await self._step(figures, "setup", self._setup())
        home, ps = await self._step(figures, "start", self._start(start_url))
        await self._step(figures, "home", self._home(home))
        product_path = await self._step(figures, "search", self._search(ps))
        form = await self._step(figures, "product", self._product(product_path, ps))
        await self._step(figures, "approve", self._approve(form))
        figures.flows.append((time.perf_counter() - started) * 1000)

    async def _step(self, figures: Figures, name: str, work: Awaitable[tuple[Any, int]]) -> Any:
        sent = time.perf_counter()
        result, requests = await work
        figures.steps[name].append((time.perf_counter() - sent) * 1000)
        figures.requests += requests
        return result

    async def _get(self, url: str, expected: int = 200) -> httpx.Response:
        response = await self.client.get(url, follow_redirects=False)
        _expect(response, expected)
        return response

    async def _setup(self) -> tuple[str, int]:
        body = setup_request(self.connection, self.email)
        response = await self.client.post("/cxml/punchout", content=body, headers=CXML_HEADERS)
        _expect(response, 200)
        document = cxml.parse(response.content)
        if not isinstance(document.payload, cxml.PunchOutSetupResponse):
            raise FlowError(f"setup: no PunchOutSetupResponse: {response.text[:200]}")
        return urlsplit(document.payload.start_page_url).path, 1

    async def _start(self, start_path: str) -> tuple[tuple[str, str], int]:
        response = await self._get(start_path, 303)
        location = response.headers["location"]
        ps = parse_qs(urlsplit(location).query).get("ps")
        if not ps:
            raise FlowError(f"start: no ps in the redirect to {location}")
        return (location, ps[0]), 1

    async def _home(self, location: str) -> tuple[None, int]:
        response = await self._get(location)
        if "Return to Coupa" not in response.text:
            raise FlowError("home: the page is not in the punchout")
        return None, 1

    async def _search(self, ps: str) -> tuple[str, int]:
        word = self.random.choice(WORDS)
        response = await self.client.get("/search", params={"q": word, "ps": ps})
        _expect(response, 200)
        hits = _PRODUCT_LINK.findall(response.text)
        if not hits:
            raise FlowError(f"search: no product for {word!r}")
        return html.unescape(self.random.choice(hits)), 1

    async def _product(self, path: str, ps: str) -> tuple[dict[str, str], int]:
        response = await self.client.get(path, params={"ps": ps})
        _expect(response, 200)
        parser = RequestForm()
        parser.feed(response.text)
        if "ps" not in parser.fields or "csrf_token" not in parser.fields:
            raise FlowError(f"product: {path} shows no Request approval form")
        return parser.fields, 1

    async def _approve(self, fields: dict[str, str]) -> tuple[None, int]:
        response = await self.client.post("/punchout/request-approval", data=fields)
        _expect(response, 200)
        if 'id="cart-return"' not in response.text:
            raise FlowError("approve: the answer is not the cart page")
        return None, 1


def _expect(response: httpx.Response, status: int) -> None:
    if response.status_code != status:
        raise FlowError(
            f"{response.request.method} {response.request.url.path}: "
            f"{response.status_code} (expected {status})"
        )


# -- running the users -----------------------------------------------------------------------


async def run_users(
    base_url: str, connection: PortalConnection, users: int, seconds: float
) -> tuple[Figures, float]:
    """``users`` virtual users running flows until ``seconds`` are up (a flow under way
    finishes); the figures and the seconds taken. Each user has a client of its own, with
    its own keep-alive connection, as each browser has."""
    figures = Figures()
    deadline = time.perf_counter() + seconds

    async def user(index: int) -> None:
        async with _client(base_url) as client:
            flow = Flow(client, connection, index)
            while time.perf_counter() < deadline:
                try:
                    await flow.run(figures)
                except (FlowError, httpx.HTTPError, cxml.CxmlError) as exc:
                    figures.errors[_first_line(exc)] += 1

    started = time.perf_counter()
    await asyncio.gather(*(user(i) for i in range(users)))
    return figures, time.perf_counter() - started


async def healthz_rate(base_url: str, users: int, seconds: float) -> float:
    """Requests/s of ``GET /healthz`` from ``users`` clients at once (the ceiling)."""
    count = 0
    deadline = time.perf_counter() + seconds

    async def user() -> None:
        nonlocal count
        async with _client(base_url) as client:
            while time.perf_counter() < deadline:
                (await client.get("/healthz")).raise_for_status()
                count += 1

    started = time.perf_counter()
    await asyncio.gather(*(user() for _ in range(users)))
    return count / (time.perf_counter() - started)


def _client(base_url: str) -> httpx.AsyncClient:
    # One connection per user: httpx's pool does work per request in proportion to its
    # connections, so one client shared by 200 users would measure the client, not the app.
    return httpx.AsyncClient(
        base_url=base_url, limits=httpx.Limits(max_connections=1), timeout=REQUEST_TIMEOUT
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:160]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)] if ordered else float("nan")


# -- the server and the database -------------------------------------------------------------


@contextmanager
def server(url: str, secret_key: str, folder: Path, port: int) -> Iterator[str]:
    """``marketplace serve --workers 2 --no-demo --no-worker`` over ``url``; its base URL."""
    base_url = f"http://127.0.0.1:{port}"
    environ = {
        **os.environ,
        "MARKETPLACE_DATABASE_URL": url,
        "MARKETPLACE_SECRET_KEY": secret_key,
        "MARKETPLACE_VAR_DIR": str(folder / "var"),
        "MARKETPLACE_BASE_URL": base_url,
        "MARKETPLACE_CXML_RATE": "1000000",  # checked on every setup request, never reached
        "MARKETPLACE_CXML_BURST": "1000000",
        "MARKETPLACE_LOG_LEVEL": "WARNING",  # an access-log line per request costs CPU here
        "PYTHONUNBUFFERED": "1",
    }
    environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    script = Path(sys.executable).with_name("marketplace")
    command = [str(script), "serve", "--workers", str(APP_PROCESSES), "--no-demo",
               "--no-worker", "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    log = folder / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=environ, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_until_ready(base_url, process, log)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=60)


def _wait_until_ready(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until both app processes answer (a few fresh connections all get 200)."""
    deadline = time.monotonic() + SERVER_DEADLINE
    answered = 0
    while time.monotonic() < deadline and answered < 10:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            answered += httpx.get(base_url + "/readyz", timeout=2.0).status_code == 200
        except httpx.TransportError:
            answered = 0
            time.sleep(0.2)  # polling a subprocess with a deadline
    if answered < 10:
        raise RuntimeError(
            f"the server was not ready in {SERVER_DEADLINE:.0f} s:\n{log.read_text()}"
        )


def postgres_problem(url: str) -> str | None:
    """Why PostgreSQL cannot be used (None when it can)."""
    if not url:
        return "no server given (set MARKETPLACE_TEST_POSTGRES_URL or --postgres)"
    try:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                             connect_timeout=3):  # fmt: skip
            return None
    except Exception as exc:  # any failure means "not reachable": skip, saying why
        return f"{url.split('@')[-1]} is not reachable ({_first_line(exc)})"


# -- the report ------------------------------------------------------------------------------


def report(figures: Figures, seconds: float, ceiling: float, flows: int) -> bool:
    """Print the figures; True when there were no errors (the target)."""
    done = len(figures.flows)
    rate = figures.requests / seconds
    print(f"{'step':<10}{'count':>8}{'p50 ms':>10}{'p99 ms':>10}")
    for step in STEPS:
        times = figures.steps[step]
        print(f"{step:<10}{len(times):>8}{_ms(times, 0.5):>10}{_ms(times, 0.99):>10}")
    print(f"{'flow':<10}{done:>8}{_ms(figures.flows, 0.5):>10}{_ms(figures.flows, 0.99):>10}")
    errors = sum(figures.errors.values())
    print(
        f"{flows} concurrent flows for {seconds:.0f} s against {APP_PROCESSES} app processes: "
        f"{done / seconds:.1f} flows/s, {rate:.0f} requests/s "
        f"({rate / ceiling:.0%} of the /healthz ceiling, {ceiling:.0f} requests/s), "
        f"{errors} errors (target 0): {'meets' if errors == 0 else 'MISSES'} the target"
    )
    for message, count in figures.errors.most_common(5):
        print(f"  {count} x {message}")
    return errors == 0 and done > 0


def _ms(values: list[float], share: float) -> str:
    if not values:
        return "-"
    return (
        f"{statistics.median(values):.0f}" if share == 0.5 else f"{percentile(values, share):.0f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--flows", type=int, default=200, help="concurrent punchout flows")
    parser.add_argument("--warmup", type=float, default=5.0, help="untimed seconds first")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("MARKETPLACE_TEST_POSTGRES_URL", ""),
        help="a PostgreSQL server URL [default: MARKETPLACE_TEST_POSTGRES_URL]",
    )
    args = parser.parse_args()
    problem = postgres_problem(args.postgres)
    if problem:
        print(f"Load test: skipped: it runs on PostgreSQL, and {problem}.")
        return 0
    secret_key = secrets.token_urlsafe(32)
    with (
        tempfile.TemporaryDirectory(prefix="bench-load-") as name,
        postgres_database(args.postgres, "load") as url,
    ):
        started = time.perf_counter()
        connection = arrange(url, secret_key)
        print(f"Arranged {CATALOG_SIZE:,} products and a Coupa connection in "
              f"{time.perf_counter() - started:.1f} s; {os.cpu_count()} CPUs.")  # fmt: skip
        with server(url, secret_key, Path(name), free_port()) as base_url:
            if args.warmup > 0:
                asyncio.run(run_users(base_url, connection, args.flows, args.warmup))
            before = asyncio.run(healthz_rate(base_url, args.flows, CEILING_SECONDS))
            figures, seconds = asyncio.run(
                run_users(base_url, connection, args.flows, args.duration)
            )
            after = asyncio.run(healthz_rate(base_url, args.flows, CEILING_SECONDS))
    return 0 if report(figures, seconds, (before + after) / 2, args.flows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
