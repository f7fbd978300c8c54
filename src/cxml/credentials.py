"""Shared-secret checks: constant time, never logged, several secrets accepted during rotation."""

from __future__ import annotations

import hmac
from collections.abc import Iterable

__all__ = ["secret_matches"]


def secret_matches(given: str | None, expected: str | Iterable[str]) -> bool:
    """True when ``given`` equals ``expected`` (or any of several, e.g. old and new).

    Compares in constant time (``hmac.compare_digest`` on UTF-8 bytes) and checks every
    candidate, so the time taken says nothing about which one matched or how much of it.
    """
    candidates = [expected] if isinstance(expected, str) else list(expected)
    offered = (given or "").encode("utf-8")
    matched = False
    for candidate in candidates:
        matched |= hmac.compare_digest(offered, candidate.encode("utf-8")) and given is not None
    return matched
