"""Punchout sessions: a user clicked a Shop Online tile (or changes a PO by punchout).

A session is created before the PunchOutSetupRequest is sent, so that its number can go into
the BrowserFormPost URL (``/punchout/checkout?id=N``, as Coupa's does); the BuyerCookie
(32 hex characters) the cart must carry back is what proves the cart belongs to it.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

__all__ = ["Display", "PunchoutSession", "SessionStatus"]


class SessionStatus(enum.Enum):
    """Where a punchout session stands."""

    STARTING = "starting"  # the setup request is on its way
    OPEN = "open"  # the supplier answered with a StartPage; the user is shopping
    FAILED = "failed"  # the supplier refused the setup request or could not be reached
    RETURNED = "returned"  # a cart came back
    EMPTY = "empty"  # the user came back without items (cancelled)


class Display(enum.Enum):
    """How the StartPage opens: inside the sandbox's page (Coupa's default) or alone."""

    FRAME = "frame"
    WINDOW = "window"


@dataclass(frozen=True, slots=True, kw_only=True)
class PunchoutSession:
    """One punchout: who, which supplier, the BuyerCookie, and how it ended."""

    id: int
    supplier_id: int
    user_email: str
    buyer_cookie: str
    operation: str  # create, or edit to change a PO
    display: Display
    status: SessionStatus
    created_at: dt.datetime
    start_page_url: str | None = None
    error: str = ""
    requisition_id: int | None = None
    po_number: int | None = None  # the PO an edit punchout changes
    request_document: str = ""  # the setup request as sent, shared secret removed
    response_document: str = ""
