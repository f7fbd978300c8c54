"""Fixtures for the CLI's unit tests: services and storage replaced by recording fakes.

Each test replaces the one service function it exercises (``record`` makes the fake).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cli_support import FakeStorage, Invoke
from click.testing import CliRunner, Result

from marketplace.cli import main


@pytest.fixture
def storage(monkeypatch: pytest.MonkeyPatch) -> FakeStorage:
    fake = FakeStorage()
    monkeypatch.setattr("marketplace.cli.context.open_database", fake.open_database)
    monkeypatch.setattr("marketplace.storage.migrate.upgrade", fake.upgrade)
    monkeypatch.setattr("marketplace.storage.migrate.head_revision", lambda: "0001_head")
    monkeypatch.setattr("marketplace.storage.migrate.is_up_to_date", lambda engine: fake.up_to_date)
    monkeypatch.setattr(
        "marketplace.storage.migrate.current_revision",
        lambda engine: "0001_head" if fake.up_to_date else None,
    )
    return fake


@pytest.fixture
def invoke(storage: FakeStorage) -> Invoke:
    """Run ``marketplace`` with the given arguments; stdout and stderr kept apart."""

    def run(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> Result:
        environ = {
            "MARKETPLACE_DATABASE_URL": "sqlite:///unit.db",
            "MARKETPLACE_SECRET_KEY": "unit-test-secret",
            "MARKETPLACE_DEMO": "1",
            "MARKETPLACE_HOST": "",
            "MARKETPLACE_PORT": "",
            "MARKETPLACE_BASE_URL": "",
        }
        environ.update(env or {})
        return CliRunner(env=environ).invoke(main, list(args), input=stdin, prog_name="marketplace")

    return run


@pytest.fixture
def record() -> Callable[..., Any]:
    """A fake function that records its arguments in ``.calls`` and returns ``result``."""

    def make(result: object = None, error: BaseException | None = None) -> Any:
        calls: list[tuple[tuple[object, ...], dict[str, object]]] = []

        def fake(*args: object, **kwargs: object) -> object:
            calls.append((args, kwargs))
            if error is not None:
                raise error
            return result

        fake.calls = calls  # type: ignore[attr-defined]
        return fake

    return make
