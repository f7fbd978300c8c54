import io
import json

import pytest
from rich.console import Console

from marketplace.cli.output import emit_fields, emit_json, progress_reporter


def terminal() -> tuple[Console, io.StringIO]:
    stream = io.StringIO()
    return Console(file=stream, force_terminal=True, width=150, color_system=None), stream


def test_on_a_terminal_progress_is_a_bar_that_stays_with_count_and_rate() -> None:
    console, stream = terminal()

    with progress_reporter(5000, label="Seeding products", unit="products", console=console) as (
        report
    ):
        for done in range(1000, 5001, 1000):
            report(done)

    final = stream.getvalue().rsplit("\r", 1)[-1]
    assert "Seeding products" in final
    assert "5000/5000" in final
    assert "100%" in final
    assert "products/s" in final


def test_off_a_terminal_progress_is_a_plain_line_per_tenth(
    capsys: pytest.CaptureFixture[str],
) -> None:
    console = Console(file=io.StringIO(), force_terminal=False)

    with progress_reporter(100, label="Seeding", unit="items", console=console) as report:
        for done in range(1, 101):
            report(done)

    lines = capsys.readouterr().err.splitlines()
    assert [line.split(" (")[0] for line in lines] == [
        f"Seeding: {done}/100 items" for done in range(10, 101, 10)
    ]


def test_plain_progress_shows_the_last_count_once_even_when_repeated(
    capsys: pytest.CaptureFixture[str],
) -> None:
    console = Console(file=io.StringIO(), force_terminal=False)

    with progress_reporter(3, label="Seeding", unit="items", console=console) as report:
        for done in (1, 2, 3, 3):
            report(done)

    assert [line.split(" (")[0] for line in capsys.readouterr().err.splitlines()] == [
        "Seeding: 1/3 items",
        "Seeding: 2/3 items",
        "Seeding: 3/3 items",
    ]


def test_emit_json_prints_one_object_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    emit_json({"organization_id": "o-abc1234567", "api_key": "mk_x"})

    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert json.loads(out) == {"organization_id": "o-abc1234567", "api_key": "mk_x"}


def test_emit_fields_aligns_the_values(capsys: pytest.CaptureFixture[str]) -> None:
    emit_fields("Title", [("a", "1"), ("longer", "2")])

    assert capsys.readouterr().out == "Title\n  a       1\n  longer  2\n"
