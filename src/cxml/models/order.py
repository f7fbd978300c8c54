"""``OrderRequest``: the buyer's purchase order (new, changed or cancelled)."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import ClassVar

from cxml.models.common import (
    Address,
    Comments,
    Contact,
    Extrinsic,
    ItemOut,
    Money,
    PaymentTerm,
    Shipping,
    Tax,
    extrinsic_value,
)
from cxml.models.envelope import Envelope, Payload

__all__ = ["OrderRequest", "OrderRequestHeader", "OrderType"]


class OrderType(enum.Enum):
    """``OrderRequestHeader@type``: a new order, or a full replacement, or a cancellation."""

    NEW = "new"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderRequestHeader:
    """``OrderRequestHeader``: PO number, date, type, version, total, addresses and extras."""

    order_id: str
    order_date: dt.datetime
    total: Money
    bill_to: Address | None
    type: OrderType = OrderType.NEW
    order_version: int | None = None
    order_type: str | None = None
    requisition_id: str | None = None
    ship_to: Address | None = None
    shipping: Shipping | None = None
    tax: Tax | None = None
    payment_terms: tuple[PaymentTerm, ...] = ()
    contacts: tuple[Contact, ...] = ()
    comments: Comments | None = None
    document_reference: str | None = None
    extrinsics: tuple[Extrinsic, ...] = ()

    def extrinsic(self, name: str) -> str | None:
        """The value of the extrinsic called ``name`` (case-insensitive), or None."""
        return extrinsic_value(self.extrinsics, name)


@dataclass(frozen=True, slots=True)
class OrderRequest(Payload):
    """``OrderRequest``: a header and one or more lines."""

    element: ClassVar[str] = "OrderRequest"
    envelope: ClassVar[Envelope] = Envelope.REQUEST

    header: OrderRequestHeader
    items: tuple[ItemOut, ...]
