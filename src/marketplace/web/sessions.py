"""Browser sessions: a signed, HttpOnly cookie that holds only the signed-in user's id.

The cookie is signed (not encrypted) with the settings' secret key by ``itsdangerous`` and
carries its own timestamp, so a tampered or stale cookie simply reads as "signed out". The
user is loaded afresh on every request, so a deleted user is signed out at once.
"""

from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from marketplace.config import Settings

__all__ = [
    "SESSION_COOKIE",
    "SESSION_MAX_AGE",
    "cookie_options",
    "end_session",
    "session_user_id",
    "start_session",
]

SESSION_COOKIE = "mk_session"
SESSION_MAX_AGE = 8 * 60 * 60  # a working day; then the user signs in again
_SALT = "marketplace.session"


def cookie_options(settings: Settings) -> dict[str, Any]:
    """The attributes every cookie of ours carries: HttpOnly, SameSite=Lax, Secure on https."""
    return {
        "httponly": True,
        "samesite": "lax",
        "secure": settings.base_url.lower().startswith("https://"),
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


def start_session(response: Response, settings: Settings, user_id: str) -> None:
    """Set a fresh session cookie for ``user_id`` on ``response``."""
    value = _serializer(settings).dumps(user_id)
    response.set_cookie(SESSION_COOKIE, value, max_age=SESSION_MAX_AGE, **cookie_options(settings))


def end_session(response: Response, settings: Settings) -> None:
    """Delete the session cookie."""
    response.delete_cookie(SESSION_COOKIE, **cookie_options(settings))
