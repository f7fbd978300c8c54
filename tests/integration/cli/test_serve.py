"""``marketplace serve`` as a real process on a loopback port (the one server these tests start)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from servers import free_port, wait_until_healthy

pytestmark = pytest.mark.integration


def marketplace_command() -> list[str]:
    script = Path(sys.executable).with_name("marketplace")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from marketplace.cli import main; main()"]


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
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "--no-demo"], env=environ, stdout=output, stderr=subprocess.DEVNULL
        )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}/healthz", process, log)
    finally:
        process.terminate()
        process.wait(timeout=15)
    stdout = log.read_text()

    assert "Database: up to date (revision " in stdout
    assert "Demo data: skipped" in stdout
    assert f"Marketplace on http://127.0.0.1:{port}/ (Ctrl-C to stop)" in stdout
    assert (tmp_path / "serve.db").exists()
