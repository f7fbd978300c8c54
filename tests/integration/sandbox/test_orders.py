"""Approval sends the purchase order; the supplier's answer shows on the PO page; failures
can be resent; changes go as ``update`` and cancellations as ``delete``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sandbox_support import CartLine, FakeSupplier, cart_form

from cxml.models.order import OrderType
from cxml.models.punchout import PunchOutOperation


def sign_in(client: TestClient, email: str) -> None:
    client.post("/sign-in", data={"email": email, "next": "/"}, follow_redirects=False)


def requisition(
    client: TestClient,
    supplier: dict[str, Any],
    fake: FakeSupplier,
    lines: tuple[CartLine, ...] = (CartLine(),),
) -> int:
    """Dana shops and submits; the requisition's id."""
    sign_in(client, "dana@acme.example")
    client.post(f"/shop/{supplier['id']}")
    path, fields = cart_form(fake.last_setup(), lines)
    client.post(path, data=fields)
    session = client.get(f"/api/v1/punchouts/{len(fake.setup_requests)}").json()
    requisition_id = int(session["requisition_id"])
    response = client.post(f"/requisitions/{requisition_id}/submit")
    assert response.status_code == 200
    return requisition_id


def approve(client: TestClient, requisition_id: int, email: str) -> Any:
    sign_in(client, email)
    return client.post(f"/requisitions/{requisition_id}/approve", data={"comment": "OK"})


def test_one_approval_sends_the_purchase_order_and_shows_the_answer(
    client: TestClient, supplier: dict[str, Any], supplier_side: FakeSupplier
) -> None:
    requisition_id = requisition(client, supplier, supplier_side)
    sign_in(client, "priya@acme.example")
    waiting = client.get("/approvals").text
    assert f'href="/requisitions/{requisition_id}"' in waiting

    page = approve(client, requisition_id, "priya@acme.example")

    assert str(page.url).endswith("/purchase-orders/6112")
    assert "<h1>Purchase order 6112</h1>" in page.text
    assert "<strong>Accepted</strong> (new, version 1):" in page.text
    assert "200 OK: Purchase order accepted." in page.text
    order = supplier_side.last_order()
    assert order.header.order_id == "6112"
    assert order.header.type is OrderType.NEW
    assert order.header.order_version == 1
    [item] = order.items
    assert item.item_id.supplier_part_auxiliary_id == "req-0001"
    assert item.line_number == 1
    assert supplier_side.invalid == []
    assert client.get(f"/api/v1/requisitions/{requisition_id}").json()["status"] == "ordered"


def test_above_ten_thousand_dollars_two_approvers_decide_in_turn(
    client: TestClient, supplier: dict[str, Any], supplier_side: FakeSupplier
) -> None:
    big = (CartLine(unit_price=Decimal("15000.00")),)
    requisition_id = requisition(client, supplier, supplier_side, big)

    sign_in(client, "sam@acme.example")
    early = client.post(f"/requisitions/{requisition_id}/approve")
    assert early.status_code == 409
    assert "priya@acme.example&#39;s turn" in early.text

    first = approve(client, requisition_id, "priya@acme.example")
    assert "Waiting for sam@acme.example to approve." in first.text
    assert supplier_side.orders == []

    second = approve(client, requisition_id, "sam@acme.example")
    assert str(second.url).endswith("/purchase-orders/6112")
    assert len(supplier_side.orders) == 1


def test_a_rejected_requisition_sends_nothing(
    client: TestClient, supplier: dict[str, Any], supplier_side: FakeSupplier
) -> None:
    requisition_id = requisition(client, supplier, supplier_side)
    sign_in(client, "priya@acme.example")

    page = client.post(f"/requisitions/{requisition_id}/reject", data={"comment": "Not now"})

    assert "<strong>Rejected</strong>" in page.text
    assert "Not now" in page.text
    assert supplier_side.orders == []


def test_po_numbers_follow_one_another(
    client: TestClient, supplier: dict[str, Any], supplier_side: FakeSupplier
) -> None:
    first = requisition(client, supplier, supplier_side)
    second = requisition(client, supplier, supplier_side)

    approve(client, first, "priya@acme.example")
    approve(client, second, "priya@acme.example")

    assert [o.payload.header.order_id for o in supplier_side.orders] == ["6112", "6113"]  # type: ignore[union-attr]
    listing = client.get("/purchase-orders").text
    assert "PO 6112" in listing
    assert "PO 6113" in listing


@pytest.mark.parametrize(
    ("setup", "shown"),
    [
        ({"unreachable": True}, "Could not reach https://market.example/cxml/orders"),
        ({"order_status": 500, "order_text": "Database down"}, "500 Internal Server Error"),
        ({"http_status": 502}, "No cXML status in the answer"),
    ],
)
def test_a_failed_transmission_is_shown_and_resent_with_the_same_payload_id(
    client: TestClient,
    supplier: dict[str, Any],
    supplier_side: FakeSupplier,
    setup: dict[str, Any],
    shown: str,
) -> None:
    requisition_id = requisition(client, supplier, supplier_side)
    for name, value in setup.items():
        setattr(supplier_side, name, value)

    page = approve(client, requisition_id, "priya@acme.example")

    assert "<strong>Failed</strong>" in page.text
    assert shown in page.text
    assert "Resend</button>" in page.text
    first_payload = client.get("/api/v1/purchase-orders/6112").json()["transmissions"][0]

    supplier_side.unreachable, supplier_side.http_status = False, None
    supplier_side.order_status, supplier_side.order_text = 200, "Purchase order accepted."
    again = client.post("/purchase-orders/6112/resend")

    assert "<strong>Accepted</strong>" in again.text
    assert "Resend</button>" not in again.text
    transmissions = client.get("/api/v1/purchase-orders/6112").json()["transmissions"]
    assert [t["outcome"] for t in transmissions] == ["failed", "accepted"]
    assert transmissions[1]["payload_id"] == first_payload["payload_id"]
    assert supplier_side.orders[-1].payload_id == first_payload["payload_id"]
    assert supplier_side.orders[-1].header.sender.shared_secret  # type: ignore[union-attr]


def test_a_rejection_by_the_supplier_is_not_offered_for_resending(
    client: TestClient, supplier: dict[str, Any], supplier_side: FakeSupplier
) -> None:
    requisition_id = requisition(client, supplier, supplier_side)
    supplier_side.order_status = 417
    supplier_side.order_text = "There is no request req-0001 in this organization."

    page = approve(client, requisition_id, "priya@acme.example")

    assert "<strong>Rejected</strong>" in page.text
    assert "417 Expectation Failed: There is no request req-0001" in page.text
    assert "Resend</button>" not in page.text
    assert client.post("/purchase-orders/6112/resend").status_code == 409


def test_a_change_is_sent_as_the_next_version_of_type_update(
    client: TestClient, supplier: dict[str, Any], supplier_side: FakeSupplier
) -> None:
    lines = (CartLine(), CartLine(offer="offer-2", request_id="req-0002"))
    approve(client, requisition(client, supplier, supplier_side, lines), "priya@acme.example")
    first_payload = supplier_side.orders[-1].payload_id

    page = client.post("/purchase-orders/6112/change", data={"quantity_1": "3", "quantity_2": "0"})

    assert "<strong>Accepted</strong> (update, version 2)" in page.text
    order = supplier_side.last_order()
    assert order.header.type is OrderType.UPDATE
    assert order.header.order_version == 2
    assert order.header.document_reference == first_payload
    [item] = order.items
    assert (item.line_number, item.quantity) == (1, 3)
    assert order.header.total.amount == Decimal("3600.00")


def test_a_bad_quantity_is_shown_next_to_its_line(
    client: TestClient, supplier: dict[str, Any], supplier_side: FakeSupplier
) -> None:
    approve(client, requisition(client, supplier, supplier_side), "priya@acme.example")

    page = client.post("/purchase-orders/6112/change", data={"quantity_1": "many"})

    assert page.status_code == 400
    assert 'aria-invalid="true"' in page.text
    assert "Enter a number." in page.text
    assert len(supplier_side.orders) == 1


def test_a_cancellation_is_sent_as_type_delete(
    client: TestClient, supplier: dict[str, Any], supplier_side: FakeSupplier
) -> None:
    approve(client, requisition(client, supplier, supplier_side), "priya@acme.example")

    page = client.post("/purchase-orders/6112/cancel")

    assert "<strong>Cancelled</strong>" in page.text
    assert "(delete, version 2)" in page.text
    order = supplier_side.last_order()
    assert order.header.type is OrderType.DELETE
    assert order.header.order_version == 2
    assert [i.item_id.supplier_part_auxiliary_id for i in order.items] == ["req-0001"]
    assert "Cancel purchase order" not in page.text
    assert client.post("/purchase-orders/6112/cancel").status_code == 409


def test_a_change_by_punchout_edits_the_cart_and_sends_the_lines_it_returns(
    client: TestClient, supplier: dict[str, Any], supplier_side: FakeSupplier
) -> None:
    approve(client, requisition(client, supplier, supplier_side), "priya@acme.example")

    opened = client.post(f"/shop/{supplier['id']}", data={"po": "6112"})

    assert "You are changing" in opened.text
    setup = supplier_side.last_setup()
    assert setup.operation is PunchOutOperation.EDIT
    assert [i.item_id.supplier_part_auxiliary_id for i in setup.items] == ["req-0001"]
    lines = (
        CartLine(unit_price=Decimal("2400.00")),
        CartLine(offer="offer-new", request_id="req-0009"),
    )
    path, fields = cart_form(setup, lines)
    client.post(path, data=fields)

    order = supplier_side.last_order()
    assert order.header.type is OrderType.UPDATE
    assert [(i.line_number, i.item_id.supplier_part_auxiliary_id) for i in order.items] == [
        (1, "req-0001"),
        (2, "req-0009"),
    ]
    assert client.get("/api/v1/purchase-orders/6112").json()["version"] == 2
