"""The migrations shipped in the package: they build every table, and agree with the models."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from marketplace.storage import migrate
from marketplace.storage.database import open_database
from marketplace.storage.tables import metadata

pytestmark = pytest.mark.integration


def test_upgrade_brings_an_empty_database_to_the_newest_revision(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url)

    database = open_database(empty_database_url)
    try:
        assert migrate.current_revision(database.engine) == migrate.head_revision()
        assert migrate.is_up_to_date(database.engine)
        tables = set(inspect(database.engine).get_table_names())
    finally:
        database.dispose()
    assert set(metadata.tables) | {"product_search", "alembic_version"} <= tables


def test_a_database_never_migrated_is_not_up_to_date(empty_database_url: str) -> None:
    database = open_database(empty_database_url)
    try:
        assert migrate.current_revision(database.engine) is None
        assert not migrate.is_up_to_date(database.engine)
    finally:
        database.dispose()


def test_upgrading_an_up_to_date_database_changes_nothing(database_url: str) -> None:
    migrate.upgrade(database_url)

    database = open_database(database_url)
    try:
        assert migrate.is_up_to_date(database.engine)
        assert migrate.schema_differences(database.engine) == []
    finally:
        database.dispose()


def test_models_and_migrations_agree(database_url: str) -> None:
    database = open_database(database_url)
    try:
        differences = migrate.schema_differences(database.engine)
    finally:
        database.dispose()

    assert differences == []


def test_the_comparison_notices_a_table_the_migrations_lack(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url)
    database = open_database(empty_database_url)
    try:
        with database.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE catalog_facet_counts")
        differences = migrate.schema_differences(database.engine)
    finally:
        database.dispose()

    assert [(change[0], change[1].name) for change in differences] == [
        ("add_table", "catalog_facet_counts")
    ]


def test_the_head_revision_is_the_rate_limit_schema() -> None:
    assert migrate.head_revision() == "0006"
