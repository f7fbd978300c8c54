"""The serializer is strict: a document it cannot emit validly is a CxmlError(500), not bad XML."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import cxml_builders as builders
import pytest
from lxml import etree

import cxml


def _refused(doc: cxml.Document, *, version: str | None = None) -> cxml.CxmlError:
    with pytest.raises(cxml.CxmlError) as caught:
        cxml.serialize(doc, version=version)
    assert caught.value.status_code == 500, caught.value.message
    return caught.value


def _order(**header_changes: object) -> cxml.Document:
    doc = builders.order_request_new()
    assert isinstance(doc.payload, cxml.OrderRequest)
    header = dataclasses.replace(doc.payload.header, **header_changes)
    return dataclasses.replace(doc, payload=dataclasses.replace(doc.payload, header=header))


def _cart(*items: cxml.ItemIn, header: cxml.Header | None = None) -> cxml.Document:
    doc = builders.punchout_order_message()
    assert isinstance(doc.payload, cxml.PunchOutOrderMessage)
    payload = dataclasses.replace(doc.payload, items=items) if items else doc.payload
    return dataclasses.replace(doc, payload=payload, header=header or doc.header)


def _first_cart_line() -> cxml.ItemIn:
    doc = builders.punchout_order_message()
    assert isinstance(doc.payload, cxml.PunchOutOrderMessage)
    return doc.payload.items[0]


# --- refusals -----------------------------------------------------------------------------


def test_a_naive_document_timestamp_is_refused_with_500() -> None:
    doc = dataclasses.replace(builders.profile_request(), timestamp=dt.datetime(2025, 3, 3, 9))
    assert "time zone" in _refused(doc).message


def test_a_naive_date_time_deep_inside_a_document_is_refused_with_500() -> None:
    _refused(_order(order_date=dt.datetime(2025, 3, 4, 7, 59)))
    invoice = builders.invoice_standard()
    assert isinstance(invoice.payload, cxml.InvoiceDetailRequest)
    naive_period = cxml.Period(dt.datetime(2025, 3, 1), dt.datetime(2025, 3, 31))
    header = dataclasses.replace(invoice.payload.header, period=naive_period)
    _refused(
        dataclasses.replace(invoice, payload=dataclasses.replace(invoice.payload, header=header))
    )
    order = builders.order_request_new()
    assert isinstance(order.payload, cxml.OrderRequest)
    line = dataclasses.replace(
        order.payload.items[0], requested_delivery_date=dt.datetime(2025, 4, 1, 9, 0)
    )
    _refused(dataclasses.replace(order, payload=dataclasses.replace(order.payload, items=(line,))))


def test_an_order_without_bill_to_is_refused_with_500() -> None:
    assert "BillTo" in _refused(_order(bill_to=None)).message


def test_an_order_without_lines_is_refused_with_500() -> None:
    doc = builders.order_request_new()
    assert isinstance(doc.payload, cxml.OrderRequest)
    _refused(dataclasses.replace(doc, payload=dataclasses.replace(doc.payload, items=())))


def test_an_item_detail_without_classification_is_refused_with_500() -> None:
    line = _first_cart_line()
    detail = dataclasses.replace(line.item_detail, classifications=())
    error = _refused(_cart(dataclasses.replace(line, item_detail=detail)))
    assert "Classification" in error.message


def test_an_item_detail_without_description_is_refused_with_500() -> None:
    line = _first_cart_line()
    detail = dataclasses.replace(line.item_detail, descriptions=())
    _refused(_cart(dataclasses.replace(line, item_detail=detail)))


@pytest.mark.parametrize("party", ["from_", "to", "sender"])
def test_a_shared_secret_in_a_punchout_order_message_header_is_refused_with_500(
    party: str,
) -> None:
    header = builders.message_header()
    leaked = cxml.Party.of("DUNS", "123456789", "must-not-travel-through-the-browser")
    error = _refused(_cart(header=dataclasses.replace(header, **{party: leaked})))
    assert "SharedSecret" in error.message
    assert "must-not-travel" not in error.message


def test_a_request_carrying_a_status_is_refused_with_500() -> None:
    doc = dataclasses.replace(builders.order_request_new(), status=cxml.Status.of(200))
    assert "Status" in _refused(doc).message


def test_a_response_without_a_status_is_refused_with_500() -> None:
    _refused(dataclasses.replace(builders.punchout_setup_response(), status=None))
    _refused(dataclasses.replace(builders.bare_response(), status=None))


def test_a_request_or_message_without_a_header_is_refused_with_500() -> None:
    _refused(dataclasses.replace(builders.order_request_new(), header=None))
    _refused(dataclasses.replace(builders.punchout_order_message(), header=None))


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_a_non_finite_amount_is_refused_with_500(amount: str) -> None:
    _refused(_order(total=cxml.Money(Decimal(amount), "USD")))


@pytest.mark.parametrize("version", ["1.2", "1.2.14", "1.2.0.14", "2.0.000", "", "1.2.014 "])
def test_a_version_that_is_not_1_2_xxx_is_refused_with_500(version: str) -> None:
    if version == "":
        # An empty override falls back to the document's own version.
        assert cxml.serialize(builders.profile_request(), version=version)
        _refused(dataclasses.replace(builders.profile_request(), version=" "))
        return
    _refused(builders.profile_request(), version=version)


# --- text and numbers ---------------------------------------------------------------------


def test_control_characters_are_dropped_from_text_and_attributes() -> None:
    dirty = "Über\x00wach\x01ung\x08 \x0b—\x0c 監\x0e視\x1f\ufffe\uffff"
    line = _first_cart_line()
    detail = dataclasses.replace(
        line.item_detail,
        descriptions=(cxml.Description(dirty, "en-US"),),
        extrinsics=(cxml.Extrinsic("Line\x07Type", "Con\x1btract"),),
    )
    data = cxml.serialize(_cart(dataclasses.replace(line, item_detail=detail)))
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", data)
    assert b"&#" not in data  # dropped, not escaped as character references
    back = cxml.parse(data)
    assert isinstance(back.payload, cxml.PunchOutOrderMessage)
    back_detail = back.payload.items[0].item_detail
    assert back_detail.description == "Überwachung — 監視"
    assert back_detail.extrinsics == (cxml.Extrinsic("LineType", "Contract"),)


def test_tabs_and_line_breaks_in_text_are_kept() -> None:
    comments = cxml.Comments("first line\n\tsecond line\r\nthird", "en")
    data = cxml.serialize(_order(comments=comments))
    back = cxml.parse(data)
    assert isinstance(back.payload, cxml.OrderRequest)
    assert back.payload.header.comments == comments


def test_markup_characters_are_escaped_not_dropped() -> None:
    comments = cxml.Comments('Use <b>bold</b> & "quotes" ]]> here', "en")
    back = cxml.parse(cxml.serialize(_order(comments=comments)))
    assert isinstance(back.payload, cxml.OrderRequest)
    assert back.payload.header.comments == comments


def test_non_ascii_text_is_written_as_utf8_bytes() -> None:
    data = cxml.serialize(builders.punchout_order_message())
    assert "Überwachung — 監視".encode() in data
    assert b"&#" not in data


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        ("1E+2", "100"),
        ("2.50E+3", "2500"),
        ("5E-7", "0.0000005"),
        ("-1.0E+1", "-10"),
        ("0E-8", "0.00000000"),
        ("1200.00", "1200.00"),
    ],
)
def test_decimals_are_written_in_plain_notation(amount: str, written: str) -> None:
    value = Decimal(amount)
    line = _first_cart_line()
    detail = dataclasses.replace(line.item_detail, unit_price=cxml.Money(value, "USD"))
    cart = _cart(dataclasses.replace(line, quantity=value, item_detail=detail))
    root = etree.fromstring(cxml.serialize(cart))
    item = root.find("Message/PunchOutOrderMessage/ItemIn")
    assert item.get("quantity") == written
    assert item.findtext("ItemDetail/UnitPrice/Money") == written


def test_no_number_anywhere_is_written_in_exponent_notation() -> None:
    order = builders.order_request(lines=6)
    assert isinstance(order.payload, cxml.OrderRequest)
    scaled = tuple(
        dataclasses.replace(item, quantity=item.quantity * Decimal("1E+3"))
        for item in order.payload.items
    )
    doc = dataclasses.replace(order, payload=dataclasses.replace(order.payload, items=scaled))
    root = etree.fromstring(cxml.serialize(doc))
    numbers = [m.text for m in root.iter("Money")] + [
        i.get("quantity") for i in root.iter("ItemOut")
    ]
    assert numbers
    assert not [n for n in numbers if n is None or "E" in n.upper()]


def test_date_times_are_written_with_numeric_offsets_never_z() -> None:
    doc = dataclasses.replace(
        builders.bare_response(), timestamp=dt.datetime(2025, 3, 4, 16, 0, 1, tzinfo=dt.UTC)
    )
    root = etree.fromstring(cxml.serialize(doc))
    assert root.get("timestamp") == "2025-03-04T16:00:01+00:00"
    data = cxml.serialize(builders.profile_response())
    for stamp in re.findall(rb'(?:timestamp|effectiveDate|lastRefresh)="([^"]+)"', data):
        assert re.fullmatch(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d", stamp)


def test_serializing_twice_gives_identical_bytes() -> None:
    for build in builders.ALL.values():
        assert cxml.serialize(build()) == cxml.serialize(build())


# --- versions -----------------------------------------------------------------------------


def test_the_version_argument_overrides_the_doctype_and_the_version_attribute() -> None:
    doc = builders.order_request_new()
    assert doc.version == "1.2.014"
    data = cxml.serialize(doc, version="1.2.063")
    assert data.splitlines()[1] == (
        b'<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd">'
    )
    assert etree.fromstring(data).get("version") == "1.2.063"
    assert doc.version == "1.2.014"
    assert cxml.parse(data).version == "1.2.063"


def test_without_an_override_the_documents_own_version_is_used() -> None:
    doc = dataclasses.replace(builders.confirmation_request(), version="1.2.063")
    data = cxml.serialize(doc)
    assert b"/1.2.063/Fulfill.dtd" in data.splitlines()[1]
    assert etree.fromstring(data).get("version") == "1.2.063"
    assert cxml.serialize(doc, version="1.2.063") == data


@pytest.mark.parametrize(
    ("name", "version", "dtd_file"),
    [
        ("profile_request", "1.2.014", "cXML.dtd"),
        ("punchout_order_message", "1.2.014", "cXML.dtd"),
        ("order_request_new", "1.2.014", "cXML.dtd"),
        ("bare_response", "1.2.014", "cXML.dtd"),
        ("confirmation_request", "1.2.050", "Fulfill.dtd"),
        ("invoice_standard", "1.2.020", "InvoiceDetail.dtd"),
    ],
)
def test_each_document_type_has_its_default_version_and_dtd_file(
    name: str, version: str, dtd_file: str
) -> None:
    doc = builders.ALL[name]()
    assert doc.version == version
    assert cxml.doctype_url(version, dtd_file).encode() in cxml.serialize(doc).splitlines()[1]


# --- element order ------------------------------------------------------------------------


def _content_names(node: etree._DTDElementContentDecl | None) -> list[str]:
    """The element names of a content model, in the order the model lists them."""
    if node is None:
        return []
    own = [node.name] if node.type == "element" else []
    return own + _content_names(node.left) + _content_names(node.right)


def _declared_children(dtd: etree.DTD, element: str) -> list[str]:
    """The child element names the DTD declares for ``element``, in content-model order."""
    for declaration in dtd.iterelements():
        if declaration.name == element:
            return _content_names(declaration.content)
    raise AssertionError(f"{element} is not declared")


def _full_order() -> cxml.Document:
    """An order whose header fills every field the model has (DocumentReference included)."""
    return _order(type=cxml.OrderType.UPDATE, document_reference="1741099999.1.x@buyer.example")


def _full_setup_request() -> cxml.Document:
    create = builders.punchout_setup_request_create()
    edit = builders.punchout_setup_request_edit()
    assert isinstance(create.payload, cxml.PunchOutSetupRequest)
    assert isinstance(edit.payload, cxml.PunchOutSetupRequest)
    payload = dataclasses.replace(
        create.payload, selected_item=edit.payload.selected_item, items=edit.payload.items
    )
    return dataclasses.replace(create, payload=payload)


ORDER_HEADER_1_2_014 = [
    "Total",
    "ShipTo",
    "BillTo",
    "Shipping",
    "Tax",
    "PaymentTerm",
    "PaymentTerm",
    "Contact",
    "Comments",
    "DocumentReference",
    "Extrinsic",
    "Extrinsic",
]


def test_order_request_header_children_follow_the_1_2_014_content_model(
    dtd_catalog: cxml.DtdCatalog,
) -> None:
    dtd = etree.DTD(str(dtd_catalog.path_for("1.2.014", "cXML.dtd")))
    declared = _declared_children(dtd, "OrderRequestHeader")
    header = etree.fromstring(cxml.serialize(_full_order())).find(
        "Request/OrderRequest/OrderRequestHeader"
    )
    written = [child.tag for child in header]
    assert written == ORDER_HEADER_1_2_014
    positions = [declared.index(tag) for tag in written]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("build", "version", "dtd_file", "elements"),
    [
        (
            _full_order,
            "1.2.014",
            "cXML.dtd",
            ("OrderRequestHeader", "ItemOut", "ItemDetail", "Address", "Contact", "PostalAddress"),
        ),
        (
            _full_order,
            "1.2.063",
            "cXML.dtd",
            ("OrderRequestHeader", "ItemOut", "ItemDetail", "Tax", "TaxDetail"),
        ),
        (_full_setup_request, "1.2.014", "cXML.dtd", ("PunchOutSetupRequest", "TelephoneNumber")),
        (
            builders.punchout_order_message,
            "1.2.014",
            "cXML.dtd",
            ("PunchOutOrderMessage", "PunchOutOrderMessageHeader", "ItemIn"),
        ),
        (
            builders.invoice_standard,
            "1.2.020",
            "InvoiceDetail.dtd",
            (
                "InvoiceDetailRequestHeader",
                "InvoiceDetailItem",
                "InvoiceDetailItemReference",
                "InvoiceDetailSummary",
            ),
        ),
        (
            builders.confirmation_request,
            "1.2.050",
            "Fulfill.dtd",
            ("ConfirmationRequest", "ConfirmationHeader", "ConfirmationStatus"),
        ),
    ],
)
def test_children_are_written_in_the_dtd_order_of_their_version(
    dtd_catalog: cxml.DtdCatalog,
    build: object,
    version: str,
    dtd_file: str,
    elements: tuple[str, ...],
) -> None:
    assert callable(build)
    dtd = etree.DTD(str(dtd_catalog.path_for(version, dtd_file)))
    root = etree.fromstring(cxml.serialize(build(), version=version))
    for element in elements:
        declared = _declared_children(dtd, element)
        found = list(root.iter(element))
        assert found, f"the document has no {element}"
        for node in found:
            written = [child.tag for child in node if isinstance(child.tag, str)]
            positions = [declared.index(tag) for tag in written]
            assert positions == sorted(positions), f"{element}: {written}"
