"""JSON error answers shaped ``{"error": {"code", "message", "fields": [...]}}``.

Every error the web layer returns has this shape, so a client reads one format whatever
went wrong, and no error ever shows a stack trace.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


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


def install_error_handlers(app: FastAPI) -> None:
    """Make 404, 405, 422 and unexpected errors answer in the JSON error shape."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected_error)


def _code_for(status_code: int) -> str:
    try:
        return HTTPStatus(status_code).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, StarletteHTTPException):  # pragma: no cover - registered for it
        raise exc
    try:
        default_message = HTTPStatus(exc.status_code).phrase
    except ValueError:
        default_message = "Error"
    message = exc.detail if isinstance(exc.detail, str) and exc.detail else default_message
    headers = dict(exc.headers) if exc.headers else None
    return error_response(exc.status_code, _code_for(exc.status_code), message, None, headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, RequestValidationError):  # pragma: no cover - registered for it
        raise exc
    fields = [_field_error(error) for error in exc.errors()]
    return error_response(422, "validation_error", "The request is not valid.", fields)


def _field_error(error: dict[str, Any]) -> dict[str, str]:
    # FastAPI's loc starts with where the value came from ("body", "query", "path", ...).
    location = [str(part) for part in error.get("loc", ())]
    name = ".".join(location[1:]) if len(location) > 1 else ".".join(location)
    return {"name": name, "message": str(error.get("msg", "invalid value"))}


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    logging.getLogger(__name__).exception(
        "unhandled error on %s %s", request.method, request.url.path, exc_info=exc
    )
    return error_response(500, "internal_error", "Something went wrong on our side.")
