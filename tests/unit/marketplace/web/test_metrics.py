"""``/metrics``: requests by route template, cXML documents by type and status, and the
database's figures read at each scrape."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from metrics_support import sample
from order_web import order_document, pending_request, post
from punchout_web import configure, connect, setup_request
from web_support import FakeDatabase, People

from marketplace.config import Settings
from marketplace.domain.outbox import AttemptOutcome, MessageKind, OutboxMessage
from marketplace.services.delivery import deliver_due
from marketplace.services.ports import SendResult
from marketplace.web.app import create_app

XML = {"Content-Type": "text/xml"}


def scrape(client: TestClient) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


@pytest.fixture
def connection(client: TestClient, people: People) -> dict[str, Any]:
    configure(client, people.admin_key, test_mode=False)
    return connect(client, people.admin_key)


class Delivered:
    """A sender that delivers everything."""

    def send(self, message: OutboxMessage) -> SendResult:
        return SendResult(AttemptOutcome.DELIVERED, 250)


def test_requests_are_counted_and_timed_by_route_template_never_the_raw_path(
    client: TestClient,
) -> None:
    client.get("/products/prod-rich")
    client.get("/products/prod-rich")
    client.get("/products/no-such-product")
    client.get("/no/such/page/at-all")

    text = scrape(client)

    route = "/products/{product_id}"
    assert (
        sample(text, "marketplace_http_requests_total", route=route, method="GET", status="200")
        == 2
    )
    assert (
        sample(text, "marketplace_http_requests_total", route=route, method="GET", status="404")
        == 1
    )
    assert sample(text, "marketplace_http_request_duration_seconds_count", route=route) == 3
    assert (
        sample(
            text, "marketplace_http_requests_total", route="unmatched", method="GET", status="404"
        )
        == 1
    )
    assert "prod-rich" not in text
    assert "at-all" not in text


def test_cxml_documents_are_counted_by_type_and_the_status_of_the_answer(
    client: TestClient, database: FakeDatabase, connection: dict[str, Any]
) -> None:
    client.post("/cxml/punchout", content=setup_request(connection), headers=XML)
    client.post("/cxml/punchout", content=setup_request(connection, secret="wrong"), headers=XML)
    client.post("/cxml/orders", content=b"<not-cxml/>", headers=XML)
    requested = pending_request(client, database, connection)
    post(client, order_document(connection, requested))

    text = scrape(client)

    def documents(document_type: str, code: str) -> float | None:
        return sample(
            text, "marketplace_cxml_documents_total", type=document_type, status_code=code
        )

    assert documents("PunchOutSetupRequest", "200") == 1
    assert documents("PunchOutSetupRequest", "401") == 1
    assert documents("unknown", "406") == 1
    assert documents("OrderRequest", "200") == 1


def test_the_database_figures_are_read_at_each_scrape(
    client: TestClient, database: FakeDatabase, connection: dict[str, Any]
) -> None:
    before = scrape(client)
    assert sample(before, "marketplace_orders_received_total", test="false") == 0
    assert sample(before, "marketplace_agreements", status="active") == 0
    assert sample(before, "marketplace_outbox_pending_messages", kind="email") == 0

    requested = pending_request(client, database, connection)
    post(client, order_document(connection, requested))
    after_order = scrape(client)
    deliver_due(database.unit_of_work, {MessageKind.EMAIL: Delivered()})
    after_delivery = scrape(client)

    assert sample(after_order, "marketplace_database_up") == 1
    assert sample(after_order, "marketplace_orders_received_total", test="false") == 1
    assert sample(after_order, "marketplace_orders_received_total", test="true") == 0
    assert sample(after_order, "marketplace_agreements", status="active") == 1
    pending = sample(after_order, "marketplace_outbox_pending_messages", kind="email")
    assert pending is not None
    assert pending >= 1
    assert sample(after_order, "marketplace_outbox_oldest_due_age_seconds") is not None
    assert sample(after_delivery, "marketplace_outbox_pending_messages", kind="email") == 0
    assert sample(after_delivery, "marketplace_delivery_attempts_total", outcome="delivered") == (
        pending
    )
    assert sample(after_delivery, "marketplace_invoices_total", kind="upfront") == 0


def test_delivery_attempts_of_this_process_are_counted_by_kind_and_outcome(
    client: TestClient, database: FakeDatabase, connection: dict[str, Any]
) -> None:
    post(client, order_document(connection, pending_request(client, database, connection)))
    labels = {"kind": "email", "outcome": "delivered"}
    before = sample(scrape(client), "marketplace_outbox_attempts_total", **labels) or 0

    report = deliver_due(database.unit_of_work, {MessageKind.EMAIL: Delivered()})

    after = sample(scrape(client), "marketplace_outbox_attempts_total", **labels)
    assert report.count(AttemptOutcome.DELIVERED) >= 1
    assert after == before + report.count(AttemptOutcome.DELIVERED)


class BrokenDatabase(FakeDatabase):
    """A database that stopped answering."""

    def unit_of_work(self, *, all_or_nothing: bool = False) -> Any:
        raise ConnectionRefusedError("the database is away")


@pytest.fixture
def broken_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, database=BrokenDatabase())) as client:
        yield client


def test_a_scrape_answers_while_the_database_is_away(broken_client: TestClient) -> None:
    text = scrape(broken_client)

    assert sample(text, "marketplace_database_up") == 0
    assert sample(text, "marketplace_agreements", status="active") is None
    assert "marketplace_http_requests_total" in text


def test_the_process_metrics_are_there_too(client: TestClient) -> None:
    text = scrape(client)

    assert "process_cpu_seconds_total" in text or "python_info" in text


def test_every_app_counts_its_own_requests(settings: Settings) -> None:
    first = create_app(settings, database=FakeDatabase())
    second = create_app(settings, database=FakeDatabase())
    with TestClient(first) as one, TestClient(second) as other:
        one.get("/healthz")
        text = scrape(other)

    assert (
        sample(
            text, "marketplace_http_requests_total", route="/healthz", method="GET", status="200"
        )
        is None
    )
