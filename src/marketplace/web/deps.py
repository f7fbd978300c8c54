"""FastAPI dependencies: the app's settings and database, API principals, page users.

``Require(action)`` is how a JSON API operation declares its permission: it authenticates
the ``Authorization: Bearer`` API key (401 otherwise) and authorizes the action (403
otherwise), and the operation's OpenAPI entry names the action (``x-required-action``).
Pages find their user in the session cookie; ``signed_in_user`` sends strangers to sign in.
"""

from __future__ import annotations

from typing import Annotated, Protocol

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from marketplace.config import Settings
from marketplace.domain.accounts import Principal
from marketplace.domain.errors import AuthenticationError
from marketplace.services import accounts
from marketplace.services.ports import SecretBox, UnitOfWork
from marketplace.web.sessions import session_user_id

__all__ = [
    "Database",
    "Require",
    "SignInRequiredError",
    "get_database",
    "get_secret_box",
    "get_settings",
    "html_errors",
    "optional_user",
    "signed_in_user",
]


class Database(Protocol):
    """What the web layer needs of a database: units of work (``storage.Database`` has it)."""

    def unit_of_work(self) -> UnitOfWork: ...


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


def optional_user(request: Request) -> Principal | None:
    """The signed-in user's principal, or None (a stale session reads as signed out)."""
    if hasattr(request.state, "principal"):
        principal: Principal | None = request.state.principal
        return principal
    principal = None
    user_id = session_user_id(request, get_settings(request))
    if user_id is not None:
        try:
            principal = accounts.load_principal(get_database(request).unit_of_work(), user_id)
        except AuthenticationError:
            principal = None
    request.state.principal = principal
    return principal


def signed_in_user(
    principal: Annotated[Principal | None, Depends(optional_user)],
) -> Principal:
    """The signed-in user's principal; strangers are redirected to the sign-in page."""
    if principal is None:
        raise SignInRequiredError()
    return principal
