"""Invoices in the JSON API (fields, delivery status, who sees which) and sellers reporting
usage with a metering key (authentication, one result per record, duplicates, reasons)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from billing_web import add_agreement, add_invoice
from fastapi.testclient import TestClient
from web_support import PASSWORD, FakeDatabase, People

from marketplace.domain.agreements import Agreement, PaymentModel
from marketplace.domain.billing import InvoiceKind
from marketplace.domain.outbox import DeliveryStatus
from marketplace.services import accounts, demo, metering
from marketplace.services.billing import run_billing

RECENT = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def agreement(database: FakeDatabase, people: People) -> Agreement:
    """A pay-as-you-go agreement that started well before any usage the tests report."""
    return add_agreement(
        database,
        people.buyer_email,
        payment_model=PaymentModel.PAY_AS_YOU_GO,
        starts_on=dt.date(2025, 1, 1),
    )


@pytest.fixture
def seller_key(database: FakeDatabase) -> str:
    """A metering key of seller-1, the seller of the Rich product."""
    return metering.issue_seller_key(database.unit_of_work(), "seller-1")[1]


def record(record_id: str, agreement: Agreement, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": record_id,
        "agreement_id": agreement.id,
        "dimension": "gb",
        "quantity": 12.5,
        "timestamp": RECENT,
    }
    return values | changes


# -- usage ------------------------------------------------------------------------------------


def test_usage_without_a_key_is_refused_with_401(client: TestClient, agreement: Agreement) -> None:
    response = client.post("/api/v1/usage", json={"records": [record("r-1", agreement)]})

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize("kind", ["user api key", "made-up metering key", "wrong secret"])
def test_usage_needs_a_sellers_metering_key(
    client: TestClient,
    database: FakeDatabase,
    people: People,
    agreement: Agreement,
    seller_key: str,
    kind: str,
) -> None:
    key = {
        "user api key": people.admin_key,
        "made-up metering key": "sk_abcdefabcdef_" + "x" * 32,
        "wrong secret": seller_key[:-4] + "abcd",
    }[kind]

    response = client.post(
        "/api/v1/usage", json={"records": [record("r-1", agreement)]}, headers=bearer(key)
    )

    assert response.status_code == 401
    assert "metering key" in response.json()["error"]["message"]
    assert not database.factory.store.usage_records


def test_each_record_gets_its_own_result_and_reason(
    client: TestClient, database: FakeDatabase, agreement: Agreement, seller_key: str
) -> None:
    records = [
        record("r-1", agreement),
        record("r-2", agreement, dimension="users"),
        record("r-3", agreement, agreement_id="agmt-nobody"),
        record("r-4", agreement, timestamp="2026-03-01T10:00:00"),
        record("r-5", agreement, quantity=0),
        record("r-6", agreement, timestamp="2999-01-01T00:00:00Z"),
        record("r-1", agreement, quantity=99),
        record("r-7", agreement, quantity="3"),
    ]

    response = client.post("/api/v1/usage", json={"records": records}, headers=bearer(seller_key))

    assert response.status_code == 200, response.text
    body = response.json()
    statuses = [(r["id"], r["status"]) for r in body["results"]]
    assert statuses == [
        ("r-1", "accepted"),
        ("r-2", "rejected"),
        ("r-3", "rejected"),
        ("r-4", "rejected"),
        ("r-5", "rejected"),
        ("r-6", "rejected"),
        ("r-1", "duplicate"),
        ("r-7", "accepted"),
    ]
    messages = [r["message"] for r in body["results"]]
    assert "'users' is not a usage dimension of the offer (gb)" in messages[1]
    assert "no agreement agmt-nobody" in messages[2]
    assert "time zone" in messages[3]
    assert "above 0" in messages[4]
    assert "future" in messages[5]
    assert messages[0] == ""
    assert (body["accepted"], body["duplicates"], body["rejected"]) == (2, 1, 5)
    stored = database.factory.store.usage_records
    assert {key[1] for key in stored} == {"r-1", "r-7"}
    assert stored[("seller-1", "r-1")].quantity == Decimal("12.5")


def test_a_batch_sent_again_is_all_duplicates_and_stores_nothing_new(
    client: TestClient, database: FakeDatabase, agreement: Agreement, seller_key: str
) -> None:
    batch = {"records": [record("r-1", agreement), record("r-2", agreement, quantity=2)]}
    client.post("/api/v1/usage", json=batch, headers=bearer(seller_key))

    again = client.post("/api/v1/usage", json=batch, headers=bearer(seller_key)).json()

    assert [r["status"] for r in again["results"]] == ["duplicate", "duplicate"]
    assert (again["accepted"], again["duplicates"], again["rejected"]) == (0, 2, 0)
    assert len(database.factory.store.usage_records) == 2


def test_another_seller_cannot_report_usage_of_an_agreement_on_this_product(
    client: TestClient, database: FakeDatabase, agreement: Agreement
) -> None:
    other_seller = demo.generate_sellers()[0].id
    assert other_seller != "seller-1"
    key = metering.issue_seller_key(database.unit_of_work(), other_seller)[1]

    body = client.post(
        "/api/v1/usage", json={"records": [record("r-1", agreement)]}, headers=bearer(key)
    ).json()

    assert body["results"][0]["status"] == "rejected"
    assert "for your products" in body["results"][0]["message"]
    assert not database.factory.store.usage_records


@pytest.mark.parametrize(
    ("records", "field"),
    [
        ([], "records"),
        (None, "records"),
        ("many", "records"),
    ],
)
def test_a_malformed_batch_is_a_400_naming_the_field(
    client: TestClient, seller_key: str, records: object, field: str
) -> None:
    response = client.post("/api/v1/usage", json={"records": records}, headers=bearer(seller_key))

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert any(f["field"].startswith(field) for f in error["fields"])


def test_more_than_1000_records_are_refused_whole(
    client: TestClient, database: FakeDatabase, agreement: Agreement, seller_key: str
) -> None:
    records = [record(f"r-{n}", agreement) for n in range(1001)]

    response = client.post("/api/v1/usage", json={"records": records}, headers=bearer(seller_key))

    assert response.status_code == 400
    assert response.json()["error"]["fields"][0]["field"] == "records"
    assert not database.factory.store.usage_records


def test_a_record_with_a_non_numeric_quantity_is_a_400_and_stores_nothing(
    client: TestClient, database: FakeDatabase, agreement: Agreement, seller_key: str
) -> None:
    records = [record("r-1", agreement), record("r-2", agreement, quantity="lots")]

    response = client.post("/api/v1/usage", json={"records": records}, headers=bearer(seller_key))

    assert response.status_code == 400
    assert response.json()["error"]["fields"][0]["field"] == "records.1.quantity"
    assert not database.factory.store.usage_records


def test_1000_records_are_answered_one_by_one(
    client: TestClient, agreement: Agreement, seller_key: str
) -> None:
    records = [record(f"r-{n}", agreement, quantity=1) for n in range(1000)]

    body = client.post(
        "/api/v1/usage", json={"records": records}, headers=bearer(seller_key)
    ).json()

    assert body["accepted"] == 1000
    assert len(body["results"]) == 1000


def test_reported_usage_is_invoiced_by_the_billing_run(
    client: TestClient, database: FakeDatabase, people: People, seller_key: str
) -> None:
    agreement = add_agreement(
        database,
        people.buyer_email,
        payment_model=PaymentModel.PAY_AS_YOU_GO,
        starts_on=dt.date(2025, 1, 1),
    )
    usage = [
        record("r-1", agreement, quantity=100, timestamp="2025-02-03T10:00:00Z"),
        record("r-2", agreement, quantity=50, timestamp="2025-02-20T10:00:00+02:00"),
    ]
    client.post("/api/v1/usage", json={"records": usage}, headers=bearer(seller_key))

    run_billing(database.factory, as_of=dt.date(2025, 3, 1), host="market.example")
    (item,) = client.get("/api/v1/invoices", headers=bearer(people.buyer_key)).json()["items"]

    assert item["kind"] == "usage"
    assert item["total"] == "15.00"  # 150 GB at $0.10
    assert item["delivery_status"] == "not_sent"
    assert item["lines"][0]["quantity"] == "150"


def test_openapi_documents_the_metering_key(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()

    operation = document["paths"]["/api/v1/usage"]["post"]

    assert operation["operationId"] == "reportUsage"
    assert operation["x-authentication"] == "bearer-metering-key"
    assert operation["security"] == [{"MeteringKey": []}]
    assert "sk_" in document["components"]["securitySchemes"]["MeteringKey"]["description"]


# -- invoices ---------------------------------------------------------------------------------


def test_invoices_carry_the_fixed_keys_and_their_delivery_status(
    client: TestClient, database: FakeDatabase, people: People
) -> None:
    agreement = add_agreement(database, people.buyer_email)
    sent = add_invoice(database, agreement, message_status=DeliveryStatus.FAILED)
    kept = add_invoice(
        database, agreement, kind=InvoiceKind.USAGE, total=Decimal("12.30"),
        invoice_date=dt.date(2026, 2, 1),
    )  # fmt: skip

    items = client.get("/api/v1/invoices", headers=bearer(people.buyer_key)).json()["items"]

    assert [i["id"] for i in items] == [sent.id, kept.id]  # newest first
    first = items[0]
    assert {"id", "number", "agreement_id", "purchase_order_number", "total", "currency",
            "delivery_status"} <= set(first)  # fmt: skip
    assert first["number"] == sent.number
    assert first["agreement_id"] == agreement.id
    assert first["purchase_order_number"] == "PO-6112"
    assert (first["total"], first["currency"]) == ("14400.00", "USD")
    assert first["delivery_status"] == "failed"
    assert first["kind"] == "upfront"
    assert first["cxml"] is True
    assert first["lines"][0]["purchase_order_line"] == 1
    assert first["product_title"] == "Observability Suite"
    assert items[1]["delivery_status"] == "not_sent"
    assert items[1]["kind"] == "usage"


@pytest.mark.parametrize(
    "status", [DeliveryStatus.PENDING, DeliveryStatus.DELIVERED, DeliveryStatus.DEAD]
)
def test_the_delivery_status_follows_the_message(
    client: TestClient, database: FakeDatabase, people: People, status: DeliveryStatus
) -> None:
    invoice = add_invoice(
        database, add_agreement(database, people.buyer_email), message_status=status
    )

    item = client.get(f"/api/v1/invoices/{invoice.id}", headers=bearer(people.buyer_key)).json()

    assert item["delivery_status"] == status.value


def test_a_member_account_sees_only_its_own_invoices_and_management_sees_all(
    client: TestClient, database: FakeDatabase, people: People
) -> None:
    member = accounts.create_member_account(
        database.unit_of_work(),
        organization_id=people.organization_id,
        name="Engineering",
        admin_email="eng@acme.example",
        admin_password=PASSWORD,
    )
    ours = add_invoice(database, add_agreement(database, people.buyer_email))
    theirs = add_invoice(database, add_agreement(database, "eng@acme.example"))

    def ids(key: str) -> set[str]:
        items = client.get("/api/v1/invoices", headers=bearer(key)).json()["items"]
        return {i["id"] for i in items}

    assert ids(member.api_key) == {theirs.id}
    assert ids(people.reader_key) == {ours.id, theirs.id}
    assert (
        client.get(f"/api/v1/invoices/{ours.id}", headers=bearer(member.api_key)).status_code == 404
    )
    assert (
        client.get(f"/api/v1/invoices/{theirs.id}", headers=bearer(member.api_key)).status_code
        == 200
    )


def test_another_organization_sees_none_of_the_invoices(
    client: TestClient, database: FakeDatabase, people: People
) -> None:
    invoice = add_invoice(database, add_agreement(database, people.buyer_email))
    other = accounts.create_organization(
        database.unit_of_work(), name="Globex", admin_email="it@globex.example"
    )

    listed = client.get("/api/v1/invoices", headers=bearer(other.api_key))
    single = client.get(f"/api/v1/invoices/{invoice.id}", headers=bearer(other.api_key))

    assert listed.json() == {"items": []}
    assert single.status_code == 404
    assert single.json()["error"]["message"] == f"There is no invoice {invoice.id}."


def test_invoices_need_list_agreements(
    client: TestClient, database: FakeDatabase, people: People
) -> None:
    user = accounts.create_user(
        database.unit_of_work(), None, account_id=people.account_id,
        email="nobody@acme.example", name="Nobody", policies=[],
    )  # fmt: skip
    key = accounts.issue_api_key(database.unit_of_work(), user.id)[1]

    response = client.get("/api/v1/invoices", headers=bearer(key))

    assert response.status_code == 403
    assert "aws-marketplace:ListAgreements" in response.json()["error"]["message"]
