"""ASGI middleware of the web app: request ids, and the request body limit.

- :class:`RequestIdMiddleware` takes the request's ``X-Request-ID`` when it is a sensible one
  (1 to 128 letters, digits and ``._:/+=@-``), else makes one, puts it on the response and,
  through :data:`marketplace.logs.request_id_var`, in every log record written while the
  request is handled (the worker threads of sync routes included: they run in a copy of
  the request's context).
- :class:`BodyLimitMiddleware` refuses a request body larger than the limit with a 413, the
  JSON error shape for the API and an error page for browsers: at once when
  ``Content-Length`` says so, else as soon as the bytes read pass it. cXML endpoints
  (``/cxml/…``) are left to their own, larger cap, which answers in cXML.
"""

from __future__ import annotations

import re
import uuid
from http import HTTPStatus

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marketplace.logs import request_id_var
from marketplace.web.errors import error_page, error_response, wants_html

__all__ = ["REQUEST_ID_HEADER", "BodyLimitMiddleware", "RequestIdMiddleware", "valid_request_id"]

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/+=@-]{1,128}")
CXML_PREFIX = "/cxml/"


def valid_request_id(value: str | None) -> bool:
    """Whether a caller's request id can be used as it is (and safely written to logs)."""
    return value is not None and _REQUEST_ID.fullmatch(value) is not None


class RequestIdMiddleware:
    """Gives every HTTP request an id: in ``X-Request-ID`` both ways and in its log records."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get(REQUEST_ID_HEADER)
        request_id = given if given is not None and valid_request_id(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id  # request.state.request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        token = request_id_var.set(request_id)
        await self.app(scope, receive, send_with_id)
        # Reset only after a normal end: an exception goes on to the app's outermost error
        # handler, which logs it in this same task, still under this request's id.
        request_id_var.reset(token)


class BodyLimitMiddleware:
    """Refuses request bodies over ``limit`` bytes (413), except on the cXML endpoints."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CXML_PREFIX):
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            response = too_large(Request(scope, receive), self.limit)
            await response(scope, receive, send)
            return
        read = 0

        async def limited_receive() -> Message:
            nonlocal read
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > self.limit:
                    # The app's error handlers answer it, in JSON or as a page.
                    raise HTTPException(413, _message(self.limit))
            return message

        await self.app(scope, limited_receive, send)


def _message(limit: int) -> str:
    return f"The request body is larger than {limit:,} bytes."


def too_large(request: Request, limit: int) -> Response:
    """The 413 answer: an error page for browsers, the JSON error shape for the rest (its
    code as the app's error handlers spell it, from the status's phrase)."""
    if wants_html(request):
        return error_page(request, 413, _message(limit))
    code = HTTPStatus(413).phrase.lower().replace(" ", "_").replace("-", "_")
    return error_response(413, code, _message(limit))
