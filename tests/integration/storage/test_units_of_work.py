"""Units of work: what a refused write leaves behind, and SQLite's writers taking turns.

On both backends a write a constraint refuses is a ``ConflictError``. In an ordinary unit of
work the transaction goes on (PostgreSQL runs each write in a savepoint for that); in an
all-or-nothing one (the purchase-order intake, which starts again in a new transaction) no
savepoint is spent, and nothing the unit wrote survives it. On SQLite a process's units of
work take turns: concurrent read-modify-write transactions lose no update and never meet
"database is locked", and a unit of work opened inside another on the same thread is refused
at once instead of waiting for itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import storage_builders as build
from sqlalchemy import event

from marketplace.domain.errors import ConflictError
from marketplace.storage.database import Database, open_database

pytestmark = pytest.mark.integration


@pytest.fixture
def sqlite_database(migrated_sqlite_file: Path, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty SQLite database (the turns are SQLite's alone)."""
    path = tmp_path / "marketplace.db"
    path.write_bytes(migrated_sqlite_file.read_bytes())
    opened = open_database(f"sqlite:///{path}")
    yield opened
    opened.dispose()


def _statements(database: Database) -> list[str]:
    """The SQL the engine sends from now on (the first word of each statement)."""
    seen: list[str] = []

    def note(*args: object) -> None:
        seen.append(str(args[2]).split()[0].upper())

    event.listen(database.engine, "before_cursor_execute", note)
    return seen


def test_a_refused_write_leaves_an_ordinary_unit_of_work_usable(database: Database) -> None:
    with database.unit_of_work() as uow:
        uow.organizations.add(build.organization(id="org-1", name="First"))
        with pytest.raises(ConflictError):
            uow.organizations.add(build.organization(id="org-1", name="Again"))
        uow.organizations.add(build.organization(id="org-2", name="Second"))
        uow.commit()

    with database.unit_of_work() as uow:
        assert uow.organizations.get("org-1") is not None
        assert uow.organizations.get("org-2") is not None


def test_an_all_or_nothing_unit_of_work_spends_no_savepoint_and_keeps_nothing(
    database: Database,
) -> None:
    statements = _statements(database)
    with database.unit_of_work(all_or_nothing=True) as uow:
        uow.organizations.add(build.organization(id="org-1", name="First"))
        with pytest.raises(ConflictError):
            uow.organizations.add(build.organization(id="org-1", name="Again"))

    assert "SAVEPOINT" not in statements
    with database.unit_of_work() as uow:
        assert uow.organizations.get("org-1") is None


def test_an_all_or_nothing_unit_of_work_commits_like_any_other(database: Database) -> None:
    with database.unit_of_work(all_or_nothing=True) as uow:
        uow.organizations.add(build.organization(id="org-1", name="First"))
        uow.commit()

    # The flag belongs to the unit of work, not to the pooled connection it used.
    statements = _statements(database)
    with database.unit_of_work() as uow:
        assert uow.organizations.get("org-1") is not None
        with pytest.raises(ConflictError):
            uow.organizations.add(build.organization(id="org-1", name="Again"))
    if database.dialect == "postgresql":
        assert "SAVEPOINT" in statements


def test_sqlite_writers_take_turns_and_lose_no_update(sqlite_database: Database) -> None:
    with sqlite_database.unit_of_work() as uow:
        uow.organizations.add(build.organization(id="org-1"))
        uow.outbox.add(build.outbox_message(id="msg-1"))
        uow.commit()

    def bump(_: int) -> None:
        for _ in range(25):  # read, then write what was read plus one
            with sqlite_database.unit_of_work() as uow:
                found = uow.outbox.get("msg-1")
                assert found is not None
                uow.outbox.update(dataclasses.replace(found, attempts=found.attempts + 1))
                uow.commit()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(bump, range(8)))

    with sqlite_database.unit_of_work() as uow:
        found = uow.outbox.get("msg-1")
    assert found is not None
    assert found.attempts == 200


def test_a_unit_of_work_inside_another_on_one_thread_is_refused_at_once(
    sqlite_database: Database,
) -> None:
    inner = sqlite_database.unit_of_work()
    with sqlite_database.unit_of_work(), pytest.raises(RuntimeError, match="inside another"):
        inner.__enter__()

    with sqlite_database.unit_of_work() as uow:  # the turn was given back
        assert uow.organizations.get("org-1") is None
