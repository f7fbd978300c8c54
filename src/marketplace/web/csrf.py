"""Cross-site request forgery protection for the pages' forms (signed double submit).

Every page that shows a form gets a random token, kept in a signed HttpOnly cookie and
repeated in a hidden ``csrf_token`` field of each form. A POST is accepted only when the
field equals the cookie's token (compared in constant time) and the cookie's signature is
ours, so another site can neither read the token nor plant a cookie of its own making. The
token is replaced whenever the user signs in or out. The JSON API needs none of this: it
authenticates with a Bearer header, which browsers never add by themselves.

**Punchout pages** live in a frame of the buyer's site, where the cookie may never arrive
(third-party cookies blocked). Their forms carry the signed session id (``ps``, see
:mod:`marketplace.web.sessions`) and, as ``csrf_token``, ``HMAC-SHA256(secret key,
"marketplace.punchout-csrf" | session id)``. A form is accepted when its ``ps`` is validly
signed and its token equals that HMAC of the session id ``ps`` names. Why this is safe:

- there is no ambient credential to forge with: a punchout form authenticates by the ``ps``
  in its body, which a browser never adds by itself, so another site can only post a form
  if it already knows a live ``ps``;
- the token is still required on top of ``ps``: ``ps`` travels in URLs (history, server
  logs), the token only in form bodies, so a ``ps`` read from a URL does not make a form;
- neither can be made without the secret key, and the token binds to one session (a token
  of one session does not pass with another's ``ps``). The session must also still be
  open: the use cases refuse a returned, cancelled or expired session whatever the token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Form, Request
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.responses import Response

from marketplace.config import Settings
from marketplace.domain.errors import AccessDeniedError
from marketplace.web.sessions import PUNCHOUT_PARAM, cookie_options, punchout_session_id

__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "CsrfError",
    "csrf_protect",
    "csrf_token",
    "persist_csrf_token",
    "punchout_csrf_token",
    "rotate_csrf_token",
]

CSRF_COOKIE = "mk_csrf"
CSRF_FIELD = "csrf_token"
_SALT = "marketplace.csrf"
_PUNCHOUT_CONTEXT = b"marketplace.punchout-csrf\x00"


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


def punchout_csrf_token(settings: Settings, session_id: str) -> str:
    """The token of the forms of punchout session ``session_id`` (see the module)."""
    key = settings.secret_key.reveal().encode("utf-8")
    message = _PUNCHOUT_CONTEXT + session_id.encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The token for forms on this response: in a punchout, the session's (no cookie);
    otherwise the cookie's, creating one when the browser has none."""
    token: str | None = getattr(request.state, "csrf_token", None)
    punchout = getattr(request.state, "punchout", None)
    if token is None and punchout is not None:
        token = punchout_csrf_token(_settings(request), punchout.id)
        request.state.csrf_token = token
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


def csrf_protect(
    request: Request,
    submitted: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    punchout: Annotated[str, Form(alias=PUNCHOUT_PARAM)] = "",
) -> None:
    """Dependency of every page POST: refuse the form unless its token matches the cookie's,
    or (punchout forms) the token of the session its ``ps`` field names."""
    if _matches(submitted, _cookie_token(request)):
        return
    session_id = punchout_session_id(_settings(request), punchout)
    if session_id is not None and _matches(
        submitted, punchout_csrf_token(_settings(request), session_id)
    ):
        return
    raise CsrfError()


def _matches(submitted: str, expected: str | None) -> bool:
    return bool(expected) and hmac.compare_digest(
        submitted.encode("utf-8"), (expected or "").encode("utf-8")
    )
