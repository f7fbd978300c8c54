"""End-to-end fixtures: real servers on loopback ports, driven over HTTP and with Chromium.

The marketplace runs as a subprocess (``marketplace serve``) on a free 127.0.0.1 port with its
own SQLite file, exactly as ``make serve`` runs it. Playwright drives Debian's
``/usr/bin/chromium`` (installed by ``make test``); no browser is ever downloaded.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

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
