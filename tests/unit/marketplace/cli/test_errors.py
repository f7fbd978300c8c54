from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy.exc
from cli_support import FakeStorage, Invoke

ORG_ARGS = ("org", "create", "--name", "Acme Corp", "--admin-email", "it@acme.example")


@pytest.fixture
def failing_service(
    monkeypatch: pytest.MonkeyPatch, record: Callable[..., Any]
) -> Callable[[BaseException], None]:
    def install(error: BaseException) -> None:
        monkeypatch.setattr(
            "marketplace.services.accounts.create_organization", record(None, error)
        )

    return install


def test_an_unexpected_error_is_one_line_without_a_traceback(
    invoke: Invoke, failing_service: Callable[[BaseException], None]
) -> None:
    failing_service(RuntimeError("the frobnicator broke\nsecond line"))

    result = invoke(*ORG_ARGS)

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert result.stderr == (
        "error: unexpected RuntimeError: the frobnicator broke "
        "(run `marketplace --traceback …` to see where)\n"
    )


def test_traceback_option_lets_an_unexpected_error_through(
    invoke: Invoke, failing_service: Callable[[BaseException], None]
) -> None:
    failing_service(RuntimeError("the frobnicator broke"))

    result = invoke("--traceback", *ORG_ARGS)

    assert isinstance(result.exception, RuntimeError)


def test_a_database_error_is_one_line_naming_the_problem(
    invoke: Invoke, failing_service: Callable[[BaseException], None]
) -> None:
    failing_service(
        sqlalchemy.exc.OperationalError(
            "INSERT INTO users …", {}, Exception("database is locked\nmore detail")
        )
    )

    result = invoke(*ORG_ARGS)

    assert result.exit_code == 1
    assert result.stderr == "error: database error: database is locked\n"


def test_a_file_system_error_is_one_line_naming_the_file(
    invoke: Invoke, failing_service: Callable[[BaseException], None]
) -> None:
    failing_service(PermissionError(13, "Permission denied", "/srv/var/marketplace.db"))

    result = invoke(*ORG_ARGS)

    assert result.exit_code == 1
    assert result.stderr == "error: Permission denied: /srv/var/marketplace.db\n"


def test_a_bad_setting_in_the_environment_is_one_line(invoke: Invoke) -> None:
    result = invoke("db", "upgrade", env={"MARKETPLACE_DEMO": "perhaps"})

    assert result.exit_code == 1
    assert result.stderr == "error: MARKETPLACE_DEMO must be 1 or 0, not 'perhaps'\n"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("nonsense", "Could not parse SQLAlchemy URL"),
        ("mysql://shop:pw@db.example/shop", "unsupported database 'mysql'"),
    ],
)
def test_an_unusable_database_url_is_one_line(
    invoke: Invoke, storage: FakeStorage, url: str, problem: str
) -> None:
    result = invoke("--database-url", url, *ORG_ARGS)

    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot use the database URL ")
    assert problem in result.stderr
    assert result.stderr.count("\n") == 1
    assert storage.calls == []


def test_an_unknown_command_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("frobnicate")

    assert result.exit_code == 2
    assert "No such command 'frobnicate'" in result.stderr
