"""The web app over a real, migrated database: a temporary SQLite file, and a fresh
PostgreSQL database when ``MARKETPLACE_TEST_POSTGRES_URL`` is set (each test module runs on
both backends; each module gets a database of its own)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from postgres import fresh_postgres_database

from marketplace.config import Settings
from marketplace.storage.database import Database, open_database
from marketplace.storage.migrate import upgrade
from marketplace.web.app import create_app

BASE_URL = "http://127.0.0.1:8000"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database nobody has used yet, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('web') / 'marketplace.db'}"
        return
    server_url = os.environ.get("MARKETPLACE_TEST_POSTGRES_URL")
    if not server_url:
        pytest.skip("MARKETPLACE_TEST_POSTGRES_URL is not set")
    with fresh_postgres_database(server_url, "web_test") as url:
        yield url


@pytest.fixture(scope="module")
def migrated_settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose database is migrated to the newest revision."""
    folder: Path = tmp_path_factory.mktemp("var")
    upgrade(database_url)
    return Settings.from_env(
        {
            "MARKETPLACE_VAR_DIR": str(folder),
            "MARKETPLACE_DATABASE_URL": database_url,
            "MARKETPLACE_SECRET_KEY": "integration-tests",
            "MARKETPLACE_BASE_URL": BASE_URL,
        }
    )


@pytest.fixture(scope="module")
def database(migrated_settings: Settings) -> Iterator[Database]:
    """The database, for arranging what a test needs through the services."""
    db = open_database(migrated_settings.database_url)
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def client(migrated_settings: Settings) -> Iterator[TestClient]:
    """The app as ``marketplace serve`` builds it: it opens the database by its URL."""
    with TestClient(create_app(migrated_settings), base_url=BASE_URL) as test_client:
        yield test_client
