"""The procurement administrator's view of what came in and what went out: purchase orders
(test orders with their lines among them) and the outbox (e-mails, invoices, confirmations)
with every delivery attempt and a replay button for what failed."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from marketplace.domain.accounts import Principal
from marketplace.domain.outbox import MessageKind
from marketplace.services import agreements, delivery, outbox_view
from marketplace.web.csrf import csrf_protect
from marketplace.web.deps import get_database, signed_in_user
from marketplace.web.pages import page_router
from marketplace.web.rendering import render

router = page_router()

SignedIn = Annotated[Principal, Depends(signed_in_user)]


@router.get("/procurement/orders", response_class=HTMLResponse)
def purchase_orders(request: Request, user: SignedIn, test: str = "") -> HTMLResponse:
    """Purchase orders received, newest first (``?test=1``: test orders only)."""
    only_test = True if test == "1" else None
    found = agreements.list_orders(get_database(request).unit_of_work(), user, test=only_test)
    return render(request, "procurement_orders.html", {"orders": found, "only_test": only_test})


@router.get("/procurement/messages", response_class=HTMLResponse)
def messages(request: Request, user: SignedIn, kind: str = "") -> HTMLResponse:
    """The organization's outbox: e-mails, invoices and confirmations, with their state."""
    chosen = next((k for k in MessageKind if k.value == kind), None)
    found = outbox_view.list_messages(get_database(request).unit_of_work(), user, kind=chosen)
    return render(
        request,
        "procurement_messages.html",
        {"messages": found, "kind": chosen, "kinds": list(MessageKind)},
    )


@router.get("/procurement/messages/{message_id}", response_class=HTMLResponse)
def message(request: Request, user: SignedIn, message_id: str) -> HTMLResponse:
    """One message: what it says, where it goes, and every attempt to deliver it."""
    found, attempts = outbox_view.get_message(
        get_database(request).unit_of_work(), user, message_id
    )
    return render(request, "procurement_message.html", {"message": found, "attempts": attempts})


@router.post(
    "/procurement/messages/{message_id}/replay",
    dependencies=[Depends(csrf_protect)],
    response_class=RedirectResponse,
)
def replay(request: Request, user: SignedIn, message_id: str) -> RedirectResponse:
    """Send a failed (or given-up) message again, with its payloadID unchanged."""
    outbox_view.authorize_replay(user)
    delivery.replay(
        get_database(request).unit_of_work, message_id, organization_id=user.organization.id
    )
    return RedirectResponse(f"/procurement/messages/{message_id}", status_code=303)
