"""Throwaway PostgreSQL databases for tests: created on the server the tests are given
(``MARKETPLACE_TEST_POSTGRES_URL``), never the database that URL names, dropped afterwards."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from marketplace.storage.tables import metadata


@contextmanager
def fresh_postgres_database(server_url: str, prefix: str = "test") -> Iterator[str]:
    """A new, empty database ``<prefix>_<random>`` on the server of ``server_url``."""
    server = make_url(server_url)
    name = f"{prefix}_{secrets.token_hex(6)}"
    conninfo = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def empty_postgres_tables(url: str) -> None:
    """Delete every row of every table of the PostgreSQL database at ``url``."""
    tables = [table.name for table in metadata.sorted_tables] + ["product_search"]
    statement = sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(
        sql.SQL(", ").join(sql.Identifier(name) for name in tables)
    )
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(statement)
