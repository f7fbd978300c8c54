"""Server-rendered pages: the Jinja2 environment, its filters, and ``render``.

Every page gets the signed-in user (or None) and the CSRF token for its forms, and the
response carries the token's cookie when this request created it.

In a punchout (``request.state.punchout``, see :mod:`marketplace.web.deps`) pages also get
``punchout`` (the session) and ``ps`` (its signed id), and templates build every internal
link with ``page_url(path, params, **more)`` and put ``punchout_field()`` in every form, so
the session travels without cookies. Punchout responses may be framed by the buyer's site
only (:func:`punchout_policy`) and are never stored by caches.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from starlette.responses import HTMLResponse, Response

from marketplace.domain.punchout import PunchoutSession
from marketplace.web import formatting
from marketplace.web.csrf import CSRF_FIELD, csrf_token, persist_csrf_token
from marketplace.web.sessions import PUNCHOUT_PARAM

__all__ = [
    "SITE_NAME",
    "frame_origin",
    "make_templates",
    "mark_punchout",
    "page_url",
    "punchout_policy",
    "render",
    "safe_next",
    "url_with",
]

SITE_NAME = "Software Marketplace"
TEMPLATES_DIR = Path(__file__).parent / "templates"

# A host as a CSP source expression may spell it (names, IPv4, bracketed IPv6).
_HOST = re.compile(r"[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]")


def make_templates() -> Jinja2Templates:
    """The page templates, with the marketplace's formatting filters."""
    templates = Jinja2Templates(directory=TEMPLATES_DIR)
    env = templates.env
    env.autoescape = True
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.filters.update(
        money=formatting.format_money,
        unit_price=formatting.unit_price,
        durations=formatting.format_durations,
        instalment_due=formatting.format_instalment_due,
        trial=formatting.format_trial,
        count=formatting.format_count,
        offer_summary=formatting.offer_summary,
    )
    env.globals.update(
        site_name=SITE_NAME,
        csrf_field=CSRF_FIELD,
        url_with=url_with,
        page_url=_page_url,
        punchout_field=_punchout_field,
    )
    return templates


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render ``template`` with the signed-in user and a CSRF token for its forms."""
    templates: Jinja2Templates = request.app.state.templates
    punchout: PunchoutSession | None = getattr(request.state, "punchout", None)
    full_context = {
        "current_user": getattr(request.state, "principal", None),
        "csrf_token": csrf_token(request),
        "current_path": request.url.path,
        "return_to": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "punchout": punchout,
        "ps": getattr(request.state, "ps", None) if punchout is not None else None,
        **(context or {}),
    }
    response = templates.TemplateResponse(request, template, full_context, status_code=status_code)
    persist_csrf_token(request, response)
    # Pages about a punchout that is over (or a used StartPage) still show in its frame.
    frame = punchout or getattr(request.state, "punchout_frame", None)
    if frame is not None:
        mark_punchout(response, frame)
    return response


def url_with(path: str, params: Mapping[str, object], **changes: object) -> str:
    """``path`` with the query ``params`` updated by ``changes`` (empty values dropped)."""
    merged = {**params, **changes}
    query = urlencode({k: str(v) for k, v in merged.items() if v not in (None, "")})
    return f"{path}?{query}" if query else path


def page_url(
    path: str, ps: str | None, params: Mapping[str, object] | None = None, **changes: object
) -> str:
    """``url_with``, plus the punchout's ``ps`` when there is one (it always comes last)."""
    merged = {**(params or {}), **changes}
    merged.pop(PUNCHOUT_PARAM, None)
    if ps:
        merged[PUNCHOUT_PARAM] = ps
    return url_with(path, merged)


@pass_context
def _page_url(
    context: Context, path: str, params: Mapping[str, object] | None = None, **changes: object
) -> str:
    """Template global: ``page_url('/search', params, page=2)`` keeps the punchout going."""
    return page_url(path, context.get("ps"), params, **changes)


@pass_context
def _punchout_field(context: Context) -> Markup:
    """Template global: the hidden ``ps`` field of a form (nothing outside a punchout)."""
    ps = context.get("ps")
    if not ps:
        return Markup("")
    return Markup('<input type="hidden" name="{}" value="{}">').format(PUNCHOUT_PARAM, escape(ps))


def frame_origin(url: str) -> str | None:
    """The origin (``scheme://host[:port]``) of an http(s) URL, spelled as a CSP source, or
    None when ``url`` has none that can be written safely into a header."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if scheme not in ("http", "https") or not _HOST.fullmatch(host):
        return None
    return f"{scheme}://{host}" + (f":{port}" if port is not None else "")


def punchout_policy(form_post_url: str) -> str:
    """The Content-Security-Policy of a punchout page: the site's default policy, except
    that the buyer's site (the origin of the BrowserFormPost URL) may frame the page and
    receive its forms (the cart goes there). Without a usable URL: no framing at all."""
    origin = frame_origin(form_post_url)
    form_targets = f"'self' {origin}" if origin else "'self'"
    ancestors = origin or "'none'"
    return (
        "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
        f"form-action {form_targets}; frame-ancestors {ancestors}"
    )


def mark_punchout(response: Response, session: PunchoutSession) -> None:
    """Give a punchout response its framing policy, and keep it out of every cache."""
    response.headers["Content-Security-Policy"] = punchout_policy(session.form_post_url)
    response.headers["Cache-Control"] = "no-store"


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to return to after signing in; anything else (other sites) → ``default``."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ch in target for ch in "\r\n\\") or any(ord(ch) < 32 for ch in target):
        return default
    return target
