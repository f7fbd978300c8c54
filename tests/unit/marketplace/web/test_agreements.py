"""Agreements in the JSON API and on "Your software"."""

from __future__ import annotations

import datetime as dt

import pytest
from billing_web import add_agreement
from fastapi.testclient import TestClient
from web_support import FakeDatabase, People, sign_in

from marketplace.domain.agreements import Agreement
from marketplace.services import accounts

NOW = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def agreement(database: FakeDatabase, people: People) -> Agreement:
    return add_agreement(database, people.buyer_email)


def test_the_api_lists_agreements_with_their_purchase_order(
    client: TestClient, people: People, agreement: Agreement
) -> None:
    response = client.get(
        "/api/v1/agreements", headers={"Authorization": f"Bearer {people.buyer_key}"}
    )

    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert item["id"] == agreement.id
    assert item["product_id"] == "prod-rich"
    assert item["status"] == "active"
    assert item["purchase_order_number"] == "PO-6112"
    assert item["payment_model"] == "upfront"
    assert item["quantities"] == {"users": 1}


def test_an_agreement_past_its_end_reads_as_expired(
    client: TestClient, database: FakeDatabase, people: People
) -> None:
    add_agreement(database, people.buyer_email, ends_on=dt.date(2026, 4, 1))

    (item,) = client.get(
        "/api/v1/agreements", headers={"Authorization": f"Bearer {people.buyer_key}"}
    ).json()["items"]

    assert item["status"] == "expired"


def test_other_organizations_see_nothing(
    client: TestClient, database: FakeDatabase, agreement: Agreement
) -> None:
    other = accounts.create_organization(
        database.unit_of_work(), name="Globex", admin_email="it@globex.example"
    )
    headers = {"Authorization": f"Bearer {other.api_key}"}

    assert client.get("/api/v1/agreements", headers=headers).json()["items"] == []
    assert client.get(f"/api/v1/agreements/{agreement.id}", headers=headers).status_code == 404


def test_your_software_shows_the_agreement(
    client: TestClient, people: People, agreement: Agreement
) -> None:
    sign_in(client, people.buyer_email)

    page = client.get("/your-software")

    assert page.status_code == 200
    assert "Observability Suite" in page.text
    assert "PO-6112" in page.text
    assert "You have no software yet" not in page.text
