"""Rate limits: a token bucket per key, kept in the database so that every app process
draws on the same one.

A bucket holds at most ``burst`` tokens and gains ``rate`` tokens a second; each request
takes one, and a request that finds less than one token is refused and told how long until
there is one (``retry_after``, whole seconds, at least 1). The cXML endpoints limit each
procurement connection (:func:`cxml_key`) once its credentials are known, with the rate and
burst of ``MARKETPLACE_CXML_RATE`` / ``MARKETPLACE_CXML_BURST``; a rate of 0 turns the limit
off (no database round trip).

The arithmetic is :func:`refill` here; storage does the same in SQL, atomically
(``RateLimitRepository.take_token``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from marketplace.services.clock import utcnow
from marketplace.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

__all__ = ["Admission", "RateLimit", "admit", "cxml_key", "refill", "retry_after", "take"]


@dataclass(frozen=True, slots=True)
class RateLimit:
    """``rate`` tokens a second, at most ``burst`` at once (``rate`` 0: no limit)."""

    rate: float
    burst: float

    def __post_init__(self) -> None:
        if self.rate < 0 or self.burst < 1:
            raise ValueError(f"a rate limit needs rate >= 0 and burst >= 1, not {self}")

    @property
    def enabled(self) -> bool:
        """False when the rate is 0 (no limit)."""
        return self.rate > 0


@dataclass(frozen=True, slots=True)
class Admission:
    """Whether a request may go ahead; if not, in how many seconds to try again."""

    allowed: bool
    retry_after: int = 0


def cxml_key(connection_id: str) -> str:
    """The bucket of a procurement connection's cXML requests."""
    return f"cxml:{connection_id}"


def refill(tokens: float, elapsed: float, limit: RateLimit) -> float:
    """The tokens in a bucket that held ``tokens`` ``elapsed`` seconds ago (a negative
    ``elapsed``, from another process's clock, adds nothing)."""
    return min(limit.burst, tokens + limit.rate * max(elapsed, 0.0))


def retry_after(tokens: float, limit: RateLimit) -> int:
    """Whole seconds until a bucket holding ``tokens`` (< 1) has one, at least 1."""
    # Less a hair, so that float error (2.0000000000000004 for 2) costs no extra second.
    return max(1, math.ceil((1.0 - tokens) / limit.rate - 1e-9))


def admit(
    units: UnitOfWorkFactory, key: str, limit: RateLimit, *, clock: Clock = utcnow
) -> Admission:
    """Take a token from the bucket ``key`` (in a transaction of its own, committed at once
    so that other processes see it); refused when there is none."""
    if not limit.enabled:
        return Admission(True)
    with units() as uow:
        admission = take(uow, key, limit, clock=clock)
        uow.commit()
    return admission


def take(uow: UnitOfWork, key: str, limit: RateLimit, *, clock: Clock = utcnow) -> Admission:
    """Take a token from the bucket ``key`` in ``uow``'s transaction (the caller commits it,
    soon: on PostgreSQL the bucket's row stays locked until then)."""
    if not limit.enabled:
        return Admission(True)
    taken = uow.rate_limits.take_token(
        key, now=clock().timestamp(), rate=limit.rate, burst=limit.burst
    )
    if taken.taken:
        return Admission(True)
    return Admission(False, retry_after(taken.tokens, limit))
