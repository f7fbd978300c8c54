import pytest
from cli_support import Invoke, command_paths

from marketplace.cli import main


def test_the_documented_commands_exist() -> None:
    paths = command_paths(main)

    for path in [
        ("serve",),
        ("db", "upgrade"),
        ("org", "create"),
        ("account", "create"),
        ("key", "create"),
        ("key", "list"),
        ("key", "revoke"),
        ("catalog", "seed"),
    ]:
        assert path in paths


@pytest.mark.parametrize("path", command_paths(main), ids=lambda path: " ".join(path) or "main")
def test_every_command_has_help_with_usage_and_options(
    invoke: Invoke, path: tuple[str, ...]
) -> None:
    result = invoke(*path, "--help")

    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: marketplace {' '.join(path)}".rstrip())
    assert "--help" in result.stdout


@pytest.mark.parametrize(
    "path",
    [path for path in command_paths(main) if len(path) > 1 or path == ("serve",)],
    ids=" ".join,
)
def test_every_command_help_shows_an_example(invoke: Invoke, path: tuple[str, ...]) -> None:
    result = invoke(*path, "--help")

    assert f"marketplace {' '.join(path)}" in result.stdout
