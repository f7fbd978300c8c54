"""What every cXML endpoint shares: read the body, parse it, check the request type and the
credentials, and answer with a cXML document whatever happens.

An endpoint is a function from the request and its parsed document to the reply document;
:func:`answer` runs it (in the thread pool: it reaches the database) and turns every
failure into a cXML ``Response/Status``, never an HTML or JSON error::

    CxmlError                     its status code (406 malformed, 450 wrong request type …)
    CxmlAuthenticationError       401 (credentials) or 403 (disabled), the service's generic
                                  text; the reason (which element) is logged, never a secret
    RateLimitedError              429 "Too Many Requests" with a ``Retry-After`` header: the
                                  connection sent more than ``MARKETPLACE_CXML_RATE`` a second
                                  (beyond its ``MARKETPLACE_CXML_BURST``); checked once the
                                  credentials are known, before any work is done. A purchase
                                  order gets 503 instead (Coupa retries 5xx, never 4xx)
    MarketplaceError              the JSON API's status for it (400, 401, 403, 404, 409)
    anything else                 500, logged with its traceback

The HTTP status mirrors the cXML code when HTTP has it (401, 403, 406, 429 …), any 2xx is
200, another 5xx is 500 and any other code is 400 (a cXML client reads the Status, but proxies
and Coupa's logs read the HTTP line).

Every answer is counted in ``marketplace_cxml_documents_total{type,status_code}`` (the
request's type, ``unknown`` when it could not be read).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import TypeVar
from urllib.parse import urlsplit

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

import cxml
from cxml.models.envelope import Document, Payload, Status
from marketplace.config import Settings
from marketplace.domain.errors import MarketplaceError
from marketplace.services import rate_limits
from marketplace.services.cxml_auth import (
    CxmlAuthenticationError,
    CxmlCaller,
    authenticate_buyer,
)
from marketplace.services.procurement import CXML_PATHS
from marketplace.web.deps import get_database, get_secret_box, get_settings
from marketplace.web.errors import status_for
from marketplace.web.metrics import Metrics

__all__ = [
    "CXML_MEDIA_TYPE",
    "MAX_DOCUMENT_BYTES",
    "Handler",
    "RateLimitedError",
    "answer",
    "authenticate",
    "cxml_url",
    "expect",
    "http_status",
    "read_body",
    "render",
    "reply",
    "status_answer",
]

_log = logging.getLogger(__name__)

CXML_MEDIA_TYPE = "text/xml; charset=utf-8"
MAX_DOCUMENT_BYTES = cxml.DEFAULT_MAX_BYTES

# Which of our URLs takes each request type (to point a misdirected request the right way).
_REQUEST_PATHS = {
    "ProfileRequest": "profile",
    "PunchOutSetupRequest": "punchout",
    "OrderRequest": "order",
}

_HTTP_CODES = frozenset(status.value for status in HTTPStatus)

TOO_MANY_REQUESTS = 429  # not a cXML Reference Guide code: HTTP's, which Coupa logs show
UNKNOWN_TYPE = "unknown"

P = TypeVar("P", bound=Payload)

Handler = Callable[[Request, Document], Document]
"""An endpoint's work: the parsed request in, the reply document out (or an error raised)."""


class RateLimitedError(cxml.CxmlError):
    """The connection is over its rate limit: answer 429, try again in ``retry_after`` s."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Too many requests from this connection; try again in {retry_after} seconds.",
            TOO_MANY_REQUESTS,
        )
        self.retry_after = retry_after


def cxml_url(settings: Settings, name: str) -> str:
    """The absolute URL of our cXML endpoint ``name`` (``"punchout"``, ``"order"`` …)."""
    return settings.base_url + CXML_PATHS[name]


def _host(settings: Settings) -> str:
    """Our host name, for the payloadIDs of our answers."""
    return urlsplit(settings.base_url).hostname or "marketplace.invalid"


def http_status(code: int) -> int:
    """The HTTP status that carries a cXML status ``code`` (see the module docstring)."""
    if 200 <= code < 300:
        return 200
    if 400 <= code < 600 and code in _HTTP_CODES:
        return code
    return 500 if 500 <= code < 600 else 400


def reply(
    settings: Settings,
    payload: Payload | None = None,
    *,
    version: str = "",
    status: Status | None = None,
) -> Document:
    """A ``Response`` from us (status 200 unless given) carrying ``payload``."""
    return cxml.response(payload, status, host=_host(settings), version=version)


def status_answer(settings: Settings, code: int, detail: str, *, version: str = "") -> Response:
    """A bare cXML ``Response/Status``, rendered."""
    return render(cxml.status_response(code, detail, host=_host(settings), version=version))


def render(document: Document) -> Response:
    """The HTTP response carrying ``document`` (a 500 status if it cannot be serialized)."""
    return _rendered(document)[0]


def _rendered(document: Document) -> tuple[Response, int]:
    """The HTTP response carrying ``document``, and the cXML status code it carries."""
    try:
        body = cxml.serialize(document)
    except cxml.CxmlError:
        _log.exception("could not serialize a cXML answer")
        document = cxml.status_response(500, "The answer could not be written.")
        body = cxml.serialize(document)
    code = document.status.code if document.status is not None else 200
    return Response(body, status_code=http_status(code), media_type=CXML_MEDIA_TYPE), code


async def read_body(request: Request, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """The request body, refusing (cXML 406) one longer than ``limit`` before reading it all."""
    too_big = cxml.CxmlError(
        f"The document is larger than {limit:,} bytes; cXML documents must be smaller.", 406
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_big
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_big
        chunks.append(chunk)
    return b"".join(chunks)


def expect(settings: Settings, document: Document, payload_type: type[P]) -> P:
    """The document's payload if it is a ``payload_type``; else cXML 450 naming the URL
    that takes what was sent, when it is one of ours."""
    payload = document.payload
    if isinstance(payload, payload_type):
        return payload
    sent = payload.element if payload is not None else "a bare Response"
    message = f"This URL takes {payload_type.element} documents, not {sent}."
    if sent in _REQUEST_PATHS:
        message += f" Post {sent} to {cxml_url(settings, _REQUEST_PATHS[sent])}."
    raise cxml.CxmlError(message, 450)


def authenticate(request: Request, document: Document) -> CxmlCaller:
    """The connection the document's header authenticates as; cXML 401/403 otherwise.

    The log names the element that did not match (the service's ``reason``), never a secret;
    the answer says no more than that the credentials were not recognised (or, once they
    were, that the connection is disabled).
    """
    if document.header is None:
        raise cxml.CxmlError("The request has no Header with credentials.", 401)
    try:
        caller = authenticate_buyer(
            get_database(request).unit_of_work(),
            document.header,
            box=get_secret_box(request),
            test_requested=document.is_test,
            rate_limit=_rate_limit(request),
        )
    except CxmlAuthenticationError as exc:
        _log.warning(
            "cXML request to %s refused (%d): %s", request.url.path, exc.status_code, exc.reason
        )
        # The service's message is written for the buyer: it names no credential or secret.
        raise cxml.CxmlError(exc.message, exc.status_code) from None
    admission = caller.admission
    if not admission.allowed:
        _log.warning(
            "cXML request to %s from connection %s over the rate limit (retry in %d s)",
            request.url.path,
            caller.connection.id,
            admission.retry_after,
        )
        raise RateLimitedError(admission.retry_after)
    return caller


def _rate_limit(request: Request) -> rate_limits.RateLimit:
    """Each connection's limit: ``MARKETPLACE_CXML_RATE`` a second, ``…_BURST`` at once."""
    settings = get_settings(request)
    return rate_limits.RateLimit(settings.cxml_rate, settings.cxml_burst)


async def answer(request: Request, handler: Handler) -> Response:
    """Read, parse and handle a cXML request; answer with a cXML document, errors included."""
    settings = get_settings(request)
    try:
        body = await read_body(request)
    except cxml.CxmlError as exc:
        reply_document = cxml.error_response(exc, host=_host(settings))
    except Exception:
        _log.exception("could not read the cXML request to %s", request.url.path)
        reply_document = cxml.status_response(
            500, "Something went wrong on our side; try again.", host=_host(settings)
        )
    else:
        return await run_in_threadpool(_handle, request, body, handler)
    response, code = _rendered(reply_document)
    _count(request, UNKNOWN_TYPE, code)
    return response


def _handle(request: Request, body: bytes, handler: Handler) -> Response:
    settings = get_settings(request)
    version = ""
    document_type = UNKNOWN_TYPE
    headers: dict[str, str] = {}
    try:
        document = cxml.parse(body)
        version = document.version
        document_type = _type_of(document)
        reply_document = handler(request, document)
    except RateLimitedError as exc:
        reply_document = _too_many(settings, exc, version, document_type)
        headers["Retry-After"] = str(exc.retry_after)
    except cxml.CxmlError as exc:
        _log.info("cXML request to %s answered %d: %s", request.url.path, exc.status_code, exc)
        reply_document = cxml.error_response(exc, host=_host(settings), version=version)
    except MarketplaceError as exc:
        code = status_for(exc)
        _log.info("cXML request to %s answered %d: %s", request.url.path, code, exc.message)
        reply_document = cxml.status_response(
            code, exc.message, host=_host(settings), version=version
        )
    except Exception:
        _log.exception("unexpected error answering the cXML request to %s", request.url.path)
        reply_document = cxml.status_response(
            500,
            "Something went wrong on our side; try again.",
            host=_host(settings),
            version=version,
        )
    response, code = _rendered(reply_document)
    response.headers.update(headers)
    _count(request, document_type, code)
    return response


def _type_of(document: Document) -> str:
    """The request's type for the metrics: its payload's element (a bare one: ``Response``)."""
    return document.payload.element if document.payload is not None else "Response"


def _too_many(
    settings: Settings, exc: RateLimitedError, version: str, document_type: str
) -> Document:
    """The 429 answer, "Too Many Requests" (``cxml.status_text`` knows cXML's codes only).

    A purchase order gets 503 "Service Unavailable" instead: Coupa retries 5xx answers and
    never a 4xx, so a 429 would lose the order, while a 503 only delays it.
    """
    if document_type == "OrderRequest":
        status = Status(503, "Service Unavailable", exc.message)
    else:
        status = Status(exc.status_code, "Too Many Requests", exc.message)
    return reply(settings, None, version=version, status=status)


def _count(request: Request, document_type: str, code: int) -> None:
    """Count the answer in ``marketplace_cxml_documents_total``."""
    metrics: Metrics = request.app.state.metrics
    metrics.count_cxml(document_type, code)
