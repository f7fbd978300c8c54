"""Schema migrations: Alembic, with its scripts inside the package and no ``alembic.ini``.

``upgrade(url)`` brings any database (an empty one included) to the latest revision; the
application refuses to start on a database that is not ``is_up_to_date``.
``schema_differences`` compares the migrated database with ``tables.metadata`` (a test keeps
them in step).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from marketplace.storage.database import open_database
from marketplace.storage.tables import metadata

__all__ = [
    "current_revision",
    "head_revision",
    "include_name",
    "is_up_to_date",
    "schema_differences",
    "upgrade",
    "upgrade_engine",
]

_SCRIPTS = Path(__file__).resolve().with_name("migrations")
# Backend-specific tables the portable models leave out (the full-text index and, on
# SQLite, FTS5's own shadow tables) and Alembic's bookkeeping.
_UNMODELLED = ("product_search", "alembic_version")


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url: str) -> None:
    """Migrate the database at ``url`` to the latest revision, creating its tables if empty."""
    database = open_database(url)
    try:
        upgrade_engine(database.engine)
    finally:
        database.dispose()


def upgrade_engine(engine: Engine) -> None:
    """Migrate the database behind ``engine`` to the latest revision."""
    with engine.begin() as connection:
        command.upgrade(_config(connection), "head")


def head_revision() -> str:
    """The latest revision the package ships."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:
        raise RuntimeError("the package ships no migrations")
    return head


def current_revision(engine: Engine) -> str | None:
    """The database's revision, or None when it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_up_to_date(engine: Engine) -> bool:
    """True when the database is at the latest revision."""
    return current_revision(engine) == head_revision()


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Whether Alembic compares a database object (not the backend-specific search index)."""
    if type_ == "table" and name is not None:
        return not name.startswith(_UNMODELLED)
    return True


def schema_differences(engine: Engine) -> list[Any]:
    """What Alembic's autogenerate would change to make the database match the models."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": include_name, "compare_type": True}
        )
        return list(compare_metadata(context, metadata))
