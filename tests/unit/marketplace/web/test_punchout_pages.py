"""The punchout in the browser: the StartPage signs in once; pages carry ``ps`` and work
without cookies, inside the buyer's frame only; Request approval returns the cart in the
connection's form field; pre-approval, edit and inspect; and Request approval outside a
punchout."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import storage_builders as build
from fastapi.testclient import TestClient
from page_checks import assert_accessible
from punchout_web import (
    BUYER_COOKIE,
    FORM_POST_URL,
    USER_EMAIL,
    cart_form_fields,
    configure,
    connect,
    official_dtds,
    parse_forms,
    setup_request,
    start_page_url,
)
from web_support import FakeDatabase, People, csrf_from, sign_in

import cxml
from cxml import PunchOutOperation, PunchOutOrderMessage
from marketplace.domain.catalog import PricingModel
from marketplace.domain.policies import BUYER_POLICY
from marketplace.domain.punchout import RequestStatus, SessionStatus
from marketplace.web.sessions import SESSION_COOKIE

BASE = "https://market.example"
BUYER_ORIGIN = "https://acme.coupahost.example"
RICH = "/products/prod-rich"
REDIRECT_URL = "https://acme.coupahost.example/requisition/new"


@pytest.fixture(scope="module")
def dtd_catalog() -> cxml.DtdCatalog:
    return official_dtds()


@pytest.fixture
def connection(client: TestClient, people: People) -> dict[str, Any]:
    """Acme's enabled Coupa connection (test mode, cart in cxml-urlencoded)."""
    configure(client, people.admin_key)
    return connect(client, people.admin_key)


@pytest.fixture
def free_product(database: FakeDatabase) -> str:
    """A product with one free offer."""
    offer = build.offer(
        "prod-free",
        id="offer-free",
        name="Community edition",
        pricing_model=PricingModel.FREE,
        dimensions=(),
        durations=(),
    )
    with database.unit_of_work() as uow:
        uow.catalog.add_products([build.product("prod-free", title="Free Tool", offers=(offer,))])
        uow.commit()
    return "/products/prod-free"


@dataclasses.dataclass
class Punchout:
    """A punchout opened through the StartPage: its ``ps`` and first page's location."""

    ps: str
    location: str
    start_path: str

    def url(self, path: str, **params: str) -> str:
        query = "&".join(f"{k}={v}" for k, v in {**params, "ps": self.ps}.items())
        return f"{path}?{query}"


def open_punchout(
    client: TestClient, connection: dict[str, Any], *, keep_cookies: bool = False, **kw: Any
) -> Punchout:
    """Send a setup request, open its StartPage, and (unless ``keep_cookies``) drop every
    cookie, as a browser that refuses third-party cookies in the buyer's frame would."""
    params = kw.pop("params", None)
    answer = client.post("/cxml/punchout", content=setup_request(connection, **kw), params=params)
    start_path = start_page_url(answer).removeprefix(BASE)
    response = client.get(start_path, follow_redirects=False)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    query = parse_qs(urlsplit(location).query)
    if "return_to" in query:  # a sign-in page first: the session continues at return_to
        query = parse_qs(urlsplit(query["return_to"][0]).query)
    ps = query["ps"][0]
    if not keep_cookies:
        client.cookies.clear()
    return Punchout(ps, location, start_path)


def cart_of(page: httpx.Response) -> tuple[str, str, PunchOutOrderMessage, bytes]:
    """The cart page's action, field name, the message it carries and its bytes."""
    action, fields = cart_form_fields(page.text)
    [name] = [n for n in fields if n.casefold().startswith("cxml-")]
    raw = cxml.decode_form(fields)
    message = cxml.parse_form(fields).payload
    assert isinstance(message, PunchOutOrderMessage)
    return action, name, message, raw


def request_approval(
    client: TestClient,
    punchout: Punchout,
    product: str = RICH,
    *,
    offer: str | None = None,
    **changes: str,
) -> httpx.Response:
    """Post the product page's Request approval form as shown, with ``changes``."""
    page = client.get(punchout.url(product, **({"offer": offer} if offer else {})))
    assert page.status_code == 200, page.text
    [form] = [
        f for f in parse_forms(page.text).forms if f["action"] == "/punchout/request-approval"
    ]
    fields = {k: v for k, v in form["fields"].items() if v is not None}
    return client.post(form["action"], data={**fields, **changes})


# -- the StartPage -------------------------------------------------------------------------


def test_the_start_page_signs_the_user_in_once_and_continues_on_the_home_page(
    client: TestClient, connection: dict[str, Any], people: People, database: FakeDatabase
) -> None:
    punchout = open_punchout(client, connection, keep_cookies=True)

    assert punchout.location.startswith("/?ps=")
    home = client.get(punchout.location)
    assert "You are shopping from <strong>Coupa</strong>" in home.text
    assert "Signed in as <strong>Dana Okafor</strong>" in home.text
    assert "Return to Coupa" in home.text
    user = next(u for u in database.factory.store.users.values() if u.email == USER_EMAIL)
    assert user.account_id == people.account_id
    assert user.policies == (BUYER_POLICY.name,)
    [session] = database.factory.store.punchout_sessions.values()
    assert session.user_id == user.id
    assert session.token_used_at is not None


def test_the_start_page_sets_a_cross_site_cookie_over_https(
    client: TestClient, connection: dict[str, Any]
) -> None:
    answer = client.post("/cxml/punchout", content=setup_request(connection))
    response = client.get(start_page_url(answer).removeprefix(BASE), follow_redirects=False)

    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
    )
    assert "SameSite=none" in cookie or "samesite=none" in cookie.lower()
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert response.headers["cache-control"] == "no-store"


def test_a_start_page_used_twice_shows_a_clear_page_and_signs_nobody_in(
    client: TestClient, connection: dict[str, Any], database: FakeDatabase
) -> None:
    punchout = open_punchout(client, connection)

    again = client.get(punchout.start_path, follow_redirects=False)

    assert again.status_code == 410
    assert again.headers["content-type"].startswith("text/html")
    assert "already been used" in again.text
    assert "Start again from your procurement system" in again.text
    assert "Signed in as" not in again.text
    assert SESSION_COOKIE not in again.headers.get("set-cookie", "")
    # The page shows inside the buyer's frame (its session's buyer, nobody else).
    assert f"frame-ancestors {BUYER_ORIGIN}" in again.headers["content-security-policy"]
    assert len(database.factory.store.punchout_sessions) == 1


def test_a_start_page_after_five_minutes_is_gone_and_nobody_is_created(
    client: TestClient, connection: dict[str, Any], database: FakeDatabase
) -> None:
    answer = client.post("/cxml/punchout", content=setup_request(connection))
    store = database.factory.store
    [session] = store.punchout_sessions.values()
    assert session.token_expires_at - session.created_at == dt.timedelta(minutes=5)
    expired = session.token_expires_at - dt.timedelta(minutes=6)
    store.punchout_sessions[session.id] = dataclasses.replace(session, token_expires_at=expired)
    users_before = set(store.users)

    response = client.get(start_page_url(answer).removeprefix(BASE), follow_redirects=False)

    assert response.status_code == 410
    assert "expired" in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    assert set(store.users) == users_before
    assert store.punchout_sessions[session.id].user_id is None


def test_an_unknown_start_page_is_404_and_may_not_be_framed(client: TestClient) -> None:
    response = client.get("/punchout/start/not-a-token-anybody-was-given", follow_redirects=False)

    assert response.status_code == 404
    assert "not valid" in response.text
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_a_selected_item_starts_on_its_product_page(
    client: TestClient, connection: dict[str, Any]
) -> None:
    punchout = open_punchout(client, connection, selected_item="prod-rich")

    assert punchout.location.startswith("/products/prod-rich?")


def test_an_unknown_selected_item_starts_on_the_home_page(
    client: TestClient, connection: dict[str, Any]
) -> None:
    punchout = open_punchout(client, connection, selected_item="no-such-part")

    assert punchout.location.startswith("/?ps=")


def test_a_start_url_sends_the_user_to_sign_in_first_and_back_into_the_session(
    client: TestClient, connection: dict[str, Any]
) -> None:
    punchout = open_punchout(
        client, connection, params={"start_url": "https://sso.acme.example/start?app=mp"}
    )

    target = urlsplit(punchout.location)
    assert (target.scheme, target.netloc, target.path) == ("https", "sso.acme.example", "/start")
    query = parse_qs(target.query)
    assert query["app"] == ["mp"]
    [return_to] = query["return_to"]
    assert return_to.startswith(f"{BASE}/punchout/resume?ps=")

    back = client.get(return_to.removeprefix(BASE), follow_redirects=False)
    assert back.status_code == 303
    assert back.headers["location"].startswith("/?ps=")
    assert "Return to Coupa" in client.get(back.headers["location"]).text


# -- pages without cookies -----------------------------------------------------------------


def test_every_internal_link_and_form_carries_the_punchout(
    client: TestClient, connection: dict[str, Any]
) -> None:
    punchout = open_punchout(client, connection)

    for path in ("/", "/search?q=suite", RICH):
        page = client.get(
            punchout.url(
                path.split("?")[0],
                **dict(
                    parse_qs(urlsplit(path).query, max_num_fields=5) and {"q": "suite"}
                    if "?" in path
                    else {}
                ),
            )
        )
        assert page.status_code == 200, page.text
        assert "Signed in as <strong>Dana Okafor</strong>" in page.text
        parsed = parse_forms(page.text)
        internal = [
            link
            for link in parsed.links
            if link.startswith("/") and not link.startswith(("/static/", "/api/"))
        ]
        assert internal
        for link in internal:
            assert parse_qs(urlsplit(link).query).get("ps") == [punchout.ps], link
        for form in parsed.forms:
            assert form["fields"].get("ps") == punchout.ps, form["action"]


def test_the_header_offers_no_sign_out_and_no_account_pages_in_a_punchout(
    client: TestClient, connection: dict[str, Any]
) -> None:
    punchout = open_punchout(client, connection)

    page = client.get(punchout.url("/")).text

    assert "Sign out" not in page
    assert 'href="/account"' not in page
    assert 'href="/your-software"' not in page


def test_a_forged_or_foreign_ps_signs_nobody_in(
    client: TestClient, connection: dict[str, Any]
) -> None:
    punchout = open_punchout(client, connection)
    forged = punchout.ps[:-2] + ("AA" if not punchout.ps.endswith("AA") else "BB")

    page = client.get(f"/?ps={forged}")

    assert page.status_code == 200
    assert "Signed in as" not in page.text
    assert "Return to Coupa" not in page.text


def test_punchout_pages_may_be_framed_by_the_buyer_only_and_are_never_stored(
    client: TestClient, connection: dict[str, Any]
) -> None:
    punchout = open_punchout(client, connection)

    for path in ("/", "/search", RICH):
        response = client.get(punchout.url(path))
        policy = response.headers["content-security-policy"]
        assert f"frame-ancestors {BUYER_ORIGIN}" in policy
        assert f"form-action 'self' {BUYER_ORIGIN}" in policy
        assert "script-src 'self'" in policy
        assert "'none'" in policy  # object-src and base-uri stay shut
        assert response.headers["cache-control"] == "no-store"
    # Outside the punchout, nothing changes: no framing at all.
    assert "frame-ancestors 'none'" in client.get("/").headers["content-security-policy"]


@pytest.mark.parametrize("path", ["/", "/search", RICH, "/products/prod-rich?offer=offer-trial"])
def test_punchout_pages_are_accessible(
    client: TestClient, connection: dict[str, Any], path: str
) -> None:
    punchout = open_punchout(client, connection)
    page_path, _, query = path.partition("?")
    params = dict(item.split("=") for item in query.split("&")) if query else {}

    response = client.get(punchout.url(page_path, **params))

    assert response.status_code == 200
    assert_accessible(response.text)


# -- Request approval ----------------------------------------------------------------------


def test_the_product_page_in_a_punchout_has_a_valid_default_configuration(
    client: TestClient, connection: dict[str, Any]
) -> None:
    punchout = open_punchout(client, connection)

    page = client.get(punchout.url(RICH)).text

    assert page.count(">Request approval</button>") == 1
    assert 'name="duration_months"' in page
    assert 'name="quantities.users" value="1"' in page
    assert 'name="usage_budget" value="1000.00"' in page
    assert "Total: $2,200.00" in page  # one month of one user, and the usage estimate
    assert "Subscribe" not in page


@pytest.mark.parametrize("cart_field", ["cxml-urlencoded", "cxml-base64"])
def test_request_approval_returns_the_cart_in_the_connections_field(
    client: TestClient,
    people: People,
    database: FakeDatabase,
    dtd_catalog: cxml.DtdCatalog,
    cart_field: str,
) -> None:
    configure(client, people.admin_key)
    connection = connect(client, people.admin_key, cart_field=cart_field)
    punchout = open_punchout(client, connection)

    page = request_approval(client, punchout, usage_budget="")  # the contract alone

    assert page.status_code == 200, page.text
    assert page.headers["cache-control"] == "no-store"
    assert f"form-action 'self' {BUYER_ORIGIN}" in page.headers["content-security-policy"]
    assert f"frame-ancestors {BUYER_ORIGIN}" in page.headers["content-security-policy"]
    assert "<script" not in page.text.replace('<script src="/static/cart-return.js" defer>', "")
    assert ">Continue to Coupa</button>" in page.text
    action, name, message, raw = cart_of(page)
    assert action == FORM_POST_URL
    assert name == cart_field
    validation = dtd_catalog.validate(raw)
    assert validation.valid, validation.errors
    assert b"SharedSecret" not in raw
    document = cxml.parse(raw)
    assert document.version == "1.2.014"
    assert document.is_test
    assert message.buyer_cookie == BUYER_COOKIE
    assert message.header.operation_allowed is PunchOutOperation.EDIT
    [item] = message.items
    [request] = database.factory.store.subscription_requests.values()
    assert item.item_id.supplier_part_id == "offer-contract"
    assert item.item_id.supplier_part_auxiliary_id == request.id
    assert item.quantity == 1
    assert item.item_detail.unit_price.amount == Decimal("1200.00")
    assert item.item_detail.classifications[0].value == "81162000"
    assert item.item_detail.extrinsic("LineType") == "Service"
    assert item.item_detail.manufacturer_name == request.seller_name
    assert message.header.total.amount == Decimal("1200.00")
    assert request.status is RequestStatus.PENDING_APPROVAL
    [session] = database.factory.store.punchout_sessions.values()
    assert session.status is SessionStatus.RETURNED


def test_a_usage_estimate_makes_a_material_line_of_cents(
    client: TestClient, connection: dict[str, Any]
) -> None:
    punchout = open_punchout(client, connection)

    page = request_approval(client, punchout)  # the default: contract plus $1,000.00 usage

    [item] = cart_of(page)[2].items
    assert item.item_detail.classifications[0].value == "43232701"
    assert item.item_detail.extrinsic("LineType") == "Material"
    assert item.item_detail.unit_price.amount == Decimal("0.01")
    assert item.quantity == 220000  # $2,200.00 in cents


def test_a_flexible_payment_schedule_goes_as_one_material_line(
    client: TestClient, connection: dict[str, Any]
) -> None:
    punchout = open_punchout(client, connection)
    page = client.get(punchout.url(RICH, offer="offer-schedule")).text
    assert "The payment schedule you ask approval for" in page
    assert "$25,000.50" in page

    answer = request_approval(client, punchout, offer="offer-schedule")

    [item] = cart_of(answer)[2].items
    assert item.item_detail.extrinsic("LineType") == "Material"
    assert item.quantity == 7500050


def test_invalid_choices_show_the_product_page_again_with_messages_by_the_fields(
    client: TestClient, connection: dict[str, Any], database: FakeDatabase
) -> None:
    punchout = open_punchout(client, connection)

    page = request_approval(client, punchout, **{"quantities.users": "many", "usage_budget": "x"})

    assert page.status_code == 400
    assert 'id="quantities-users-error">Enter a whole number.</p>' in page.text
    assert 'aria-describedby="quantities-users-error"' in page.text
    assert 'id="usage_budget-error">Enter an amount such as 1000.00.</p>' in page.text
    assert 'value="many"' in page.text  # what the user typed stays
    assert "Return to Coupa" in page.text  # still in the punchout
    assert database.factory.store.subscription_requests == {}
    [session] = database.factory.store.punchout_sessions.values()
    assert session.status is SessionStatus.OPEN


def test_no_units_at_all_is_refused(client: TestClient, connection: dict[str, Any]) -> None:
    punchout = open_punchout(client, connection)

    page = request_approval(client, punchout, **{"quantities.users": "0"})

    assert page.status_code == 400
    assert "Choose at least one unit of a dimension." in page.text


def test_a_free_product_with_pre_approval_subscribes_at_once_and_sends_nothing(
    client: TestClient, people: People, database: FakeDatabase, free_product: str
) -> None:
    configure(client, people.admin_key, preapprove_free=True)
    punchout = open_punchout(client, connect(client, people.admin_key))

    page = request_approval(client, punchout, product=free_product)

    assert page.status_code == 200
    assert "You're subscribed" in page.text
    assert "cart-return" not in page.text
    assert "Return to Coupa" in page.text  # the session goes on
    [request] = database.factory.store.subscription_requests.values()
    assert request.status is RequestStatus.PREAPPROVED
    [session] = database.factory.store.punchout_sessions.values()
    assert session.status is SessionStatus.OPEN


def test_a_free_product_without_pre_approval_goes_as_a_zero_line(
    client: TestClient, connection: dict[str, Any], free_product: str
) -> None:
    punchout = open_punchout(client, connection)

    page = request_approval(client, punchout, product=free_product)

    [item] = cart_of(page)[2].items
    assert item.item_detail.unit_price.amount == Decimal("0.00")
    assert item.quantity == 1
    assert item.item_detail.extrinsic("LineType") == "Service"


def test_return_to_coupa_cancels_with_an_empty_cart(
    client: TestClient, connection: dict[str, Any], database: FakeDatabase
) -> None:
    punchout = open_punchout(client, connection)
    page = client.get(punchout.url("/")).text
    [form] = [f for f in parse_forms(page).forms if f["action"] == "/punchout/cancel"]

    answer = client.post("/punchout/cancel", data=form["fields"])

    assert answer.status_code == 200
    message = cart_of(answer)[2]
    assert message.items == ()
    assert message.header.total.amount == 0
    [session] = database.factory.store.punchout_sessions.values()
    assert session.status is SessionStatus.CANCELLED


def test_once_the_cart_went_back_the_ps_signs_nobody_in(
    client: TestClient, connection: dict[str, Any]
) -> None:
    punchout = open_punchout(client, connection)
    page = client.get(punchout.url(RICH)).text
    [form] = [f for f in parse_forms(page).forms if f["action"] == "/punchout/request-approval"]
    assert client.post(form["action"], data=form["fields"]).status_code == 200

    again = client.post(form["action"], data=form["fields"])
    home = client.get(punchout.url("/"))

    assert again.status_code == 410
    assert "session has ended" in again.text
    assert f"frame-ancestors {BUYER_ORIGIN}" in again.headers["content-security-policy"]
    assert "Signed in as" not in home.text


# -- CSRF in the frame ---------------------------------------------------------------------


def test_a_punchout_form_needs_its_sessions_token(
    client: TestClient, connection: dict[str, Any], database: FakeDatabase
) -> None:
    punchout = open_punchout(client, connection)
    other = open_punchout(client, connection, buyer_cookie="another-cookie")
    page = client.get(punchout.url(RICH)).text
    [form] = [f for f in parse_forms(page).forms if f["action"] == "/punchout/request-approval"]
    others_token = csrf_from(client.get(other.url("/")).text)

    missing = client.post(form["action"], data={**form["fields"], "csrf_token": ""})
    wrong = client.post(form["action"], data={**form["fields"], "csrf_token": others_token})

    assert missing.status_code == 403
    assert wrong.status_code == 403
    assert database.factory.store.subscription_requests == {}
    assert client.post(form["action"], data=form["fields"]).status_code == 200


# -- edit and inspect ----------------------------------------------------------------------


def _a_returned_request(client: TestClient, connection: dict[str, Any]) -> str:
    punchout = open_punchout(client, connection)
    aux = cart_of(request_approval(client, punchout, usage_budget=""))[2].items[0]
    request_id = aux.item_id.supplier_part_auxiliary_id
    assert request_id
    return request_id


def test_edit_reopens_the_cart_and_changes_the_line_in_place(
    client: TestClient, connection: dict[str, Any], database: FakeDatabase
) -> None:
    request_id = _a_returned_request(client, connection)
    punchout = open_punchout(
        client, connection, operation=PunchOutOperation.EDIT, request_ids=[request_id]
    )
    assert punchout.location.startswith("/punchout/cart?ps=")

    cart_page = client.get(punchout.location)
    assert "Observability Suite" in cart_page.text
    change = next(link for link in parse_forms(cart_page.text).links if "request_id=" in link)
    product_page = client.get(change)
    assert "Change this line of your Coupa cart" in product_page.text
    assert f'name="request_id" value="{request_id}"' in product_page.text
    assert 'name="usage_budget" value=""' in product_page.text  # as it was requested
    [form] = [
        f
        for f in parse_forms(product_page.text).forms
        if f["action"] == "/punchout/request-approval"
    ]

    answer = client.post(form["action"], data={**form["fields"], "quantities.users": "3"})

    [item] = cart_of(answer)[2].items
    assert item.item_id.supplier_part_auxiliary_id == request_id
    assert item.item_detail.unit_price.amount == Decimal("3600.00")
    assert len(database.factory.store.subscription_requests) == 1


def test_inspect_shows_the_cart_and_offers_no_way_to_change_it(
    client: TestClient, connection: dict[str, Any], database: FakeDatabase
) -> None:
    request_id = _a_returned_request(client, connection)
    punchout = open_punchout(
        client, connection, operation=PunchOutOperation.INSPECT, request_ids=[request_id]
    )

    cart_page = client.get(punchout.location)
    product_page = client.get(punchout.url(RICH))
    sneaky = client.post(
        "/punchout/request-approval",
        data={
            "ps": punchout.ps,
            "csrf_token": csrf_from(cart_page.text),
            "product_id": "prod-rich",
            "offer_id": "offer-contract",
            "request_id": request_id,
            "duration_months": "1",
            "quantities.users": "9",
        },
    )

    assert "Observability Suite" in cart_page.text
    assert "Change" not in cart_page.text
    assert "Request approval" not in product_page.text
    assert "nothing can be requested or changed" in product_page.text
    assert sneaky.status_code == 409
    [request] = list(database.factory.store.subscription_requests.values())
    assert request.choice.quantities == {"users": 1}
    # Return to Coupa sends the cart back as it was (never an empty cart).
    [form] = [f for f in parse_forms(cart_page.text).forms if f["action"] == "/punchout/return"]
    [item] = cart_of(client.post("/punchout/return", data=form["fields"]))[2].items
    assert item.item_id.supplier_part_auxiliary_id == request_id


def test_return_in_an_edit_session_never_sends_an_empty_cart(
    client: TestClient, connection: dict[str, Any]
) -> None:
    request_id = _a_returned_request(client, connection)
    punchout = open_punchout(
        client, connection, operation=PunchOutOperation.EDIT, request_ids=[request_id]
    )
    token = csrf_from(client.get(punchout.location).text)

    answer = client.post("/punchout/cancel", data={"ps": punchout.ps, "csrf_token": token})

    [item] = cart_of(answer)[2].items
    assert item.item_id.supplier_part_auxiliary_id == request_id


def test_pages_of_the_punchout_need_one(client: TestClient) -> None:
    assert client.get("/punchout/cart").status_code == 404
    assert client.get("/punchout/resume").status_code == 404


# -- Request approval outside a punchout ---------------------------------------------------


def test_with_redirect_request_approval_sends_the_user_to_coupa(
    client: TestClient, people: People
) -> None:
    configure(client, people.admin_key, enable_redirect=True)
    connect(client, people.admin_key, approval_redirect_url=REDIRECT_URL)
    sign_in(client, people.buyer_email)
    page = client.get(RICH).text
    [form] = [f for f in parse_forms(page).forms if f["action"].endswith("/request-approval")]

    response = client.post(form["action"], data=form["fields"], follow_redirects=False)

    assert form["action"] == "/products/prod-rich/request-approval"
    assert response.status_code == 303
    assert response.headers["location"] == REDIRECT_URL


def test_ariba_users_are_told_to_start_from_ariba(client: TestClient, people: People) -> None:
    configure(client, people.admin_key, system="ARIBA", name="Ariba")
    sign_in(client, people.buyer_email)
    token = csrf_from(client.get(RICH).text)

    response = client.post(
        "/products/prod-rich/request-approval", data={"csrf_token": token}, follow_redirects=False
    )

    assert response.status_code == 409
    assert "Start from SAP Ariba: requests can only be made from Ariba." in response.text


def test_without_a_procurement_system_there_is_no_request_approval(
    client: TestClient, people: People
) -> None:
    sign_in(client, people.buyer_email)

    assert "Request approval" not in client.get(RICH).text
