"""What every command shares: the environment it reads its settings from, and the database."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from marketplace.cli.errors import fail, first_line
from marketplace.config import Settings
from marketplace.storage import migrate
from marketplace.storage.database import Database, normalize_url, open_database

__all__ = [
    "CliState",
    "checked_database_url",
    "open_store",
    "refuse_sqlite",
    "shown_url",
    "state",
]


@dataclass(frozen=True)
class CliState:
    """The ``MARKETPLACE_*`` environment, with the global options laid over it."""

    environ: Mapping[str, str]

    def settings(self, **variables: str) -> Settings:
        """Settings from the environment, ``MARKETPLACE_{name}`` overridden by ``variables``."""
        environ = dict(self.environ)
        environ.update({f"MARKETPLACE_{name}": value for name, value in variables.items()})
        return Settings.from_env(environ)

    def database_url(self) -> str:
        """The database URL to use, checked (see :func:`checked_database_url`)."""
        return checked_database_url(self.settings().database_url)


def state() -> CliState:
    """The current invocation's :class:`CliState` (set by the ``marketplace`` group)."""
    found = click.get_current_context().find_object(CliState)
    if found is None:  # only when a command is invoked without the group
        raise click.UsageError("run this command through `marketplace`")
    return found


def shown_url(url: str) -> str:
    """The database URL with any password hidden, fit to print."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"://([^:/@]*):[^@/]*@", r"://\1:***@", url)


def checked_database_url(url: str) -> str:
    """``url`` if it names a database the marketplace can use, else a one-line error."""
    try:
        normalize_url(url)
    except ArgumentError as exc:
        fail(f"cannot use the database URL {shown_url(url)!r}: {first_line(exc)}")
    return url


def refuse_sqlite(url: str, option: str) -> None:
    """A one-line error when ``url`` is an SQLite database: ``option`` (several processes)
    needs PostgreSQL. SQLite lets one process write at a time, so more processes would only
    queue for its lock (and time out under load) rather than do more."""
    if normalize_url(checked_database_url(url)).get_backend_name() == "sqlite":
        fail(
            f"{option} needs PostgreSQL (MARKETPLACE_DATABASE_URL=postgresql+psycopg://…): "
            "SQLite lets one process write at a time, so run one process on it"
        )


@contextmanager
def open_store(url: str, *, require_current: bool = True) -> Iterator[Database]:
    """Open the database at ``url`` for one command; refuse one that needs migrating."""
    database = open_database(checked_database_url(url))
    try:
        if require_current and not migrate.is_up_to_date(database.engine):
            fail(f"the database {shown_url(url)} is not up to date; run `marketplace db upgrade`")
        yield database
    finally:
        database.dispose()
