"""Fixtures for the CLI's integration tests: the real ``marketplace`` command on a fresh database.

The database is chosen through ``MARKETPLACE_DATABASE_URL``, as a user would: a temporary
SQLite file, and a fresh PostgreSQL database when ``MARKETPLACE_TEST_POSTGRES_URL`` is set.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from postgres import fresh_postgres_database

from marketplace.cli import main
from marketplace.storage.database import Database, open_database

Run = Callable[..., Result]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database nobody has used yet, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cli.db'}"
        return
    server_url = os.environ.get("MARKETPLACE_TEST_POSTGRES_URL")
    if not server_url:
        pytest.skip("MARKETPLACE_TEST_POSTGRES_URL is not set")
    with fresh_postgres_database(server_url, "cli_test") as url:
        yield url


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    """The environment of a user whose database is ``database_url``."""
    return {
        "MARKETPLACE_DATABASE_URL": database_url,
        "MARKETPLACE_VAR_DIR": str(tmp_path / "var"),
        "MARKETPLACE_SECRET_KEY": "integration-test-secret",
        "MARKETPLACE_DEMO": "1",
    }


@pytest.fixture
def run(cli_env: dict[str, str]) -> Run:
    """Run ``marketplace`` in-process with ``cli_env``; stdout and stderr kept apart."""

    def invoke(*args: str) -> Result:
        return CliRunner(env=cli_env).invoke(main, list(args), prog_name="marketplace")

    return invoke


@pytest.fixture
def upgraded(run: Run) -> None:
    """The database has been migrated with ``marketplace db upgrade``."""
    result = run("db", "upgrade")
    assert result.exit_code == 0, result.output


@pytest.fixture
def cli_database(cli_env: dict[str, str], upgraded: None) -> Iterator[Database]:
    """The same database, opened directly to check what the commands did."""
    opened = open_database(cli_env["MARKETPLACE_DATABASE_URL"])
    yield opened
    opened.dispose()
