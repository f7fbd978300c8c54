"""An in-memory fake of the rate-limit buckets (``services.ports.RateLimitRepository``).

``FakeUnitOfWork`` (``fake_uow``) wires it in as ``rate_limits``; buckets live in its
``FakeStore`` (``rate_limit_buckets``: key → ``(tokens, updated_at)``) and behave like
``marketplace.storage.rate_limits``: a new key starts with ``burst`` tokens and gives one;
an existing bucket is refilled (``services.rate_limits.refill``) and gives one when it has
one; a refused take changes nothing. One fake transaction runs at a time, so it is atomic.
"""

from __future__ import annotations

from fake_uow import FakeRepository

from marketplace.services.ports import TokenTake
from marketplace.services.rate_limits import RateLimit, refill

__all__ = ["FakeRateLimitRepository"]


class FakeRateLimitRepository(FakeRepository):
    """Token buckets by key."""

    def take_token(self, key: str, *, now: float, rate: float, burst: float) -> TokenTake:
        buckets = self._data.rate_limit_buckets
        if key not in buckets:
            buckets[key] = (burst - 1, now)
            return TokenTake(taken=True, tokens=burst - 1)
        tokens, updated_at = buckets[key]
        available = refill(tokens, now - updated_at, RateLimit(rate, burst))
        if available < 1:
            return TokenTake(taken=False, tokens=available)
        buckets[key] = (available - 1, max(updated_at, now))
        return TokenTake(taken=True, tokens=available - 1)
