"""Writes a constraint may refuse: a ``ConflictError`` instead of a driver error, with the
transaction still usable afterwards (every repository promises both).

PostgreSQL aborts the whole transaction when a statement fails, so there the write runs in a
savepoint, unless the unit of work is all or nothing (its caller starts again in a new
transaction after a conflict: the purchase-order intake). SQLite undoes only the statement a
constraint refuses and keeps the transaction going, so it needs none. A savepoint is two more
statements, and a purchase order makes five writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Executable
from sqlalchemy.exc import IntegrityError

from marketplace.domain.errors import ConflictError

__all__ = ["ALL_OR_NOTHING", "guarded_write"]

ALL_OR_NOTHING = "marketplace.all_or_nothing"
"""The key, in a connection's ``info``, of whether its unit of work is all or nothing."""


def guarded_write(
    connection: Connection,
    statement: Executable,
    message: str,
    parameters: Mapping[str, Any] | None = None,
) -> int:
    """Run ``statement`` (with ``parameters``); ``ConflictError(message)`` when a constraint
    refuses it. Returns the number of rows it changed."""
    try:
        if connection.dialect.name == "sqlite" or connection.info.get(ALL_OR_NOTHING):
            return connection.execute(statement, parameters).rowcount
        with connection.begin_nested():
            return connection.execute(statement, parameters).rowcount
    except IntegrityError as exc:
        raise ConflictError(message) from exc
