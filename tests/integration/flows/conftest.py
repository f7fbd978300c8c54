"""Fixtures of the flow tests: the app over a database of the test's own (the web tests share
one per module), on SQLite and, when ``MARKETPLACE_TEST_POSTGRES_URL`` is set, PostgreSQL, with
a small catalog to shop from."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from orders_support import add_catalog

from marketplace.config import Settings
from marketplace.storage.database import Database, open_database
from marketplace.web.app import create_app

BASE_URL = "http://127.0.0.1:8000"


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    opened = open_database(database_url)
    add_catalog(opened.unit_of_work)
    yield opened
    opened.dispose()


@pytest.fixture
def app(database_url: str, database: Database, tmp_path: Path) -> FastAPI:
    settings = Settings.from_env(
        {
            "MARKETPLACE_VAR_DIR": str(tmp_path / "var"),
            "MARKETPLACE_DATABASE_URL": database_url,
            "MARKETPLACE_SECRET_KEY": "flow-tests",
            "MARKETPLACE_BASE_URL": BASE_URL,
        }
    )
    return create_app(settings, database=database)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield test_client
