"""An administrator sets up the Coupa integration through the pages, in Chromium: settings,
a connection (its secret shown once), purchase information copied with the Copy button, and
disable/enable.

The test signs in as the administrator of an organization of its own, created with
``marketplace org create`` in the served database, so that it neither depends on nor
changes what the demo organization holds.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from servers import Server

PASSWORD = "procurement-e2e-password"
BUYER_ID = "e2e-coupa-buyer"

pytestmark = pytest.mark.e2e


def snapshot(page: Page, name: str) -> None:
    folder = os.environ.get("MARKETPLACE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture
def admin_email(marketplace: Server) -> str:
    """A new organization's administrator (with a password), in the server's database."""
    # The ``marketplace`` fixture keeps its database and var folder next to its log.
    folder = marketplace.log.parent
    email = f"admin-{secrets.token_hex(4)}@procurement-e2e.example"
    environ = {
        **os.environ,
        "MARKETPLACE_DATABASE_URL": f"sqlite:///{folder / 'marketplace.db'}",
        "MARKETPLACE_VAR_DIR": str(folder / "var"),
    }
    command = [str(Path(sys.executable).with_name("marketplace")), "org", "create"]
    command += ["--name", "Procurement E2E Corp", "--admin-email", email, "--password", "--json"]
    done = subprocess.run(
        command, input=PASSWORD + "\n", env=environ, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return email


def sign_in(page: Page, server: Server, email: str) -> None:
    page.goto(f"{server.base_url}/signin")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_an_admin_sets_up_coupa_creates_a_connection_and_copies_the_punchout_url(
    page: Page, marketplace: Server, admin_email: str
) -> None:
    page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=marketplace.base_url
    )
    sign_in(page, marketplace, admin_email)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Procurement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage procurement systems")
    expect(page.get_by_role("heading", name="Procurement systems", exact=True)).to_be_visible()
    snapshot(page, "procurement-empty")

    # The settings: test mode is on until the administrator turns it off.
    page.get_by_role("link", name="Set up Coupa integration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage Coupa integration")
    expect(page.get_by_role("heading", name="Account information")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Test mode")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Billing integration")).not_to_be_checked()
    page.get_by_label("Name", exact=True).fill("E2E Coupa")
    page.get_by_label("Description").fill("Set up by the browser test")
    snapshot(page, "procurement-setup")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(f"{marketplace.base_url}/procurement")
    expect(page.get_by_role("heading", name="Test mode is on")).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text("no software is bought and nothing is billed")
    expect(page.get_by_text("E2E Coupa", exact=True)).to_be_visible()

    # A connection: its generated secret is shown on this one page.
    page.get_by_role("link", name="New Coupa connection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New Coupa connection")
    page.get_by_label("Buyer domain", exact=True).fill("DUNS")
    page.get_by_label("Buyer ID", exact=True).fill(BUYER_ID)
    page.get_by_role("button", name="Create connection").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Connection created")
    expect(page.get_by_text("it will not be shown again")).to_be_visible()
    secret = page.locator("#shared-secret").inner_text().strip()
    assert len(secret) >= 32
    snapshot(page, "procurement-connection-created")

    page.get_by_role("link", name="Go to the connection").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(BUYER_ID)
    expect(page.get_by_role("heading", name="Purchase information")).to_be_visible()
    assert secret not in page.content()

    # Purchase information: copy the punchout URL and find it on the clipboard.
    punchout_url = page.locator("#pi-punchout_url").inner_text().strip()
    assert punchout_url == f"{marketplace.base_url}/cxml/punchout"
    copy = page.get_by_role("button", name="Copy Punchout URL")
    expect(copy).to_be_visible()  # copy.js shows the buttons it drives
    copy.click()
    # The button now reads "Copied" (its name too, so find it by what it copies).
    expect(page.locator('button[data-copy-target="pi-punchout_url"]')).to_have_text(
        re.compile(r"^\s*Copied")
    )
    expect(page.get_by_role("status")).to_have_text("Punchout URL copied to the clipboard.")
    assert page.evaluate("navigator.clipboard.readText()") == punchout_url
    snapshot(page, "procurement-connection")

    # Disable, then enable again (from the connection's page).
    page.get_by_role("button", name=f"Disable connection {BUYER_ID}").click()
    expect(page.get_by_text("Disabled", exact=True)).to_be_visible()
    page.get_by_role("button", name=f"Enable connection {BUYER_ID}").click()
    expect(page.get_by_text("Enabled", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=f"Disable connection {BUYER_ID}")).to_be_visible()

    # The overview lists it, and the audit log recorded every step without the secret.
    page.get_by_role("link", name="Manage procurement systems").click()
    row = page.get_by_role("row").filter(has_text=BUYER_ID)
    expect(row).to_contain_text("Enabled")
    snapshot(page, "procurement-overview")
    page.get_by_role("link", name="see who changed what, and when").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    expect(page.get_by_role("row")).to_have_count(5)  # the header and four events
    assert secret not in page.content()
