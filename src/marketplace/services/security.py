"""Password hashing (argon2id) and API keys (random, stored as a SHA-256 hash).

Passwords go through ``argon2.PasswordHasher`` with argon2-cffi's defaults (argon2id, the RFC
9106 low-memory profile). Callers may pass their own ``hasher``: tests use a cheap one so that
they stay fast; production code never does.

An API key reads ``mk_<prefix>_<secret>``: the ``prefix`` (12 lower-case letters and digits)
finds the stored key, the whole key's SHA-256 verifies it. Only the hash is stored, so a key is
shown once; hashes are compared in constant time (``hmac.compare_digest``).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = [
    "API_KEY_PREFIX_LENGTH",
    "default_password_hasher",
    "hash_api_key",
    "hash_password",
    "new_api_key",
    "parse_api_key",
    "same_hash",
    "spend_password_check",
    "verify_password",
]

API_KEY_PREFIX_LENGTH = 12
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits
_SECRET_BYTES = 24  # 24 random bytes are exactly 32 url-safe base64 characters
_SECRET_LENGTH = 32
_KEY_MARK = "mk"


@functools.cache
def default_password_hasher() -> PasswordHasher:
    """The production hasher: argon2id with argon2-cffi's default cost (built on first use)."""
    return PasswordHasher()


def hash_password(password: str, *, hasher: PasswordHasher | None = None) -> str:
    """The argon2id hash of ``password`` (salted; the cost parameters are in the hash)."""
    return (hasher or default_password_hasher()).hash(password)


def verify_password(
    password_hash: str, password: str, *, hasher: PasswordHasher | None = None
) -> bool:
    """True when ``password`` matches ``password_hash``; False for a mismatch or a bad hash."""
    try:
        return (hasher or default_password_hasher()).verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def spend_password_check(password: str, *, hasher: PasswordHasher | None = None) -> None:
    """Spend the time of a password check that cannot succeed (for an unknown user).

    Answering "no such user" faster than "wrong password" would tell an attacker which
    e-mail addresses have accounts.
    """
    chosen = hasher or default_password_hasher()
    verify_password(_decoy_hash(chosen), password, hasher=chosen)


@functools.lru_cache(maxsize=4)
def _decoy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_urlsafe(16))


def new_api_key() -> tuple[str, str, str]:
    """A fresh key: ``(key, prefix, key_hash)``; show ``key`` once, store the other two."""
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(API_KEY_PREFIX_LENGTH))
    key = f"{_KEY_MARK}_{prefix}_{secrets.token_urlsafe(_SECRET_BYTES)}"
    return key, prefix, hash_api_key(key)


def hash_api_key(key: str) -> str:
    """The SHA-256 hex digest of the whole key (what is stored)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def parse_api_key(key: str) -> str | None:
    """The prefix of a well-formed key, or None when ``key`` cannot be one of ours."""
    mark, _, rest = key.partition("_")
    prefix, _, secret = rest.partition("_")
    if mark != _KEY_MARK or len(prefix) != API_KEY_PREFIX_LENGTH or len(secret) != _SECRET_LENGTH:
        return None
    if not set(prefix) <= _PREFIX_SET:
        return None
    return prefix


_PREFIX_SET = frozenset(_PREFIX_ALPHABET)


def same_hash(expected: str, actual: str) -> bool:
    """Compare two hex digests in constant time."""
    return hmac.compare_digest(expected.encode("utf-8"), actual.encode("utf-8"))
