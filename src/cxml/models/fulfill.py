"""``ConfirmationRequest`` (Fulfill.dtd): the supplier confirms, changes or rejects an order."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from cxml.models.common import Comments, Extrinsic, Money, OrderReference
from cxml.models.envelope import Envelope, Payload

__all__ = [
    "ConfirmationHeader",
    "ConfirmationItem",
    "ConfirmationOperation",
    "ConfirmationRequest",
    "ConfirmationStatus",
    "ConfirmationStatusType",
    "ConfirmationType",
]


class ConfirmationType(enum.Enum):
    """``ConfirmationHeader@type``."""

    ACCEPT = "accept"
    ALL_DETAIL = "allDetail"
    DETAIL = "detail"
    BACKORDERED = "backordered"
    EXCEPT = "except"
    REJECT = "reject"
    REQUEST_TO_PAY = "requestToPay"
    REPLACE = "replace"


class ConfirmationOperation(enum.Enum):
    """``ConfirmationHeader@operation``: a first confirmation or a complete replacement."""

    NEW = "new"
    UPDATE = "update"


class ConfirmationStatusType(enum.Enum):
    """``ConfirmationStatus@type``."""

    ACCEPT = "accept"
    ALL_DETAIL = "allDetail"
    DETAIL = "detail"
    BACKORDERED = "backordered"
    REJECT = "reject"
    UNKNOWN = "unknown"
    REQUEST_TO_PAY = "requestToPay"


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfirmationHeader:
    """``ConfirmationHeader``: what kind of confirmation, when, and for what total."""

    type: ConfirmationType
    notice_date: dt.datetime
    confirm_id: str | None = None
    operation: ConfirmationOperation = ConfirmationOperation.NEW
    invoice_id: str | None = None
    document_reference: str | None = None
    total: Money | None = None
    comments: Comments | None = None
    extrinsics: tuple[Extrinsic, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfirmationStatus:
    """``ConfirmationStatus``: how much of a line is accepted, back-ordered or rejected."""

    type: ConfirmationStatusType
    quantity: Decimal
    unit_of_measure: str
    shipment_date: dt.datetime | None = None
    delivery_date: dt.datetime | None = None
    unit_price: Money | None = None
    comments: Comments | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfirmationItem:
    """``ConfirmationItem``: the confirmation of one order line."""

    line_number: int
    quantity: Decimal
    unit_of_measure: str
    statuses: tuple[ConfirmationStatus, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfirmationRequest(Payload):
    """``ConfirmationRequest``: a header, the order it confirms, and line confirmations."""

    element: ClassVar[str] = "ConfirmationRequest"
    envelope: ClassVar[Envelope] = Envelope.REQUEST
    dtd_file: ClassVar[str] = "Fulfill.dtd"
    default_version: ClassVar[str] = "1.2.050"

    header: ConfirmationHeader
    order_reference: OrderReference
    items: tuple[ConfirmationItem, ...] = ()
