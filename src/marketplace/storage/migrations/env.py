"""Alembic's entry point: migrate the connection that ``marketplace.storage.migrate`` hands in.

There is no ``alembic.ini`` and no offline (SQL script) mode: migrations always run against a
live connection, opened with the marketplace's own engine settings.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from marketplace.storage.migrate import include_name
from marketplace.storage.tables import metadata

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("run migrations with marketplace.storage.migrate.upgrade(url)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    include_name=include_name,
    compare_type=True,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
