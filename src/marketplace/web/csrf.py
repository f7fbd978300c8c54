"""Cross-site request forgery protection for the pages' forms (signed double submit).

Every page that shows a form gets a random token, kept in a signed HttpOnly cookie and
repeated in a hidden ``csrf_token`` field of each form. A POST is accepted only when the
field equals the cookie's token (compared in constant time) and the cookie's signature is
ours, so another site can neither read the token nor plant a cookie of its own making. The
token is replaced whenever the user signs in or out. The JSON API needs none of this: it
authenticates with a Bearer header, which browsers never add by themselves.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import Form, Request
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.responses import Response

from marketplace.config import Settings
from marketplace.domain.errors import AccessDeniedError
from marketplace.web.sessions import cookie_options

__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "CsrfError",
    "csrf_protect",
    "csrf_token",
    "persist_csrf_token",
    "rotate_csrf_token",
]

CSRF_COOKIE = "mk_csrf"
CSRF_FIELD = "csrf_token"
_SALT = "marketplace.csrf"


class CsrfError(AccessDeniedError):
    """A form came back without the token we gave it (or from another site)."""

    code = "csrf_failed"

    def __init__(self) -> None:
        super().__init__(
            "This form has expired or did not come from this site. "
            "Go back, reload the page and try again."
        )


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key.reveal(), salt=_SALT)


def _cookie_token(request: Request) -> str | None:
    value = request.cookies.get(CSRF_COOKIE)
    if not value:
        return None
    try:
        token = _serializer(_settings(request)).loads(value)
    except BadSignature:
        return None
    return token if isinstance(token, str) and token else None


def csrf_token(request: Request) -> str:
    """The token for forms on this response, creating one when the browser has none."""
    token: str | None = getattr(request.state, "csrf_token", None)
    if token is None:
        token = _cookie_token(request)
        if token is None:
            token = secrets.token_urlsafe(32)
            request.state.csrf_new = True
        request.state.csrf_token = token
    return token


def rotate_csrf_token(request: Request) -> str:
    """Replace the token (on sign-in and sign-out); the next response must persist it."""
    request.state.csrf_token = secrets.token_urlsafe(32)
    request.state.csrf_new = True
    return str(request.state.csrf_token)


def persist_csrf_token(request: Request, response: Response) -> None:
    """Set the token cookie on ``response`` if this request created or replaced the token."""
    if getattr(request.state, "csrf_new", False):
        settings = _settings(request)
        value = _serializer(settings).dumps(request.state.csrf_token)
        response.set_cookie(CSRF_COOKIE, value, **cookie_options(settings))


def csrf_protect(request: Request, submitted: Annotated[str, Form(alias=CSRF_FIELD)] = "") -> None:
    """Dependency of every page POST: refuse the form unless its token matches the cookie."""
    expected = _cookie_token(request)
    if not expected or not hmac.compare_digest(submitted.encode(), expected.encode()):
        raise CsrfError()
