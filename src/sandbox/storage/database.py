"""Opening the sandbox's database: the engine, its tables, and transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, select
from sqlalchemy.engine import make_url

from sandbox.storage.tables import SCHEMA_VERSION, meta, metadata

__all__ = ["Database", "open_database"]


class Database:
    """The sandbox's database: ``with db.transaction() as conn:`` commits or rolls back."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection in a transaction, committed when the block ends without an error."""
        with self.engine.begin() as connection:
            yield connection

    def create_tables(self) -> None:
        """Create the tables that are missing and record the schema version."""
        metadata.create_all(self.engine)
        with self.transaction() as conn:
            found = conn.execute(select(meta.c.value).where(meta.c.key == "schema")).scalar()
            if found is None:
                conn.execute(meta.insert().values(key="schema", value=str(SCHEMA_VERSION)))

    def dispose(self) -> None:
        """Close the pooled connections."""
        self.engine.dispose()


def open_database(url: str) -> Database:
    """Open ``url`` (creating a SQLite file's folder and the tables when missing)."""
    parsed = make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30} if sqlite else {}
    )
    if sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin_immediate)
    database = Database(engine)
    database.create_tables()
    return database


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling is off: ``_begin_immediate`` starts them.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _begin_immediate(connection: Connection) -> None:
    # Take the write lock at the start, so that two approvals never read the same highest
    # PO number (transactions are short: no HTTP call is ever made inside one).
    connection.exec_driver_sql("BEGIN IMMEDIATE")
