"""Server-rendered pages: templates, filters, the signed-in user, and security headers.

Signing in is picking a built-in user (no passwords: this is a sandbox); the choice is kept
in a ``SameSite=Lax`` cookie. Pages load nothing from other sites and no inline script; the
punchout page may frame the supplier's StartPage (``frame-src`` its origin).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse, RedirectResponse, Response

from sandbox.domain.errors import NotFoundError
from sandbox.domain.people import USERS, User, find_user
from sandbox.services.context import Sandbox

__all__ = [
    "USER_COOKIE",
    "content_policy",
    "current_user",
    "frame_origin",
    "make_templates",
    "page",
    "sandbox_of",
    "see_other",
    "sign_in_redirect",
]

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
USER_COOKIE = "sandbox_user"


def content_policy(frame_src: str | None = None) -> str:
    """The Content-Security-Policy of a page (``frame_src``: an origin it may frame). A frame
    may also show our own pages: the cart comes back into it, posted to our checkout URL."""
    frames = f"frame-src 'self' {frame_src}; " if frame_src else ""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"{frames}object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
    )


def frame_origin(url: str) -> str | None:
    """The ``scheme://host[:port]`` of an http(s) URL, or None."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host or any(c in host for c in " ;,'\""):
        return None
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


def money(amount: Decimal | None, currency: str = "USD") -> str:
    """``1,234.50 USD`` (more decimals only when the amount has them)."""
    if amount is None:
        return ""
    places = max(2, -amount.normalize().as_tuple().exponent)  # type: ignore[operator]
    return f"{amount:,.{min(places, 6)}f} {currency}"


def quantity(value: Decimal | None) -> str:
    """A quantity without trailing zeros (``100000``, ``0.5``)."""
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    return text


def when(value: dt.datetime | None) -> str:
    """``2025-03-04 10:00 UTC``-style local time of the server."""
    return value.astimezone().strftime("%Y-%m-%d %H:%M %Z").strip() if value else ""


def make_templates() -> Jinja2Templates:
    """The page templates, with the sandbox's filters."""
    templates = Jinja2Templates(directory=TEMPLATES_DIR)
    env = templates.env
    env.autoescape = True
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.filters.update(money=money, quantity=quantity, when=when)
    env.globals.update(users=USERS)
    return templates


def sandbox_of(request: Request) -> Sandbox:
    """The app's :class:`Sandbox`."""
    found: Sandbox = request.app.state.sandbox
    return found


def current_user(request: Request) -> User | None:
    """The signed-in user, or None."""
    email = request.cookies.get(USER_COOKIE)
    if not email:
        return None
    try:
        return find_user(email)
    except NotFoundError:
        return None


def see_other(url: str) -> RedirectResponse:
    """A 303 redirect (after a form POST)."""
    return RedirectResponse(url, status_code=303)


def sign_in_redirect(request: Request) -> RedirectResponse:
    """To the sign-in page, coming back here afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return see_other(f"/sign-in?next={quote(target, safe='')}")


def page(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    frame_src: str | None = None,
    **context: Any,
) -> Response:
    """Render ``template`` with the signed-in user, the current path and ``context``."""
    templates: Jinja2Templates = request.app.state.templates
    response: HTMLResponse = templates.TemplateResponse(
        request,
        template,
        {
            "user": current_user(request),
            "current_path": request.url.path,
            "settings": sandbox_of(request).settings,
            **context,
        },
        status_code=status_code,
    )
    response.headers["Content-Security-Policy"] = content_policy(frame_src)
    response.headers["Cache-Control"] = "no-store"
    return response
