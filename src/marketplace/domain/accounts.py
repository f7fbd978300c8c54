"""Organizations, their accounts, users and API keys.

An organization has exactly one **management account** and any number of **member accounts**;
account ids are 12 digits, as in AWS. Users belong to one account and carry the names of the
managed policies attached to them (see :mod:`marketplace.domain.policies`). API keys belong
to a user; only a hash of the key is kept.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

__all__ = [
    "Account",
    "AccountKind",
    "ApiKey",
    "Organization",
    "Principal",
    "User",
    "is_account_id",
    "normalize_email",
]

# ``fullmatch`` and ASCII digits: ``$`` also matches before a final newline, and ``\d``
# matches any Unicode digit ("١٢٣…").
_ACCOUNT_ID = re.compile(r"[0-9]{12}")
# A local part, "@", and a domain of two or more non-empty labels; no spaces, no controls.
_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f.]+(?:\.[^@\s\x00-\x1f\x7f.]+)+")


def is_account_id(value: str) -> bool:
    """True for a 12-digit account id."""
    return bool(_ACCOUNT_ID.fullmatch(value))


def normalize_email(value: str) -> str | None:
    """The e-mail address trimmed and lower-cased, or None when it is not one."""
    email = value.strip().lower()
    return email if _EMAIL.fullmatch(email) else None


class AccountKind(enum.Enum):
    """Whether an account manages its organization or is a member of it."""

    MANAGEMENT = "management"
    MEMBER = "member"


@dataclass(frozen=True, slots=True, kw_only=True)
class Organization:
    """A buyer organization (``o-`` followed by 10 lower-case letters or digits)."""

    id: str
    name: str
    management_account_id: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Account:
    """An account of an organization, identified by 12 digits."""

    id: str
    organization_id: str
    name: str
    kind: AccountKind
    created_at: dt.datetime

    @property
    def is_management(self) -> bool:
        """True for the organization's management account."""
        return self.kind is AccountKind.MANAGEMENT


@dataclass(frozen=True, slots=True, kw_only=True)
class User:
    """A person who signs in to an account; ``policies`` names managed policies."""

    id: str
    account_id: str
    email: str
    name: str
    password_hash: str | None
    policies: tuple[str, ...]
    created_at: dt.datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiKey:
    """An API key of a user. ``prefix`` identifies it in lists; ``key_hash`` verifies it."""

    id: str
    user_id: str
    prefix: str
    key_hash: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None

    @property
    def active(self) -> bool:
        """True until the key is revoked."""
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the user, their account and organization (for policy evaluation)."""

    user: User
    account: Account
    organization: Organization
