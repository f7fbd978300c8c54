"""``InvoiceDetailRequest`` (InvoiceDetail.dtd): an invoice or credit memo against orders."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from cxml.models.common import (
    Comments,
    Contact,
    Description,
    Extrinsic,
    ItemID,
    Money,
    OrderReference,
    PaymentTerm,
    Tax,
)
from cxml.models.envelope import Envelope, Payload

__all__ = [
    "InvoiceDetailItem",
    "InvoiceDetailItemReference",
    "InvoiceDetailOrder",
    "InvoiceDetailRequest",
    "InvoiceDetailRequestHeader",
    "InvoiceDetailSummary",
    "InvoiceOperation",
    "InvoicePurpose",
    "Period",
]


class InvoicePurpose(enum.Enum):
    """``InvoiceDetailRequestHeader@purpose``."""

    STANDARD = "standard"
    CREDIT_MEMO = "creditMemo"
    DEBIT_MEMO = "debitMemo"
    LINE_LEVEL_CREDIT_MEMO = "lineLevelCreditMemo"
    LINE_LEVEL_DEBIT_MEMO = "lineLevelDebitMemo"


class InvoiceOperation(enum.Enum):
    """``InvoiceDetailRequestHeader@operation``: a new invoice, or the cancellation of one."""

    NEW = "new"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class Period:
    """``Period``: the service period an invoice covers."""

    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceDetailRequestHeader:
    """``InvoiceDetailRequestHeader``: invoice number, date, purpose, partners and terms.

    ``original_invoice_id``/``original_invoice_date`` (``InvoiceIDInfo``) name the invoice a
    credit memo corrects.
    """

    invoice_id: str
    invoice_date: dt.datetime
    purpose: InvoicePurpose = InvoicePurpose.STANDARD
    operation: InvoiceOperation = InvoiceOperation.NEW
    is_tax_in_line: bool = False
    partners: tuple[Contact, ...] = ()
    document_reference: str | None = None
    original_invoice_id: str | None = None
    original_invoice_date: dt.datetime | None = None
    payment_terms: tuple[PaymentTerm, ...] = ()
    period: Period | None = None
    comments: Comments | None = None
    extrinsics: tuple[Extrinsic, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceDetailItemReference:
    """``InvoiceDetailItemReference``: the order line (``lineNumber``) an invoice line bills."""

    line_number: int
    item_id: ItemID | None = None
    description: Description | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceDetailItem:
    """``InvoiceDetailItem``: one invoice line with quantity, price, amounts and tax."""

    invoice_line_number: int
    quantity: Decimal
    unit_of_measure: str
    unit_price: Money
    reference: InvoiceDetailItemReference
    subtotal: Money | None = None
    tax: Tax | None = None
    gross: Money | None = None
    net: Money | None = None
    comments: Comments | None = None
    extrinsics: tuple[Extrinsic, ...] = ()


@dataclass(frozen=True, slots=True)
class InvoiceDetailOrder:
    """``InvoiceDetailOrder``: the lines billed against one order."""

    order_reference: OrderReference
    items: tuple[InvoiceDetailItem, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceDetailSummary:
    """``InvoiceDetailSummary``: subtotal, tax, shipping, gross, net and due amounts."""

    subtotal: Money
    tax: Tax
    net: Money
    shipping: Money | None = None
    gross: Money | None = None
    due: Money | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceDetailRequest(Payload):
    """``InvoiceDetailRequest``: a header, the orders billed, and the summary."""

    element: ClassVar[str] = "InvoiceDetailRequest"
    envelope: ClassVar[Envelope] = Envelope.REQUEST
    dtd_file: ClassVar[str] = "InvoiceDetail.dtd"
    default_version: ClassVar[str] = "1.2.020"

    header: InvoiceDetailRequestHeader
    orders: tuple[InvoiceDetailOrder, ...]
    summary: InvoiceDetailSummary
