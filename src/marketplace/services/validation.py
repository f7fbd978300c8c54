"""Input checks shared by the use cases: each reports every bad field at once.

A :class:`Checks` collects :class:`~marketplace.domain.errors.FieldError` values while the
inputs are cleaned, then :meth:`Checks.done` raises one ``ValidationError`` naming them all.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from marketplace.domain.accounts import normalize_email
from marketplace.domain.errors import FieldError, ValidationError
from marketplace.domain.policies import MANAGED_POLICIES

__all__ = [
    "EMAIL_MAX_LENGTH",
    "NAME_MAX_LENGTH",
    "PASSWORD_MAX_LENGTH",
    "PASSWORD_MIN_LENGTH",
    "Checks",
]

NAME_MAX_LENGTH = 100
EMAIL_MAX_LENGTH = 254  # RFC 5321's limit on a forward path
PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 1024  # long enough for any passphrase, short enough to bound hashing


class Checks:
    """Cleans inputs field by field and remembers what is wrong with each."""

    def __init__(self) -> None:
        self._errors: list[FieldError] = []

    def fail(self, field: str, message: str) -> None:
        """Record that ``field`` is invalid."""
        self._errors.append(FieldError(field, message))

    def done(self, message: str = "Some fields are invalid.") -> None:
        """Raise a ValidationError listing every recorded field, if any."""
        if self._errors:
            raise ValidationError(message, tuple(self._errors))

    def name(self, field: str, value: str) -> str:
        """A display name: trimmed, 1 to 100 characters, no control characters."""
        cleaned = value.strip()
        if not cleaned:
            self.fail(field, "Enter a name.")
        elif len(cleaned) > NAME_MAX_LENGTH:
            self.fail(field, f"Use at most {NAME_MAX_LENGTH} characters.")
        elif any(unicodedata.category(char).startswith("C") for char in cleaned):
            self.fail(field, "Remove the control characters.")
        return cleaned

    def email(self, field: str, value: str) -> str:
        """An e-mail address, trimmed and lower-cased."""
        email = normalize_email(value)
        if email is None:
            self.fail(field, "Enter an e-mail address such as name@example.com.")
            return value.strip().lower()
        if len(email) > EMAIL_MAX_LENGTH:
            self.fail(field, f"Use at most {EMAIL_MAX_LENGTH} characters.")
        return email

    def password(self, field: str, value: str | None) -> str | None:
        """An optional password of 12 to 1024 characters."""
        if value is None:
            return None
        if len(value) < PASSWORD_MIN_LENGTH:
            self.fail(field, f"Use at least {PASSWORD_MIN_LENGTH} characters.")
        elif len(value) > PASSWORD_MAX_LENGTH:
            self.fail(field, f"Use at most {PASSWORD_MAX_LENGTH} characters.")
        return value

    def policies(self, field: str, names: Iterable[str]) -> tuple[str, ...]:
        """Managed-policy names, each known, without duplicates, in the order given."""
        chosen = (names,) if isinstance(names, str) else tuple(dict.fromkeys(names))
        unknown = [name for name in chosen if name not in MANAGED_POLICIES]
        if unknown:
            self.fail(field, "Unknown policy: " + ", ".join(unknown) + ".")
        return chosen
