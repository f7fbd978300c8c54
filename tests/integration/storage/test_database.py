"""Opening databases: URLs, SQLite's settings, and tidying up after a bulk load."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import ArgumentError

from marketplace.domain.catalog import SearchQuery
from marketplace.services.demo import generate_products
from marketplace.storage.database import Database, normalize_url, open_database

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://market:secret@db.internal:5432/marketplace",
        "postgres://market:secret@db.internal:5432/marketplace",
        "postgresql+psycopg2://market:secret@db.internal:5432/marketplace",
    ],
)
def test_postgresql_urls_are_driven_by_psycopg_3(url: str) -> None:
    normalized = normalize_url(url)

    assert normalized.drivername == "postgresql+psycopg"
    assert normalized.database == "marketplace"
    assert normalized.password == "secret"


@pytest.mark.parametrize("url", ["mysql://localhost/marketplace", "not a url"])
def test_other_databases_are_refused_with_a_clear_error(url: str) -> None:
    with pytest.raises(ArgumentError):
        open_database(url)


def test_sqlite_creates_the_folder_of_its_file(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'var' / 'deep' / 'marketplace.db'}")
    try:
        with database.engine.connect() as connection:
            connection.exec_driver_sql("CREATE TABLE probe (x INTEGER)")
    finally:
        database.dispose()

    assert (tmp_path / "var" / "deep" / "marketplace.db").is_file()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_enforced(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'marketplace.db'}")
    try:
        with database.engine.connect() as connection:
            journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            foreign_keys = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
            busy_timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    finally:
        database.dispose()

    assert (journal, foreign_keys) == ("wal", 1)
    assert busy_timeout is not None
    assert busy_timeout >= 5000


def test_the_dialect_names_the_backend(database: Database, database_url: str) -> None:
    assert database.dialect == ("sqlite" if database_url.startswith("sqlite") else "postgresql")


def test_optimizing_after_a_bulk_load_keeps_every_search_hit(database: Database) -> None:
    with database.unit_of_work() as uow:
        uow.catalog.add_products(generate_products(300))
        uow.commit()
    query = SearchQuery(text="data", page_size=100)
    with database.unit_of_work() as uow:
        before = uow.catalog.search(query)

    database.optimize()

    with database.unit_of_work() as uow:
        after = uow.catalog.search(query)
    assert after == before
    assert before.total > 0
