"""Opening a database: one engine per process, and a unit of work per transaction.

SQLite (the embedded default) is opened in WAL mode with foreign keys enforced and a busy
timeout, its parent folder created; PostgreSQL URLs are driven by psycopg 3 whatever driver
they name (``postgresql://`` and ``postgres://`` are accepted).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import ConnectionPoolEntry

from marketplace.storage.search_index import optimize_index
from marketplace.storage.unit_of_work import SqlUnitOfWork, WriterTurns

__all__ = ["Database", "Dialect", "normalize_url", "open_database"]

Dialect = Literal["sqlite", "postgresql"]

_MMAP_BYTES = 256 * 1024 * 1024
_BUSY_TIMEOUT_MS = 10_000
_CACHE_KIB = 65_536  # per connection: the search index and product ids stay in memory


class Database:
    """An open database: its engine, and units of work over it (``unit_of_work`` is a
    ``UnitOfWorkFactory``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect: Dialect = "sqlite" if engine.dialect.name == "sqlite" else "postgresql"
        self._head_revision: str | None = None
        # SQLite has one writer at a time. Its busy handler makes the others sleep and poll
        # (1, 2, 5 … 100 ms), so under concurrent writes the lock sits idle while they sleep,
        # and a transaction that read first may find its snapshot stale when it comes to
        # write (SQLITE_BUSY at once, no waiting). The units of work of this process queue on
        # a lock of their own instead, and begin with BEGIN IMMEDIATE.
        self._turns = WriterTurns(_BUSY_TIMEOUT_MS / 1000) if self.dialect == "sqlite" else None

    def unit_of_work(self, *, all_or_nothing: bool = False) -> SqlUnitOfWork:
        """A new unit of work (one transaction); use it in a ``with`` block.

        ``all_or_nothing``: the caller gives up the whole transaction when a write conflicts
        (and starts again in a new one), so a refused write need not leave it usable, and
        PostgreSQL's writes run without a savepoint each (``storage.guarded``).
        """
        return SqlUnitOfWork(self.engine, self._turns, all_or_nothing=all_or_nothing)

    def optimize(self) -> None:
        """Tidy up after a bulk load (``marketplace catalog seed``): merge SQLite's full-text
        index into one segment (or PostgreSQL's GIN pending entries into the index) and
        refresh the query planner's statistics. Safe at any time; about 3 s for 100,000
        products on SQLite, and searches at that size take half the time afterwards."""
        with self.engine.begin() as connection:
            optimize_index(connection)
            connection.exec_driver_sql("ANALYZE")

    def schema_revisions(self) -> tuple[str | None, str]:
        """The database's migration revision (None when never migrated) and the newest one
        the package ships (``services.ports.DatabaseProbe``, for readiness checks); raises
        when the database does not answer."""
        from marketplace.storage import migrate  # migrate opens databases with this module

        if self._head_revision is None:  # read from the package's scripts once
            self._head_revision = migrate.head_revision()
        # Alembic's own table, read directly: ``migrate.current_revision`` goes through a
        # MigrationContext, which logs two lines each time, and probes come every few seconds.
        with self.engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None, self._head_revision
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return (None if current is None else str(current)), self._head_revision

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.engine.url.render_as_string(hide_password=True)!r})"


def open_database(
    url: str, *, pool_size: int | None = None, max_overflow: int | None = None
) -> Database:
    """Open the SQLite or PostgreSQL database at ``url`` (raises ``ArgumentError`` for others).

    ``pool_size`` and ``max_overflow`` size a PostgreSQL engine's connection pool (the
    connections kept open, and how many more may be opened under load); None keeps
    SQLAlchemy's defaults (5 and 10). SQLite ignores them.
    """
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return Database(_sqlite_engine(parsed))
    pool: dict[str, int] = {}
    if pool_size is not None:
        pool["pool_size"] = pool_size
    if max_overflow is not None:
        pool["max_overflow"] = max_overflow
    return Database(create_engine(parsed, pool_pre_ping=True, **pool))


def normalize_url(url: str | URL) -> URL:
    """The URL with PostgreSQL pointed at psycopg 3; ``ArgumentError`` for other databases."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and parsed.get_driver_name() == "pysqlite":
        return parsed
    raise ArgumentError(
        f"unsupported database {parsed.drivername!r}: use sqlite:///path or postgresql://…"
    )


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    # Hand transaction control to SQLAlchemy (``BEGIN`` below), so SAVEPOINTs work.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
        # Read the file through the OS page cache mapping instead of copying pages in: the
        # search index at 100,000 products is read widely by broad queries.
        cursor.execute(f"PRAGMA mmap_size = {_MMAP_BYTES}")
    finally:
        cursor.close()


def _begin_sqlite_transaction(connection: Any) -> None:
    # IMMEDIATE takes the write lock at the start: a transaction never has to upgrade a read
    # snapshot to a write, which fails outright when another writer committed in between.
    connection.exec_driver_sql("BEGIN IMMEDIATE")
