"""Random identifiers in the shapes the marketplace shows (as AWS does).

========================  ==================================================
organization              ``o-`` and 10 lower-case letters or digits
account                   12 digits
user                      ``u-`` and 16 hexadecimal digits
API key                   ``k-`` and 16 hexadecimal digits
========================  ==================================================

Organization and account ids are short enough to collide now and then, so their makers take
an ``exists`` check and draw again until the id is free.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable

__all__ = ["new_account_id", "new_api_key_id", "new_organization_id", "new_user_id"]

_ORG_ALPHABET = string.ascii_lowercase + string.digits


def new_organization_id(exists: Callable[[str], bool]) -> str:
    """A free organization id."""
    while True:
        candidate = "o-" + "".join(secrets.choice(_ORG_ALPHABET) for _ in range(10))
        if not exists(candidate):
            return candidate


def new_account_id(exists: Callable[[str], bool]) -> str:
    """A free 12-digit account id."""
    while True:
        candidate = f"{secrets.randbelow(10**12):012d}"
        if not exists(candidate):
            return candidate


def new_user_id() -> str:
    """A user id (64 random bits: no check needed)."""
    return "u-" + secrets.token_hex(8)


def new_api_key_id() -> str:
    """An API key id (64 random bits: no check needed)."""
    return "k-" + secrets.token_hex(8)
