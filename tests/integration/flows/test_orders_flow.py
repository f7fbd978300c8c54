"""Purchase orders end to end over a real database (SQLite, and PostgreSQL where configured):
the app as ``marketplace serve`` builds it, a Coupa connection made through the JSON API, a
request made through the punchout services, then the OrderRequests Coupa sends.

What a buyer would notice: one PO gives one agreement and one e-mail (received by a real SMTP
server), however often and however concurrently it is sent; an update changes the agreement
and a delete cancels it; a test order creates nothing billable and sends no e-mail; and every
rejection is the documented cXML code with a text that says what was wrong.

Each test gets an empty database of its own (``tests/integration/conftest.py``'s way; this
folder's conftest shares one database per module, and these tests count what one order made).
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from orders_support import (
    OFFER_ID,
    OrderAnswer,
    order_items,
    order_request,
    pending_request,
    post_concurrently,
    post_order,
    serving,
    smtp_inbox,
)
from punchout_web import USER_EMAIL, admin_headers, configure, connect, setup_request

from cxml.models.common import ItemID
from cxml.models.order import OrderType
from marketplace.domain.charges import OfferChoice
from marketplace.domain.orders import PurchaseOrder
from marketplace.domain.outbox import AttemptOutcome, MessageKind, OutboxMessage
from marketplace.domain.punchout import SubscriptionRequest
from marketplace.services import accounts
from marketplace.services import agreements as agreement_service
from marketplace.services.authentication import principal_for
from marketplace.services.secret_box import FernetSecretBox
from marketplace.storage.database import Database
from marketplace.storage.orders import SqlOrderRepository
from marketplace.worker.runner import Worker
from marketplace.worker.senders import SmtpMailSender

pytestmark = pytest.mark.integration

TWO_USERS = OfferChoice(12, {"users": 2})
PO = "PO-6112"


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def box(app: FastAPI) -> FernetSecretBox:
    secret_box: FernetSecretBox = app.state.secret_box
    return secret_box


@pytest.fixture
def admin(database: Database) -> accounts.NewOrganization:
    """Acme Corp and its procurement administrator (with an API key)."""
    return accounts.create_organization(
        database.unit_of_work(), name="Acme Corp", admin_email="admin@acme.example"
    )


@pytest.fixture
def connection(client: TestClient, admin: accounts.NewOrganization) -> dict[str, Any]:
    """A Coupa connection made through the API, test mode off."""
    configure(client, admin.api_key, test_mode=False)
    return connect(client, admin.api_key)


@pytest.fixture
def requested(
    database: Database, box: FernetSecretBox, connection: dict[str, Any]
) -> SubscriptionRequest:
    """Dana's request for two users of the Team contract for 12 months, pending approval."""
    return pending_request(database.unit_of_work, box, connection, TWO_USERS)


# -- what the buyer sees ---------------------------------------------------------------------


def agreements(client: TestClient, admin: accounts.NewOrganization) -> list[dict[str, Any]]:
    """``GET /api/v1/agreements`` as the organization's administrator."""
    response = client.get("/api/v1/agreements", headers=admin_headers(admin.api_key))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def emails(database: Database, organization_id: str) -> list[OutboxMessage]:
    """The e-mails in the organization's outbox, sent or not."""
    with database.unit_of_work() as uow:
        return list(uow.outbox.list_messages(organization_id, kind=MessageKind.EMAIL))


def mail_worker(database: Database, smtp_url: str) -> Worker:
    return Worker(database.unit_of_work, {MessageKind.EMAIL: SmtpMailSender(smtp_url)})


def request_status(client: TestClient, admin: accounts.NewOrganization, request_id: str) -> str:
    response = client.get("/api/v1/subscription-requests", headers=admin_headers(admin.api_key))
    assert response.status_code == 200, response.text
    (found,) = [r for r in response.json()["items"] if r["id"] == request_id]
    status: str = found["status"]
    return status


# -- one purchase order, however often it comes ----------------------------------------------


def test_a_po_for_a_pending_request_creates_one_agreement_and_one_email(
    client: TestClient,
    database: Database,
    admin: accounts.NewOrganization,
    connection: dict[str, Any],
    requested: SubscriptionRequest,
) -> None:
    answer = post_order(client, order_request(connection, order_items(requested), order_number=PO))

    assert (answer.http, answer.code) == (200, 200), answer.text
    assert PO in answer.text
    (agreement,) = agreements(client, admin)
    assert agreement["purchase_order_number"] == PO
    assert agreement["status"] == "active"
    assert agreement["request_id"] == requested.id
    assert agreement["quantities"] == {"users": 2}
    assert agreement["duration_months"] == 12
    assert request_status(client, admin, requested.id) == "agreement_created"

    with smtp_inbox() as inbox:
        worker = mail_worker(database, inbox.url)
        first = worker.run_once()
        again = worker.run_once()
    assert first.count(AttemptOutcome.DELIVERED) == 1
    assert again.claimed == 0
    (mail,) = inbox.mails()
    assert mail["To"] == USER_EMAIL
    assert "Observability Suite" in mail["Subject"]
    body = mail.get_payload()
    assert isinstance(body, str)
    for fact in (
        "Observability Suite",
        "Team contract",
        agreement["starts_on"],
        agreement["ends_on"],
        PO,
        agreement["id"],
    ):
        assert fact in body, f"the e-mail does not say {fact!r}:\n{body}"


def test_the_same_po_sent_five_times_creates_one_agreement_and_one_email(
    client: TestClient,
    database: Database,
    admin: accounts.NewOrganization,
    connection: dict[str, Any],
    requested: SubscriptionRequest,
) -> None:
    body = order_request(connection, order_items(requested), order_number=PO)

    answers = [post_order(client, body) for _ in range(5)]

    assert answers[0].code == 200, answers[0].text
    assert answers == [answers[0]] * 5, "a retry gets the first answer"
    assert len(agreements(client, admin)) == 1
    assert len(emails(database, admin.organization.id)) == 1


def test_the_same_po_sent_eight_times_at_once_creates_one_agreement_and_one_email(
    app: FastAPI,
    client: TestClient,
    database: Database,
    admin: accounts.NewOrganization,
    connection: dict[str, Any],
    requested: SubscriptionRequest,
) -> None:
    body = order_request(connection, order_items(requested), order_number=PO)

    with serving(app) as base_url:
        answers = post_concurrently(base_url, [body] * 8)

    assert answers[0].code == 200, answers
    assert answers == [answers[0]] * 8, "every copy gets the first answer"
    (agreement,) = agreements(client, admin)
    assert agreement["purchase_order_number"] == PO
    assert len(emails(database, admin.organization.id)) == 1


def test_eight_copies_with_different_payload_ids_at_once_create_one_agreement(
    app: FastAPI,
    client: TestClient,
    database: Database,
    admin: accounts.NewOrganization,
    connection: dict[str, Any],
    requested: SubscriptionRequest,
) -> None:
    bodies = [order_request(connection, order_items(requested), order_number=PO) for _ in range(8)]

    with serving(app) as base_url:
        post_concurrently(base_url, bodies)

    (agreement,) = agreements(client, admin)
    assert agreement["purchase_order_number"] == PO
    assert len(emails(database, admin.organization.id)) == 1


def test_eight_copies_with_different_payload_ids_are_all_answered_200_however_they_overlap(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    app: FastAPI,
    client: TestClient,
    admin: accounts.NewOrganization,
    database: Database,
    connection: dict[str, Any],
    requested: SubscriptionRequest,
) -> None:
    """The worst overlap, made certain: every copy has looked for the order before any
    goes on (where the service lets them; a copy kept waiting elsewhere, on a lock or
    SQLite's turn, breaks the rendezvous after a second and all go on)."""
    everyone_looked = threading.Barrier(8)
    find_orders = SqlOrderRepository.find_orders

    def find_then_wait(
        self: SqlOrderRepository, connection_id: str, order_number: str
    ) -> Sequence[PurchaseOrder]:
        found = find_orders(self, connection_id, order_number)
        with contextlib.suppress(threading.BrokenBarrierError):
            everyone_looked.wait(timeout=1.0)
        return found

    monkeypatch.setattr(SqlOrderRepository, "find_orders", find_then_wait)
    bodies = [order_request(connection, order_items(requested), order_number=PO) for _ in range(8)]

    with serving(app) as base_url:
        answers = post_concurrently(base_url, bodies)

    assert len(agreements(client, admin)) == 1
    assert [(a.http, a.code) for a in answers] == [(200, 200)] * 8, answers


# -- changes and cancellations ---------------------------------------------------------------


def test_an_update_changes_the_agreement_a_delete_cancels_it_and_then_no_update_applies(
    client: TestClient,
    database: Database,
    box: FernetSecretBox,
    admin: accounts.NewOrganization,
    connection: dict[str, Any],
    requested: SubscriptionRequest,
) -> None:
    def send(kind: OrderType, version: int, request: SubscriptionRequest) -> OrderAnswer:
        body = order_request(
            connection, order_items(request), order_number=PO, kind=kind, version=version
        )
        return post_order(client, body)

    assert send(OrderType.NEW, 1, requested).code == 200
    (created,) = agreements(client, admin)
    edited = pending_request(
        database.unit_of_work, box, connection, OfferChoice(24, {"users": 5}), edit=requested
    )
    assert edited.id == requested.id

    updated = send(OrderType.UPDATE, 2, edited)

    assert (updated.http, updated.code) == (200, 200), updated.text
    (changed,) = agreements(client, admin)
    assert changed["id"] == created["id"]
    assert (changed["quantities"], changed["duration_months"]) == ({"users": 5}, 24)
    assert changed["order_version"] == 2
    assert changed["status"] == "active"
    assert changed["ends_on"] > created["ends_on"]

    deleted = send(OrderType.DELETE, 3, edited)

    assert (deleted.http, deleted.code) == (200, 200), deleted.text
    (cancelled,) = agreements(client, admin)
    assert cancelled["id"] == created["id"]
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancelled_at"] is not None

    too_late = send(OrderType.UPDATE, 4, edited)

    assert (too_late.http, too_late.code) == (409, 409)
    assert PO in too_late.text
    assert "cancelled" in too_late.text
    (still,) = agreements(client, admin)
    assert still["status"] == "cancelled"
    assert still["quantities"] == {"users": 5}
    assert len(emails(database, admin.organization.id)) == 1, "only the new agreement mails"


def test_a_request_an_update_ordered_reads_as_ordered_and_a_second_po_for_it_says_so(
    client: TestClient,
    database: Database,
    box: FernetSecretBox,
    admin: accounts.NewOrganization,
    connection: dict[str, Any],
    requested: SubscriptionRequest,
) -> None:
    first = order_request(connection, order_items(requested), order_number=PO)
    assert post_order(client, first).code == 200
    edited = pending_request(
        database.unit_of_work, box, connection, OfferChoice(24, {"users": 5}), edit=requested
    )
    update = order_request(
        connection, order_items(edited), order_number=PO, kind=OrderType.UPDATE, version=2
    )
    assert post_order(client, update).code == 200

    another = post_order(
        client, order_request(connection, order_items(edited), order_number="PO-7000")
    )

    assert (another.http, another.code) == (409, 409)
    assert f"Request {requested.id} was already ordered (PO {PO})" in another.text
    assert request_status(client, admin, requested.id) == "agreement_created"


@pytest.mark.parametrize("kind", [OrderType.UPDATE, OrderType.DELETE])
def test_an_update_or_delete_of_a_po_never_received_is_417(
    client: TestClient,
    admin: accounts.NewOrganization,
    connection: dict[str, Any],
    requested: SubscriptionRequest,
    kind: OrderType,
) -> None:
    body = order_request(
        connection, order_items(requested), order_number="PO-NEVER", kind=kind, version=2
    )

    answer = post_order(client, body)

    assert (answer.http, answer.code) == (417, 417)
    assert "PO-NEVER" in answer.text
    assert "never received" in answer.text
    assert agreements(client, admin) == []


# -- test mode -------------------------------------------------------------------------------


@pytest.mark.parametrize("test_by", ["organization test mode", 'deploymentMode="test"'])
def test_a_test_order_is_recorded_with_its_lines_and_creates_nothing_billable(
    client: TestClient,
    database: Database,
    box: FernetSecretBox,
    admin: accounts.NewOrganization,
    connection: dict[str, Any],
    test_by: str,
) -> None:
    organization_test_mode = test_by == "organization test mode"
    configure(client, admin.api_key, test_mode=organization_test_mode)
    requested = pending_request(database.unit_of_work, box, connection, TWO_USERS)
    body = order_request(
        connection,
        order_items(requested),
        order_number="PO-TEST-1",
        test=not organization_test_mode,
    )

    answer = post_order(client, body)

    assert (answer.http, answer.code) == (200, 200), answer.text
    assert "Test order PO-TEST-1" in answer.text
    assert agreements(client, admin) == []
    assert emails(database, admin.organization.id) == []
    with database.unit_of_work() as uow:
        principal = principal_for(uow, admin.user.id)
    assert principal is not None
    (order,) = agreement_service.list_orders(database.unit_of_work(), principal, test=True)
    assert order.order_number == "PO-TEST-1"
    assert order.agreement_ids == ()
    assert [(line.request_id, line.supplier_part_id, line.quantity) for line in order.lines] == [
        (requested.id, OFFER_ID, Decimal(line.quantity)) for line in requested.lines
    ]
    assert request_status(client, admin, requested.id) == "test_completed"
    with smtp_inbox() as inbox:
        report = mail_worker(database, inbox.url).run_once()
    assert report.claimed == 0
    assert inbox.envelopes == []


# -- rejections ------------------------------------------------------------------------------


def test_a_line_that_differs_from_the_request_is_400_and_says_what_differs(
    client: TestClient,
    admin: accounts.NewOrganization,
    connection: dict[str, Any],
    requested: SubscriptionRequest,
) -> None:
    (line,) = order_items(requested)
    wrong = dataclasses.replace(line, quantity=line.quantity + 3)

    answer = post_order(client, order_request(connection, [wrong], order_number=PO))

    assert (answer.http, answer.code) == (400, 400)
    assert "line 1" in answer.text
    assert f"quantity {line.quantity + 3} is not the requested {line.quantity}" in answer.text
    assert agreements(client, admin) == []
    assert request_status(client, admin, requested.id) == "pending_approval"


def test_a_second_po_for_a_request_already_ordered_is_409(
    client: TestClient,
    database: Database,
    admin: accounts.NewOrganization,
    connection: dict[str, Any],
    requested: SubscriptionRequest,
) -> None:
    first = order_request(connection, order_items(requested), order_number=PO)
    assert post_order(client, first).code == 200

    answer = post_order(
        client, order_request(connection, order_items(requested), order_number="PO-7000")
    )

    assert (answer.http, answer.code) == (409, 409)
    assert requested.id in answer.text
    assert "already ordered" in answer.text
    assert PO in answer.text, "the text names the PO that ordered it"
    (agreement,) = agreements(client, admin)
    assert agreement["purchase_order_number"] == PO
    assert len(emails(database, admin.organization.id)) == 1


def test_a_line_for_a_request_that_does_not_exist_is_417(
    client: TestClient,
    admin: accounts.NewOrganization,
    connection: dict[str, Any],
    requested: SubscriptionRequest,
) -> None:
    (line,) = order_items(requested)
    unknown = dataclasses.replace(line, item_id=ItemID(OFFER_ID, "sr-0000000000000000"))

    answer = post_order(client, order_request(connection, [unknown], order_number=PO))

    assert (answer.http, answer.code) == (417, 417)
    assert "sr-0000000000000000" in answer.text
    assert agreements(client, admin) == []


def test_a_wrong_shared_secret_is_401_and_the_text_does_not_repeat_it(
    client: TestClient,
    admin: accounts.NewOrganization,
    connection: dict[str, Any],
    requested: SubscriptionRequest,
) -> None:
    body = order_request(
        connection, order_items(requested), order_number=PO, secret="not-the-shared-secret-42"
    )

    answer = post_order(client, body)

    assert (answer.http, answer.code) == (401, 401)
    assert answer.text
    assert "not-the-shared-secret-42" not in answer.text
    assert agreements(client, admin) == []


def test_malformed_xml_is_406(client: TestClient, admin: accounts.NewOrganization) -> None:
    body = b'<?xml version="1.0"?><cXML payloadID="x" timestamp="2026-03-02"><Request>'

    answer = post_order(client, body)

    assert (answer.http, answer.code) == (406, 406)
    assert answer.text
    assert agreements(client, admin) == []


def test_a_document_other_than_an_order_request_is_450_and_names_the_right_url(
    client: TestClient, admin: accounts.NewOrganization, connection: dict[str, Any]
) -> None:
    answer = post_order(client, setup_request(connection))

    # 450 is no HTTP status: the HTTP line says 400, the cXML Status 450 (cxml_support).
    assert (answer.http, answer.code) == (400, 450)
    assert "OrderRequest" in answer.text
    assert "PunchOutSetupRequest" in answer.text
    assert "http://127.0.0.1:8000/cxml/punchout" in answer.text  # the app's base URL
    assert agreements(client, admin) == []
