"""``marketplace worker``: one process in the foreground, or ``--processes N`` children."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import pytest
from cli_support import FakeDatabase, FakeStorage, Invoke

from marketplace.cli import worker as worker_cli
from marketplace.worker.runner import DailyBilling, Worker

POSTGRES = {"MARKETPLACE_DATABASE_URL": "postgresql+psycopg://db.internal/marketplace"}


class FakeGroup:
    """Stands in for ``ProcessGroup``: records what it was asked to start."""

    made: ClassVar[list[FakeGroup]] = []

    def __init__(
        self, target: Callable[..., None], count: int, args: Sequence[object] = (), **kw: Any
    ) -> None:
        self.target, self.count, self.args = target, count, args
        self.ran = False
        FakeGroup.made.append(self)

    def run(self) -> None:
        self.ran = True


@pytest.fixture(autouse=True)
def _no_logging_setup(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command sets up the root logger: not in this test process."""
    monkeypatch.setattr("marketplace.cli.worker.configure_logging", lambda *args: None)


@pytest.fixture
def group(monkeypatch: pytest.MonkeyPatch) -> type[FakeGroup]:
    FakeGroup.made = []
    monkeypatch.setattr("marketplace.cli.worker.ProcessGroup", FakeGroup)
    return FakeGroup


@pytest.fixture
def foreground(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Worker, dict[str, Any]]]:
    """Calls of ``run_until_signalled`` (the worker and the keywords), instead of running."""
    calls: list[tuple[Worker, dict[str, Any]]] = []
    monkeypatch.setattr(
        "marketplace.cli.worker.run_until_signalled",
        lambda runner, **kw: calls.append((runner, kw)),
    )
    return calls


def test_processes_refuses_sqlite_in_one_line(invoke: Invoke, group: type[FakeGroup]) -> None:
    result = invoke("worker", "--processes", "2")

    assert result.exit_code == 1
    assert result.stderr.startswith("error: --processes 2 needs PostgreSQL")
    assert group.made == []


def test_processes_and_once_do_not_go_together(invoke: Invoke, group: type[FakeGroup]) -> None:
    result = invoke("worker", "--processes", "2", "--once", env=POSTGRES)

    assert result.exit_code == 2
    assert "--once runs in one process" in result.stderr
    assert group.made == []


def test_processes_starts_that_many_children_with_the_settings_in_their_environment(
    invoke: Invoke, group: type[FakeGroup], storage: FakeStorage
) -> None:
    result = invoke("--database-url", "postgresql://db.other/m", "worker", "--processes", "3",
                    env=POSTGRES)  # fmt: skip

    assert result.exit_code == 0, result.output
    [made] = group.made
    assert (made.target, made.count, made.ran) == (worker_cli.deliver_in_child, 3, True)
    [environ] = made.args
    assert isinstance(environ, dict)
    assert environ["MARKETPLACE_DATABASE_URL"] == "postgresql://db.other/m"
    assert environ["MARKETPLACE_SECRET_KEY"] == "unit-test-secret"
    assert storage.databases[0].url == "postgresql://db.other/m", "checked it is migrated"
    assert "in 3 processes" in result.stderr


def test_processes_refuses_a_database_that_needs_migrating(
    invoke: Invoke, group: type[FakeGroup], storage: FakeStorage
) -> None:
    storage.up_to_date = False

    result = invoke("worker", "--processes", "2", env=POSTGRES)

    assert result.exit_code == 1
    assert "marketplace db upgrade" in result.stderr
    assert group.made == []


@pytest.mark.parametrize(("index", "bills"), [(0, True), (1, False), (2, False)])
def test_only_the_first_child_bills_and_each_runs_until_its_parents_sigterm(
    monkeypatch: pytest.MonkeyPatch,
    foreground: list[tuple[Worker, dict[str, Any]]],
    index: int,
    bills: bool,
) -> None:
    opened: list[FakeDatabase] = []

    def open_database(url: str) -> FakeDatabase:
        opened.append(FakeDatabase(url))
        return opened[-1]

    monkeypatch.setattr("marketplace.cli.worker.open_database", open_database)
    environ: Mapping[str, str] = {
        **POSTGRES,
        "MARKETPLACE_SECRET_KEY": "unit-test-secret",
        "MARKETPLACE_BASE_URL": "https://market.example.com",
        "MARKETPLACE_OUTBOX_LEASE_SECONDS": "30",
    }

    worker_cli.deliver_in_child(index, environ)

    [(runner, options)] = foreground
    assert options == {"child": True}
    assert runner.billing == (DailyBilling(host="market.example.com") if bills else None)
    assert runner.lease == dt.timedelta(seconds=30)
    assert [(d.url, d.disposed) for d in opened] == [(POSTGRES["MARKETPLACE_DATABASE_URL"], True)]


def test_one_process_runs_in_the_foreground_until_stopped(
    invoke: Invoke, foreground: list[tuple[Worker, dict[str, Any]]]
) -> None:
    result = invoke("worker", env={"MARKETPLACE_BASE_URL": "https://market.example.com"})

    assert result.exit_code == 0, result.output
    [(runner, options)] = foreground
    assert runner.billing == DailyBilling(host="market.example.com")
    assert set(options) == {"on_round"}
    assert result.stderr.splitlines()[-1] == "Worker: stopped."
