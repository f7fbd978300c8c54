"""Cheap password hashing for tests: argon2id at the lowest cost, so that tests stay fast.

Production code always hashes with ``security.default_password_hasher()``; a test that
creates users with passwords calls :func:`use_cheap_password_hashing` (it patches that
function through pytest's ``monkeypatch``, undone after the test)::

    @pytest.fixture(autouse=True)
    def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
        use_cheap_password_hashing(monkeypatch)
"""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from marketplace.services import security

__all__ = ["cheap_password_hasher", "use_cheap_password_hashing"]


def cheap_password_hasher() -> PasswordHasher:
    """argon2id with one pass over 8 KiB: about a millisecond instead of a fifth of a second."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def use_cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> PasswordHasher:
    """Make the services hash (and check) passwords with :func:`cheap_password_hasher`."""
    hasher = cheap_password_hasher()
    monkeypatch.setattr(security, "default_password_hasher", lambda: hasher)
    return hasher
