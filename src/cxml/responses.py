"""Building replies: a ``Response`` with a ``Status`` for any outcome, errors included."""

from __future__ import annotations

from cxml.codes import status_text
from cxml.errors import CxmlError
from cxml.ids import new_payload_id
from cxml.models.envelope import Document, Payload, Status
from cxml.timestamps import now

__all__ = ["error_response", "response", "status_response"]


def response(
    payload: Payload | None = None,
    status: Status | None = None,
    *,
    host: str = "cxml.invalid",
    version: str = "",
    lang: str | None = "en-US",
) -> Document:
    """A ``Response`` document: status 200 OK unless given, with an optional payload."""
    return Document(
        payload_id=new_payload_id(host),
        timestamp=now(),
        payload=payload,
        status=status or Status.of(200),
        version=version,
        lang=lang,
    )


def status_response(
    code: int, detail: str = "", *, host: str = "cxml.invalid", version: str = ""
) -> Document:
    """A bare ``Response/Status`` with the standard text for ``code``."""
    return response(None, Status(code, status_text(code), detail), host=host, version=version)


def error_response(error: CxmlError, *, host: str = "cxml.invalid", version: str = "") -> Document:
    """The ``Response/Status`` that answers a request which failed with ``error``."""
    return status_response(error.status_code, error.message, host=host, version=version)
