"""The one exception of the cxml library.

Every failure the library reports is a :class:`CxmlError`. It carries the cXML status code
that a server would answer with, so a web layer can turn any error into a cXML ``Status``
without a lookup table of its own::

    CxmlError                      status_code
    ├── document errors            406  not well formed, too big, too deep, entity declarations,
    │                                   wrong root, missing required element or attribute
    ├── unsupported                450  a request type or cXML version this library does not read
    └── serialization errors       500  a document built in code that cannot be emitted validly

Callers may raise it with other codes (401, 403, 409, 412, 417 …) for their own rules.
"""

from __future__ import annotations

__all__ = ["CxmlError"]


class CxmlError(Exception):
    """A cXML failure with the status code (a cXML code such as 400, 401, 406, 450) to answer."""

    def __init__(self, message: str, status_code: int = 406, *, path: str | None = None) -> None:
        if path:
            message = f"{message} (at {path})"
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.path = path

    def __repr__(self) -> str:
        return f"CxmlError({self.message!r}, status_code={self.status_code})"
