"""Errors become JSON ``{"error": {"code", "message", "fields": [...]}}`` or friendly pages.

The JSON API (and any client that does not ask for HTML) gets the one JSON shape, whatever
went wrong; pages get an HTML error page in the site's layout, and a page that needs a
signed-in user redirects to the sign-in page instead. Domain errors map to statuses::

    ValidationError      400  fields: [{"field", "message"}, ...]
    AuthenticationError  401  WWW-Authenticate: Bearer
    AccessDeniedError    403
    NotFoundError        404
    ConflictError        409
    GoneError            410

Malformed requests (bad JSON, a parameter of the wrong type) are 400s listing the fields.
Nothing ever shows a stack trace: unexpected errors are logged and answered with a 500.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from marketplace.domain.errors import (
    AccessDeniedError,
    AuthenticationError,
    ConflictError,
    GoneError,
    MarketplaceError,
    NotFoundError,
    ValidationError,
)
from marketplace.web.rendering import render

__all__ = ["error_response", "install_error_handlers", "status_for", "wants_html"]

_log = logging.getLogger(__name__)

_STATUSES: tuple[tuple[type[MarketplaceError], int], ...] = (
    (ValidationError, 400),
    (AuthenticationError, 401),
    (AccessDeniedError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
    (GoneError, 410),
)

_PAGE_TITLES = {
    400: "Something in the request is not right",
    401: "Please sign in",
    403: "You do not have permission",
    404: "Page not found",
    405: "That does not work here",
    409: "That cannot be done right now",
    410: "This link can no longer be used",
    500: "Something went wrong",
}


def error_response(
    status_code: int,
    code: str,
    message: str,
    fields: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Build a JSON error response in the marketplace's one error shape."""
    body = {"error": {"code": code, "message": message, "fields": fields or []}}
    return JSONResponse(body, status_code=status_code, headers=headers)


def status_for(error: MarketplaceError) -> int:
    """The HTTP status of a domain error (400 for any other ``MarketplaceError``)."""
    for error_type, status in _STATUSES:
        if isinstance(error, error_type):
            return status
    return 400


def wants_html(request: Request) -> bool:
    """True for page routes, and for browsers asking for pages outside ``/api``."""
    if getattr(request.state, "html_errors", False):
        return True
    if request.url.path == "/api" or request.url.path.startswith("/api/"):
        return False
    return "text/html" in request.headers.get("accept", "")


def install_error_handlers(app: FastAPI) -> None:
    """Answer domain errors, HTTP errors, bad requests and crashes in our shapes."""
    app.add_exception_handler(MarketplaceError, _domain_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected_error)


def _code_for(status_code: int) -> str:
    try:
        return HTTPStatus(status_code).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


def _phrase(status_code: int) -> str:
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return "Error"


def error_page(
    request: Request,
    status_code: int,
    message: str,
    fields: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The site's HTML error page (a bare one if even that cannot be rendered)."""
    title = _PAGE_TITLES.get(status_code, _phrase(status_code))
    context = {"status": status_code, "title": title, "message": message, "fields": fields}
    try:
        response: Response = render(request, "error.html", context, status_code=status_code)
    except Exception:  # the page must not fail while reporting a failure
        _log.exception("could not render the error page")
        response = HTMLResponse(_BARE_PAGE, status_code=status_code)
    response.headers.update(headers or {})
    return response


def _signin_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/signin?next={quote(target, safe='/')}", status_code=303)


async def _domain_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, MarketplaceError):  # pragma: no cover - registered for it
        raise exc
    status = status_for(exc)
    fields = [{"field": f.field, "message": f.message} for f in _fields_of(exc)]
    if wants_html(request):
        if status == 401:
            return _signin_redirect(request)
        return error_page(request, status, exc.message, fields)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return error_response(status, exc.code, exc.message, fields, headers)


def _fields_of(exc: MarketplaceError) -> tuple[Any, ...]:
    return exc.fields if isinstance(exc, ValidationError) else ()


async def _http_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, StarletteHTTPException):  # pragma: no cover - registered for it
        raise exc
    message = exc.detail if isinstance(exc.detail, str) and exc.detail else None
    headers = dict(exc.headers) if exc.headers else None
    if wants_html(request):
        text = message or _page_message(exc.status_code)
        return error_page(request, exc.status_code, text, None, headers)
    text = message or _phrase(exc.status_code)
    return error_response(exc.status_code, _code_for(exc.status_code), text, None, headers)


def _page_message(status_code: int) -> str:
    if status_code == 404:
        return "There is no page at this address. Check it, or search the catalog."
    if status_code == 405:
        return "This address does not take that kind of request."
    return _phrase(status_code)


async def _validation_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, RequestValidationError):  # pragma: no cover - registered for it
        raise exc
    fields = [_field_error(error) for error in exc.errors()]
    message = "The request is not valid."
    if wants_html(request):
        return error_page(request, 400, message, fields)
    return error_response(400, "validation_error", message, fields)


def _field_error(error: dict[str, Any]) -> dict[str, str]:
    # FastAPI's loc starts with where the value came from ("body", "query", "path", ...).
    location = [str(part) for part in error.get("loc", ())]
    name = ".".join(location[1:]) if len(location) > 1 else ".".join(location)
    return {"field": name or "body", "message": str(error.get("msg", "invalid value"))}


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    _log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    message = "Something went wrong on our side."
    if wants_html(request):
        return error_page(request, 500, message + " Please try again in a moment.")
    return error_response(500, "internal_error", message)


_BARE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Error · Software Marketplace</title></head>
<body><main><h1>Something went wrong</h1>
<p>Please try again in a moment. <a href="/">Go to the home page</a>.</p></main></body></html>
"""
