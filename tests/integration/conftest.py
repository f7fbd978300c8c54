"""Database fixtures for the integration tests: every test runs on SQLite (a temporary file)
and, when ``MARKETPLACE_TEST_POSTGRES_URL`` is set, on PostgreSQL too.

PostgreSQL tests never touch the database the variable names: the session creates a database
of its own (``storage_test_<random>``), migrates it once, empties its tables before each test,
and drops it at the end. SQLite tests each get a copy of a file migrated once per session.

Fixtures:

- ``database_url``: the URL of a migrated, empty database (parametrized by backend);
- ``database``: that database, opened (``marketplace.storage.database.Database``);
- ``empty_database_url``: the URL of a database that was never migrated;
- ``postgres_server_url``: ``MARKETPLACE_TEST_POSTGRES_URL`` (skips when unset);
- ``new_postgres_database``: makes more PostgreSQL databases (``with …(prefix) as url``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from postgres import empty_postgres_tables, fresh_postgres_database

from marketplace.storage import migrate
from marketplace.storage.database import Database, open_database

POSTGRES_URL_VARIABLE = "MARKETPLACE_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", *(["postgresql"] if os.environ.get(POSTGRES_URL_VARIABLE) else [])]


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """The PostgreSQL server the tests may create databases on."""
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        pytest.skip(f"{POSTGRES_URL_VARIABLE} is not set")
    return url


@pytest.fixture(scope="session")
def new_postgres_database(
    postgres_server_url: str,
) -> Callable[[str], AbstractContextManager[str]]:
    """``with new_postgres_database("prefix") as url:`` a database of its own, dropped after."""
    return lambda prefix: fresh_postgres_database(postgres_server_url, prefix)


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file at the newest revision, for tests to copy."""
    path = tmp_path_factory.mktemp("template") / "marketplace.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def migrated_postgres_url(postgres_server_url: str) -> Iterator[str]:
    """This session's PostgreSQL database, at the newest revision."""
    with fresh_postgres_database(postgres_server_url, "storage_test") as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database holding nothing, on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "marketplace.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite_file"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("migrated_postgres_url")
    empty_postgres_tables(url)
    return url


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """The migrated, empty database of ``database_url``, opened."""
    opened = open_database(database_url)
    yield opened
    opened.dispose()


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database that was never migrated, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'new' / 'marketplace.db'}"
        return
    with fresh_postgres_database(
        request.getfixturevalue("postgres_server_url"), "storage_test"
    ) as url:
        yield url
