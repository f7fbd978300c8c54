"""Rate-limit buckets in storage (``RateLimitRepository``), on SQLite and PostgreSQL: the same
arithmetic as the service's ``refill``, and atomic takes when processes race for the last
tokens of one bucket."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from marketplace.services.ports import TokenTake
from marketplace.services.rate_limits import RateLimit, admit, refill
from marketplace.storage.database import Database
from marketplace.storage.tables import rate_limit_buckets

pytestmark = pytest.mark.integration

T0 = 1_772_355_600.0  # 2026-03-01 09:00 UTC, in seconds since the epoch
KEY = "cxml:pc-0001"


def take(database: Database, now: float, *, rate: float = 1, burst: float = 3) -> TokenTake:
    with database.unit_of_work() as uow:
        taken = uow.rate_limits.take_token(KEY, now=now, rate=rate, burst=burst)
        uow.commit()
    return taken


def stored(database: Database) -> tuple[float, float]:
    with database.engine.connect() as connection:
        row = connection.execute(
            select(rate_limit_buckets.c.tokens, rate_limit_buckets.c.updated_at)
        ).one()
    return row.tokens, row.updated_at


def test_a_new_bucket_starts_full_and_gives_its_burst(database: Database) -> None:
    takes = [take(database, T0) for _ in range(4)]

    assert [t.taken for t in takes] == [True, True, True, False]
    assert [t.tokens for t in takes] == [2, 1, 0, 0]
    assert stored(database) == (0, T0)


def test_tokens_come_back_at_the_rate_up_to_the_burst(database: Database) -> None:
    for _ in range(3):
        take(database, T0)

    half = take(database, T0 + 0.5)
    whole = take(database, T0 + 1.5)  # 1.5 tokens: one taken, half left
    full = [take(database, T0 + 1000).taken for _ in range(4)]

    assert half == TokenTake(taken=False, tokens=0.5)
    assert whole.taken
    assert whole.tokens == pytest.approx(0.5)
    assert full == [True, True, True, False]


def test_a_refused_take_changes_nothing(database: Database) -> None:
    for _ in range(3):
        take(database, T0)

    for step in (0.25, 0.5, 0.75):
        assert not take(database, T0 + step).taken

    assert stored(database) == (0, T0)
    assert take(database, T0 + 1).taken


def test_a_clock_behind_the_bucket_adds_nothing_and_keeps_the_later_time(
    database: Database,
) -> None:
    take(database, T0)

    behind = take(database, T0 - 60)

    assert behind == TokenTake(taken=True, tokens=1)
    assert stored(database) == (1, T0)


@pytest.mark.parametrize("elapsed", [0.001, 0.3, 1, 2.5, 7, 1e6])
def test_storage_refills_as_the_service_computes(database: Database, elapsed: float) -> None:
    limit = RateLimit(rate=0.7, burst=4)
    for _ in range(4):
        take(database, T0, rate=limit.rate, burst=limit.burst)

    result = take(database, T0 + elapsed, rate=limit.rate, burst=limit.burst)

    expected = refill(0, (T0 + elapsed) - T0, limit)  # the elapsed time a double can hold
    assert result.taken is (expected >= 1)
    assert result.tokens == pytest.approx(expected - 1 if expected >= 1 else expected)


def test_keys_have_buckets_of_their_own(database: Database) -> None:
    with database.unit_of_work() as uow:
        first = uow.rate_limits.take_token("cxml:a", now=T0, rate=1, burst=1)
        second = uow.rate_limits.take_token("cxml:a", now=T0, rate=1, burst=1)
        other = uow.rate_limits.take_token("cxml:b", now=T0, rate=1, burst=1)
        uow.commit()

    assert (first.taken, second.taken, other.taken) == (True, False, True)


def test_concurrent_takes_never_give_more_than_the_bucket_holds(database: Database) -> None:
    # Many processes (threads here, each with its own connection) race for one bucket with
    # 25 tokens and no refill to speak of: exactly 25 requests get through.
    limit = RateLimit(rate=1e-9, burst=25)
    threads, attempts = 8, 10
    start = threading.Barrier(threads)

    def hammer(_: int) -> int:
        start.wait(timeout=30)
        return sum(admit(database.unit_of_work, KEY, limit).allowed for _ in range(attempts))

    with ThreadPoolExecutor(max_workers=threads) as pool:
        allowed = sum(pool.map(hammer, range(threads)))

    assert allowed == 25
    assert stored(database)[0] == pytest.approx(0, abs=1e-3)


def test_a_take_waits_for_an_uncommitted_one_on_the_same_bucket(database: Database) -> None:
    if database.dialect != "postgresql":
        pytest.skip("row locks are PostgreSQL's (SQLite's writers take turns)")
    take(database, T0, burst=2)  # one token left

    with ThreadPoolExecutor(max_workers=1) as pool, database.unit_of_work() as first:
        assert first.rate_limits.take_token(KEY, now=T0, rate=1e-9, burst=2).taken
        second = pool.submit(take, database, T0, rate=1e-9, burst=2)
        with pytest.raises(TimeoutError):
            second.result(timeout=0.5)  # blocked on the row until `first` ends
        first.commit()
        assert second.result(timeout=30).taken is False
