"""Starting real servers for tests: free loopback ports and health polling with a deadline."""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

STARTUP_DEADLINE = 120.0  # seconds: migrations and the demo catalog come first


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Server:
    """A running server: its base URL and its log file."""

    base_url: str
    log: Path


def wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll ``url`` until it answers 200; fail with the server's log when it never does."""
    deadline = time.monotonic() + STARTUP_DEADLINE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)  # polling a subprocess with a deadline, not waiting for a result
    pytest.fail(f"the server did not come up within {STARTUP_DEADLINE}s:\n{log.read_text()}")
