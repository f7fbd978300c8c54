"""``marketplace db``: the database schema (Alembic migrations shipped in the package)."""

from __future__ import annotations

import click

from marketplace.cli.context import open_store, shown_url, state
from marketplace.cli.errors import MarketplaceGroup
from marketplace.storage import migrate

__all__ = ["db"]


@click.group(cls=MarketplaceGroup)
def db() -> None:
    """Create and migrate the database (MARKETPLACE_DATABASE_URL)."""


@db.command()
def upgrade() -> None:
    """Migrate the database to the latest schema, creating it if needed.

    Safe to run at any time: an up-to-date database is left as it is.

    \b
    Example:
      marketplace db upgrade
    """
    url = state().database_url()
    click.echo(f"Upgrading the database {shown_url(url)} …")
    migrate.upgrade(url)
    click.echo(f"Database is up to date (revision {migrate.head_revision()}).")


@db.command()
def status() -> None:
    """Show the database's schema revision and whether it needs `marketplace db upgrade`.

    \b
    Example:
      marketplace db status
    """
    url = state().database_url()
    with open_store(url, require_current=False) as database:
        current = migrate.current_revision(database.engine)
        up_to_date = migrate.is_up_to_date(database.engine)
    click.echo(f"Database  {shown_url(url)}")
    click.echo(f"Revision  {current or 'none (empty database)'}")
    if up_to_date:
        click.echo("Status    up to date")
    else:
        click.echo(f"Status    behind {migrate.head_revision()}: run `marketplace db upgrade`")
