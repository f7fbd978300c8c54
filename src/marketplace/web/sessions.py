"""Browser sessions: a signed, HttpOnly cookie that holds only the signed-in user's id, and
the signed punchout session id (``ps``) that punchout pages carry in their URLs and forms.

The cookie is signed (not encrypted) with the settings' secret key by ``itsdangerous`` and
carries its own timestamp, so a tampered or stale cookie simply reads as "signed out". The
user is loaded afresh on every request, so a deleted user is signed out at once.

Punchout pages live in a frame of the buyer's procurement system, where our cookies are
third-party cookies that browsers may well refuse. So a punchout does not depend on them:
after the StartPage every link carries ``ps=<signed session id>`` in its query string and
every form a hidden ``ps`` field (signed with its own salt, good for the session's lifetime;
see :mod:`marketplace.web.deps` for how it signs the user in). The StartPage also sets the
ordinary session cookie, ``SameSite=None; Secure`` over https so that it can travel in the
frame, but only as a convenience for the pages the user later opens outside the frame.
"""

from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from marketplace.config import Settings
from marketplace.domain.punchout import SESSION_LIFETIME

__all__ = [
    "PUNCHOUT_MAX_AGE",
    "PUNCHOUT_PARAM",
    "SESSION_COOKIE",
    "SESSION_MAX_AGE",
    "cookie_options",
    "end_session",
    "punchout_session_id",
    "session_user_id",
    "sign_punchout",
    "start_session",
]

SESSION_COOKIE = "mk_session"
SESSION_MAX_AGE = 8 * 60 * 60  # a working day; then the user signs in again
_SALT = "marketplace.session"

PUNCHOUT_PARAM = "ps"
"""The query parameter (and form field) carrying the signed punchout session id."""
PUNCHOUT_MAX_AGE = int(SESSION_LIFETIME.total_seconds())
_PUNCHOUT_SALT = "marketplace.punchout"


def _https(settings: Settings) -> bool:
    return settings.base_url.lower().startswith("https://")


def cookie_options(settings: Settings, *, cross_site: bool = False) -> dict[str, Any]:
    """The attributes every cookie of ours carries: HttpOnly, SameSite=Lax, Secure on https.

    ``cross_site`` (the punchout's cookie, sent from inside the buyer's frame) asks for
    ``SameSite=None``, which browsers accept only with ``Secure``: over plain http it stays
    ``Lax`` (the frame then simply goes without it).
    """
    https = _https(settings)
    return {
        "httponly": True,
        "samesite": "none" if cross_site and https else "lax",
        "secure": https,
        "path": "/",
    }


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key.reveal(), salt=_SALT)


def session_user_id(request: Request, settings: Settings) -> str | None:
    """The user id of a valid session cookie on ``request``, or None."""
    value = request.cookies.get(SESSION_COOKIE)
    if not value:
        return None
    try:
        user_id = _serializer(settings).loads(value, max_age=SESSION_MAX_AGE)
    except BadSignature:  # also covers SignatureExpired
        return None
    return user_id if isinstance(user_id, str) and user_id else None


def start_session(
    response: Response, settings: Settings, user_id: str, *, cross_site: bool = False
) -> None:
    """Set a fresh session cookie for ``user_id`` on ``response`` (``cross_site``: see
    :func:`cookie_options`)."""
    value = _serializer(settings).dumps(user_id)
    options = cookie_options(settings, cross_site=cross_site)
    response.set_cookie(SESSION_COOKIE, value, max_age=SESSION_MAX_AGE, **options)


def end_session(response: Response, settings: Settings) -> None:
    """Delete the session cookie."""
    response.delete_cookie(SESSION_COOKIE, **cookie_options(settings))


def _punchout_serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key.reveal(), salt=_PUNCHOUT_SALT)


def sign_punchout(settings: Settings, session_id: str) -> str:
    """The ``ps`` value of a punchout session (its id, signed and timestamped)."""
    return _punchout_serializer(settings).dumps(session_id)


def punchout_session_id(settings: Settings, value: str | None) -> str | None:
    """The session id a ``ps`` value carries, or None when it is missing, forged or older
    than a punchout session can live."""
    if not value:
        return None
    try:
        session_id = _punchout_serializer(settings).loads(value, max_age=PUNCHOUT_MAX_AGE)
    except BadSignature:  # also covers SignatureExpired
        return None
    return session_id if isinstance(session_id, str) and session_id else None
