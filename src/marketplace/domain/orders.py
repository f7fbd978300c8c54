"""Purchase orders: what the procurement system ordered, and whether it matches the request.

Each order line names, in ``SupplierPartAuxiliaryID``, the subscription request it orders
and, in ``SupplierPartID``, the offer. :func:`mismatches` compares an order's lines for one
request with what was requested (the cart lines sent back at punchout): the offer, the
currency, and each line's quantity and unit price. An ``update`` replaces the whole order
(cXML's rule), so it is checked the same way against the request as it stands after an
``edit`` punchout.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from marketplace.domain.punchout import SubscriptionRequest

__all__ = [
    "OrderKind",
    "OrderLine",
    "PurchaseOrder",
    "Receipt",
    "group_by_request",
    "mismatches",
]


class OrderKind(enum.Enum):
    """``OrderRequestHeader@type``."""

    NEW = "new"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One ``ItemOut`` as the marketplace reads it."""

    line_number: int
    supplier_part_id: str
    request_id: str | None
    quantity: Decimal
    unit_price: Decimal | None = None
    currency: str | None = None
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PurchaseOrder:
    """An order received (one row per document accepted, test orders included)."""

    id: str
    organization_id: str
    connection_id: str
    order_number: str
    order_version: int
    kind: OrderKind
    payload_id: str
    order_date: dt.datetime
    total: Decimal
    currency: str
    lines: tuple[OrderLine, ...]
    test: bool
    received_at: dt.datetime
    agreement_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Receipt:
    """That a cXML document with ``payload_id`` was answered, and the answer (to repeat it
    to a retry). ``status_code`` is None while the first answer is being made."""

    payload_id: str
    connection_id: str
    received_at: dt.datetime
    status_code: int | None = None
    response: str | None = None


def group_by_request(lines: Sequence[OrderLine]) -> dict[str | None, list[OrderLine]]:
    """The lines per request id (``None`` for lines that name no request), in order."""
    groups: dict[str | None, list[OrderLine]] = {}
    for line in sorted(lines, key=lambda item: item.line_number):
        groups.setdefault(line.request_id, []).append(line)
    return groups


def mismatches(request: SubscriptionRequest, lines: Sequence[OrderLine]) -> tuple[str, ...]:
    """What in ``lines`` differs from ``request`` (empty when the order matches)."""
    problems: list[str] = []
    for line in lines:
        if line.supplier_part_id != request.offer_id:
            problems.append(
                f"line {line.line_number}: SupplierPartID {line.supplier_part_id} is not the "
                f"offer of request {request.id} ({request.offer_id})"
            )
        if line.currency is not None and line.currency.upper() != request.currency:
            problems.append(
                f"line {line.line_number}: currency {line.currency} is not the request's "
                f"{request.currency}"
            )
    if len(lines) != len(request.lines):
        problems.append(
            f"request {request.id} has {len(request.lines)} line(s); the order has {len(lines)}"
        )
        return tuple(problems)
    for line, expected in zip(lines, request.lines, strict=True):
        if line.quantity != expected.quantity:
            problems.append(
                f"line {line.line_number}: quantity {line.quantity} is not the requested "
                f"{expected.quantity}"
            )
        if line.unit_price is not None and line.unit_price != expected.unit_price:
            problems.append(
                f"line {line.line_number}: unit price {line.unit_price} is not the requested "
                f"{expected.unit_price}"
            )
    return tuple(problems)
