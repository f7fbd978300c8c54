"""Helpers for the punchout web tests: a Coupa connection made through the API, Coupa-shaped
PunchOutSetupRequests, and reading the pages a punchout shows (links, forms, the cart form).

Used by the unit tests over the in-memory fakes (a ``TestClient``) and, for the documents
and the cart form, by the end-to-end tests.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from collections.abc import Sequence
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest

import cxml
from cxml import (
    Contact,
    DeploymentMode,
    Document,
    Email,
    Extrinsic,
    Header,
    ItemID,
    ItemOut,
    Name,
    Party,
    PunchOutOperation,
    PunchOutSetupRequest,
)

__all__ = [
    "BUYER_COOKIE",
    "FORM_POST_URL",
    "SECRET",
    "USER_EMAIL",
    "PageForms",
    "admin_headers",
    "cart_form_fields",
    "configure",
    "connect",
    "header",
    "official_dtds",
    "parse_forms",
    "setup_request",
    "start_page_url",
]

SECRET = "coupa-shared-secret-0123456789"
USER_EMAIL = "dana.okafor@acme.example"
BUYER_COOKIE = "7f3c0e9a2b6d4c1e8f5a0b3c6d9e2f14"
FORM_POST_URL = "https://acme.coupahost.example/punchout/checkout?id=17"


ROOT = Path(__file__).resolve().parents[2]


def official_dtds() -> cxml.DtdCatalog:
    """The official DTDs: $CXML_DTD_DIR, else ../shared/cxml-dtd (missing fails, never skips)."""
    configured = os.environ.get("CXML_DTD_DIR")
    folder = Path(configured) if configured else ROOT.parent / "shared" / "cxml-dtd"
    if not (folder / "1.2.014" / "cXML.dtd").is_file():
        pytest.fail(f"the official cXML DTDs are missing: expected them in {folder}")
    return cxml.DtdCatalog(folder)


def admin_headers(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def configure(client: httpx.Client, admin_key: str, **settings: object) -> dict[str, Any]:
    """Put the organization's procurement configuration (Coupa unless ``system`` says)."""
    body = {"system": "COUPA", "name": "Coupa", **settings}
    response = client.put(
        "/api/v1/procurement-system-configuration", json=body, headers=admin_headers(admin_key)
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def connect(
    client: httpx.Client, admin_key: str, buyer_identity: str = "077665544", **fields: object
) -> dict[str, Any]:
    """Create a connection with the shared secret :data:`SECRET`; its JSON answer."""
    body = {
        "buyer_domain": "DUNS",
        "buyer_identity": buyer_identity,
        "shared_secret": SECRET,
        **fields,
    }
    response = client.post(
        "/api/v1/procurement-connections", json=body, headers=admin_headers(admin_key)
    )
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def header(
    connection: dict[str, Any], *, secret: str | None = SECRET, buyer_identity: str | None = None
) -> Header:
    """The header Coupa sends for ``connection`` (its purchase information's credentials)."""
    buyer = (connection["buyer_domain"], buyer_identity or connection["buyer_identity"])
    return Header(
        from_=Party.of(*buyer),
        to=Party.of(connection["supplier_domain"], connection["supplier_identity"]),
        sender=Party.of(connection["sender_domain"], connection["sender_identity"], secret),
        user_agent="Coupa Procurement 1.0",
    )


def setup_request(
    connection: dict[str, Any],
    *,
    operation: PunchOutOperation = PunchOutOperation.CREATE,
    email: str | None = USER_EMAIL,
    form_post_url: str | None = FORM_POST_URL,
    request_ids: Sequence[str] = (),
    selected_item: str | None = None,
    secret: str | None = SECRET,
    buyer_identity: str | None = None,
    buyer_cookie: str = BUYER_COOKIE,
    test: bool = True,
    version: str = "1.2.014",
) -> bytes:
    """A Coupa-shaped PunchOutSetupRequest (1.2.014, its six extrinsics, an endUser contact)."""
    extrinsics = [
        Extrinsic("FirstName", "Dana"),
        Extrinsic("LastName", "Okafor"),
        Extrinsic("UniqueName", email or "dana"),
    ]
    if email:
        extrinsics.append(Extrinsic("UserEmail", email))
    extrinsics += [Extrinsic("User", email or "dana"), Extrinsic("BusinessUnit", "ACME-EMEA")]
    contacts = ()
    if email:
        contacts = (Contact(name=Name(email, "en-US"), role="endUser", emails=(Email(email),)),)
    items = tuple(
        ItemOut(
            quantity=Decimal(1),
            item_id=ItemID("offer-from-the-cart", request_id),
            line_number=number,
        )
        for number, request_id in enumerate(request_ids, start=1)
    )
    document = Document(
        payload_id=f"{dt.datetime.now(dt.UTC).timestamp():.6f}.5521@acme.coupahost.example",
        timestamp=dt.datetime.now(dt.UTC),
        payload=PunchOutSetupRequest(
            operation=operation,
            buyer_cookie=buyer_cookie,
            extrinsics=tuple(extrinsics),
            browser_form_post_url=form_post_url,
            contacts=contacts,
            selected_item=ItemID(selected_item) if selected_item else None,
            items=items,
        ),
        header=header(connection, secret=secret, buyer_identity=buyer_identity),
        deployment_mode=DeploymentMode.TEST if test else DeploymentMode.PRODUCTION,
        version=version,
    )
    return cxml.serialize(document)


def start_page_url(response: httpx.Response) -> str:
    """The StartPage URL of a PunchOutSetupResponse (asserting it is one, status 200)."""
    document = cxml.parse(response.content)
    assert document.status is not None, response.text
    assert document.status.code == 200, response.text
    payload = document.payload
    assert isinstance(payload, cxml.PunchOutSetupResponse)
    return payload.start_page_url


class PageForms(HTMLParser):
    """The links and forms of a page: ``links`` (hrefs) and ``forms`` (action, method and
    the value of each named input)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and "href" in values:
            self.links.append(values["href"])
        elif tag == "form":
            self.forms.append(
                {
                    "action": values.get("action", ""),
                    "method": values.get("method", "get").lower(),
                    "fields": {},
                }
            )
        elif tag == "select" and self.forms and "name" in values:
            self._select = values["name"]
        elif tag == "option" and self._select is not None:
            fields = self.forms[-1]["fields"]  # the first option, unless one is selected
            if "selected" in values or fields.get(self._select) is None:
                fields[self._select] = values.get("value", "")
        elif tag in ("input", "textarea") and self.forms and "name" in values:
            fields = self.forms[-1]["fields"]
            if values.get("type") in ("radio", "checkbox") and "checked" not in values:
                fields.setdefault(values["name"], None)
                return
            fields[values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def parse_forms(page: str) -> PageForms:
    """The links and forms of ``page``."""
    parser = PageForms()
    parser.feed(page)
    return parser


_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def cart_form_fields(page: str) -> tuple[str, dict[str, str]]:
    """The action of the cart page's form and its (unescaped) hidden fields, as the browser
    would post them."""
    action = re.search(r'<form id="cart-return" method="post" action="([^"]+)"', page)
    if action is None:
        problems = re.findall(r'<p class="field-error"[^>]*>([^<]*)</p>|<li>([^<]*)</li>', page)
        raise AssertionError(f"the page has no cart form; it says {problems}")
    fields = {html.unescape(name): html.unescape(value) for name, value in _HIDDEN.findall(page)}
    return html.unescape(action.group(1)), fields
