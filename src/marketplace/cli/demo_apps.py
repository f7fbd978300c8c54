"""The two apps ``marketplace demo`` runs: ``marketplace serve`` and ``sandbox serve`` as child
processes on free loopback ports, each with its own SQLite file in a temporary folder.

:func:`running` stops its process on the way out; :func:`temporary_folder` removes the folder
(databases, secret keys, both logs) unless asked to keep it or the demo failed, when it stays
for its logs.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from marketplace.cli.demo_sandbox import is_up

__all__ = ["AppsError", "LocalApps", "free_port", "local_apps", "running", "temporary_folder"]

STARTUP_SECONDS = 60.0


class AppsError(Exception):
    """An app could not be found or started."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True, slots=True)
class LocalApps:
    """Where the demo's apps listen, and the environment their commands read."""

    folder: Path
    marketplace_url: str
    sandbox_url: str
    environ: Mapping[str, str]

    @property
    def marketplace_log(self) -> Path:
        return self.folder / "marketplace.log"

    @property
    def sandbox_log(self) -> Path:
        return self.folder / "sandbox.log"


def environment(folder: Path, marketplace_port: int, sandbox_port: int) -> dict[str, str]:
    """The variables of both apps: databases and keys in ``folder``, mail only logged."""
    return {
        **os.environ,
        "MARKETPLACE_DATABASE_URL": f"sqlite:///{folder / 'marketplace.db'}",
        "MARKETPLACE_VAR_DIR": str(folder / "marketplace-var"),
        "MARKETPLACE_BASE_URL": f"http://127.0.0.1:{marketplace_port}",
        "MARKETPLACE_HOST": "127.0.0.1",
        "MARKETPLACE_PORT": str(marketplace_port),
        "MARKETPLACE_SMTP_URL": "",
        "MARKETPLACE_DEMO": "0",
        "SANDBOX_DATABASE_URL": f"sqlite:///{folder / 'sandbox.db'}",
        "SANDBOX_VAR_DIR": str(folder / "sandbox-var"),
        "SANDBOX_BASE_URL": f"http://127.0.0.1:{sandbox_port}",
        "SANDBOX_HOST": "127.0.0.1",
        "SANDBOX_PORT": str(sandbox_port),
    }


@contextmanager
def temporary_folder(keep: bool) -> Iterator[Path]:
    """A new folder, removed on the way out unless ``keep`` or an error is on its way."""
    folder = Path(tempfile.mkdtemp(prefix="marketplace-demo-"))
    yield folder  # an error skips the removal: the folder's logs say what went wrong
    if not keep:
        shutil.rmtree(folder, ignore_errors=True)


def local_apps(folder: Path) -> LocalApps:
    """The apps' places for a demo in ``folder``: two free ports, their environment."""
    marketplace_port, sandbox_port = free_port(), free_port()
    return LocalApps(
        folder=folder,
        marketplace_url=f"http://127.0.0.1:{marketplace_port}",
        sandbox_url=f"http://127.0.0.1:{sandbox_port}",
        environ=environment(folder, marketplace_port, sandbox_port),
    )


@contextmanager
def running(apps: LocalApps) -> Iterator[None]:
    """Both apps serving until exit (started together); the marketplace without its worker:
    the demo delivers the outbox itself."""
    with ExitStack() as stack:
        marketplace = stack.enter_context(
            _process(
                ["marketplace", "serve", "--no-demo", "--no-worker"], apps, apps.marketplace_log
            )
        )
        sandbox = stack.enter_context(_process(["sandbox", "serve"], apps, apps.sandbox_log))
        _wait_until_up(sandbox, apps.sandbox_url, "The buyer sandbox", apps.sandbox_log)
        _wait_until_up(marketplace, apps.marketplace_url, "The marketplace", apps.marketplace_log)
        yield


@contextmanager
def _process(command: list[str], apps: LocalApps, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as output:
        process = subprocess.Popen(
            [_command(command[0]), *command[1:]],
            env=dict(apps.environ),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(process: subprocess.Popen[bytes], url: str, name: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            raise AppsError(f"{name} stopped (exit code {process.returncode}):\n{_tail(log)}")
        if is_up(url):
            return
        if time.monotonic() > deadline:
            raise AppsError(
                f"{name} did not answer at {url} in {STARTUP_SECONDS:.0f} s:\n{_tail(log)}"
            )
        time.sleep(0.2)  # polling a child process, with a deadline


def _command(name: str) -> str:
    """The console script ``name`` beside this Python (the virtualenv's), else on PATH."""
    beside = Path(sys.executable).with_name(name)
    if beside.is_file():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise AppsError(f"`{name}` is not installed: run `make test` or `pip install -e .`")
    return found


def _tail(log: Path, lines: int = 15) -> str:
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
