"""The administrator's purchase orders and messages pages, and replaying a failed message."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from fastapi.testclient import TestClient
from order_web import order_document, pending_request, post
from page_checks import assert_accessible
from punchout_web import configure, connect
from web_support import FakeDatabase, People, csrf_from, sign_in

from marketplace.domain.outbox import DeliveryStatus


@pytest.fixture
def connection(client: TestClient, people: People) -> dict[str, Any]:
    configure(client, people.admin_key, test_mode=False)
    return connect(client, people.admin_key)


def test_the_admin_sees_a_test_order_with_its_lines(
    client: TestClient, database: FakeDatabase, people: People, connection: dict[str, Any]
) -> None:
    request = pending_request(client, database, connection)
    post(client, order_document(connection, request, test=True))
    sign_in(client, people.admin_email)

    page = client.get("/procurement/orders?test=1")

    assert page.status_code == 200
    assert "PO 6112" in page.text
    assert "Test order" in page.text
    assert request.id in page.text
    assert "nothing was created" in page.text
    assert_accessible(page.text)


def test_the_agreement_email_is_listed_and_readable(
    client: TestClient, database: FakeDatabase, people: People, connection: dict[str, Any]
) -> None:
    request = pending_request(client, database, connection)
    post(client, order_document(connection, request))
    sign_in(client, people.admin_email)

    listing = client.get("/procurement/messages?kind=email")
    (message,) = database.factory.store.outbox_messages.values()
    detail = client.get(f"/procurement/messages/{message.id}")

    assert message.subject in listing.text
    assert detail.status_code == 200
    assert "6112" in detail.text
    assert "Send it again" not in detail.text  # it has not failed
    assert_accessible(listing.text)
    assert_accessible(detail.text)


def test_a_failed_message_can_be_sent_again(
    client: TestClient, database: FakeDatabase, people: People, connection: dict[str, Any]
) -> None:
    request = pending_request(client, database, connection)
    post(client, order_document(connection, request))
    store = database.factory.store
    (message,) = store.outbox_messages.values()
    store.outbox_messages[message.id] = dataclasses.replace(
        message, status=DeliveryStatus.FAILED, attempts=1, last_error="550 no such mailbox"
    )
    sign_in(client, people.admin_email)
    page = client.get(f"/procurement/messages/{message.id}")
    assert "550 no such mailbox" in page.text

    response = client.post(
        f"/procurement/messages/{message.id}/replay",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert store.outbox_messages[message.id].status is DeliveryStatus.PENDING


def test_a_buyer_may_not_see_orders_or_messages(
    client: TestClient, people: People, connection: dict[str, Any]
) -> None:
    sign_in(client, people.buyer_email)

    assert client.get("/procurement/orders").status_code == 403
    assert client.get("/procurement/messages").status_code == 403
