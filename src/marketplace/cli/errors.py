"""How the ``marketplace`` command reports failures: one ``error: …`` line and exit code 1.

Usage mistakes (an unknown option, a missing ``--name``) stay click's: usage text and exit
code 2. Everything a command raises is translated here, at the edge, so that no user sees a
traceback: marketplace errors keep their message, database errors name the database problem,
and anything unexpected is reported in one line (``marketplace --traceback …`` shows it all).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any, NoReturn

import click
from sqlalchemy.exc import SQLAlchemyError

from marketplace.config import SettingsError
from marketplace.domain.errors import MarketplaceError, ValidationError

__all__ = [
    "CliError",
    "MarketplaceCommand",
    "MarketplaceGroup",
    "describe_validation_error",
    "fail",
    "first_line",
    "translate",
]


class CliError(click.ClickException):
    """A failure reported as one ``error: …`` line on stderr, exit code 1."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", file=file, err=file is None)


def fail(message: str) -> NoReturn:
    """Stop the command with ``error: message`` and exit code 1."""
    raise CliError(message)


def _option_name(command: click.Command, field: str) -> str:
    """The command-line spelling of a service's field name (``admin_email`` → ``--admin-email``)."""
    for param in command.params:
        if param.name == field and isinstance(param, click.Option) and param.opts:
            return max(param.opts, key=len)
    return field


def describe_validation_error(command: click.Command, error: ValidationError) -> str:
    """One line naming every bad field by its option."""
    if not error.fields:
        return error.message
    details = "; ".join(
        f"{_option_name(command, f.field)}: {f.message.rstrip('.')}" for f in error.fields
    )
    return f"{error.message.rstrip('.')}: {details}"


def first_line(error: BaseException) -> str:
    """The first line of an error's text (database drivers add SQL and links below it)."""
    original = getattr(error, "orig", None)
    text = str(original if original is not None else error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def translate(command: click.Command, error: Exception) -> CliError:
    """The one-line report of an error raised while running ``command``."""
    if isinstance(error, ValidationError):
        return CliError(describe_validation_error(command, error))
    if isinstance(error, MarketplaceError):
        return CliError(error.message)
    if isinstance(error, SettingsError):
        return CliError(str(error))
    if isinstance(error, SQLAlchemyError):
        return CliError(f"database error: {first_line(error)}")
    if isinstance(error, OSError):
        return CliError(
            f"{error.strerror or first_line(error)}: {error.filename or ''}".rstrip(": ")
        )
    return CliError(
        f"unexpected {type(error).__name__}: {first_line(error)} "
        "(run `marketplace --traceback …` to see where)"
    )


class MarketplaceCommand(click.Command):
    """A command whose errors are reported as one line (see the module docstring)."""

    def invoke(self, ctx: click.Context) -> Any:
        return _reporting_errors(self, ctx, super().invoke)


class MarketplaceGroup(click.Group):
    """A group whose commands and subgroups report errors as one line."""

    command_class = MarketplaceCommand
    group_class = type  # subgroups are MarketplaceGroups too

    def invoke(self, ctx: click.Context) -> Any:
        return _reporting_errors(self, ctx, super().invoke)


def _reporting_errors(
    command: click.Command, ctx: click.Context, invoke: Callable[[click.Context], Any]
) -> Any:
    try:
        return invoke(ctx)
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except Exception as exc:
        if ctx.find_root().params.get("show_traceback"):
            raise
        raise translate(command, exc) from exc
