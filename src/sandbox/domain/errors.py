"""The sandbox's one exception tree, translated at the edge (a page, a JSON error)::

SandboxError
├── NotFoundError      no such supplier, requisition, purchase order … (404)
├── InputError         a form or JSON body with bad values, per field (400)
└── RuleError          the action is not allowed now (409): not your approval, a
                       cancelled PO, a requisition already submitted …
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["InputError", "NotFoundError", "RuleError", "SandboxError"]


class SandboxError(Exception):
    """Anything the sandbox refuses, with a message for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(SandboxError):
    """The thing asked for does not exist."""


class InputError(SandboxError):
    """Bad input; ``fields`` maps each bad field to what is wrong with it."""

    def __init__(self, message: str, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = dict(fields or {})


class RuleError(SandboxError):
    """The action is not allowed in the current state."""
