"""Helpers for the CLI's tests: fakes of storage for the unit tests, and command listing.

In unit tests no database is opened: ``open_database`` returns a :class:`FakeDatabase` and
the migration functions record their calls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType

import click
from click.testing import Result


@dataclass
class FakeCatalog:
    products: int = 0

    def count_products(self) -> int:
        return self.products


@dataclass
class FakeUnitOfWork:
    catalog: FakeCatalog

    def __enter__(self) -> FakeUnitOfWork:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None


@dataclass
class FakeDatabase:
    url: str
    catalog: FakeCatalog = field(default_factory=FakeCatalog)
    engine: object = field(default_factory=object)
    disposed: bool = False
    optimized: bool = False

    def unit_of_work(self, *, all_or_nothing: bool = False) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.catalog)

    def dispose(self) -> None:
        self.disposed = True

    def optimize(self) -> None:
        self.optimized = True


@dataclass
class FakeStorage:
    """What the CLI did to storage: databases opened, migrations run."""

    up_to_date: bool = True
    databases: list[FakeDatabase] = field(default_factory=list)
    upgraded: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    def open_database(self, url: str) -> FakeDatabase:
        self.calls.append("open_database")
        database = FakeDatabase(url)
        self.databases.append(database)
        return database

    def upgrade(self, url: str) -> None:
        self.calls.append("upgrade")
        self.upgraded.append(url)


Invoke = Callable[..., Result]
"""``invoke(*args, env=None, stdin=None)``: run ``marketplace`` and return click's result."""


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and group under ``group``, as argument tuples (``()`` is the group)."""
    paths = [prefix]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, (*prefix, name)))
        else:
            paths.append((*prefix, name))
    return paths
