"""POST /cxml/orders: purchase orders in, cXML statuses out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from order_web import order_document, pending_request, post
from punchout_web import configure, connect, official_dtds
from web_support import FakeDatabase, People

import cxml
from cxml.models.order import OrderType
from marketplace.domain.punchout import SubscriptionRequest


@pytest.fixture
def connection(client: TestClient, people: People) -> dict[str, Any]:
    configure(client, people.admin_key, test_mode=False)
    return connect(client, people.admin_key)


@pytest.fixture
def requested(
    client: TestClient, database: FakeDatabase, connection: dict[str, Any]
) -> SubscriptionRequest:
    """A pending request for one user of the Rich product's team contract."""
    return pending_request(client, database, connection)


def test_a_matching_po_is_answered_200_and_creates_the_agreement(
    client: TestClient,
    database: FakeDatabase,
    connection: dict[str, Any],
    requested: SubscriptionRequest,
) -> None:
    http, answer = post(client, order_document(connection, requested))

    assert http == 200
    assert answer.status is not None
    assert answer.status.code == 200
    assert official_dtds().validate(cxml.serialize(answer)).valid
    (agreement,) = database.factory.store.agreements.values()
    assert agreement.purchase_order_number == "6112"


def test_the_same_po_twice_gets_the_same_answer(
    client: TestClient,
    database: FakeDatabase,
    connection: dict[str, Any],
    requested: SubscriptionRequest,
) -> None:
    body = order_document(connection, requested)

    first = post(client, body)[1]
    second = post(client, body)[1]

    assert first.status == second.status
    assert len(database.factory.store.agreements) == 1


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"quantity": Decimal(7)}, 400),
        ({"kind": OrderType.UPDATE, "version": 2}, 417),
        ({"secret": "wrong-secret-value"}, 401),
    ],
)
def test_rejections_are_cxml_statuses_that_say_why(
    client: TestClient,
    database: FakeDatabase,
    connection: dict[str, Any],
    requested: SubscriptionRequest,
    changes: dict[str, Any],
    code: int,
) -> None:
    http, answer = post(client, order_document(connection, requested, **changes))

    assert answer.status is not None
    assert (http, answer.status.code) == (code, code)
    assert answer.status.detail or answer.status.text
    assert database.factory.store.agreements == {}


def test_a_test_po_is_acknowledged_and_creates_nothing(
    client: TestClient,
    database: FakeDatabase,
    connection: dict[str, Any],
    requested: SubscriptionRequest,
) -> None:
    http, answer = post(client, order_document(connection, requested, test=True))

    assert http == 200
    assert answer.status is not None
    assert "Test order" in answer.status.detail
    assert database.factory.store.agreements == {}
    (recorded,) = database.factory.store.purchase_orders.values()
    assert recorded.test


def test_a_get_is_a_cxml_405(client: TestClient) -> None:
    response = client.get("/cxml/orders")

    assert response.status_code == 405
    assert cxml.parse(response.content).status is not None
