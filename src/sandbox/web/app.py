"""The buyer sandbox's web application factory, and how errors become pages, JSON or cXML.

Errors are translated at this edge, never shown as a stack trace::

    NotFoundError 404 · InputError 400 · RuleError 409 · anything else 500 (logged)

as a page (``error.html``), as JSON ``{"error": {"code", "message", "fields"}}`` under
``/api/``, or as a cXML ``Response/Status`` under ``/cxml/``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.responses import Response

from sandbox.config import SandboxSettings
from sandbox.domain.errors import InputError, NotFoundError, RuleError, SandboxError
from sandbox.services.context import Sandbox, open_sandbox
from sandbox.services.transport import CxmlPoster
from sandbox.web import (
    api_orders,
    api_procurement,
    pages_home,
    pages_invoices,
    pages_orders,
    pages_punchout,
    pages_requisitions,
    pages_setup,
)
from sandbox.web.pages_invoices import cxml_answer
from sandbox.web.rendering import content_policy, make_templates, page

__all__ = ["create_app"]

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
_log = logging.getLogger(__name__)


def create_app(
    settings: SandboxSettings,
    *,
    sandbox: Sandbox | None = None,
    poster: CxmlPoster | None = None,
) -> FastAPI:
    """Build the sandbox's ASGI application. Without ``sandbox``, it opens (and creates) the
    database of ``settings`` and posts cXML with ``poster`` (default: httpx)."""
    resources = sandbox or open_sandbox(settings, poster=poster)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if sandbox is None:
            resources.close()

    app = FastAPI(
        title="Buyer sandbox",
        summary="A Coupa-like procurement system that speaks cXML to the marketplace.",
        version="0.1.0",
        openapi_url="/api/openapi.json",
        # FastAPI's interactive docs load scripts from a CDN; we serve no external assets.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.sandbox = resources
    app.state.templates = make_templates()
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (
        pages_home,
        pages_punchout,
        pages_requisitions,
        pages_orders,
        pages_invoices,
        pages_setup,
        api_procurement,
        api_orders,
    ):
        app.include_router(module.router)
    _install_error_handlers(app)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", content_policy())
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return app


def _status(error: SandboxError) -> int:
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, InputError):
        return 400
    if isinstance(error, RuleError):
        return 409
    return 500


_HEADINGS = {404: "Not found", 400: "Please check your input", 409: "Not possible now"}
_CODES = {404: "not_found", 400: "invalid", 405: "method_not_allowed", 409: "conflict"}


def _error(
    request: Request, status: int, message: str, fields: dict[str, str] | None = None
) -> Response:
    path = request.url.path
    if path.startswith("/cxml/"):
        return cxml_answer(request, status, message)
    if path.startswith("/api/"):
        body = {"code": _CODES.get(status, "error"), "message": message, "fields": fields or {}}
        return JSONResponse({"error": body}, status_code=status)
    heading = _HEADINGS.get(status, "Something went wrong")
    return page(
        request,
        "error.html",
        status_code=status,
        heading=heading,
        message=message,
        fields=fields or {},
    )


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SandboxError)
    async def sandbox_error(request: Request, exc: SandboxError) -> Response:
        status = _status(exc)
        if status == 500:
            _log.error("%s %s failed: %s", request.method, request.url.path, exc.message)
        fields = exc.fields if isinstance(exc, InputError) else None
        return _error(request, status, exc.message, fields)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        fields = {
            ".".join(str(part) for part in error.get("loc", ()) if part != "body"): str(
                error.get("msg", "invalid")
            )
            for error in exc.errors()
        }
        return _error(request, 400, "The request has invalid values.", fields)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = "There is no such page." if exc.status_code == 404 else str(exc.detail)
        return _error(request, exc.status_code, message)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        _log.exception("%s %s failed", request.method, request.url.path)
        return _error(request, 500, "Unexpected server error. The sandbox's log has the details.")
