"""The whole flow headless, through ``sandbox.client.SandboxClient`` (HTTP only)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sandbox_support import SECRET, CartLine, FakeSupplier, cart_form, invoice, purchase_information

from sandbox.client import SandboxClient, SandboxClientError


@pytest.fixture
def api(client: TestClient) -> Iterator[SandboxClient]:
    """The client over the app (the TestClient is an httpx client of its own)."""

    def forward(request: httpx.Request) -> httpx.Response:
        answer = client.request(
            request.method,
            request.url.raw_path.decode(),
            content=request.content,
            headers={"content-type": request.headers.get("content-type", "")},
        )
        return httpx.Response(answer.status_code, content=answer.content, headers=answer.headers)

    with SandboxClient("http://sandbox.test", transport=httpx.MockTransport(forward)) as found:
        yield found


def test_punchout_to_invoice_headless(
    api: SandboxClient, client: TestClient, supplier_side: FakeSupplier
) -> None:
    supplier = api.configure_supplier("Software Marketplace", purchase_information(), secret=SECRET)
    assert supplier["invoice_url"] == "http://sandbox.test/cxml/invoices"

    session = api.start_punchout(supplier["id"])
    assert session["start_page_url"].startswith("https://market.example/punchout/start/")
    assert (
        session["browser_form_post_url"]
        == f"http://sandbox.test/punchout/checkout?id={session['id']}"
    )
    path, fields = cart_form(supplier_side.last_setup(), (CartLine(unit_price=Decimal(12000)),))
    client.post(path, data=fields)  # what the browser does

    requisition_id = api.wait_for_requisition(session["id"])
    assert api.submit(requisition_id)["current_approver"] == "priya@acme.example"
    po = api.approve_all(requisition_id)

    assert (po["number"], po["outcome"], po["status_code"]) == (6112, "accepted", 200)
    approvals = api.requisition(requisition_id)["approvals"]
    assert [a["approver"] for a in approvals] == ["priya@acme.example", "sam@acme.example"]

    client.post("/cxml/invoices", content=invoice(6112, ((1, Decimal(1), Decimal(12000)),)))
    found = api.wait_for_invoice(6112, timeout=1)
    assert found["matched"]
    assert found["total"] == "12000"

    changed = api.change(6112, {1: 2})
    assert (changed["version"], changed["transmissions"][-1]["type"]) == (2, "update")
    cancelled = api.cancel(6112)
    assert (cancelled["status"], cancelled["transmissions"][-1]["type"]) == ("cancelled", "delete")


def test_api_errors_raise_with_the_sandboxs_message(
    api: SandboxClient, supplier_side: FakeSupplier
) -> None:
    with pytest.raises(SandboxClientError, match=r"There is no supplier 5\.") as missing:
        api.start_punchout(5)
    assert missing.value.status == 404

    supplier = api.configure_supplier("Software Marketplace", purchase_information(), secret=SECRET)
    supplier_side.setup_status = 401
    with pytest.raises(SandboxClientError, match="Setup request failed: 401 Unauthorized"):
        api.start_punchout(supplier["id"])
    with pytest.raises(SandboxClientError, match="no user"):
        api.start_punchout(supplier["id"], user="nobody@example.com")


def test_invalid_json_bodies_get_a_json_error(client: TestClient) -> None:
    response = client.post("/api/v1/punchouts", json={"supplier_id": "one"})

    body: dict[str, Any] = response.json()
    assert response.status_code == 400
    assert body["error"]["code"] == "invalid"
    assert "supplier_id" in body["error"]["fields"]
