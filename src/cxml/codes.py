"""cXML status codes and their standard texts (cXML Reference Guide; SAP Ariba KB0402515)."""

from __future__ import annotations

__all__ = ["STATUS_TEXTS", "is_success", "is_transient", "status_text"]

STATUS_TEXTS: dict[int, str] = {
    200: "OK",
    201: "Accepted",
    204: "No Content",
    280: "Forwarded",
    281: "Forwarded",
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    406: "Not Acceptable",
    409: "Conflict",
    412: "Precondition Failed",
    417: "Expectation Failed",
    450: "Not Implemented",
    475: "Signature Required",
    476: "Signature Verification Failed",
    477: "Signature Unacceptable",
    500: "Internal Server Error",
    550: "Unable to reach next cXML server",
    551: "Unable to forward request",
    560: "Temporary server error",
}


def status_text(code: int) -> str:
    """The standard text for a status code; the class name ("Bad Request" …) for unknown codes."""
    if code in STATUS_TEXTS:
        return STATUS_TEXTS[code]
    return {2: "OK", 4: "Bad Request", 5: "Internal Server Error"}.get(code // 100, "Unknown")


def is_success(code: int) -> bool:
    """2xx: the receiver accepted the document (Coupa treats any 2xx as success)."""
    return 200 <= code < 300


def is_transient(code: int) -> bool:
    """5xx: a temporary failure that the sender should retry (Coupa retries 5xx, never 4xx)."""
    return 500 <= code < 600
