"""Punching out: the setup request to the supplier, and the cart coming back.

:func:`start_punchout` records a session, sends the PunchOutSetupRequest server-side and
keeps the StartPage URL, or the supplier's refusal ("Setup request failed: 401 Unauthorized")
as Coupa shows it. :func:`receive_cart` takes the form the user's browser posts to the
BrowserFormPost URL: a cart becomes a draft **requisition**; an empty cart (the user
cancelled) creates nothing; the cart of an ``edit`` punchout changes its PO. The same cart
posted twice creates nothing twice.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cxml
from cxml.models.punchout import PunchOutSetupResponse
from sandbox.documents.common import without_secrets
from sandbox.documents.punchout import Cart, read_cart, setup_request
from sandbox.domain.errors import NotFoundError, RuleError
from sandbox.domain.orders import PoStatus
from sandbox.domain.people import find_user
from sandbox.domain.punchouts import Display, PunchoutSession, SessionStatus
from sandbox.domain.requisitions import Line, Requisition, RequisitionStatus
from sandbox.services import orders
from sandbox.services.context import Sandbox
from sandbox.services.transport import Answer
from sandbox.storage import orders as order_store
from sandbox.storage import punchouts as store
from sandbox.storage import requisitions as requisition_store
from sandbox.storage import suppliers as supplier_store

__all__ = ["CartResult", "checkout_url", "get_session", "receive_cart", "start_punchout"]


def checkout_url(sandbox: Sandbox, session_id: int) -> str:
    """The BrowserFormPost URL of a session (Coupa's is ``/punchout/checkout?id=N``)."""
    return f"{sandbox.settings.base_url}/punchout/checkout?id={session_id}"


def get_session(sandbox: Sandbox, session_id: int) -> PunchoutSession:
    """The session with this id, or NotFoundError."""
    with sandbox.database.transaction() as conn:
        found = store.get_session(conn, session_id)
    if found is None:
        raise NotFoundError(f"There is no punchout session {session_id}.")
    return found


def start_punchout(
    sandbox: Sandbox,
    supplier_id: int,
    user_email: str,
    *,
    display: Display = Display.FRAME,
    po_number: int | None = None,
) -> PunchoutSession:
    """Send the setup request (``edit`` with the PO's lines when ``po_number`` is given);
    the session, open with its StartPage URL or failed with the reason."""
    user = find_user(user_email)
    now = sandbox.clock()
    with sandbox.database.transaction() as conn:
        supplier = supplier_store.get_supplier(conn, sandbox.box, supplier_id)
        if supplier is None:
            raise NotFoundError(f"There is no supplier {supplier_id}.")
        if not supplier.has_punchout:
            raise RuleError(f"{supplier.name} has no punchout site.")
        edit_lines: tuple[Line, ...] = ()
        if po_number is not None:
            po = order_store.get_purchase_order(conn, po_number)
            if po is None or po.supplier_id != supplier_id:
                raise NotFoundError(f"There is no PO {po_number} from {supplier.name}.")
            if po.status is PoStatus.CANCELLED:
                raise RuleError(f"PO {po_number} is cancelled; it cannot be changed.")
            edit_lines = po.lines
        session = store.add_session(
            conn,
            PunchoutSession(
                id=0,
                supplier_id=supplier_id,
                user_email=user.email,
                buyer_cookie=secrets.token_hex(16),  # 32 hex characters, as Coupa's
                operation="edit" if edit_lines else "create",
                display=display,
                status=SessionStatus.STARTING,
                created_at=now,
                po_number=po_number,
            ),
        )
    document = setup_request(
        supplier,
        user,
        buyer_cookie=session.buyer_cookie,
        form_post_url=checkout_url(sandbox, session.id),
        base_url=sandbox.settings.base_url,
        now=now,
        edit_lines=edit_lines,
    )
    body = cxml.serialize(document)
    sandbox.check_outbound(body)
    answer = sandbox.poster.post(supplier.settings.punchout_url, body)
    session = _answered(session, answer, without_secrets(document))
    with sandbox.database.transaction() as conn:
        store.save_session(conn, session)
    return session


def _answered(session: PunchoutSession, answer: Answer, request: str) -> PunchoutSession:
    response = ""
    if answer.document is not None:
        response = cxml.serialize(answer.document).decode("utf-8")
    payload = answer.document.payload if answer.document else None
    code = answer.status_code
    if code is not None and 200 <= code < 300 and isinstance(payload, PunchOutSetupResponse):
        return dataclasses.replace(
            session,
            status=SessionStatus.OPEN,
            start_page_url=payload.start_page_url,
            request_document=request,
            response_document=response,
        )
    if code is not None and 200 <= code < 300:
        error = "Setup request failed: the answer has no StartPage URL."
    else:
        error = f"Setup request failed: {answer.summary()}"
    return dataclasses.replace(
        session,
        status=SessionStatus.FAILED,
        error=error,
        request_document=request,
        response_document=response or answer.body,
    )


@dataclass(frozen=True, slots=True)
class CartResult:
    """What a returned cart did: the session, and the requisition made or the PO changed."""

    session: PunchoutSession
    requisition_id: int | None = None
    po_number: int | None = None
    repeated: bool = False

    @property
    def empty(self) -> bool:
        """True when the user came back without items."""
        return self.session.status is SessionStatus.EMPTY


def receive_cart(sandbox: Sandbox, session_id: int, fields: Mapping[str, Any]) -> CartResult:
    """Turn the cart posted for session ``session_id`` into a requisition (see the module).

    Raises NotFoundError (no such session), RuleError (a cart for another session, or a
    session that never opened), InputError or :class:`cxml.CxmlError` (an unreadable cart).
    """
    session = get_session(sandbox, session_id)
    if session.status in (SessionStatus.RETURNED, SessionStatus.EMPTY):
        return CartResult(session, session.requisition_id, session.po_number, repeated=True)
    if session.status is not SessionStatus.OPEN:
        raise RuleError("This punchout session never opened; no cart can come back to it.")
    cart = read_cart(fields)
    # The BuyerCookie is what ties a cart to the session it was opened for.
    if not secrets.compare_digest(cart.buyer_cookie.encode(), session.buyer_cookie.encode()):
        raise RuleError("This cart belongs to another punchout session (its BuyerCookie differs).")
    if not cart.lines:
        return _empty(sandbox, session)
    if session.po_number is not None:
        return _change_po(sandbox, session, cart)
    return _requisition(sandbox, session, cart)


def _empty(sandbox: Sandbox, session: PunchoutSession) -> CartResult:
    done = dataclasses.replace(session, status=SessionStatus.EMPTY)
    with sandbox.database.transaction() as conn:
        store.save_session(conn, done)
    return CartResult(done, po_number=session.po_number)


def _requisition(sandbox: Sandbox, session: PunchoutSession, cart: Cart) -> CartResult:
    now = sandbox.clock()
    with sandbox.database.transaction() as conn:
        current = store.get_session(conn, session.id)
        if current is not None and current.status is SessionStatus.RETURNED:
            return CartResult(current, current.requisition_id, repeated=True)
        requisition_id = requisition_store.add_requisition(
            conn,
            Requisition(
                id=0,
                requester_email=session.user_email,
                supplier_id=session.supplier_id,
                status=RequisitionStatus.DRAFT,
                lines=cart.lines,
                created_at=now,
                punchout_id=session.id,
            ),
        )
        done = dataclasses.replace(
            session, status=SessionStatus.RETURNED, requisition_id=requisition_id
        )
        store.save_session(conn, done)
    return CartResult(done, requisition_id=requisition_id)


def _change_po(sandbox: Sandbox, session: PunchoutSession, cart: Cart) -> CartResult:
    assert session.po_number is not None
    orders.replace_lines(sandbox, session.po_number, cart.lines)
    done = dataclasses.replace(session, status=SessionStatus.RETURNED)
    with sandbox.database.transaction() as conn:
        store.save_session(conn, done)
    return CartResult(done, po_number=session.po_number)
