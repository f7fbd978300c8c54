"""Write ``BENCHMARKS.md`` from the outputs of a ``make bench`` run.

``make bench`` runs every other ``bench/*.py`` (but the shared ``_databases.py``), keeps what
each printed on stdout in ``<folder>/<name>.txt`` and its exit status in
``<folder>/<name>.status``, then runs this: one section per benchmark (what it measures, the
first paragraph of its docstring; its verdict; the figures exactly as it printed them, each
beside its ceiling and target), after a summary table and the machine they were measured on
(date, CPU, cores, memory, Python, PostgreSQL).

    .venv/bin/python bench/report.py build/bench [--output BENCHMARKS.md] [--quick]
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import os
import platform
import re
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
# A line a benchmark prints that gives a verdict on a target (its own summary lines): it
# names the target and says pass or miss.
_VERDICT = re.compile(r"\b(meets|MISSES|PASS|MISS)\b")


@dataclass(frozen=True)
class Result:
    """One benchmark's run: its name, what it measures, its output and exit status."""

    name: str
    summary: str
    description: str
    output: str
    status: int | None

    @property
    def verdict(self) -> str:
        if self.status is None:
            return "not run"
        if self.status != 0:
            return f"**misses a target** (exit {self.status})"
        if "skipped" in self.output and not self.verdict_lines:
            return "skipped"
        return "meets its targets"

    @property
    def verdict_lines(self) -> list[str]:
        return [
            line.strip()
            for line in self.output.splitlines()
            if "target" in line and _VERDICT.search(line)
        ]


def docstring_parts(script: Path) -> tuple[str, str]:
    """The first line of a script's docstring, and its first paragraph after that."""
    text = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8"))) or ""
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    first = paragraphs[0].splitlines() if paragraphs else [script.stem]
    summary = " ".join(line.strip() for line in first)
    rest = paragraphs[1] if len(paragraphs) > 1 else ""
    return summary, " ".join(line.strip() for line in rest.splitlines())


def read_results(folder: Path) -> list[Result]:
    """Every benchmark script of ``bench/`` (this one and the shared ``_*.py`` aside), with
    what it left in ``folder``."""
    results = []
    for script in sorted(BENCH_DIR.glob("*.py")):
        if script.name == Path(__file__).name or script.name.startswith("_"):
            continue
        output_file = folder / f"{script.stem}.txt"
        status_file = folder / f"{script.stem}.status"
        output = output_file.read_text(encoding="utf-8") if output_file.exists() else ""
        status = int(status_file.read_text().strip()) if status_file.exists() else None
        summary, description = docstring_parts(script)
        results.append(Result(script.stem, summary, description, output.rstrip(), status))
    return results


def machine() -> list[tuple[str, str]]:
    """What the figures were measured on."""
    facts = [
        ("Date", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", _cpu_model()),
        ("Cores", str(os.cpu_count())),
        ("Memory", _memory()),
        ("System", f"{platform.system()} {platform.release()} ({platform.machine()})"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
    ]
    postgres = _postgres_version()
    if postgres:
        facts.append(("PostgreSQL", postgres))
    return facts


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _postgres_version() -> str | None:
    url = os.environ.get("MARKETPLACE_TEST_POSTGRES_URL", "")
    if not url:
        return None
    try:
        import psycopg

        conninfo = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(conninfo, connect_timeout=3) as connection:
            row = connection.execute("SHOW server_version").fetchone()
        return f"{row[0]} (the same machine)" if row else None
    except Exception:  # not reachable: the benchmarks said so themselves
        return None


def render(results: list[Result], quick: bool) -> str:
    """The Markdown of ``BENCHMARKS.md``."""
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/report.py`) from what each `bench/*.py` printed; "
        "run it again to refresh. Every figure stands beside a ceiling measured in the same "
        "run on the same machine, and each benchmark says whether it meets its target.",
        "",
    ]
    if quick:
        lines += ["**A quick run (`BENCH_QUICK=1`): smaller sizes than the targets speak of.**", ""]
    lines += ["| Machine | |", "| --- | --- |"]
    lines += [f"| {name} | {value} |" for name, value in machine()]
    lines += ["", "## Summary", "", "| Benchmark | Measures | Verdict |", "| --- | --- | --- |"]
    for result in results:
        lines.append(f"| [`bench/{result.name}.py`](#{result.name}) | {result.summary} | "
                     f"{result.verdict} |")  # fmt: skip
    for result in results:
        lines += ["", f'<a id="{result.name}"></a>', "", f"## `bench/{result.name}.py`", ""]
        lines += [result.summary, ""]
        if result.description:
            lines += [result.description, ""]
        lines += [f"Verdict: {result.verdict}.", ""]
        if result.verdict_lines:
            lines += [f"- {line}" for line in result.verdict_lines] + [""]
        lines += ["```text", result.output or "(no output)", "```"]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where make bench left the outputs")
    parser.add_argument("--output", type=Path, default=Path("BENCHMARKS.md"))
    parser.add_argument("--quick", action="store_true", help="mark the figures as a quick run")
    args = parser.parse_args()
    args.output.write_text(render(read_results(args.folder), args.quick), encoding="utf-8")
    print(f"Wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
