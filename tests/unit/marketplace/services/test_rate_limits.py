"""Rate limits: a token bucket per key, in the (fake) database, refilled with time."""

from __future__ import annotations

import datetime as dt

import pytest
from fake_uow import FakeUnitOfWorkFactory
from hypothesis import example, given
from hypothesis import strategies as st

from marketplace.services.rate_limits import (
    Admission,
    RateLimit,
    admit,
    cxml_key,
    refill,
    retry_after,
)

START = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def take(factory: FakeUnitOfWorkFactory, clock: Clock, limit: RateLimit, n: int = 1) -> list[bool]:
    return [admit(factory, "cxml:conn-1", limit, clock=clock).allowed for _ in range(n)]


def test_a_new_connection_may_send_its_burst_at_once_and_no_more(
    factory: FakeUnitOfWorkFactory, clock: Clock
) -> None:
    limit = RateLimit(rate=2, burst=5)

    assert take(factory, clock, limit, 6) == [True] * 5 + [False]


def test_a_refused_request_is_told_when_the_next_token_comes(
    factory: FakeUnitOfWorkFactory, clock: Clock
) -> None:
    limit = RateLimit(rate=0.25, burst=1)  # one request every four seconds
    take(factory, clock, limit)
    clock.advance(1)

    assert admit(factory, "cxml:conn-1", limit, clock=clock) == Admission(False, retry_after=3)


def test_tokens_come_back_at_the_rate_up_to_the_burst(
    factory: FakeUnitOfWorkFactory, clock: Clock
) -> None:
    limit = RateLimit(rate=2, burst=5)
    take(factory, clock, limit, 5)

    clock.advance(1)  # two tokens
    assert take(factory, clock, limit, 3) == [True, True, False]
    clock.advance(3600)  # full again, never more than the burst
    assert take(factory, clock, limit, 6) == [True] * 5 + [False]


def test_each_connection_has_a_bucket_of_its_own(
    factory: FakeUnitOfWorkFactory, clock: Clock
) -> None:
    limit = RateLimit(rate=1, burst=1)

    assert admit(factory, cxml_key("conn-1"), limit, clock=clock).allowed
    assert not admit(factory, cxml_key("conn-1"), limit, clock=clock).allowed
    assert admit(factory, cxml_key("conn-2"), limit, clock=clock).allowed


def test_a_refused_request_takes_nothing(factory: FakeUnitOfWorkFactory, clock: Clock) -> None:
    limit = RateLimit(rate=1, burst=1)
    take(factory, clock, limit)
    clock.advance(0.5)
    assert take(factory, clock, limit, 3) == [False, False, False]

    clock.advance(0.5)  # a second after the first: its token is back, however often refused
    assert take(factory, clock, limit) == [True]


def test_a_clock_behind_the_last_request_adds_no_tokens(
    factory: FakeUnitOfWorkFactory, clock: Clock
) -> None:
    limit = RateLimit(rate=1, burst=1)
    take(factory, clock, limit)
    clock.advance(-30)  # another process's clock, half a minute slow

    assert take(factory, clock, limit) == [False]


def test_the_bucket_is_kept_in_the_database(factory: FakeUnitOfWorkFactory, clock: Clock) -> None:
    take(factory, clock, RateLimit(rate=1, burst=10), 3)

    tokens, updated_at = factory.store.rate_limit_buckets["cxml:conn-1"]
    assert tokens == 7
    assert updated_at == START.timestamp()


def test_a_rate_of_zero_turns_the_limit_off_without_touching_the_database(
    factory: FakeUnitOfWorkFactory, clock: Clock
) -> None:
    assert take(factory, clock, RateLimit(rate=0, burst=1), 50) == [True] * 50
    assert factory.created == []


@pytest.mark.parametrize(("rate", "burst"), [(-1, 10), (1, 0.5)])
def test_a_limit_needs_a_rate_of_at_least_zero_and_a_burst_of_at_least_one(
    rate: float, burst: float
) -> None:
    with pytest.raises(ValueError, match="rate limit"):
        RateLimit(rate, burst)


@given(
    tokens=st.floats(0, 100),
    elapsed=st.floats(-1e6, 1e6),
    rate=st.floats(0.01, 1000),
    burst=st.floats(1, 1000),
)
def test_refill_never_passes_the_burst_nor_loses_tokens(
    tokens: float, elapsed: float, rate: float, burst: float
) -> None:
    limit = RateLimit(rate, burst)
    tokens = min(tokens, burst)

    assert tokens <= refill(tokens, elapsed, limit) <= burst


@given(tokens=st.floats(-1, 0.999), rate=st.floats(0.001, 1000))
@example(tokens=1 / 3, rate=1 / 3)  # (1 - 1/3) / (1/3) is 2.0000000000000004 in floats
def test_retry_after_is_the_fewest_whole_seconds_that_bring_a_token(
    tokens: float, rate: float
) -> None:
    wait = retry_after(tokens, RateLimit(rate, 1))

    assert wait >= 1
    assert tokens + rate * wait >= 1 - 1e-6  # enough, but for float rounding
    assert wait == 1 or tokens + rate * (wait - 1) < 1 - 1e-12  # and one second less is not
