"""Writers for each payload, keyed by payload class, in the DTD's element order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cxml.models.envelope import Payload, Status
from cxml.models.fulfill import ConfirmationItem, ConfirmationRequest
from cxml.models.invoice import (
    InvoiceDetailItem,
    InvoiceDetailOrder,
    InvoiceDetailRequest,
    InvoiceDetailRequestHeader,
    InvoicePurpose,
)
from cxml.models.order import OrderRequest
from cxml.models.profile import Option, ProfileRequest, ProfileResponse
from cxml.models.punchout import (
    PunchOutOperation,
    PunchOutOrderMessage,
    PunchOutSetupRequest,
    PunchOutSetupResponse,
)
from cxml.models.status_update import StatusUpdateRequest
from cxml.writing._xml import Element, invalid, number, one_of, sub, version_tuple, when, yes
from cxml.writing.common import (
    write_address,
    write_comments,
    write_contact,
    write_description,
    write_document_reference,
    write_extrinsics,
    write_item_detail,
    write_item_id,
    write_item_out,
    write_order_reference,
    write_payment_terms,
    write_shipping,
    write_tax,
    write_wrapped_money,
)

__all__ = ["WRITERS", "write_status"]

Writer = Callable[[Element, Any, str], None]

_QUOTE_STATUSES = frozenset(("pending", "final"))


def _order_types(version: str) -> frozenset[str]:
    """``OrderRequestHeader@orderType`` values the DTD of ``version`` declares."""
    found = version_tuple(version)
    if found < (1, 2, 20):
        return frozenset(("release", "regular"))
    if found < (1, 2, 50):
        return frozenset(("release", "regular", "blanket"))
    return frozenset(("release", "regular", "blanket", "stockTransport", "stockTransportRelease"))


def write_status(parent: Element, status: Status) -> None:
    """``Status`` with its code, text and detail."""
    sub(
        parent,
        "Status",
        status.detail or None,
        code=str(status.code),
        text=status.text,
        lang=status.lang,
    )


def _options(parent: Element, options: tuple[Option, ...]) -> None:
    for option in options:
        sub(parent, "Option", option.value, name=option.name)


def write_profile_request(parent: Element, payload: ProfileRequest, version: str) -> None:
    """``ProfileRequest``."""
    sub(parent, "ProfileRequest")


def write_profile_response(parent: Element, payload: ProfileResponse, version: str) -> None:
    """``ProfileResponse``: Option*, Transaction+."""
    if not payload.transactions:
        raise invalid("ProfileResponse needs at least one Transaction")
    refresh = payload.last_refresh
    element = sub(
        parent,
        "ProfileResponse",
        effectiveDate=when(payload.effective_date),
        lastRefresh=when(refresh) if refresh is not None else None,
    )
    _options(element, payload.options)
    for transaction in payload.transactions:
        child = sub(element, "Transaction", requestName=transaction.request_name)
        sub(child, "URL", transaction.url)
        _options(child, transaction.options)


def write_punch_out_setup_request(
    parent: Element, payload: PunchOutSetupRequest, version: str
) -> None:
    """``PunchOutSetupRequest``."""
    element = sub(parent, "PunchOutSetupRequest", operation=payload.operation.value)
    sub(element, "BuyerCookie", payload.buyer_cookie)
    write_extrinsics(element, payload.extrinsics)
    if payload.browser_form_post_url is not None:
        sub(sub(element, "BrowserFormPost"), "URL", payload.browser_form_post_url)
    for contact in payload.contacts:
        write_contact(element, contact)
    if payload.supplier_setup_url is not None:
        sub(sub(element, "SupplierSetup"), "URL", payload.supplier_setup_url)
    write_address(element, "ShipTo", payload.ship_to)
    if payload.selected_item is not None:
        write_item_id(sub(element, "SelectedItem"), payload.selected_item)
    for item in payload.items:
        write_item_out(element, item)


def write_punch_out_setup_response(
    parent: Element, payload: PunchOutSetupResponse, version: str
) -> None:
    """``PunchOutSetupResponse/StartPage/URL``."""
    element = sub(parent, "PunchOutSetupResponse")
    sub(sub(element, "StartPage"), "URL", payload.start_page_url)


def write_punch_out_order_message(
    parent: Element, payload: PunchOutOrderMessage, version: str
) -> None:
    """``PunchOutOrderMessage``: BuyerCookie, header, ItemIn*."""
    element = sub(parent, "PunchOutOrderMessage")
    sub(element, "BuyerCookie", payload.buyer_cookie)
    header = payload.header
    if header.operation_allowed is PunchOutOperation.SOURCE:
        raise invalid("operationAllowed is create, inspect or edit, never source")
    header_element = sub(
        element,
        "PunchOutOrderMessageHeader",
        operationAllowed=header.operation_allowed.value,
        quoteStatus=one_of(header.quote_status, _QUOTE_STATUSES, "quoteStatus"),
    )
    write_wrapped_money(header_element, "Total", header.total)
    write_address(header_element, "ShipTo", header.ship_to)
    write_shipping(header_element, header.shipping)
    write_tax(header_element, header.tax)
    for item in payload.items:
        item_element = sub(
            element,
            "ItemIn",
            quantity=number(item.quantity),
            lineNumber=str(item.line_number) if item.line_number is not None else None,
        )
        write_item_id(item_element, item.item_id)
        write_item_detail(item_element, item.item_detail)
        write_address(item_element, "ShipTo", item.ship_to)
        write_shipping(item_element, item.shipping)
        write_tax(item_element, item.tax)


def write_order_request(parent: Element, payload: OrderRequest, version: str) -> None:
    """``OrderRequest``: header (BillTo required) and ItemOut+."""
    header = payload.header
    if header.bill_to is None:
        raise invalid("OrderRequestHeader needs a BillTo address")
    if not payload.items:
        raise invalid("OrderRequest needs at least one ItemOut")
    element = sub(parent, "OrderRequest")
    header_element = sub(
        element,
        "OrderRequestHeader",
        orderID=header.order_id,
        orderDate=when(header.order_date),
        type=header.type.value,
        orderType=one_of(header.order_type, _order_types(version), "orderType"),
        orderVersion=str(header.order_version) if header.order_version is not None else None,
        requisitionID=header.requisition_id,
    )
    write_wrapped_money(header_element, "Total", header.total)
    write_address(header_element, "ShipTo", header.ship_to)
    write_address(header_element, "BillTo", header.bill_to)
    write_shipping(header_element, header.shipping)
    write_tax(header_element, header.tax)
    write_payment_terms(header_element, header.payment_terms)
    for contact in header.contacts:
        write_contact(header_element, contact)
    write_comments(header_element, header.comments)
    write_document_reference(header_element, header.document_reference)
    write_extrinsics(header_element, header.extrinsics)
    for item in payload.items:
        write_item_out(element, item)


def write_status_update_request(
    parent: Element, payload: StatusUpdateRequest, version: str
) -> None:
    """``StatusUpdateRequest``: DocumentReference?, Status, Extrinsic* (1.2.050 on)."""
    if payload.extrinsics and version_tuple(version) < (1, 2, 50):
        raise invalid(f"StatusUpdateRequest has no Extrinsic before cXML 1.2.050 (got {version})")
    element = sub(parent, "StatusUpdateRequest")
    write_document_reference(element, payload.document_reference)
    write_status(element, payload.status)
    write_extrinsics(element, payload.extrinsics)


def _write_confirmation_item(parent: Element, item: ConfirmationItem) -> None:
    if not item.statuses:
        raise invalid(f"ConfirmationItem {item.line_number} needs at least one ConfirmationStatus")
    element = sub(
        parent,
        "ConfirmationItem",
        quantity=number(item.quantity),
        lineNumber=str(item.line_number),
    )
    sub(element, "UnitOfMeasure", item.unit_of_measure)
    for status in item.statuses:
        status_element = sub(
            element,
            "ConfirmationStatus",
            quantity=number(status.quantity),
            type=status.type.value,
            shipmentDate=when(status.shipment_date) if status.shipment_date else None,
            deliveryDate=when(status.delivery_date) if status.delivery_date else None,
        )
        sub(status_element, "UnitOfMeasure", status.unit_of_measure)
        write_wrapped_money(status_element, "UnitPrice", status.unit_price)
        write_comments(status_element, status.comments)


def write_confirmation_request(parent: Element, payload: ConfirmationRequest, version: str) -> None:
    """``ConfirmationRequest``: header, OrderReference, ConfirmationItem*."""
    header = payload.header
    element = sub(parent, "ConfirmationRequest")
    header_element = sub(
        element,
        "ConfirmationHeader",
        type=header.type.value,
        noticeDate=when(header.notice_date),
        confirmID=header.confirm_id,
        operation=header.operation.value,
        invoiceID=header.invoice_id,
    )
    write_document_reference(header_element, header.document_reference)
    write_wrapped_money(header_element, "Total", header.total)
    write_comments(header_element, header.comments)
    write_extrinsics(header_element, header.extrinsics)
    write_order_reference(element, payload.order_reference)
    for item in payload.items:
        _write_confirmation_item(element, item)


def _write_invoice_header(
    parent: Element, header: InvoiceDetailRequestHeader, version: str
) -> None:
    if header.purpose is InvoicePurpose.LINE_LEVEL_DEBIT_MEMO and version_tuple(version) < (
        1,
        2,
        37,
    ):
        raise invalid(f"purpose lineLevelDebitMemo exists from cXML 1.2.037 on (got {version})")
    element = sub(
        parent,
        "InvoiceDetailRequestHeader",
        invoiceID=header.invoice_id,
        purpose=header.purpose.value,
        operation=header.operation.value,
        invoiceDate=when(header.invoice_date),
    )
    sub(element, "InvoiceDetailHeaderIndicator")
    sub(element, "InvoiceDetailLineIndicator", isTaxInLine=yes(header.is_tax_in_line))
    for partner in header.partners:
        write_contact(sub(element, "InvoicePartner"), partner)
    write_document_reference(element, header.document_reference)
    if header.original_invoice_id is not None:
        original_date = header.original_invoice_date
        sub(
            element,
            "InvoiceIDInfo",
            invoiceID=header.original_invoice_id,
            invoiceDate=when(original_date) if original_date is not None else None,
        )
    write_payment_terms(element, header.payment_terms)
    if header.period is not None:
        sub(
            element,
            "Period",
            startDate=when(header.period.start),
            endDate=when(header.period.end),
        )
    write_comments(element, header.comments)
    write_extrinsics(element, header.extrinsics)


def _write_invoice_item(parent: Element, item: InvoiceDetailItem) -> None:
    element = sub(
        parent,
        "InvoiceDetailItem",
        invoiceLineNumber=str(item.invoice_line_number),
        quantity=number(item.quantity),
    )
    sub(element, "UnitOfMeasure", item.unit_of_measure)
    write_wrapped_money(element, "UnitPrice", item.unit_price)
    reference = sub(
        element, "InvoiceDetailItemReference", lineNumber=str(item.reference.line_number)
    )
    if item.reference.item_id is not None:
        write_item_id(reference, item.reference.item_id)
    if item.reference.description is not None:
        write_description(reference, item.reference.description)
    write_wrapped_money(element, "SubtotalAmount", item.subtotal)
    write_tax(element, item.tax)
    write_wrapped_money(element, "GrossAmount", item.gross)
    write_wrapped_money(element, "NetAmount", item.net)
    write_comments(element, item.comments)
    write_extrinsics(element, item.extrinsics)


def _write_invoice_order(parent: Element, order: InvoiceDetailOrder) -> None:
    if not order.items:
        raise invalid("InvoiceDetailOrder needs at least one InvoiceDetailItem")
    element = sub(parent, "InvoiceDetailOrder")
    write_order_reference(sub(element, "InvoiceDetailOrderInfo"), order.order_reference)
    for item in order.items:
        _write_invoice_item(element, item)


def write_invoice_detail_request(
    parent: Element, payload: InvoiceDetailRequest, version: str
) -> None:
    """``InvoiceDetailRequest``: header, InvoiceDetailOrder+, summary."""
    if not payload.orders:
        raise invalid("InvoiceDetailRequest needs at least one InvoiceDetailOrder")
    element = sub(parent, "InvoiceDetailRequest")
    _write_invoice_header(element, payload.header, version)
    for order in payload.orders:
        _write_invoice_order(element, order)
    summary = payload.summary
    summary_element = sub(element, "InvoiceDetailSummary")
    write_wrapped_money(summary_element, "SubtotalAmount", summary.subtotal)
    write_tax(summary_element, summary.tax)
    write_wrapped_money(summary_element, "ShippingAmount", summary.shipping)
    write_wrapped_money(summary_element, "GrossAmount", summary.gross)
    write_wrapped_money(summary_element, "NetAmount", summary.net)
    write_wrapped_money(summary_element, "DueAmount", summary.due)


WRITERS: dict[type[Payload], Writer] = {
    ProfileRequest: write_profile_request,
    ProfileResponse: write_profile_response,
    PunchOutSetupRequest: write_punch_out_setup_request,
    PunchOutSetupResponse: write_punch_out_setup_response,
    PunchOutOrderMessage: write_punch_out_order_message,
    OrderRequest: write_order_request,
    StatusUpdateRequest: write_status_update_request,
    ConfirmationRequest: write_confirmation_request,
    InvoiceDetailRequest: write_invoice_detail_request,
}
