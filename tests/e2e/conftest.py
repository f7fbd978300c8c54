"""End-to-end fixtures: real servers on loopback ports, driven over HTTP and with Chromium.

The marketplace runs as a subprocess (``marketplace serve``) on a free 127.0.0.1 port with its
own SQLite file, exactly as ``make serve`` runs it. Playwright drives Debian's
``/usr/bin/chromium`` (installed by ``make test``); no browser is ever downloaded.

``wired_apps`` runs ``scripts/serve-all.sh`` itself (what ``make serve`` runs): the
marketplace and the buyer sandbox on free ports, the demo organization wired between them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from servers import Server, free_port, wait_until_healthy

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def marketplace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``marketplace serve`` with the demo organization and catalog, on a free port."""
    folder = tmp_path_factory.mktemp("marketplace")
    port = free_port()
    environ = {
        **os.environ,
        "MARKETPLACE_DATABASE_URL": f"sqlite:///{folder / 'marketplace.db'}",
        "MARKETPLACE_VAR_DIR": str(folder / "var"),
        "MARKETPLACE_BASE_URL": f"http://127.0.0.1:{port}",
    }
    log = folder / "server.log"
    command = [str(Path(sys.executable).with_name("marketplace")), "serve", "--port", str(port)]
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=environ, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}/healthz", process, log)
        yield Server(f"http://127.0.0.1:{port}", log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


# -- both apps wired together, as `make serve` runs them -----------------------------------

ROOT = Path(__file__).resolve().parents[2]
SERVE_ALL = ROOT / "scripts" / "serve-all.sh"


@dataclass(frozen=True)
class WiredApps:
    """``scripts/serve-all.sh`` (what ``make serve`` runs) on free ports: the marketplace, the
    buyer sandbox, and the demo organization wired between them by ``marketplace demo setup``.

    ``cli`` runs ``marketplace … --json`` on the served database, as an operator would.
    """

    marketplace_url: str
    sandbox_url: str
    environ: dict[str, str]
    log: Path
    organization_id: str
    connection_id: str

    def cli(self, *args: str) -> dict[str, Any]:
        """Run ``marketplace *args --json`` on the served database; its JSON answer."""
        command = [str(Path(sys.executable).with_name("marketplace")), *args, "--json"]
        done = subprocess.run(
            command, env=self.environ, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f"{args}: {done.stderr}"
        answer: dict[str, Any] = json.loads(done.stdout)
        return answer

    def api(self, path: str) -> dict[str, Any]:
        """GET the marketplace's JSON API as the demo organization's administrator."""
        key = self.cli("key", "create", "--user", "admin@demo-buyer.example")["api_key"]
        answer = httpx.get(
            f"{self.marketplace_url}/api/v1{path}",
            headers={"Authorization": f"Bearer {key}"},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found

    def bill_and_deliver(self) -> None:
        """``marketplace billing run --as-of today`` and ``marketplace worker --once``."""
        today = dt.datetime.now(dt.UTC).date().isoformat()
        self.cli("billing", "run", "--as-of", today)
        self.cli("worker", "--once")


def _ports() -> tuple[int, int]:
    """Free ports; ``make serve``'s own (8000, 8100) when taking the README's screenshots
    (``MARKETPLACE_SCREENSHOTS``) and they are free, so that the pictures show them."""
    if os.environ.get("MARKETPLACE_SCREENSHOTS"):
        with contextlib.ExitStack() as probes:
            try:
                for port in (8000, 8100):
                    probe = probes.enter_context(socket.socket())
                    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn
                    probe.bind(("127.0.0.1", port))
            except OSError:
                pass
            else:
                return 8000, 8100
    return free_port(), free_port()


@pytest.fixture(scope="session")
def wired_apps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WiredApps]:
    """Both apps started by ``scripts/serve-all.sh`` with their own databases; a second
    ``marketplace demo setup`` (idempotent) names the demo organization and connection."""
    folder = tmp_path_factory.mktemp("wired")
    marketplace_port, sandbox_port = _ports()
    environ = {
        **os.environ,
        "VENV_BIN": str(Path(sys.executable).parent),
        "MARKETPLACE_PORT": str(marketplace_port),
        "SANDBOX_PORT": str(sandbox_port),
        "MARKETPLACE_DATABASE_URL": f"sqlite:///{folder / 'marketplace.db'}",
        "MARKETPLACE_VAR_DIR": str(folder / "marketplace-var"),
        "MARKETPLACE_SMTP_URL": "",
        "SANDBOX_DATABASE_URL": f"sqlite:///{folder / 'sandbox.db'}",
        "SANDBOX_VAR_DIR": str(folder / "sandbox-var"),
    }
    marketplace_url = f"http://127.0.0.1:{marketplace_port}"
    sandbox_url = f"http://127.0.0.1:{sandbox_port}"
    log = folder / "serve-all.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(SERVE_ALL)], cwd=ROOT, env=environ, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        wait_until_healthy(f"{sandbox_url}/healthz", process, log)
        wait_until_healthy(f"{marketplace_url}/healthz", process, log)
        command = [str(Path(sys.executable).with_name("marketplace")), "demo", "setup"]
        command += ["--sandbox-url", sandbox_url, "--json"]
        again = subprocess.run(
            command,
            env={**environ, "MARKETPLACE_BASE_URL": marketplace_url},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert again.returncode == 0, again.stderr
        wiring = json.loads(again.stdout)
        assert (wiring["connection_created"], wiring["supplier"]) == (False, "unchanged")
        yield WiredApps(
            marketplace_url,
            sandbox_url,
            environ,
            log,
            wiring["organization_id"],
            wiring["connection_id"],
        )
    finally:
        process.terminate()  # the script stops both apps on its way out
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
