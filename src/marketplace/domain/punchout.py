"""Punchout sessions and the subscription requests made in them.

A buyer's procurement system opens a :class:`PunchoutSession` with a ``PunchOutSetupRequest``;
the answer's StartPage URL carries a single-use token (only its SHA-256 is stored) that is
good for :data:`START_TOKEN_LIFETIME`. The user then shops and, instead of subscribing,
requests approval: a :class:`SubscriptionRequest` (pending approval) is stored and the cart
goes back to the procurement system, whose purchase order later turns it into an agreement.

``SupplierPartAuxiliaryID`` in the cart is the request's id, so an ``edit`` punchout re-opens
the very request, and the purchase order names it.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal

from marketplace.domain.catalog import PricingModel
from marketplace.domain.charges import Charge, OfferChoice
from marketplace.domain.line_items import CartLine
from marketplace.domain.procurement import CartReturnField, ProcurementSystem

__all__ = [
    "SESSION_LIFETIME",
    "START_TOKEN_LIFETIME",
    "PunchoutOperation",
    "PunchoutSession",
    "RequestStatus",
    "SessionStatus",
    "SubscriptionRequest",
]

START_TOKEN_LIFETIME = dt.timedelta(minutes=5)
SESSION_LIFETIME = dt.timedelta(hours=8)


class PunchoutOperation(enum.Enum):
    """What the procurement system asked for."""

    CREATE = "create"  # shop for a new cart
    EDIT = "edit"  # change the cart it sends back (ItemOut)
    INSPECT = "inspect"  # look at that cart, change nothing


class SessionStatus(enum.Enum):
    """Where a punchout session is."""

    OPEN = "open"  # the user may shop (once the StartPage token is used)
    RETURNED = "returned"  # a cart went back to the procurement system
    CANCELLED = "cancelled"  # the user went back with an empty cart


@dataclass(frozen=True, slots=True, kw_only=True)
class PunchoutSession:
    """One punchout, from the setup request to the cart going back.

    ``buyer_cookie`` and ``form_post_url`` come from the setup request and go back with the
    cart; ``user_email``/``user_name`` name the procurement system's user (the ``UserEmail``
    extrinsic, else the endUser contact). ``selected_item`` is the ``SelectedItem``'s
    SupplierPartID; ``request_ids`` are the SupplierPartAuxiliaryIDs of the cart sent with
    ``edit``/``inspect``. ``test`` is the request's deploymentMode or the connection's or
    organization's test mode. ``user_id`` is set when the StartPage signs the user in.
    """

    id: str
    connection_id: str
    organization_id: str
    account_id: str
    system: ProcurementSystem
    operation: PunchoutOperation
    buyer_cookie: str
    form_post_url: str
    cart_field: CartReturnField
    cxml_version: str
    test: bool
    token_hash: str
    token_expires_at: dt.datetime
    expires_at: dt.datetime
    created_at: dt.datetime
    user_email: str | None = None
    user_name: str | None = None
    extrinsics: tuple[tuple[str, str], ...] = ()
    selected_item: str | None = None
    request_ids: tuple[str, ...] = ()
    start_url: str | None = None
    token_used_at: dt.datetime | None = None
    user_id: str | None = None
    status: SessionStatus = SessionStatus.OPEN
    returned_at: dt.datetime | None = None

    @property
    def read_only(self) -> bool:
        """True for ``inspect``: the cart can be looked at, not changed."""
        return self.operation is PunchoutOperation.INSPECT

    def is_active(self, now: dt.datetime) -> bool:
        """True while the user may shop: open, signed in, not expired."""
        return (
            self.status is SessionStatus.OPEN and self.user_id is not None and now < self.expires_at
        )


class RequestStatus(enum.Enum):
    """Where a subscription request is."""

    PENDING_APPROVAL = "pending_approval"  # in the procurement system's hands
    PREAPPROVED = "preapproved"  # free/BYOL with pre-approval: subscribed at once
    PO_RECEIVED = "po_received"
    AGREEMENT_CREATED = "agreement_created"
    TEST_COMPLETED = "test_completed"  # a PO in test mode: nothing billable
    CANCELLED = "cancelled"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True, kw_only=True)
class SubscriptionRequest:
    """A configured offer a user asked approval for (or, pre-approved, subscribed to).

    ``charges`` and ``lines`` are fixed when the request is made (or changed by an ``edit``
    punchout), so the purchase order can be checked against exactly what was asked for.
    """

    id: str
    organization_id: str
    account_id: str
    user_id: str
    product_id: str
    product_title: str
    seller_name: str
    offer_id: str
    offer_name: str
    pricing_model: PricingModel
    currency: str
    choice: OfferChoice
    charges: tuple[Charge, ...]
    lines: tuple[CartLine, ...]
    status: RequestStatus
    test: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    connection_id: str | None = None
    session_id: str | None = None

    @property
    def total(self) -> Decimal:
        """The sum of the lines (what the procurement system approves)."""
        return sum((line.amount for line in self.lines), Decimal("0.00"))
