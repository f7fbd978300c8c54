"""The "Manage procurement systems" pages: setup, connections, purchase information, audit.

The app runs over the in-memory fakes; people sign in through the sign-in form and use the
pages' own forms (with their CSRF tokens), as a browser would.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser

import httpx
import pytest
from fastapi.testclient import TestClient
from web_support import PASSWORD, FakeDatabase, People, csrf_from, sign_in

from marketplace.domain.audit import HIDDEN
from marketplace.services import accounts

COUPA_CONNECTION = {
    "buyer_domain": "DUNS",
    "buyer_identity": "acme-coupa",
    "supplier_domain": "",
    "supplier_identity": "",
    "shared_secret": "",
    "invoice_endpoint": "https://acme.coupahost.com/cxml/invoices",
    "approval_redirect_url": "https://acme.coupahost.com/punchout/redirect",
    "sellers_of_record": "AWS_INC, AWS_EUROPE",
    "cart_field": "cxml-urlencoded",
}


# -- helpers -----------------------------------------------------------------------------------


def submit(client: TestClient, page_path: str, action: str, data: dict[str, str]) -> httpx.Response:
    """Post ``data`` to ``action`` with the CSRF token of the form on ``page_path``."""
    token = csrf_from(client.get(page_path).text)
    return client.post(action, data={**data, "csrf_token": token}, follow_redirects=False)


def set_up_coupa(client: TestClient, **changes: str) -> None:
    data = {
        "system": "COUPA",
        "name": "Acme Coupa",
        "description": "Buying through Coupa",
        "checkboxes": "enable_redirect test_mode preapprove_free preapprove_byol "
        "billing_integration",
        "test_mode": "on",
        **changes,
    }
    response = submit(client, "/procurement/setup?system=COUPA", "/procurement/setup", data)
    assert response.status_code == 303, response.text


def create_connection(client: TestClient, **changes: str) -> tuple[str, str, str]:
    """Create a Coupa connection through the form; (its id, the secret, the answer page)."""
    response = submit(
        client,
        "/procurement/connections/new",
        "/procurement/connections/new",
        {**COUPA_CONNECTION, **changes},
    )
    page = response.text
    assert response.status_code == 200, page
    connection_id = re.search(r'href="/procurement/connections/(pc-[^"/]+)"', page)
    secret = re.search(r'<code id="shared-secret"[^>]*>([^<]+)</code>', page)
    assert connection_id, page
    assert secret, page
    return connection_id.group(1), unescape(secret.group(1)), page


def field_error(page: str, name: str) -> str:
    """The error message shown next to the field ``name`` (asserting the input points at it)."""
    described = re.search(rf'<(?:input|select)[^>]*\bid="{name}"[^>]*>', page)
    assert described, f"no input {name}"
    assert 'aria-invalid="true"' in described.group(0), described.group(0)
    assert f"{name}-error" in described.group(0), described.group(0)
    message = re.search(rf'<p class="field-error" id="{name}-error">([^<]+)</p>', page)
    assert message, f"no error next to {name}"
    return unescape(message.group(1))


def value_of(page: str, name: str) -> str:
    found = re.search(rf'<input[^>]*\bname="{name}"[^>]*\bvalue="([^"]*)"', page)
    assert found, f"no input {name}"
    return unescape(found.group(1))


@pytest.fixture
def admin(client: TestClient, people: People) -> TestClient:
    sign_in(client, people.admin_email)
    return client


# -- who may see the pages ---------------------------------------------------------------------


def test_procurement_pages_send_strangers_to_sign_in(client: TestClient) -> None:
    response = client.get("/procurement", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/procurement"


def test_the_nav_links_to_procurement_for_management_account_users(admin: TestClient) -> None:
    page = admin.get("/account").text

    assert '<a href="/procurement">Procurement</a>' in page


def test_a_member_account_sees_no_link_and_gets_a_clear_403(
    client: TestClient, people: People, database: FakeDatabase
) -> None:
    accounts.create_member_account(
        database.unit_of_work(),
        organization_id=people.organization_id,
        name="Acme Engineering",
        admin_email="eng@acme.example",
        admin_password=PASSWORD,
    )
    sign_in(client, "eng@acme.example")

    assert 'href="/procurement"' not in client.get("/account").text
    for path in ["/procurement", "/procurement/setup?system=COUPA", "/procurement/audit"]:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "You do not have permission" in response.text
        assert "management account" in response.text


def test_a_buyer_without_the_procurement_policy_gets_403(
    client: TestClient, people: People
) -> None:
    sign_in(client, people.buyer_email)

    for path in ["/procurement", "/procurement/connections/new", "/procurement/audit"]:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "You do not have permission" in response.text


def test_a_read_only_user_sees_the_settings_without_the_buttons(
    admin: TestClient, people: People
) -> None:
    set_up_coupa(admin)
    connection_id, _, _ = create_connection(admin)
    admin.post("/signout", data={"csrf_token": csrf_from(admin.get("/").text)})
    sign_in(admin, people.reader_email)

    overview = admin.get("/procurement").text
    view = admin.get(f"/procurement/connections/{connection_id}").text

    assert "Acme Coupa" in overview
    assert "not change them" in overview
    assert "Edit settings" not in overview
    assert ">Disable<" not in overview
    assert "New Coupa connection" not in overview
    assert "Rotate shared secret" not in view
    assert "Punchout URL" in view


# -- settings ----------------------------------------------------------------------------------


def test_before_setup_the_page_offers_coupa_and_ariba(admin: TestClient) -> None:
    page = admin.get("/procurement").text

    assert "<h1>Manage procurement systems</h1>" in page
    assert '<h2 id="systems-title">Procurement systems</h2>' in page
    assert 'href="/procurement/setup?system=COUPA">Set up Coupa integration</a>' in page
    assert 'href="/procurement/setup?system=ARIBA">Set up Ariba integration</a>' in page
    assert "Portal connections" not in page


def test_the_coupa_setup_form_starts_in_test_mode_with_the_rest_off(admin: TestClient) -> None:
    page = admin.get("/procurement/setup?system=COUPA").text

    assert "<h1>Manage Coupa integration</h1>" in page
    assert "<h2>Account information</h2>" in page
    assert re.search(r'<input type="checkbox" id="test_mode"[^>]* checked', page)
    for name in ("enable_redirect", "preapprove_free", "preapprove_byol", "billing_integration"):
        box = re.search(rf'<input type="checkbox" id="{name}"[^>]*>', page)
        assert box, name
        assert "checked" not in box.group(0), name


def test_the_ariba_setup_form_has_no_redirect(admin: TestClient) -> None:
    page = admin.get("/procurement/setup?system=ARIBA").text

    assert "<h1>Manage SAP Ariba integration</h1>" in page
    assert 'id="enable_redirect"' not in page
    assert value_of(page, "checkboxes").split() == [
        "test_mode",
        "preapprove_free",
        "preapprove_byol",
        "billing_integration",
    ]


def test_an_unknown_system_is_a_400_page(admin: TestClient) -> None:
    response = admin.get("/procurement/setup?system=ORACLE")

    assert response.status_code == 400
    assert "Coupa or SAP Ariba" in response.text


def test_saving_the_setup_shows_the_settings_with_the_test_mode_warning(
    admin: TestClient,
) -> None:
    set_up_coupa(admin, billing_integration="on", preapprove_free="on")

    page = admin.get("/procurement").text

    assert "Acme Coupa" in page
    assert "Buying through Coupa" in page
    assert "Test mode is on" in page
    assert "no software is bought and nothing is billed" in page
    assert "<dt>Free pre-approval</dt><dd>On</dd>" in page
    assert "<dt>BYOL pre-approval</dt><dd>Off</dd>" in page
    assert "<dt>Billing integration</dt><dd>On</dd>" in page
    assert "AWSServiceRoleForMarketplacePurchaseOrders" in page
    assert 'href="/procurement/setup">Edit settings</a>' in page
    assert "Portal connections" in page
    assert "New Coupa connection" in page
    assert 'href="/procurement/audit"' in page


def test_editing_fills_the_form_in_and_an_unticked_box_turns_the_setting_off(
    admin: TestClient,
) -> None:
    set_up_coupa(admin, preapprove_byol="on")
    form = admin.get("/procurement/setup").text
    assert value_of(form, "name") == "Acme Coupa"
    assert re.search(r'id="preapprove_byol"[^>]* checked', form)

    # The browser sends no test_mode and no preapprove_byol: both boxes were unticked.
    set_up_coupa(admin, test_mode="", name="Acme Coupa (live)")
    admin_page = admin.get("/procurement").text

    assert "Acme Coupa (live)" in admin_page
    assert "Test mode is on" not in admin_page
    assert "<dt>Test mode</dt><dd>Off</dd>" in admin_page
    assert "<dt>BYOL pre-approval</dt><dd>Off</dd>" in admin_page


def test_a_setup_without_a_name_comes_back_with_the_error_next_to_it(admin: TestClient) -> None:
    response = submit(
        admin,
        "/procurement/setup?system=COUPA",
        "/procurement/setup",
        {
            "system": "COUPA",
            "name": "  ",
            "description": "kept",
            "checkboxes": "test_mode billing_integration",
            "billing_integration": "on",
        },
    )

    assert response.status_code == 400
    page = response.text
    assert field_error(page, "name")
    assert 'role="alert"' in page
    assert value_of(page, "description") == "kept"
    assert re.search(r'id="billing_integration"[^>]* checked', page)
    assert admin.get("/procurement").text.count("Set up Coupa integration") == 1


def test_ariba_refuses_to_leave_test_mode_on_the_first_save(admin: TestClient) -> None:
    response = submit(
        admin,
        "/procurement/setup?system=ARIBA",
        "/procurement/setup",
        {"system": "ARIBA", "name": "Acme Ariba", "checkboxes": "test_mode"},
    )

    assert response.status_code == 400
    assert "test mode" in field_error(response.text, "test_mode")


# -- connections -------------------------------------------------------------------------------


def test_new_connection_before_setup_goes_back_to_the_overview(admin: TestClient) -> None:
    response = admin.get("/procurement/connections/new", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/procurement"


def test_the_connection_form_says_which_cxml_element_each_field_fills(admin: TestClient) -> None:
    set_up_coupa(admin)

    page = admin.get("/procurement/connections/new").text

    assert "<h1>New Coupa connection</h1>" in page
    assert "Fills <code>Header/From/Credential/Identity</code>" in page
    assert "Fills <code>Header/To/Credential/Identity</code>" in page
    assert "Fills <code>Header/Sender/Credential/SharedSecret</code>" in page
    assert "generates one, unique to this connection" in page
    assert '<option value="cxml-urlencoded" selected>' in page
    assert '<option value="cxml-base64">' in page


def test_creating_a_connection_shows_its_secret_once(admin: TestClient) -> None:
    set_up_coupa(admin)

    connection_id, secret, page = create_connection(admin)

    assert "<h1>Connection created</h1>" in page
    assert "it will not be shown again" in page
    assert len(secret) >= 32
    assert 'data-copy-target="shared-secret"' in page
    assert "Purchase information" in page
    assert "https://market.example/cxml/punchout" in page
    assert '<script src="/static/copy.js" defer></script>' in page
    for path in (
        "/procurement",
        f"/procurement/connections/{connection_id}",
        "/procurement/audit",
    ):
        assert secret not in admin.get(path).text, path


def test_the_answer_with_the_secret_is_not_cached(admin: TestClient) -> None:
    set_up_coupa(admin)

    response = submit(
        admin, "/procurement/connections/new", "/procurement/connections/new", COUPA_CONNECTION
    )

    assert response.headers["cache-control"] == "no-store"


def test_a_secret_typed_in_is_used_and_shown_once(admin: TestClient) -> None:
    set_up_coupa(admin)

    _, secret, _ = create_connection(admin, shared_secret="typed-in-secret-0123456789")

    assert secret == "typed-in-secret-0123456789"


def test_several_bad_fields_are_each_reported_next_to_the_field(admin: TestClient) -> None:
    set_up_coupa(admin)

    response = submit(
        admin,
        "/procurement/connections/new",
        "/procurement/connections/new",
        {
            **COUPA_CONNECTION,
            "buyer_domain": "",
            "buyer_identity": "acme coupa",
            "shared_secret": "bad secret",
            "invoice_endpoint": "http://acme.coupahost.com/cxml/invoices",
            "approval_redirect_url": "https://elsewhere.example/approve",
            "cart_field": "cxml-json",
        },
    )

    assert response.status_code == 400
    page = response.text
    assert "required" in field_error(page, "buyer_domain")
    assert "spaces" in field_error(page, "buyer_identity")
    assert field_error(page, "shared_secret")
    assert "https" in field_error(page, "invoice_endpoint")
    assert field_error(page, "approval_redirect_url")
    assert "cxml-urlencoded" in field_error(page, "cart_field")
    assert page.count('<a href="#') >= 6  # the summary links to every bad field
    assert value_of(page, "buyer_identity") == "acme coupa"  # what was typed stays
    assert value_of(page, "sellers_of_record") == "AWS_INC, AWS_EUROPE"
    assert "bad secret" not in page  # but never the secret
    assert "was not kept" in page
    assert "Portal connections" in admin.get("/procurement").text
    assert "acme coupa" not in admin.get("/procurement").text


def test_an_ariba_connection_checks_the_anid(admin: TestClient) -> None:
    response = submit(
        admin,
        "/procurement/setup?system=ARIBA",
        "/procurement/setup",
        {"system": "ARIBA", "name": "Acme Ariba", "checkboxes": "test_mode", "test_mode": "on"},
    )
    assert response.status_code == 303
    form = admin.get("/procurement/connections/new").text
    assert "<h1>New SAP Ariba connection</h1>" in form
    assert 'id="buyer_domain"' not in form

    bad = submit(
        admin,
        "/procurement/connections/new",
        "/procurement/connections/new",
        {"buyer_anid": "AN123", "supplier_anid": ""},
    )
    good = submit(
        admin,
        "/procurement/connections/new",
        "/procurement/connections/new",
        {"buyer_anid": "AN01234567890", "supplier_anid": ""},
    )

    assert bad.status_code == 400
    assert "AN" in field_error(bad.text, "buyer_anid")
    assert good.status_code == 200
    assert "AN01000000001" in good.text
    overview = admin.get("/procurement").text
    assert '<th scope="col">Buyer ANID</th>' in overview
    assert "AN01234567890" in overview


def test_taken_credentials_come_back_as_a_409_form(admin: TestClient) -> None:
    set_up_coupa(admin)
    create_connection(admin, supplier_identity="acme-supplier")

    response = submit(
        admin,
        "/procurement/connections/new",
        "/procurement/connections/new",
        {**COUPA_CONNECTION, "supplier_identity": "acme-supplier"},
    )

    assert response.status_code == 409
    assert 'role="alert"' in response.text
    assert value_of(response.text, "buyer_identity") == "acme-coupa"


def test_the_connection_page_shows_details_and_purchase_information_never_the_secret(
    admin: TestClient,
) -> None:
    set_up_coupa(admin)
    connection_id, secret, _ = create_connection(admin)

    page = admin.get(f"/procurement/connections/{connection_id}").text

    assert secret not in page
    assert "acme-coupa" in page
    assert "AWS_INC, AWS_EUROPE" in page
    assert re.search(r"Set on <time datetime=", page)
    assert '<h2 id="purchase-information-title">Purchase information</h2>' in page
    punchout = re.search(r'<code id="pi-punchout_url" class="copy-value">([^<]+)</code>', page)
    assert punchout
    assert punchout.group(1) == "https://market.example/cxml/punchout"
    button = re.search(
        r'<button[^>]*data-copy-target="pi-punchout_url"[^>]*>(.*?)</button>', page, re.S
    )
    assert button
    accessible_name = re.sub(r"<[^>]+>", "", button.group(1))
    assert " ".join(accessible_name.split()) == "Copy Punchout URL"
    assert "Punchout Site" in page  # where it goes in Coupa
    assert "<code>Header/To/Credential/Identity</code>" in page
    assert '<script src="/static/copy.js" defer></script>' in page
    assert '<option value="24h" selected>24 hours</option>' in page


def test_copy_script_is_served(client: TestClient) -> None:
    response = client.get("/static/copy.js")

    assert response.status_code == 200
    assert "navigator.clipboard.writeText" in response.text
    assert 'execCommand("copy")' in response.text


def test_an_unknown_connection_is_a_404_page(admin: TestClient) -> None:
    set_up_coupa(admin)

    response = admin.get("/procurement/connections/pc-nope")

    assert response.status_code == 404
    assert "<h1>" in response.text


def test_disable_and_enable_from_the_list_and_from_the_connection_page(
    admin: TestClient,
) -> None:
    set_up_coupa(admin)
    connection_id, _, _ = create_connection(admin)
    base = f"/procurement/connections/{connection_id}"
    assert ">Disable<" in admin.get("/procurement").text

    disabled = submit(admin, "/procurement", f"{base}/disable", {"return_to": "/procurement"})
    overview = admin.get("/procurement").text
    enabled = submit(admin, base, f"{base}/enable", {"return_to": base})
    view = admin.get(base).text

    assert disabled.status_code == 303
    assert disabled.headers["location"] == "/procurement"
    assert ">Disabled<" in overview
    assert ">Enable<" in overview
    assert enabled.status_code == 303
    assert enabled.headers["location"] == base
    assert ">Enabled<" in view
    assert ">Disable<" in view


def test_disabling_the_last_redirect_connection_shows_redirect_paused(
    admin: TestClient,
) -> None:
    set_up_coupa(admin, enable_redirect="on")
    connection_id, _, _ = create_connection(admin)

    submit(
        admin,
        "/procurement",
        f"/procurement/connections/{connection_id}/disable",
        {"return_to": "/procurement"},
    )

    assert "paused" in admin.get("/procurement").text


def test_rotating_the_secret_shows_the_new_one_once(admin: TestClient) -> None:
    set_up_coupa(admin)
    connection_id, old_secret, _ = create_connection(admin)
    base = f"/procurement/connections/{connection_id}"

    response = submit(admin, base, f"{base}/rotate-secret", {"grace": "1h"})

    page = response.text
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert "<h1>Shared secret rotated</h1>" in page
    new_secret = re.search(r'<code id="shared-secret"[^>]*>([^<]+)</code>', page)
    assert new_secret
    assert unescape(new_secret.group(1)) != old_secret
    assert "The old secret keeps working until" in page
    view = admin.get(base).text
    assert new_secret.group(1) not in view
    assert "The previous secret keeps working until" in view


def test_a_grace_period_that_is_not_offered_is_refused(admin: TestClient) -> None:
    set_up_coupa(admin)
    connection_id, _, _ = create_connection(admin)
    base = f"/procurement/connections/{connection_id}"

    response = submit(admin, base, f"{base}/rotate-secret", {"grace": "1y"})

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("/procurement/setup", {"system": "COUPA", "name": "Forged"}),
        ("/procurement/connections/new", COUPA_CONNECTION),
        ("/procurement/connections/{id}/disable", {"return_to": "/procurement"}),
        ("/procurement/connections/{id}/enable", {"return_to": "/procurement"}),
        ("/procurement/connections/{id}/rotate-secret", {"grace": "none"}),
    ],
)
def test_every_form_needs_its_csrf_token(
    admin: TestClient, action: str, data: dict[str, str]
) -> None:
    set_up_coupa(admin)
    connection_id, _, _ = create_connection(admin)
    before = admin.get("/procurement/audit").text

    response = admin.post(
        action.format(id=connection_id),
        data={**data, "csrf_token": "forged"},
        follow_redirects=False,
    )

    assert response.status_code == 403
    assert "did not come from this site" in response.text
    assert admin.get("/procurement/audit").text == before


# -- audit log ---------------------------------------------------------------------------------


def test_the_audit_log_lists_the_changes_newest_first_with_secrets_hidden(
    admin: TestClient, people: People
) -> None:
    set_up_coupa(admin)
    connection_id, secret, _ = create_connection(admin)
    submit(
        admin,
        "/procurement",
        f"/procurement/connections/{connection_id}/disable",
        {"return_to": "/procurement"},
    )

    page = admin.get("/procurement/audit").text

    assert "<h1>Audit log</h1>" in page
    names = re.findall(r'<td class="mono">([A-Za-z]+)</td>', page)
    assert names == [
        "DisableProcurementPortalConnection",
        "CreateProcurementPortalPreference",
        "PutProcurementSystemConfiguration",
    ]
    assert people.admin_email in page
    assert "(via console)" in page
    assert HIDDEN in page
    assert secret not in page
    assert "Next page" not in page


def test_the_audit_log_pages_with_a_next_link(admin: TestClient) -> None:
    for number in range(30):
        set_up_coupa(admin, name=f"Acme Coupa {number}")
        set_up_coupa(admin, name=f"Acme Coupa {number}b")

    first = admin.get("/procurement/audit").text
    link = re.search(
        r'<a href="(/procurement/audit\?next_token=[^"]+)" rel="next">Next page</a>', first
    )
    assert link
    second = admin.get(unescape(link.group(1))).text

    assert "Acme Coupa 29b" in first
    assert "Acme Coupa 29b" not in second
    assert "Acme Coupa 0b" in second
    assert 'href="/procurement/audit">Newest events</a>' in second


# -- accessibility -----------------------------------------------------------------------------


@dataclass
class _Page:
    headings: list[int] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    labels_for: set[str] = field(default_factory=set)
    controls: list[dict[str, str]] = field(default_factory=list)
    described_by: list[str] = field(default_factory=list)
    header_cells: list[dict[str, str]] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    post_forms_without_token: int = 0
    buttons: int = 0


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.page = _Page()
        self._form_method: str | None = None
        self._form_has_token = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        page = self.page
        if re.fullmatch(r"h[1-6]", tag):
            page.headings.append(int(tag[1]))
        if "id" in a:
            page.ids.append(a["id"])
        if "aria-describedby" in a:
            page.described_by.extend(a["aria-describedby"].split())
        if tag == "label" and "for" in a:
            page.labels_for.add(a["for"])
        elif tag in {"input", "select", "textarea"}:
            page.controls.append(a)
            self._form_has_token |= a.get("name") == "csrf_token"
        elif tag == "th":
            page.header_cells.append(a)
        elif tag == "script":
            page.scripts.append(a.get("src", ""))
        elif tag == "form":
            self._form_method = a.get("method", "get").lower()
            self._form_has_token = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            if self._form_method == "post" and not self._form_has_token:
                self.page.post_forms_without_token += 1
            self._form_method = None


def assert_accessible(html: str) -> None:
    collector = _Collector()
    collector.feed(html)
    page = collector.page
    assert page.headings.count(1) == 1, "one h1"
    for previous, current in zip(page.headings, page.headings[1:], strict=False):
        assert current <= previous + 1, f"heading h{current} after h{previous}"
    duplicates = [i for i, n in Counter(page.ids).items() if n > 1]
    assert not duplicates, f"duplicate ids {duplicates}"
    for control in page.controls:
        if control.get("type") not in {"hidden", "submit"}:
            assert control.get("id") in page.labels_for, f"no label for {control}"
    for target in page.described_by:
        assert target in page.ids, f"aria-describedby points at a missing {target}"
    for cell in page.header_cells:
        assert cell.get("scope") in {"col", "row"}, f"a <th> without scope: {cell}"
    assert all(src.startswith("/static/") for src in page.scripts), page.scripts
    assert page.post_forms_without_token == 0


def test_every_procurement_page_is_accessible(admin: TestClient) -> None:
    pages = [admin.get("/procurement").text, admin.get("/procurement/setup?system=ARIBA").text]
    set_up_coupa(admin, billing_integration="on")
    connection_id, _, created = create_connection(admin)
    base = f"/procurement/connections/{connection_id}"
    bad_form = submit(
        admin,
        "/procurement/connections/new",
        "/procurement/connections/new",
        {"buyer_domain": "", "invoice_endpoint": "ftp://x"},
    )
    pages += [
        admin.get("/procurement").text,
        admin.get("/procurement/setup").text,
        admin.get("/procurement/connections/new").text,
        bad_form.text,
        created,
        admin.get(base).text,
        submit(admin, base, f"{base}/rotate-secret", {"grace": "none"}).text,
        admin.get("/procurement/audit").text,
    ]

    for page in pages:
        assert_accessible(page)
