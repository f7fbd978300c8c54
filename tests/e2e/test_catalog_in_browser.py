"""A person signs in, searches, filters, opens a product and reads its offers, in Chromium.

Set ``MARKETPLACE_SCREENSHOTS=<folder>`` to keep the screenshots of the pages visited (the
README's pictures come from there).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from servers import Server

DEMO_EMAIL = "buyer@demo-buyer.example"
DEMO_PASSWORD = "marketplace-demo"

pytestmark = pytest.mark.e2e


def snapshot(page: Page, name: str) -> None:
    folder = os.environ.get("MARKETPLACE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def sign_in(page: Page, server: Server) -> None:
    page.goto(f"{server.base_url}/signin")
    page.get_by_label("E-mail address").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_buyer_signs_in_searches_filters_and_reads_a_products_offers(
    page: Page, marketplace: Server
) -> None:
    sign_in(page, marketplace)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(f"{marketplace.base_url}/")
    snapshot(page, "home")

    page.get_by_label("Search software").fill("backup")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"/search\?.*q=backup"))
    results = page.locator("ol.results > li")
    expect(results.first).to_be_visible()
    unfiltered = results.count()

    page.get_by_label("Pricing model").select_option("saas_contract")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"pricing_model=saas_contract"))
    expect(results.first).to_be_visible()
    assert results.count() <= unfiltered
    snapshot(page, "search")

    title = results.first.get_by_role("link").first.inner_text()
    results.first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("heading", name=re.compile(r"^\d+ offers?$"))).to_be_visible()
    expect(page.get_by_text("SaaS contract").first).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text(re.compile(r"\$[\d,]+\.\d\d per "))
    snapshot(page, "product")


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
    page: Page, marketplace: Server
) -> None:
    page.goto(f"{marketplace.base_url}/signin")
    page.get_by_label("E-mail address").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text(re.compile("e-mail|password", re.I))
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_your_software_asks_for_sign_in_and_then_shows_the_empty_list(
    page: Page, marketplace: Server
) -> None:
    page.goto(f"{marketplace.base_url}/your-software")
    expect(page).to_have_url(re.compile(r"/signin\?next="))
    page.get_by_label("E-mail address").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/your-software$"))
    expect(page.get_by_text(re.compile("no software yet", re.I))).to_be_visible()
