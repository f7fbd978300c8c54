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

from sqlalchemy import ColumnElement, Connection, Double, case, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.services.ports import TokenTake
from marketplace.storage.tables import rate_limit_buckets

__all__ = ["SqlRateLimitRepository"]


def _number(value: float) -> ColumnElement[float]:
    return literal(float(value), Double())


class SqlRateLimitRepository:
    """Token buckets, one row per key, taken from atomically (see the module docstring)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def take_token(self, key: str, *, now: float, rate: float, burst: float) -> TokenTake:
        """Refill the bucket to ``now`` and take a token from it if there is one."""
        table = rate_limit_buckets
        refilled = _refilled(table.c.tokens, table.c.updated_at, now=now, rate=rate, burst=burst)
        dialect: Any = postgresql if self._connection.dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(table)
            .values(key=key, tokens=float(burst) - 1, updated_at=float(now))
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "tokens": refilled - 1,
                    "updated_at": case(
                        (table.c.updated_at > _number(now), table.c.updated_at),
                        else_=_number(now),
                    ),
                },
                where=refilled >= 1,
            )
            .returning(table.c.tokens)
        )
        left = self._connection.execute(statement).scalar()
        if left is not None:
            return TokenTake(taken=True, tokens=float(left))
        row = self._connection.execute(
            select(table.c.tokens, table.c.updated_at).where(table.c.key == key)
        ).one()
        return TokenTake(taken=False, tokens=_refill(row.tokens, row.updated_at, now, rate, burst))


def _refilled(
    tokens: ColumnElement[float],
    updated_at: ColumnElement[float],
    *,
    now: float,
    rate: float,
    burst: float,
) -> ColumnElement[float]:
    """``min(burst, tokens + rate * max(now - updated_at, 0))`` as SQL."""
    elapsed = case((_number(now) > updated_at, _number(now) - updated_at), else_=_number(0))
    grown = tokens + _number(rate) * elapsed
    return case((grown > _number(burst), _number(burst)), else_=grown)


def _refill(tokens: float, updated_at: float, now: float, rate: float, burst: float) -> float:
    return min(burst, tokens + rate * max(now - updated_at, 0.0))
