"""The marketplace's exception tree (translated to HTTP and cXML answers at the edges).

MarketplaceError
├── ValidationError       bad input; ``fields`` names every bad field        → 400
├── AuthenticationError   no or unknown credentials                         → 401
├── AccessDeniedError     known principal without the permission            → 403
├── NotFoundError         no such thing (or not visible to the caller)      → 404
├── ConflictError         the current state forbids the change              → 409
└── GoneError             it existed, but is used up or expired             → 410
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AccessDeniedError",
    "AuthenticationError",
    "ConflictError",
    "FieldError",
    "GoneError",
    "MarketplaceError",
    "NotFoundError",
    "ValidationError",
]


@dataclass(frozen=True, slots=True)
class FieldError:
    """One bad field of a request: its name and what is wrong with it."""

    field: str
    message: str


class MarketplaceError(Exception):
    """Base of every error the marketplace reports to a user."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(MarketplaceError):
    """The input is invalid; ``fields`` lists every bad field at once."""

    code = "validation_error"

    def __init__(self, message: str, fields: tuple[FieldError, ...] = ()) -> None:
        super().__init__(message)
        self.fields = fields


class AuthenticationError(MarketplaceError):
    """No credentials, or credentials nobody has."""

    code = "unauthenticated"


class AccessDeniedError(MarketplaceError):
    """The principal is known but lacks the permission for the action."""

    code = "access_denied"

    def __init__(self, message: str, action: str | None = None) -> None:
        super().__init__(message)
        self.action = action


class NotFoundError(MarketplaceError):
    """The thing asked for does not exist, or is not visible to the caller."""

    code = "not_found"


class ConflictError(MarketplaceError):
    """The current state forbids the operation (a duplicate, a disabled thing …)."""

    code = "conflict"


class GoneError(MarketplaceError):
    """The thing was there but is used up or expired (a single-use link used twice …)."""

    code = "gone"
