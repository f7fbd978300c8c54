"""FastAPI dependencies: the app's settings and database, API principals, page users.

``Require(action)`` is how a JSON API operation declares its permission: it authenticates
the ``Authorization: Bearer`` API key (401 otherwise) and authorizes the action (403
otherwise), and the operation's OpenAPI entry names the action (``x-required-action``).
Pages find their user in the session cookie; ``signed_in_user`` sends strangers to sign in.

In a punchout the user comes from the punchout session instead: a validly signed ``ps``
(query string, or form field of a POST) naming an **open** session signs its user in for
that request, whatever cookie the browser sends or withholds, and ``request.state.punchout``
holds the session (None outside a punchout). A ``ps`` whose session has ended (cart
returned, cancelled, expired) signs nobody in: ``request.state.punchout_ended`` is True and
the cookie, if any, is used as usual. So a ``ps`` is a bearer credential for as long as its
session is open, like the session cookie, and no longer.
"""

from __future__ import annotations

from typing import Annotated, Protocol

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from marketplace.config import Settings
from marketplace.domain.accounts import Principal
from marketplace.domain.errors import AuthenticationError
from marketplace.domain.punchout import PunchoutSession
from marketplace.services import accounts
from marketplace.services.authentication import principal_for
from marketplace.services.clock import utcnow
from marketplace.services.ports import SecretBox, UnitOfWork
from marketplace.web.sessions import (
    PUNCHOUT_PARAM,
    punchout_session_id,
    session_user_id,
)

__all__ = [
    "Database",
    "Require",
    "SignInRequiredError",
    "get_database",
    "get_secret_box",
    "get_settings",
    "html_errors",
    "optional_user",
    "punchout_param",
    "signed_in_user",
]

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class Database(Protocol):
    """What the web layer needs of a database: units of work (``storage.Database`` has it)."""

    def unit_of_work(self, *, all_or_nothing: bool = False) -> UnitOfWork:
        """A unit of work; ``all_or_nothing`` when a conflict makes the caller start again."""
        ...


class SignInRequiredError(AuthenticationError):
    """A page needs a signed-in user; pages answer it with a redirect to the sign-in page."""

    def __init__(self) -> None:
        super().__init__("Sign in to see this page.")


def get_settings(request: Request) -> Settings:
    """The application's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    """The application's database."""
    database: Database = request.app.state.database
    return database


def get_secret_box(request: Request) -> SecretBox:
    """What seals and opens connection secrets (keyed by the settings' secret key)."""
    box: SecretBox = request.app.state.secret_box
    return box


_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key: `Authorization: Bearer mk_…`.",
)


class Require:
    """Dependency: the caller's principal, authenticated by API key and authorized for
    ``action`` (``None``: any authenticated caller)."""

    def __init__(self, action: str | None) -> None:
        self.action = action

    def __call__(
        self,
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    ) -> Principal:
        if credentials is None or not credentials.credentials:
            raise AuthenticationError("Send an API key: Authorization: Bearer <api_key>.")
        uow = get_database(request).unit_of_work()
        principal = accounts.authenticate_api_key(uow, credentials.credentials)
        if self.action is not None:
            accounts.authorize(principal, self.action)
        return principal

    def __repr__(self) -> str:
        return f"Require({self.action!r})"


def html_errors(request: Request) -> None:
    """Dependency of page routers: errors on these routes render as HTML pages."""
    request.state.html_errors = True


async def punchout_param(request: Request) -> str | None:
    """The ``ps`` value of the request: its query parameter, else a form field of a POST."""
    value: object = request.query_params.get(PUNCHOUT_PARAM)
    if value is None and request.method == "POST":
        content_type = request.headers.get("content-type", "").lower()
        if content_type.startswith(_FORM_TYPES):
            # Starlette keeps the parsed form: the route's Form parameters reuse it.
            value = (await request.form()).get(PUNCHOUT_PARAM)
    return value if isinstance(value, str) and value else None


def optional_user(
    request: Request, ps: Annotated[str | None, Depends(punchout_param)] = None
) -> Principal | None:
    """The signed-in user's principal, or None (a stale session reads as signed out).

    A ``ps`` naming an open punchout session wins over the cookie (see the module).
    """
    if hasattr(request.state, "principal"):
        principal: Principal | None = request.state.principal
        return principal
    request.state.punchout = None
    request.state.punchout_ended = False
    request.state.ps = None
    principal = None
    session_id = punchout_session_id(get_settings(request), ps)
    if session_id is not None:
        session, principal = _punchout(get_database(request).unit_of_work(), session_id)
        if principal is None:
            request.state.punchout_ended = True
            request.state.punchout_frame = session  # its pages still show in the frame
        else:
            request.state.punchout = session
            request.state.ps = ps
    if principal is None:
        principal = _cookie_user(request)
    request.state.principal = principal
    return principal


def _punchout(uow: UnitOfWork, session_id: str) -> tuple[PunchoutSession | None, Principal | None]:
    """The punchout session ``session_id`` and, while it is open, its user's principal."""
    with uow:
        session = uow.punchout.get_session(session_id)
        if session is None or session.user_id is None or not session.is_active(utcnow()):
            return session, None
        return session, principal_for(uow, session.user_id)


def _cookie_user(request: Request) -> Principal | None:
    user_id = session_user_id(request, get_settings(request))
    if user_id is None:
        return None
    try:
        return accounts.load_principal(get_database(request).unit_of_work(), user_id)
    except AuthenticationError:
        return None


def signed_in_user(
    principal: Annotated[Principal | None, Depends(optional_user)],
) -> Principal:
    """The signed-in user's principal; strangers are redirected to the sign-in page."""
    if principal is None:
        raise SignInRequiredError()
    return principal
