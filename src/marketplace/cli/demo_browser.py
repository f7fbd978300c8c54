"""The browser steps of ``marketplace demo``: Chromium through Playwright, headless.

Playwright drives Debian's ``/usr/bin/chromium`` (never a downloaded browser); it is a test
dependency, installed by ``make test``, so it is imported only when the demo runs. The
browser shops on the marketplace inside a punchout session, clicks **Request approval**,
and records the cart it posts to the sandbox; then it reads the cXML documents the sandbox
keeps (shared secrets removed) from the sandbox's own pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

import cxml

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Request

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "BrowserError",
    "Shopping",
    "chromium",
    "document_reader",
    "sandbox_documents",
    "shop_and_request_approval",
    "sign_in_to_sandbox",
]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
TIMEOUT_MS = 20_000
_INSTALL_HINT = "run `make test` (it installs Debian's Chromium) or `sudo apt-get install chromium`"


class BrowserError(Exception):
    """The browser is missing, or a page did not show what the step waits for."""


@contextmanager
def chromium(executable: str = CHROMIUM) -> Iterator[Browser]:
    """A headless Chromium (``executable``), closed on exit; BrowserError when there is none."""
    if not Path(executable).is_file():
        raise BrowserError(f"Chromium is missing at {executable}: {_INSTALL_HINT}")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as exc:
        raise BrowserError(
            "Playwright is not installed: run `make test` (it installs the test extras), or "
            "`.venv/bin/pip install -e '.[test]'`"
        ) from exc
    with sync_playwright() as driver:
        try:
            browser = driver.chromium.launch(
                executable_path=executable, args=list(CHROMIUM_ARGS), headless=True
            )
        except Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "no message"
            raise BrowserError(f"Chromium at {executable} did not start: {first}") from exc
        try:
            yield browser
        finally:
            browser.close()


def sign_in_to_sandbox(context: BrowserContext, sandbox_url: str, email: str) -> None:
    """Sign the browser in to the sandbox as one of its built-in users (no passwords)."""
    answer = context.request.post(
        f"{sandbox_url}/sign-in", form={"email": email, "next": "/"}, max_redirects=0
    )
    if answer.status >= 400:
        raise BrowserError(f"the sandbox refused to sign in {email} (HTTP {answer.status})")


@dataclass(frozen=True, slots=True)
class Shopping:
    """What the browser did in the punchout session."""

    product_title: str
    product_url: str
    cart: bytes  # the PunchOutOrderMessage the browser posted back
    cart_field: str  # the form field it came in


def shop_and_request_approval(
    page: Page, *, start_page_url: str, form_post_url: str, query: str, pricing_model: str
) -> Shopping:
    """Open the StartPage, search for ``query``, keep ``pricing_model`` offers, open the first
    product, click Request approval; the cart the page posted to ``form_post_url``."""
    from playwright.sync_api import Error as PlaywrightError  # chromium() checked it is there

    posted: list[Request] = []

    def record_cart(request: Request) -> None:
        if request.method == "POST" and request.url == form_post_url:
            posted.append(request)

    page.on("request", record_cart)
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(start_page_url)
        page.get_by_role("search").get_by_label("Search software").fill(query)
        page.get_by_role("button", name="Search", exact=True).click()
        page.get_by_label("Pricing model").select_option(pricing_model)
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url(re.compile(rf"[?&]pricing_model={re.escape(pricing_model)}(&|$)"))
        link = page.locator("ol.results > li").first.get_by_role("link").first
        title = link.inner_text().strip()
        link.click()
        page.get_by_role("heading", level=1, name=title).wait_for()
        product_url = page.url.split("?", 1)[0]
        page.get_by_role("button", name="Request approval", exact=True).click()
        sandbox_origin = form_post_url.split("/punchout/", 1)[0]
        page.wait_for_url(f"{sandbox_origin}/**")
    except PlaywrightError as exc:  # its TimeoutError too: say on which page
        raise BrowserError(f"the punchout stopped at {page.url}: {_first_line(exc)}") from exc
    if not posted:
        raise BrowserError("the browser posted no cart to the sandbox")
    fields = dict(parse_qsl(posted[-1].post_data or "", keep_blank_values=True))
    field_name = next((key for key in fields if key.casefold().startswith("cxml-")), "?")
    return Shopping(title, product_url, cxml.decode_form(fields), field_name)


def document_reader(context: BrowserContext, sandbox_url: str) -> Page:
    """A tab for reading the sandbox's pages that loads nothing from any other site: the
    punchout page frames the StartPage, which must open once only, in the shopping tab."""
    reader = context.new_page()
    reader.set_default_timeout(TIMEOUT_MS)
    reader.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(sandbox_url + "/") else route.abort()
        ),
    )
    return reader


def sandbox_documents(reader: Page, url: str) -> list[str]:
    """The cXML documents a sandbox page shows under "What crossed the wire" (or "as sent",
    "as received"), in page order (``reader``: from :func:`document_reader`)."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        reader.goto(url)
        blocks = reader.locator("details pre").all()
        return [text for block in blocks if (text := block.text_content())]
    except PlaywrightError as exc:
        raise BrowserError(f"could not read {url}: {_first_line(exc)}") from exc


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
