"""The SQL repository of rate-limit token buckets (``services.ports.RateLimitRepository``).

Several app processes share one bucket per key, so a take must be atomic. It is one
statement on both backends::

    INSERT INTO rate_limit_buckets (key, tokens, updated_at) VALUES (:key, :burst - 1, :now)
    ON CONFLICT (key) DO UPDATE
        SET tokens = <refilled> - 1, updated_at = max(updated_at, :now)
        WHERE <refilled> >= 1
    RETURNING tokens

where ``<refilled>`` is ``min(:burst, tokens + :rate * max(:now - updated_at, 0))``, spelled
with ``CASE`` (PostgreSQL has ``LEAST``, SQLite a two-argument ``min``; ``CASE`` is both). A
new key is inserted with one token taken; an existing row is locked by the update (on
PostgreSQL a concurrent take waits for this transaction and then sees its result; SQLite's
writers take turns on the whole database). When the bucket holds less than one token the
``WHERE`` leaves the row alone and nothing is returned: the take is refused, and a plain
read tells how far the bucket is from its next token. A refused take changes nothing,
which is the same bucket as one refilled to now, since the refill is worked out from
``updated_at`` each time.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    Double,
    Executable,
    bindparam,
    case,
    literal,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.services.ports import TokenTake
from marketplace.storage.tables import rate_limit_buckets

__all__ = ["SqlRateLimitRepository"]


def _number(name: str) -> BindParameter[float]:
    return bindparam(name, type_=Double())


def _take_statement(dialect: Any) -> Executable:
    """The take (see the module docstring) with ``key``, ``now``, ``rate`` and ``burst``
    as parameters: built once per backend, so SQLAlchemy compiles it once."""
    table = rate_limit_buckets
    now, rate, burst = _number("now"), _number("rate"), _number("burst")
    elapsed = case((now > table.c.updated_at, now - table.c.updated_at), else_=literal(0.0))
    grown = table.c.tokens + rate * elapsed
    refilled = case((grown > burst, burst), else_=grown)
    statement: Executable = (
        dialect.insert(table)
        .values(key=bindparam("key"), tokens=burst - 1, updated_at=now)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "tokens": refilled - 1,
                "updated_at": case((table.c.updated_at > now, table.c.updated_at), else_=now),
            },
            where=refilled >= 1,
        )
        .returning(table.c.tokens)
    )
    return statement


_TAKE = {"postgresql": _take_statement(postgresql), "sqlite": _take_statement(sqlite)}
_READ = select(rate_limit_buckets.c.tokens, rate_limit_buckets.c.updated_at).where(
    rate_limit_buckets.c.key == bindparam("key")
)


class SqlRateLimitRepository:
    """Token buckets, one row per key, taken from atomically (see the module docstring)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def take_token(self, key: str, *, now: float, rate: float, burst: float) -> TokenTake:
        """Refill the bucket to ``now`` and take a token from it if there is one."""
        statement = _TAKE[
            "postgresql" if self._connection.dialect.name == "postgresql" else "sqlite"
        ]
        values = {"key": key, "now": float(now), "rate": float(rate), "burst": float(burst)}
        left = self._connection.execute(statement, values).scalar()
        if left is not None:
            return TokenTake(taken=True, tokens=float(left))
        row = self._connection.execute(_READ, {"key": key}).one()
        return TokenTake(taken=False, tokens=_refill(row.tokens, row.updated_at, now, rate, burst))


def _refill(tokens: float, updated_at: float, now: float, rate: float, burst: float) -> float:
    return min(burst, tokens + rate * max(now - updated_at, 0.0))
