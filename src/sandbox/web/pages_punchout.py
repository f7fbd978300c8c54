"""Punchout in the browser: a Shop Online tile sends the setup request and opens the
StartPage (in a frame on the sandbox's page, like Coupa, or in the full window); the
supplier's page posts the cart back to ``/punchout/checkout?id=N`` (the BrowserFormPost URL).

The cart's POST comes from the supplier's page, usually inside the frame: it carries no
sandbox cookie, so the session is found by its id and proven by the cart's BuyerCookie. In a
frame, the answer is a small page that sends the whole window on to the requisition.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

import cxml
from sandbox.domain.errors import RuleError
from sandbox.domain.punchouts import Display, PunchoutSession
from sandbox.services import punchouts, suppliers
from sandbox.web.rendering import (
    current_user,
    frame_origin,
    page,
    sandbox_of,
    see_other,
    sign_in_redirect,
)

router = APIRouter(include_in_schema=False)


@router.post("/shop/{supplier_id}")
async def shop(
    request: Request, supplier_id: int, display: str = Form("frame"), po: int | None = Form(None)
) -> Response:
    """Send the PunchOutSetupRequest; then the punchout page (frame) or the StartPage."""
    user = current_user(request)
    if user is None:
        return sign_in_redirect(request)
    chosen = Display.WINDOW if display == Display.WINDOW.value else Display.FRAME
    session = await run_in_threadpool(
        punchouts.start_punchout,
        sandbox_of(request),
        supplier_id,
        user.email,
        display=chosen,
        po_number=po,
    )
    if session.start_page_url and chosen is Display.WINDOW:
        # The StartPage is another site: a page that sends the browser on (form-action-safe).
        return page(request, "punchout_window.html", session=session)
    return see_other(f"/punchout/{session.id}")


@router.get("/punchout/checkout")
async def checkout_get(request: Request) -> Response:
    """The BrowserFormPost URL takes a POST; explain instead of failing."""
    return page(
        request,
        "error.html",
        status_code=405,
        heading="Carts come back by POST",
        message="The supplier's site posts the cart to this address; open it from Shop Online.",
    )


@router.post("/punchout/checkout")
async def checkout(request: Request, id: int) -> Response:
    """Receive the cart (PunchOutOrderMessage) the user's browser posts."""
    form = await request.form()
    fields: dict[str, Any] = {key: form.getlist(key) for key in form}
    sandbox = sandbox_of(request)
    try:
        result = await run_in_threadpool(punchouts.receive_cart, sandbox, id, fields)
    except cxml.CxmlError as exc:
        return _cart_problem(request, 400, f"The cart could not be read: {exc.message}")
    except RuleError as exc:
        return _cart_problem(request, 409, exc.message)
    session = result.session
    if result.requisition_id is not None:
        target, label = f"/requisitions/{result.requisition_id}", "Open your requisition"
    elif result.po_number is not None:
        target, label = f"/purchase-orders/{result.po_number}", "Open the purchase order"
    else:
        target, label = "/", "Back to Home"
    if session.display is Display.WINDOW:
        # Without a frame to explain it, an empty cart lands on the session's own page.
        return see_other(target if target != "/" else f"/punchout/{session.id}")
    supplier = await run_in_threadpool(suppliers.get_supplier, sandbox, session.supplier_id)
    return page(
        request,
        "cart_returned.html",
        result=result,
        supplier=supplier,
        target=target,
        label=label,
    )


def _cart_problem(request: Request, status: int, message: str) -> Response:
    return page(
        request, "error.html", status_code=status, heading="The cart was not taken", message=message
    )


@router.get("/punchout/{session_id}")
async def punchout_page(request: Request, session_id: int) -> Response:
    """The punchout page: the supplier's StartPage in a frame, or why it did not open."""
    user = current_user(request)
    if user is None:
        return sign_in_redirect(request)
    sandbox = sandbox_of(request)
    session: PunchoutSession = await run_in_threadpool(punchouts.get_session, sandbox, session_id)
    if session.user_email != user.email:
        raise RuleError("This punchout session belongs to another user.")
    supplier = await run_in_threadpool(suppliers.get_supplier, sandbox, session.supplier_id)
    origin = frame_origin(session.start_page_url or "")
    return page(
        request,
        "punchout.html",
        frame_src=origin,
        session=session,
        supplier=supplier,
        status_code=502 if session.error else 200,
    )
