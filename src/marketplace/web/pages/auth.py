"""Signing in with e-mail and password, and signing out (both POST forms with CSRF)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.responses import Response

from marketplace.domain.accounts import Principal
from marketplace.domain.errors import AuthenticationError
from marketplace.services import accounts
from marketplace.web.csrf import csrf_protect, persist_csrf_token, rotate_csrf_token
from marketplace.web.deps import get_database, get_settings, optional_user
from marketplace.web.pages import page_router
from marketplace.web.rendering import render, safe_next
from marketplace.web.sessions import end_session, start_session

router = page_router()

# One message whether the e-mail address is unknown or the password is wrong, so that the
# form does not tell strangers who has an account.
SIGNIN_FAILED = "The e-mail address or password is not right. Check them and try again."

CurrentUser = Annotated[Principal | None, Depends(optional_user)]


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request, user: CurrentUser, next: str = "/") -> Response:
    """The sign-in form (a signed-in user goes straight on to ``next``)."""
    target = safe_next(next)
    if user is not None:
        return RedirectResponse(target, status_code=303)
    return render(request, "signin.html", {"next": target, "email": "", "errors": {}})


@router.post("/signin", response_class=HTMLResponse, dependencies=[Depends(csrf_protect)])
def signin(
    request: Request,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the e-mail address and password; start a session and go on to ``next``."""
    target = safe_next(next)
    errors = _missing(email, password)
    if errors:
        return _form_again(request, target, email, errors, status_code=400)
    try:
        uow = get_database(request).unit_of_work()
        principal = accounts.authenticate_password(uow, email.strip(), password)
    except AuthenticationError:
        return _form_again(request, target, email, {"form": SIGNIN_FAILED}, status_code=401)
    response = RedirectResponse(target, status_code=303)
    start_session(response, get_settings(request), principal.user.id)
    rotate_csrf_token(request)
    persist_csrf_token(request, response)
    return response


@router.get("/signout", response_class=HTMLResponse)
def signout_form(request: Request, user: CurrentUser) -> Response:
    """A page with the sign-out button, for whoever typed the address."""
    if user is None:
        return RedirectResponse("/", status_code=303)
    return render(request, "signout.html")


@router.post("/signout", dependencies=[Depends(csrf_protect)])
def signout(request: Request) -> Response:
    """End the session and go to the home page."""
    response = RedirectResponse("/", status_code=303)
    end_session(response, get_settings(request))
    rotate_csrf_token(request)
    persist_csrf_token(request, response)
    return response


def _missing(email: str, password: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not email.strip():
        errors["email"] = "Enter your e-mail address."
    if not password:
        errors["password"] = "Enter your password."
    return errors


def _form_again(
    request: Request, target: str, email: str, errors: dict[str, str], *, status_code: int
) -> Response:
    context = {"next": target, "email": email.strip(), "errors": errors}
    return render(request, "signin.html", context, status_code=status_code)
