"""What the commands print: aligned fields and JSON on stdout, progress on stderr.

With ``--json`` a command prints exactly one JSON object on stdout and nothing else there;
progress and notes go to stderr, so ``marketplace … --json | jq`` always works.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

__all__ = ["emit_fields", "emit_json", "note", "progress_reporter"]

ProgressCallback = Callable[[int], None]
"""Called with the number of items done so far."""


def emit_json(document: Mapping[str, object]) -> None:
    """Print one JSON object on one line of stdout."""
    click.echo(json.dumps(document, sort_keys=False))


def emit_fields(title: str, fields: Sequence[tuple[str, str]]) -> None:
    """Print a title and indented, aligned ``label  value`` lines on stdout."""
    click.echo(title)
    width = max((len(label) for label, _ in fields), default=0)
    for label, value in fields:
        click.echo(f"  {label.ljust(width)}  {value}")


def note(message: str) -> None:
    """Print a line about what the command is doing, on stderr."""
    click.echo(message, err=True)


class RateColumn(ProgressColumn):
    """Items per second, e.g. ``12,345 products/s``."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        shown = f"{speed:,.0f}" if speed else "-"
        return Text(f"{shown} {self.unit}/s", style="progress.data.speed")


@contextmanager
def progress_reporter(
    total: int, *, label: str, unit: str, console: Console | None = None
) -> Iterator[ProgressCallback]:
    """Report progress towards ``total`` on stderr: a rich bar on a terminal, else plain lines.

    The bar stays on screen when done (not transient) and shows the count, percentage, rate,
    elapsed and remaining time. Off a terminal, a line is printed at every tenth of the way.
    """
    console = console or Console(stderr=True)
    if console.is_terminal:
        with _bar(total, label=label, unit=unit, console=console) as callback:
            yield callback
    else:
        yield _PlainLines(total, label=label, unit=unit)


@contextmanager
def _bar(total: int, *, label: str, unit: str, console: Console) -> Iterator[ProgressCallback]:
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        RateColumn(unit),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(label, total=total)
        yield lambda done: progress.update(task, completed=done)


class _PlainLines:
    """Progress as ``label: done/total unit (rate unit/s)`` lines, one per tenth."""

    def __init__(self, total: int, *, label: str, unit: str) -> None:
        self.total = total
        self.label = label
        self.unit = unit
        self.started = time.monotonic()
        self.step = max(total // 10, 1)
        self.next_line = self.step
        self.last_shown = 0

    def __call__(self, done: int) -> None:
        if done == self.last_shown or (done < self.next_line and done != self.total):
            return
        self.last_shown = done
        self.next_line = (done // self.step + 1) * self.step
        elapsed = time.monotonic() - self.started
        rate = f"{done / elapsed:,.0f}" if elapsed > 0 else "-"
        note(f"{self.label}: {done:,}/{self.total:,} {self.unit} ({rate} {self.unit}/s)")
