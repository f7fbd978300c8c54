"""Posting cXML to a supplier and reading its answer, as Coupa does.

=======================================  ==========================================
HTTP 2xx with a cXML Status 2xx          accepted
a cXML Status 4xx (HTTP 2xx or 4xx)      rejected: Coupa does not retry 4xx
HTTP 4xx without a cXML answer           rejected
HTTP 5xx, a cXML 5xx, a timeout, a       failed: Coupa retries 5xx; the sandbox
refused connection, or no cXML at all    offers to resend
=======================================  ==========================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import httpx

import cxml
from cxml.models.envelope import Document
from sandbox.domain.orders import Outcome

__all__ = ["Answer", "CxmlPoster", "HttpCxmlPoster"]

_EXCERPT = 300


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    """What came back from one POST: the HTTP status and the cXML answer, or the error."""

    http_status: int | None = None
    document: Document | None = None
    error: str = ""  # a transport error, or why the body is not a cXML answer
    body: str = ""

    @property
    def status_code(self) -> int | None:
        """The cXML ``Status@code``, or None without a cXML status."""
        status = self.document.status if self.document else None
        return status.code if status else None

    @property
    def status_text(self) -> str:
        """The cXML ``Status@text``."""
        status = self.document.status if self.document else None
        return status.text if status else ""

    @property
    def detail(self) -> str:
        """The cXML status's free text, else the error."""
        status = self.document.status if self.document else None
        return (status.detail.strip() if status else "") or self.error

    @property
    def outcome(self) -> Outcome:
        """Accepted, rejected or failed (see the module's table)."""
        code = self.status_code
        if self.http_status is None or self.http_status >= 500:
            return Outcome.FAILED
        if code is None:
            return Outcome.REJECTED if 400 <= self.http_status < 500 else Outcome.FAILED
        if 200 <= code < 300 and self.http_status < 300:
            return Outcome.ACCEPTED
        return Outcome.FAILED if code >= 500 else Outcome.REJECTED

    def summary(self) -> str:
        """The answer in one line, as the pages show it."""
        if self.status_code is None:
            http = f"HTTP {self.http_status}: " if self.http_status else ""
            return http + (self.error or "no answer")
        head = f"{self.status_code} {self.status_text}".strip()
        return f"{head}: {self.detail}" if self.detail else head


class CxmlPoster(Protocol):
    """Posts a cXML document and reads the answer; never raises for network errors."""

    def post(self, url: str, body: bytes) -> Answer:
        """POST ``body`` to ``url``."""
        ...


class HttpCxmlPoster:
    """Posts over HTTP with httpx (``text/xml``, no redirects followed: cXML is POSTed)."""

    def __init__(self, client: httpx.Client | None = None, *, timeout: float = 60.0) -> None:
        # Coupa waits 60 seconds for the answer to an OrderRequest.
        self._client = client or httpx.Client(timeout=timeout, follow_redirects=False)

    def post(self, url: str, body: bytes) -> Answer:
        """POST ``body`` and parse the answer (see :class:`Answer`)."""
        try:
            response = self._client.post(
                url, content=body, headers={"Content-Type": "text/xml; charset=utf-8"}
            )
        except httpx.HTTPError as exc:
            return Answer(error=f"Could not reach {url}: {type(exc).__name__}: {exc}".strip())
        excerpt = response.text[:_EXCERPT]
        try:
            document = cxml.parse(response.content)
        except cxml.CxmlError as exc:
            return Answer(
                http_status=response.status_code,
                error=f"No cXML status in the answer ({exc.message})",
                body=excerpt,
            )
        if document.status is None:
            return Answer(
                http_status=response.status_code,
                error="No status element in the answer",
                body=excerpt,
            )
        return Answer(http_status=response.status_code, document=document, body=excerpt)

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()
