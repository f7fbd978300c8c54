"""The signed-in user's pages: "Your software" and the account and organization page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from marketplace.domain.accounts import Account, Principal
from marketplace.domain.policies import ACTIONS, MANAGED_POLICIES
from marketplace.domain.punchout import RequestStatus
from marketplace.services import accounts, agreements
from marketplace.web.deps import get_database, signed_in_user
from marketplace.web.pages import page_router
from marketplace.web.rendering import render

router = page_router()

SignedIn = Annotated[Principal, Depends(signed_in_user)]


@router.get("/your-software", response_class=HTMLResponse)
def your_software(request: Request, user: SignedIn) -> HTMLResponse:
    """The agreements of the user's account (the management account: the organization's),
    and the requests still waiting for their procurement system."""
    database = get_database(request)
    found = agreements.list_agreements(
        database.unit_of_work(), user, action=ACTIONS.VIEW_SUBSCRIPTIONS
    )
    waiting = [
        r for r in agreements.list_requests(database.unit_of_work(), user) if r.status in _WAITING
    ]
    today = dt.datetime.now(dt.UTC).date()
    context = {"agreements": found, "requests": waiting, "today": today}
    return render(request, "your_software.html", context)


_WAITING = (RequestStatus.PENDING_APPROVAL, RequestStatus.PO_RECEIVED, RequestStatus.PREAPPROVED)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, user: SignedIn) -> HTMLResponse:
    """The user's account, organization (with its accounts when allowed) and policies."""
    members: Sequence[Account] | None = None  # None: the user may not see them
    if accounts.is_allowed(user, ACTIONS.DESCRIBE_ORGANIZATION):
        _, members = accounts.describe_organization(get_database(request).unit_of_work(), user)
    policies = [
        (name, MANAGED_POLICIES[name].description if name in MANAGED_POLICIES else "")
        for name in user.user.policies
    ]
    context = {"principal": user, "org_accounts": members, "policies": policies}
    return render(request, "account.html", context)
