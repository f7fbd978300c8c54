"""The documents the sandbox sends validate against the official DTDs and have Coupa's
shape; the documents it reads come out as requisition and invoice lines."""

import base64
import dataclasses
import datetime as dt
import re
from decimal import Decimal

import pytest
from sandbox_support import CartLine, cart_form, dtds, invoice

import cxml
from cxml.models.envelope import DeploymentMode, Document
from cxml.models.invoice import InvoicePurpose
from cxml.models.order import OrderRequest, OrderType
from cxml.models.punchout import PunchOutOperation, PunchOutSetupRequest
from sandbox.documents.common import COUPA_USER_AGENT, without_secrets
from sandbox.documents.invoices import read_invoice
from sandbox.documents.orders import order_request
from sandbox.documents.punchout import read_cart, setup_request
from sandbox.domain import orders
from sandbox.domain.errors import InputError
from sandbox.domain.orders import PoStatus, PurchaseOrder
from sandbox.domain.people import find_user
from sandbox.domain.requisitions import Line
from sandbox.domain.suppliers import Supplier, SupplierInput, SupplierMode

NOW = dt.datetime(2025, 3, 4, 10, 0, tzinfo=dt.UTC)
DANA = find_user("dana@acme.example")
COOKIE = "0123456789abcdef0123456789abcdef"
FORM_POST = "http://127.0.0.1:8100/punchout/checkout?id=17"


def supplier(mode: SupplierMode = SupplierMode.COUPA, *, test: bool = False) -> Supplier:
    settings = SupplierInput(
        name="Software Marketplace",
        mode=mode,
        test=test,
        po_url="http://127.0.0.1:8000/cxml/orders",
        our_domain="NetworkID" if mode is SupplierMode.ARIBA else "DUNS",
        our_identity="AN01000000001" if mode is SupplierMode.ARIBA else "acme-coupa",
        supplier_domain="NetworkID",
        supplier_identity="AN01000000002",
        po_secret="po-secret",
        punchout_url="http://127.0.0.1:8000/cxml/punchout",
        punchout_domain="NetworkID",
        punchout_identity="AN01000000002",
        punchout_secret="punchout-secret",
        sender_domain="DUNS",
        sender_identity="acme-coupa",
    ).normalized()
    return Supplier(id=1, settings=settings, created_at=NOW, updated_at=NOW)


LINE = Line(
    line_number=1,
    description="Observability Cloud, annual contract",
    quantity=Decimal(1),
    unit_price=Decimal("1200.00"),
    currency="USD",
    unit_of_measure="EA",
    supplier_part_id="offer-basic-annual",
    supplier_part_auxiliary_id="req-0001",
    unspsc="81162000",
    line_type="Service",
)


def valid(document: Document) -> bytes:
    body = cxml.serialize(document)
    result = dtds().validate(body)
    assert result.valid, result.errors
    assert result.exact
    return body


def test_the_setup_request_is_shaped_like_coupas_and_valid_against_1_2_014() -> None:
    document = setup_request(
        supplier(), DANA, buyer_cookie=COOKIE, form_post_url=FORM_POST, base_url="x", now=NOW
    )
    body = valid(document)

    assert b'<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">' in body
    read = cxml.parse(body)
    request = read.payload
    assert isinstance(request, PunchOutSetupRequest)
    assert request.operation is PunchOutOperation.CREATE
    assert re.fullmatch(r"[0-9a-f]{32}", request.buyer_cookie)
    assert [e.name for e in request.extrinsics] == [
        "FirstName",
        "LastName",
        "UniqueName",
        "UserEmail",
        "User",
        "BusinessUnit",
    ]
    assert request.extrinsic("FirstName") == "Dana"
    assert request.extrinsic("UserEmail") == "dana@acme.example"
    assert request.browser_form_post_url == FORM_POST
    assert request.supplier_setup_url == "http://127.0.0.1:8000/cxml/punchout"
    [contact] = request.contacts
    assert contact.role == "endUser"
    assert contact.emails[0].address == "dana@acme.example"
    assert read.header is not None
    assert read.header.user_agent == COUPA_USER_AGENT
    assert read.header.from_.credential.identity == "acme-coupa"
    assert read.header.to.credential.identity == "AN01000000002"
    assert read.header.sender.credential.identity == "acme-coupa"
    assert read.header.sender.shared_secret == "punchout-secret"
    assert read.deployment_mode is DeploymentMode.PRODUCTION


def test_a_test_supplier_sends_deployment_mode_test() -> None:
    document = setup_request(
        supplier(test=True),
        DANA,
        buyer_cookie=COOKIE,
        form_post_url=FORM_POST,
        base_url="x",
        now=NOW,
    )

    assert b'deploymentMode="test"' in valid(document)


def test_an_ariba_style_punchout_is_level_1_through_ariba_network() -> None:
    document = setup_request(
        supplier(SupplierMode.ARIBA),
        DANA,
        buyer_cookie=COOKIE,
        form_post_url=FORM_POST,
        base_url="x",
        now=NOW,
    )
    read = cxml.parse(valid(document))

    request = read.payload
    assert isinstance(request, PunchOutSetupRequest)
    assert read.header is not None
    sender = read.header.sender.credential
    assert (sender.domain, sender.identity) == ("AribaNetworkUserId", "sysadmin@ariba.com")
    assert read.header.from_.credential.domain == "NetworkID"
    assert request.supplier_setup_url is None
    assert request.selected_item is None
    assert request.extrinsic("UserEmail") == "dana@acme.example"


def test_an_edit_setup_request_carries_the_po_lines_to_rebuild_the_cart() -> None:
    document = setup_request(
        supplier(),
        DANA,
        buyer_cookie=COOKIE,
        form_post_url=FORM_POST,
        base_url="x",
        now=NOW,
        edit_lines=(LINE,),
    )
    request = cxml.parse(valid(document)).payload

    assert isinstance(request, PunchOutSetupRequest)
    assert request.operation is PunchOutOperation.EDIT
    [item] = request.items
    assert item.item_id.supplier_part_auxiliary_id == "req-0001"
    assert item.line_number == 1


PO = PurchaseOrder(
    number=6112,
    requisition_id=3,
    supplier_id=1,
    requester_email=DANA.email,
    version=1,
    status=PoStatus.ISSUED,
    lines=(LINE, dataclasses.replace(LINE, line_number=2, supplier_part_auxiliary_id="req-2")),
    test=False,
    created_at=NOW,
    updated_at=NOW,
)


@pytest.mark.parametrize("mode", list(SupplierMode))
def test_the_purchase_order_is_a_valid_coupa_shaped_order_request(mode: SupplierMode) -> None:
    document = order_request(
        supplier(mode), PO, DANA, order_type=orders.OrderType.NEW, payload_id="p1@x", now=NOW
    )
    read = cxml.parse(valid(document))

    order = read.payload
    assert isinstance(order, OrderRequest)
    header = order.header
    assert (header.order_id, header.type, header.order_version) == ("6112", OrderType.NEW, 1)
    assert header.order_type == "regular"
    assert header.bill_to is not None
    assert header.bill_to.address_id == "BILL-01"
    assert header.ship_to is not None
    assert header.ship_to.address_id == "SHIP-0042"
    assert header.total.amount == Decimal("2400.00")
    assert header.document_reference is None
    first = order.items[0]
    assert first.line_number == 1
    assert first.item_id.supplier_part_auxiliary_id == "req-0001"
    assert first.item_detail is not None
    assert first.item_detail.extrinsic("LineType") == "Service"
    assert first.item_detail.classifications[0].value == "81162000"
    assert first.item_detail.unit_of_measure == "EA"
    assert read.header is not None
    assert read.header.sender.shared_secret == "po-secret"


@pytest.mark.parametrize("order_type", [orders.OrderType.UPDATE, orders.OrderType.DELETE])
def test_changes_and_cancellations_name_the_previous_order_request(
    order_type: orders.OrderType,
) -> None:
    version_2 = dataclasses.replace(PO, version=2)
    document = order_request(
        supplier(),
        version_2,
        DANA,
        order_type=order_type,
        payload_id="p2@x",
        now=NOW,
        previous_payload_id="p1@x",
    )
    order = cxml.parse(valid(document)).payload

    assert isinstance(order, OrderRequest)
    assert order.header.type.value == order_type.value
    assert order.header.order_version == 2
    assert order.header.document_reference == "p1@x"


def test_stored_copies_carry_no_shared_secret() -> None:
    document = order_request(
        supplier(), PO, DANA, order_type=orders.OrderType.NEW, payload_id="p1@x", now=NOW
    )

    stored = without_secrets(document)

    assert "po-secret" not in stored
    assert "SharedSecret" not in stored
    assert "<Identity>acme-coupa</Identity>" in stored


@pytest.mark.parametrize("field_name", ["cxml-urlencoded", "cXML-base64"])
def test_a_returned_cart_becomes_requisition_lines(field_name: str) -> None:
    setup = PunchOutSetupRequest(
        operation=PunchOutOperation.CREATE, buyer_cookie=COOKIE, browser_form_post_url=FORM_POST
    )
    lines = (
        CartLine(),
        CartLine(
            offer="offer-payg",
            request_id="req-0002",
            quantity=Decimal(100000),
            unit_price=Decimal("0.01"),
            unspsc="43232701",
            line_type="Material",
            description="Données & métriques",
        ),
    )
    _, fields = cart_form(setup, lines, field_name=field_name)

    cart = read_cart(fields)

    assert cart.buyer_cookie == COOKIE
    assert cart.operation_allowed == "edit"
    assert cart.total == Decimal("2200.00")
    second = cart.lines[1]
    assert second.line_number == 2
    assert second.description == "Données & métriques"
    assert (second.supplier_part_id, second.supplier_part_auxiliary_id) == (
        "offer-payg",
        "req-0002",
    )
    assert (second.unspsc, second.line_type, second.quantity) == (
        "43232701",
        "Material",
        Decimal(100000),
    )


def test_a_form_without_a_cart_is_refused() -> None:
    with pytest.raises(cxml.CxmlError, match="no cXML-urlencoded"):
        read_cart({"something": "else"})
    body = cxml.serialize(cxml.status_response(200))
    with pytest.raises(InputError, match="not a PunchOutOrderMessage"):
        read_cart({"cxml-base64": base64.b64encode(body).decode()})


def test_an_invoice_is_read_with_its_po_references() -> None:
    body = invoice(
        6112,
        ((1, Decimal(1), Decimal("1200.00")), (2, Decimal("0.5"), Decimal("100"))),
        purpose=InvoicePurpose.CREDIT_MEMO,
    )

    read = read_invoice(cxml.parse(body))

    assert read.invoice_number == "INV-000001"
    assert read.purpose == "creditMemo"
    assert not read.delete
    assert read.references == (("6112", 1), ("6112", 2))
    assert [line.amount for line in read.lines] == [Decimal("1200.00"), Decimal("50.0")]
    assert read.total == Decimal("1250.00")
