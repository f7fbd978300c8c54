"""Many-row inserts without SQLAlchemy's per-row bookkeeping, for loading catalogs.

The statement is compiled once for the connection's dialect; each value still goes through
its column type's bind processor (so ``UtcDateTime`` and ``DecimalText`` behave exactly as
in ordinary statements), and the driver's ``executemany`` does the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, insert

__all__ = ["insert_rows"]


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys, named after columns) into ``table``."""
    if not rows:
        return
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=list(rows[0]))
    names = list(compiled.positiontup or ()) if compiled.positional else list(rows[0])
    converters = [
        (index, processor)
        for index, name in enumerate(names)
        if (processor := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
    ]
    pick = itemgetter(*names)
    params: list[Any] = []
    for row in rows:
        values = list(pick(row)) if len(names) > 1 else [row[names[0]]]
        for index, processor in converters:
            values[index] = processor(values[index])
        params.append(
            tuple(values) if compiled.positional else dict(zip(names, values, strict=True))
        )
    connection.exec_driver_sql(compiled.string, params)
