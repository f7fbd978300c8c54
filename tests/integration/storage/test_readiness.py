"""What ``/readyz`` asks the database (``Database.schema_revisions``), on SQLite and
PostgreSQL: its schema revision beside the code's newest."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from marketplace.services.monitoring import check_readiness
from marketplace.storage import migrate
from marketplace.storage.database import Database, open_database

pytestmark = pytest.mark.integration


def test_a_migrated_database_is_at_the_newest_revision_and_ready(database: Database) -> None:
    assert database.schema_revisions() == (migrate.head_revision(), migrate.head_revision())
    assert check_readiness(database).ready


def test_a_database_behind_the_code_is_not_ready(empty_database_url: str) -> None:
    # A database of its own: the session's shared one must stay at the newest revision.
    migrate.upgrade(empty_database_url)
    database = open_database(empty_database_url)
    try:
        with database.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '0005'"))

        readiness = check_readiness(database)

        assert database.schema_revisions() == ("0005", migrate.head_revision())
        assert (readiness.ready, readiness.database) == (False, "migrations pending")
    finally:
        database.dispose()


def test_a_database_never_migrated_has_no_revision(empty_database_url: str) -> None:
    database = open_database(empty_database_url)
    try:
        assert database.schema_revisions() == (None, migrate.head_revision())
        assert check_readiness(database).database == "not migrated"
    finally:
        database.dispose()


def test_a_database_that_does_not_answer_is_unreachable() -> None:
    database = open_database("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    try:
        assert check_readiness(database).database == "unreachable"
    finally:
        database.dispose()
