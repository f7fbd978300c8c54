"""``marketplace serve --workers 2`` as a real process on PostgreSQL: two app processes on one
port, one replaced when killed, their counters summed at ``/metrics``, all stopped by SIGTERM.
Runs only where ``MARKETPLACE_TEST_POSTGRES_URL`` is set (SQLite refuses --workers)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from postgres import fresh_postgres_database
from servers import free_port, wait_until_healthy

POSTGRES_URL = os.environ.get("MARKETPLACE_TEST_POSTGRES_URL", "")
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not POSTGRES_URL, reason="MARKETPLACE_TEST_POSTGRES_URL is not set"),
]
DEADLINE = 60.0


def children_of(pid: int) -> set[int]:
    """The app processes: children of ``pid`` that run uvicorn (not the resource tracker)."""
    found = set()
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        command = Path(f"/proc/{child}/cmdline").read_bytes()
        if b"spawn_main" in command:
            found.add(int(child))
    return found


def eventually(check: Callable[[], bool], what: str) -> None:
    until = time.monotonic() + DEADLINE
    while not check():
        assert time.monotonic() < until, f"not within {DEADLINE:.0f} s: {what}"
        time.sleep(0.1)  # polling another process with a deadline


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    with fresh_postgres_database(POSTGRES_URL, "serve_workers") as url:
        environ = {
            **os.environ,
            "MARKETPLACE_DATABASE_URL": url,
            "MARKETPLACE_VAR_DIR": str(tmp_path / "var"),
            "MARKETPLACE_BASE_URL": "",
            "PYTHONUNBUFFERED": "1",
        }
        environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
        command = [str(Path(sys.executable).with_name("marketplace")), "serve", "--no-demo",
                   "--workers", "2", "--port", str(port)]  # fmt: skip
        log = tmp_path / "serve.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                command, env=environ, stdout=output, stderr=subprocess.STDOUT
            )
        try:
            wait_until_healthy(f"http://127.0.0.1:{port}/healthz", process, log)
            yield process, f"http://127.0.0.1:{port}"
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def healthz_count(base_url: str) -> float:
    metrics = httpx.get(f"{base_url}/metrics").text
    found = re.search(
        r'^marketplace_http_requests_total\{method="GET",route="/healthz",status="200"\} (\S+)$',
        metrics,
        re.MULTILINE,
    )
    return float(found.group(1)) if found else 0.0


def test_two_app_processes_share_the_port_survive_a_kill_and_stop_together(
    server: tuple[subprocess.Popen[bytes], str],
) -> None:
    process, base_url = server
    eventually(lambda: len(children_of(process.pid)) == 2, "two app processes")
    first = children_of(process.pid)
    before = healthz_count(base_url)

    for _ in range(20):  # a new connection each: either process may take it
        assert httpx.get(f"{base_url}/healthz").status_code == 200

    assert healthz_count(base_url) == before + 20, "/metrics sums both processes' counters"

    victim = min(first)
    os.kill(victim, signal.SIGKILL)
    eventually(
        lambda: len(children_of(process.pid)) == 2 and victim not in children_of(process.pid),
        "a new app process in place of the killed one",
    )
    assert all(httpx.get(f"{base_url}/readyz").status_code == 200 for _ in range(10))

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=DEADLINE) == 0
