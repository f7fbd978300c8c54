"""``marketplace serve`` as a real process on a loopback port (the one server these tests start)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.integration

STARTUP_DEADLINE = 60.0  # seconds: imports and migrations come first


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def marketplace_command() -> list[str]:
    script = Path(sys.executable).with_name("marketplace")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from marketplace.cli import main; main()"]


def wait_until_healthy(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"marketplace serve exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)  # polling a subprocess with a deadline, not waiting for a result
    pytest.fail(f"marketplace serve did not answer {url} within {STARTUP_DEADLINE}s")


def test_serve_migrates_the_database_and_answers_healthz(tmp_path: Path) -> None:
    port = free_port()
    environ = {
        **os.environ,
        "MARKETPLACE_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "MARKETPLACE_VAR_DIR": str(tmp_path / "var"),
        "MARKETPLACE_BASE_URL": "",
        "PYTHONUNBUFFERED": "1",
    }
    command = [*marketplace_command(), "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--no-demo"],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}/healthz", process)
    finally:
        process.terminate()
        stdout, _ = process.communicate(timeout=15)

    assert "Database: up to date (revision " in stdout
    assert "Demo data: skipped" in stdout
    assert f"Marketplace on http://127.0.0.1:{port}/ (Ctrl-C to stop)" in stdout
    assert (tmp_path / "serve.db").exists()
