"""Server-rendered pages: the Jinja2 environment, its filters, and ``render``.

Every page gets the signed-in user (or None) and the CSRF token for its forms, and the
response carries the token's cookie when this request created it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from marketplace.web import formatting
from marketplace.web.csrf import CSRF_FIELD, csrf_token, persist_csrf_token

__all__ = ["SITE_NAME", "make_templates", "render", "safe_next", "url_with"]

SITE_NAME = "Software Marketplace"
TEMPLATES_DIR = Path(__file__).parent / "templates"


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
    env.globals.update(site_name=SITE_NAME, csrf_field=CSRF_FIELD, url_with=url_with)
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
    full_context = {
        "current_user": getattr(request.state, "principal", None),
        "csrf_token": csrf_token(request),
        "current_path": request.url.path,
        "return_to": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        **(context or {}),
    }
    response = templates.TemplateResponse(request, template, full_context, status_code=status_code)
    persist_csrf_token(request, response)
    return response


def url_with(path: str, params: Mapping[str, object], **changes: object) -> str:
    """``path`` with the query ``params`` updated by ``changes`` (empty values dropped)."""
    merged = {**params, **changes}
    query = urlencode({k: str(v) for k, v in merged.items() if v not in (None, "")})
    return f"{path}?{query}" if query else path


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to return to after signing in; anything else (other sites) → ``default``."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ch in target for ch in "\r\n\\") or any(ord(ch) < 32 for ch in target):
        return default
    return target
