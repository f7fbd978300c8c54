"""Readers for each payload this library understands, keyed by element name."""

from __future__ import annotations

from collections.abc import Callable

from cxml.models.common import (
    Description,
    Extrinsic,
    ItemID,
    ItemOut,
    Money,
    Tax,
)
from cxml.models.envelope import Payload, Status
from cxml.models.fulfill import (
    ConfirmationHeader,
    ConfirmationItem,
    ConfirmationOperation,
    ConfirmationRequest,
    ConfirmationStatus,
    ConfirmationStatusType,
    ConfirmationType,
)
from cxml.models.invoice import (
    InvoiceDetailItem,
    InvoiceDetailItemReference,
    InvoiceDetailOrder,
    InvoiceDetailRequest,
    InvoiceDetailRequestHeader,
    InvoiceDetailSummary,
    InvoiceOperation,
    InvoicePurpose,
    Period,
)
from cxml.models.order import OrderRequest, OrderRequestHeader, OrderType
from cxml.models.profile import Option, ProfileRequest, ProfileResponse, Transaction
from cxml.models.punchout import (
    ItemIn,
    PunchOutOperation,
    PunchOutOrderMessage,
    PunchOutOrderMessageHeader,
    PunchOutSetupRequest,
    PunchOutSetupResponse,
)
from cxml.models.status_update import StatusUpdateRequest
from cxml.reading._fast import constructor
from cxml.reading._xml import (
    Element,
    attr,
    child_text,
    children,
    datetime_attr,
    decimal,
    enum_attr,
    fail,
    first,
    integer,
    opt_attr,
    opt_datetime_attr,
    opt_integer,
    opt_lang,
    required,
    tag_name,
    text,
)
from cxml.reading.common import (
    opt_shipping,
    opt_tax,
    opt_wrapped_address,
    opt_wrapped_money,
    read_comment_elements,
    read_comments,
    read_contact,
    read_description,
    read_document_reference,
    read_extrinsic,
    read_extrinsics,
    read_item_id,
    read_item_out,
    read_order_reference,
    read_payment_terms,
    read_quantity,
    read_tax,
    read_wrapped_address,
    read_wrapped_money,
)

__all__ = ["READERS", "read_status"]

_item_in = constructor(ItemIn)
_invoice_item = constructor(InvoiceDetailItem)
_invoice_item_reference = constructor(InvoiceDetailItemReference)
_order_request_header = constructor(OrderRequestHeader)
_order_request = constructor(OrderRequest)
_invoice_header = constructor(InvoiceDetailRequestHeader)
_invoice_order = constructor(InvoiceDetailOrder)
_invoice_request = constructor(InvoiceDetailRequest)
_invoice_summary = constructor(InvoiceDetailSummary)


def read_status(element: Element) -> Status:
    """``Status``: a numeric code, its text and the detail in the element's content."""
    code = integer(element, attr(element, "code"), "code")
    return Status(code, (element.get("text") or "").strip(), text(element), opt_lang(element))


def _url(element: Element) -> str:
    url = child_text(children(element), "URL")
    if not url:
        fail(element, f"{tag_name(element)} lacks the required URL element")
    return url


def _options(element: Element) -> tuple[Option, ...]:
    return tuple(Option(attr(o, "name"), text(o)) for o in children(element).get("Option", ()))


def read_profile_request(element: Element) -> ProfileRequest:
    """``ProfileRequest`` (empty)."""
    return ProfileRequest()


def read_profile_response(element: Element) -> ProfileResponse:
    """``ProfileResponse``."""
    kids = children(element)
    transactions = tuple(
        Transaction(attr(t, "requestName"), _url(t), _options(t))
        for t in kids.get("Transaction", ())
    )
    return ProfileResponse(
        effective_date=datetime_attr(element, "effectiveDate"),
        transactions=transactions,
        last_refresh=opt_datetime_attr(element, "lastRefresh"),
        options=_options(element),
    )


def read_punch_out_setup_request(element: Element) -> PunchOutSetupRequest:
    """``PunchOutSetupRequest``; the BuyerCookie is kept byte for byte."""
    kids = children(element)
    cookie = required(element, kids, "BuyerCookie")
    form_post = first(kids, "BrowserFormPost")
    supplier_setup = first(kids, "SupplierSetup")
    selected = first(kids, "SelectedItem")
    return PunchOutSetupRequest(
        operation=enum_attr(element, "operation", PunchOutOperation),
        buyer_cookie="".join(cookie.itertext()),
        extrinsics=read_extrinsics(kids),
        browser_form_post_url=_url(form_post) if form_post is not None else None,
        contacts=tuple(read_contact(c) for c in kids.get("Contact", ())),
        supplier_setup_url=_url(supplier_setup) if supplier_setup is not None else None,
        ship_to=opt_wrapped_address(kids, "ShipTo"),
        selected_item=(
            read_item_id(required(selected, children(selected), "ItemID"))
            if selected is not None
            else None
        ),
        items=tuple(read_item_out(i) for i in kids.get("ItemOut", ())),
    )


def read_punch_out_setup_response(element: Element) -> PunchOutSetupResponse:
    """``PunchOutSetupResponse``."""
    return PunchOutSetupResponse(_url(required(element, children(element), "StartPage")))


def _read_item_in(element: Element) -> ItemIn:
    # An ItemIn holds a subset of what an ItemOut holds, under the same names.
    line = read_item_out(element)
    if line.item_detail is None:
        fail(element, "ItemIn lacks the required ItemDetail element")
    return _item_in(
        line.quantity,
        line.item_id,
        line.item_detail,
        line.line_number,
        line.ship_to,
        line.shipping,
        line.tax,
    )


def read_punch_out_order_message(element: Element) -> PunchOutOrderMessage:
    """``PunchOutOrderMessage``."""
    kids = children(element)
    header = required(element, kids, "PunchOutOrderMessageHeader")
    header_kids = children(header)
    return PunchOutOrderMessage(
        buyer_cookie="".join(required(element, kids, "BuyerCookie").itertext()),
        header=PunchOutOrderMessageHeader(
            operation_allowed=enum_attr(header, "operationAllowed", PunchOutOperation),
            total=read_wrapped_money(required(header, header_kids, "Total")),
            ship_to=opt_wrapped_address(header_kids, "ShipTo"),
            shipping=opt_shipping(header_kids),
            tax=opt_tax(header_kids),
            quote_status=opt_attr(header, "quoteStatus"),
        ),
        items=tuple(_read_item_in(i) for i in kids.get("ItemIn", ())),
    )


def read_order_request(element: Element) -> OrderRequest:
    """``OrderRequest``."""
    header: Element | None = None
    items: list[ItemOut] = []
    for child in element.getchildren():
        tag = child.tag
        if tag == "ItemOut":
            items.append(read_item_out(child))
        elif tag == "OrderRequestHeader":
            header = child
    if header is None:
        fail(element, "OrderRequest lacks the required OrderRequestHeader element")
    if not items:
        fail(element, "OrderRequest has no ItemOut lines")
    return _order_request(_read_order_request_header(header), tuple(items))


def _read_order_request_header(header: Element) -> OrderRequestHeader:
    hk = children(header)
    bill_to = first(hk, "BillTo")
    return _order_request_header(
        order_id=attr(header, "orderID"),
        order_date=datetime_attr(header, "orderDate"),
        total=read_wrapped_money(required(header, hk, "Total")),
        bill_to=read_wrapped_address(bill_to) if bill_to is not None else None,
        type=enum_attr(header, "type", OrderType, OrderType.NEW),
        order_version=opt_integer(header, "orderVersion"),
        order_type=opt_attr(header, "orderType"),
        requisition_id=opt_attr(header, "requisitionID"),
        ship_to=opt_wrapped_address(hk, "ShipTo"),
        shipping=opt_shipping(hk),
        tax=opt_tax(hk),
        payment_terms=read_payment_terms(hk),
        contacts=tuple(read_contact(c) for c in hk.get("Contact", ())),
        comments=read_comments(hk),
        document_reference=read_document_reference(hk),
        extrinsics=read_extrinsics(hk),
    )


def read_status_update_request(element: Element) -> StatusUpdateRequest:
    """``StatusUpdateRequest``."""
    kids = children(element)
    return StatusUpdateRequest(
        status=read_status(required(element, kids, "Status")),
        document_reference=read_document_reference(kids),
        extrinsics=read_extrinsics(kids),
    )


def _read_confirmation_status(element: Element) -> ConfirmationStatus:
    kids = children(element)
    return ConfirmationStatus(
        type=enum_attr(element, "type", ConfirmationStatusType),
        quantity=decimal(element, attr(element, "quantity"), "quantity"),
        unit_of_measure=text(required(element, kids, "UnitOfMeasure")),
        shipment_date=opt_datetime_attr(element, "shipmentDate"),
        delivery_date=opt_datetime_attr(element, "deliveryDate"),
        unit_price=opt_wrapped_money(kids, "UnitPrice"),
        comments=read_comments(kids),
    )


def _read_confirmation_item(element: Element) -> ConfirmationItem:
    kids = children(element)
    return ConfirmationItem(
        line_number=integer(element, attr(element, "lineNumber"), "lineNumber"),
        quantity=decimal(element, attr(element, "quantity"), "quantity"),
        unit_of_measure=text(required(element, kids, "UnitOfMeasure")),
        statuses=tuple(_read_confirmation_status(s) for s in kids.get("ConfirmationStatus", ())),
    )


def read_confirmation_request(element: Element) -> ConfirmationRequest:
    """``ConfirmationRequest``."""
    kids = children(element)
    header = required(element, kids, "ConfirmationHeader")
    hk = children(header)
    return ConfirmationRequest(
        header=ConfirmationHeader(
            type=enum_attr(header, "type", ConfirmationType),
            notice_date=datetime_attr(header, "noticeDate"),
            confirm_id=opt_attr(header, "confirmID"),
            operation=enum_attr(
                header, "operation", ConfirmationOperation, ConfirmationOperation.NEW
            ),
            invoice_id=opt_attr(header, "invoiceID"),
            document_reference=read_document_reference(hk),
            total=opt_wrapped_money(hk, "Total"),
            comments=read_comments(hk),
            extrinsics=read_extrinsics(hk),
        ),
        order_reference=read_order_reference(required(element, kids, "OrderReference")),
        items=tuple(_read_confirmation_item(i) for i in kids.get("ConfirmationItem", ())),
    )


def _read_invoice_header(element: Element) -> InvoiceDetailRequestHeader:
    kids = children(element)
    line_indicator = first(kids, "InvoiceDetailLineIndicator")
    id_info = first(kids, "InvoiceIDInfo")
    period = first(kids, "Period")
    return _invoice_header(
        invoice_id=attr(element, "invoiceID"),
        invoice_date=datetime_attr(element, "invoiceDate"),
        purpose=enum_attr(element, "purpose", InvoicePurpose, InvoicePurpose.STANDARD),
        operation=enum_attr(element, "operation", InvoiceOperation, InvoiceOperation.NEW),
        is_tax_in_line=(
            line_indicator is not None and line_indicator.get("isTaxInLine", "").strip() == "yes"
        ),
        partners=tuple(
            read_contact(required(p, children(p), "Contact"))
            for p in kids.get("InvoicePartner", ())
        ),
        document_reference=read_document_reference(kids),
        original_invoice_id=attr(id_info, "invoiceID") if id_info is not None else None,
        original_invoice_date=(
            opt_datetime_attr(id_info, "invoiceDate") if id_info is not None else None
        ),
        payment_terms=read_payment_terms(kids),
        period=(
            Period(datetime_attr(period, "startDate"), datetime_attr(period, "endDate"))
            if period is not None
            else None
        ),
        comments=read_comments(kids),
        extrinsics=read_extrinsics(kids),
    )


def _read_invoice_item(element: Element) -> InvoiceDetailItem:
    unit_of_measure: str | None = None
    unit_price: Money | None = None
    reference: InvoiceDetailItemReference | None = None
    subtotal = gross = net = None
    tax: Tax | None = None
    comments: list[Element] | None = None  # made when there is one: most lines have none
    extrinsics: list[Extrinsic] | None = None
    for child in element.getchildren():
        tag = child.tag
        if tag == "UnitOfMeasure":
            unit_of_measure = (child.text or "").strip()
        elif tag == "UnitPrice":
            unit_price = read_wrapped_money(child)
        elif tag == "InvoiceDetailItemReference":
            reference = _read_invoice_item_reference(child)
        elif tag == "SubtotalAmount":
            subtotal = read_wrapped_money(child)
        elif tag == "Tax":
            tax = read_tax(child)
        elif tag == "GrossAmount":
            gross = read_wrapped_money(child)
        elif tag == "NetAmount":
            net = read_wrapped_money(child)
        elif tag == "Extrinsic":
            extrinsics = [*(extrinsics or ()), read_extrinsic(child)]
        elif tag == "Comments":
            comments = [*(comments or ()), child]
    if unit_of_measure is None:
        fail(element, "InvoiceDetailItem lacks the required UnitOfMeasure element")
    if unit_price is None:
        fail(element, "InvoiceDetailItem lacks the required UnitPrice element")
    if reference is None:
        fail(element, "InvoiceDetailItem lacks the required InvoiceDetailItemReference element")
    line = element.get("invoiceLineNumber")
    if line is None:
        fail(element, "InvoiceDetailItem lacks the required invoiceLineNumber attribute")
    try:
        line_number = int(line)
    except ValueError:
        line_number = integer(element, line, "invoiceLineNumber")  # raises, naming the line
    return _invoice_item(
        line_number,
        read_quantity(element),
        unit_of_measure,
        unit_price,
        reference,
        subtotal,
        tax,
        gross,
        net,
        read_comment_elements(comments) if comments else None,
        tuple(extrinsics) if extrinsics else (),
    )


def _read_invoice_item_reference(element: Element) -> InvoiceDetailItemReference:
    item_id: ItemID | None = None
    description: Description | None = None
    for child in element.getchildren():
        tag = child.tag
        if tag == "ItemID":
            item_id = read_item_id(child)
        elif tag == "Description":
            description = read_description(child)
    line = element.get("lineNumber")
    if line is None:
        fail(element, "InvoiceDetailItemReference lacks the required lineNumber attribute")
    try:
        line_number = int(line)
    except ValueError:
        line_number = integer(element, line, "lineNumber")  # raises, naming the line
    return _invoice_item_reference(line_number, item_id, description)


def _read_invoice_order(element: Element) -> InvoiceDetailOrder:
    kids = children(element)
    info = required(element, kids, "InvoiceDetailOrderInfo")
    reference = required(info, children(info), "OrderReference")
    items = kids.get("InvoiceDetailItem")
    if not items:
        fail(element, "InvoiceDetailOrder has no InvoiceDetailItem lines")
    return _invoice_order(read_order_reference(reference), tuple(map(_read_invoice_item, items)))


def read_invoice_detail_request(element: Element) -> InvoiceDetailRequest:
    """``InvoiceDetailRequest`` (order-backed: ``InvoiceDetailOrder`` with an OrderReference)."""
    kids = children(element)
    orders = kids.get("InvoiceDetailOrder")
    if not orders:
        fail(element, "InvoiceDetailRequest has no InvoiceDetailOrder", 450)
    summary = required(element, kids, "InvoiceDetailSummary")
    sk = children(summary)
    return _invoice_request(
        header=_read_invoice_header(required(element, kids, "InvoiceDetailRequestHeader")),
        orders=tuple(_read_invoice_order(o) for o in orders),
        summary=_invoice_summary(
            subtotal=read_wrapped_money(required(summary, sk, "SubtotalAmount")),
            tax=read_tax(required(summary, sk, "Tax")),
            net=read_wrapped_money(required(summary, sk, "NetAmount")),
            shipping=opt_wrapped_money(sk, "ShippingAmount"),
            gross=opt_wrapped_money(sk, "GrossAmount"),
            due=opt_wrapped_money(sk, "DueAmount"),
        ),
    )


READERS: dict[str, Callable[[Element], Payload]] = {
    "ProfileRequest": read_profile_request,
    "ProfileResponse": read_profile_response,
    "PunchOutSetupRequest": read_punch_out_setup_request,
    "PunchOutSetupResponse": read_punch_out_setup_response,
    "PunchOutOrderMessage": read_punch_out_order_message,
    "OrderRequest": read_order_request,
    "StatusUpdateRequest": read_status_update_request,
    "ConfirmationRequest": read_confirmation_request,
    "InvoiceDetailRequest": read_invoice_detail_request,
}
