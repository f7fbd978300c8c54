"""``/metrics`` after a real flow, over a real database (SQLite, and PostgreSQL where
configured): a punchout setup, purchase orders (one refused), the worker delivering the
e-mail they queued, a billing run; then a scrape shows each of them counted.

Each test gets an empty database of its own (``tests/integration/conftest.py``'s way), since
the database's figures are what is checked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from metrics_support import sample
from orders_support import (
    CXML_HEADERS,
    order_items,
    order_request,
    pending_request,
    post_order,
    smtp_inbox,
)
from punchout_web import configure, connect, setup_request, start_page_url

from marketplace.domain.charges import OfferChoice
from marketplace.domain.outbox import AttemptOutcome, MessageKind
from marketplace.services import accounts
from marketplace.services.billing import run_billing
from marketplace.services.secret_box import FernetSecretBox
from marketplace.storage import migrate
from marketplace.storage.database import Database
from marketplace.worker.runner import Worker
from marketplace.worker.senders import SmtpMailSender

pytestmark = pytest.mark.integration

TWO_USERS = OfferChoice(12, {"users": 2})


@pytest.fixture
def connection(client: TestClient, database: Database) -> dict[str, Any]:
    """Acme's Coupa connection, made through the API, test mode off."""
    admin = accounts.create_organization(
        database.unit_of_work(), name="Acme Corp", admin_email="admin@acme.example"
    )
    configure(client, admin.api_key, test_mode=False)
    return connect(client, admin.api_key)


def scrape(client: TestClient) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    return response.text


def outbox_attempts(text: str) -> float:
    return sample(text, "marketplace_outbox_attempts_total", kind="email", outcome="delivered") or 0


def test_metrics_count_a_punchout_orders_a_delivery_and_an_invoice(
    app: FastAPI, client: TestClient, database: Database, connection: dict[str, Any]
) -> None:
    box: FernetSecretBox = app.state.secret_box
    attempts_before = outbox_attempts(scrape(client))

    # Coupa opens a punchout; Dana's request is approved and its PO arrives, a test PO too,
    # and one with the wrong secret.
    setup = client.post("/cxml/punchout", content=setup_request(connection), headers=CXML_HEADERS)
    start_page_url(setup)
    request = pending_request(database.unit_of_work, box, connection, TWO_USERS)
    items = order_items(request)
    answers = [
        post_order(client, order_request(connection, items, order_number="PO-1")),
        post_order(client, order_request(connection, items, order_number="PO-T", test=True)),
        post_order(client, order_request(connection, items, order_number="PO-X", secret="nope!")),
    ]
    assert [a.code for a in answers] == [200, 200, 401], answers
    # The worker sends the "your software is available" e-mail; billing makes the invoice.
    with smtp_inbox() as inbox:
        worker = Worker(database.unit_of_work, {MessageKind.EMAIL: SmtpMailSender(inbox.url)})
        delivered = worker.run_once()
    assert delivered.count(AttemptOutcome.DELIVERED) == 1
    run_billing(database.unit_of_work, as_of=dt.datetime.now(dt.UTC).date(), host="market.test")

    text = scrape(client)

    def documents(document_type: str, code: str) -> float | None:
        return sample(
            text, "marketplace_cxml_documents_total", type=document_type, status_code=code
        )

    assert documents("PunchOutSetupRequest", "200") == 1
    assert documents("OrderRequest", "200") == 2
    assert documents("OrderRequest", "401") == 1
    route = {"route": "/cxml/orders", "method": "POST"}
    assert sample(text, "marketplace_http_requests_total", **route, status="200") == 2
    assert sample(text, "marketplace_http_requests_total", **route, status="401") == 1
    assert (
        sample(text, "marketplace_http_request_duration_seconds_count", route="/cxml/orders") == 3
    )
    # From the database: what any process sharing it would report.
    assert sample(text, "marketplace_database_up") == 1
    assert sample(text, "marketplace_orders_received_total", test="false") == 1
    assert sample(text, "marketplace_orders_received_total", test="true") == 1
    assert sample(text, "marketplace_agreements", status="active") == 1
    assert sample(text, "marketplace_invoices_total", kind="upfront") == 1
    assert sample(text, "marketplace_outbox_pending_messages", kind="email") == 0
    assert sample(text, "marketplace_outbox_oldest_due_age_seconds") == 0
    assert sample(text, "marketplace_delivery_attempts_total", outcome="delivered") == 1
    assert sample(text, "marketplace_delivery_attempts_total", outcome="transient") == 0
    # This process's worker.
    assert outbox_attempts(text) == attempts_before + 1


def test_a_due_message_shows_in_the_backlog_until_it_is_delivered(
    app: FastAPI, client: TestClient, database: Database, connection: dict[str, Any]
) -> None:
    box: FernetSecretBox = app.state.secret_box
    request = pending_request(database.unit_of_work, box, connection, TWO_USERS)
    post_order(client, order_request(connection, order_items(request), order_number="PO-1"))

    waiting = scrape(client)

    assert sample(waiting, "marketplace_outbox_pending_messages", kind="email") == 1
    age = sample(waiting, "marketplace_outbox_oldest_due_age_seconds")
    assert age is not None
    assert 0 <= age < 120


def test_readyz_reports_the_migrated_database(client: TestClient) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "database": "ok",
        "revision": migrate.head_revision(),
    }
