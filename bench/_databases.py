"""What the benchmarks share: throwaway databases and a free loopback port.

Not a benchmark itself (``make bench`` runs the ``bench/*.py`` files whose names do not start
with ``_``); the benchmarks import it by name, their folder being first on ``sys.path``.
"""

from __future__ import annotations

import socket
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["free_port", "postgres_database", "postgres_reachable", "sqlite_database"]


@contextmanager
def sqlite_database(name: str) -> Iterator[str]:
    """The URL of a SQLite file ``<name>.db`` in a folder removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as folder:
        yield f"sqlite:///{Path(folder) / f'{name}.db'}"


@contextmanager
def postgres_database(server_url: str, name: str) -> Iterator[str]:
    """The URL of a new database ``bench_<name>_<random>`` on the server of ``server_url``,
    dropped afterwards (connections still open are closed: ``WITH (FORCE)``)."""
    import psycopg

    base = server_url.replace("postgresql+psycopg://", "postgresql://")
    admin = base.rsplit("/", 1)[0] + "/postgres"
    database = f"bench_{name}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {database}")
    try:
        server = base.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        yield f"{server}/{database}"
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def postgres_reachable(url: str) -> bool:
    """Whether the PostgreSQL server of ``url`` accepts a connection within 3 s."""
    try:
        import psycopg

        with psycopg.connect(
            url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3
        ):
            return True
    except Exception:  # any failure means "not reachable": the benchmark skips PostgreSQL
        return False


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
