"""The invoice inbox answers like Coupa's (a cXML Status) and matches invoices to PO lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sandbox_support import SECRET, CartLine, FakeSupplier, cart_form, invoice

import cxml
from cxml.models.invoice import InvoiceOperation, InvoicePurpose

ONE = ((1, Decimal(1), Decimal("1200.00")),)


@pytest.fixture
def po_number(client: TestClient, supplier: dict[str, Any], supplier_side: FakeSupplier) -> int:
    """PO 6112: line 1 is 1 at 1,200.00 USD, line 2 is 2 at 50.00."""
    session = client.post("/api/v1/punchouts", json={"supplier_id": supplier["id"]}).json()
    lines = (
        CartLine(),
        CartLine(offer="o2", request_id="req-2", quantity=Decimal(2), unit_price=Decimal(50)),
    )
    path, fields = cart_form(supplier_side.last_setup(), lines)
    client.post(path, data=fields)
    requisition_id = client.get(f"/api/v1/punchouts/{session['id']}").json()["requisition_id"]
    client.post(f"/api/v1/requisitions/{requisition_id}/submit")
    decided = client.post(f"/api/v1/requisitions/{requisition_id}/approve").json()
    return int(decided["purchase_order"]["number"])


def post(client: TestClient, body: bytes) -> tuple[int, int, str]:
    """HTTP status, cXML status code and text of the inbox's answer."""
    response = client.post("/cxml/invoices", content=body, headers={"Content-Type": "text/xml"})
    assert response.headers["content-type"].startswith("text/xml")
    status = cxml.parse(response.content).status
    assert status is not None
    return response.status_code, status.code, status.detail


def test_an_invoice_for_a_po_line_is_accepted_and_matched(
    client: TestClient, po_number: int
) -> None:
    assert post(client, invoice(po_number, ONE)) == (
        200,
        200,
        "Invoice INV-000001 received for PO 6112.",
    )

    [item] = client.get("/api/v1/invoices").json()["items"]
    assert (item["invoice_number"], item["po_numbers"], item["matched"]) == (
        "INV-000001",
        [6112],
        True,
    )
    assert item["lines"][0]["po_line_amount"] == "1200.00"
    client.post("/sign-in", data={"email": "dana@acme.example", "next": "/"})
    page = client.get("/invoices").text
    assert 'href="/invoices/1">INV-000001</a>' in page
    assert '<span class="status-ok">Matched</span>' in page
    assert "Invoice INV-000001 received for PO 6112." in page  # the inbox log


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"secret": "wrong"}, 401),
        ({"supplier": ("NetworkID", "SOMEONE-ELSE")}, 401),
        ({"buyer": ("DUNS", "another-buyer")}, 401),
    ],
)
def test_credentials_that_match_no_supplier_get_401(
    client: TestClient, po_number: int, changes: dict[str, Any], code: int
) -> None:
    assert post(client, invoice(po_number, ONE, **changes)) == (401, 401, "Invalid credentials.")
    assert client.get("/api/v1/invoices").json()["items"] == []


def test_a_supplier_not_allowed_to_invoice_gets_403(
    client: TestClient, po_number: int, supplier: dict[str, Any]
) -> None:
    from sandbox_support import purchase_information

    client.post(
        "/api/v1/suppliers",
        json={
            "name": supplier["name"],
            "purchase_information": purchase_information(),
            "shared_secret": SECRET,
            "allow_invoicing": False,
        },
    )

    http, code, text = post(client, invoice(po_number, ONE))

    assert (http, code) == (403, 403)
    assert text == "cXML invoicing is not allowed for supplier Software Marketplace."


def test_a_document_the_dtd_refuses_gets_406_with_the_dtd_error(
    client: TestClient, po_number: int
) -> None:
    body = invoice(po_number, ONE).replace(
        b"<InvoiceDetailSummary>", b"<Bogus/><InvoiceDetailSummary>"
    )

    http, code, text = post(client, body)

    assert (http, code) == (406, 406)
    assert "Did not validate with InvoiceDetail.dtd 1.2.020" in text
    assert "Bogus" in text


def test_unreadable_xml_gets_406(client: TestClient) -> None:
    http, code, text = post(client, b"<cXML><Header>")

    assert (http, code) == (406, 406)
    assert text.startswith("Could not parse cXML: not well-formed XML")


def test_another_document_type_gets_450(client: TestClient) -> None:
    http, code, _ = post(client, cxml.serialize(cxml.status_response(200)))

    assert (http, code) == (400, 450)


@pytest.mark.parametrize(
    ("po", "lines", "text"),
    [
        ("9999", ONE, "There is no purchase order '9999' from this supplier."),
        ("PO-6112", ONE, "There is no purchase order 'PO-6112' from this supplier."),
        (None, ((3, Decimal(1), Decimal(1)),), "Purchase order 6112 has no line 3."),
    ],
)
def test_an_unknown_po_or_po_line_gets_417(
    client: TestClient, po_number: int, po: str | None, lines: Any, text: str
) -> None:
    assert post(client, invoice(po or po_number, lines)) == (417, 417, text)


def test_the_same_invoice_number_again_gets_409_and_a_retry_the_first_answer(
    client: TestClient, po_number: int
) -> None:
    first = invoice(po_number, ONE, payload_id="inv-1@market.example")
    assert post(client, first)[1] == 200

    assert post(client, first) == (200, 200, "Invoice INV-000001 received for PO 6112.")
    assert post(client, invoice(po_number, ONE))[:2] == (409, 409)
    assert len(client.get("/api/v1/invoices").json()["items"]) == 1


def test_over_billing_and_a_cancelled_po_are_shown_as_mismatches(
    client: TestClient, po_number: int
) -> None:
    post(client, invoice(po_number, ONE, number="INV-1"))
    post(client, invoice(po_number, ((1, Decimal(1), Decimal("300.00")),), number="INV-2"))
    client.post(f"/api/v1/purchase-orders/{po_number}/cancel")
    post(client, invoice(po_number, ((2, Decimal(2), Decimal(50)),), number="INV-3"))

    by_number = {i["invoice_number"]: i for i in client.get("/api/v1/invoices").json()["items"]}

    assert by_number["INV-1"]["matched"]
    assert by_number["INV-2"]["problems"] == [
        "Line 1: Over-billed: 1500.00 billed to date against 1200.00 ordered."
    ]
    assert by_number["INV-3"]["problems"] == ["Line 1: PO 6112 was cancelled before this invoice."]
    client.post("/sign-in", data={"email": "dana@acme.example", "next": "/"})
    page = client.get(f"/invoices/{by_number['INV-2']['id']}").text
    assert "<h2>Mismatches</h2>" in page
    assert "Over-billed" in page


def test_a_credit_memo_for_a_cancelled_po_is_expected(client: TestClient, po_number: int) -> None:
    post(client, invoice(po_number, ONE, number="INV-1"))
    client.post(f"/api/v1/purchase-orders/{po_number}/cancel")

    answer = post(
        client,
        invoice(
            po_number,
            ((1, Decimal(-1), Decimal("1200.00")),),
            number="CM-1",
            purpose=InvoicePurpose.CREDIT_MEMO,
        ),
    )

    assert answer == (200, 200, "Credit memo CM-1 received for PO 6112.")
    credit = next(i for i in client.get("/api/v1/invoices").json()["items"] if i["credit"])
    assert credit["matched"]
    assert credit["lines"][0]["billed_to_date"] == "0.00"


def test_a_supplier_cancels_its_invoice_with_operation_delete(
    client: TestClient, po_number: int
) -> None:
    post(client, invoice(po_number, ONE))

    answer = post(client, invoice(po_number, ONE, operation=InvoiceOperation.DELETE))
    unknown = post(
        client, invoice(po_number, ONE, number="NOPE", operation=InvoiceOperation.DELETE)
    )

    assert answer == (200, 200, "Invoice INV-000001 cancelled.")
    assert unknown[:2] == (417, 417)
    [item] = client.get("/api/v1/invoices").json()["items"]
    assert item["cancelled"]


def test_a_get_is_answered_in_cxml(client: TestClient) -> None:
    response = client.get("/cxml/invoices")

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert b'<Status code="405"' in response.content
