"""Shop Online in the pages, as a browser would: the tile sends the setup request and opens
the StartPage; the cart posted back becomes a requisition."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sandbox_support import CartLine, FakeSupplier, cart_form


def sign_in(client: TestClient, email: str = "dana@acme.example") -> None:
    response = client.post("/sign-in", data={"email": email, "next": "/"}, follow_redirects=False)
    assert response.status_code == 303


def punch_out(client: TestClient, supplier: dict[str, Any], display: str = "frame") -> Any:
    return client.post(f"/shop/{supplier['id']}", data={"display": display})


def test_pages_ask_for_a_user_first(client: TestClient) -> None:
    response = client.get("/requisitions", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=%2Frequisitions"
    page = client.get(response.headers["location"]).text
    assert "<h1>Sign in</h1>" in page
    assert "Sign in as Dana Okafor" in page


def test_home_shows_a_shop_online_tile_per_punchout_site(
    client: TestClient, supplier: dict[str, Any]
) -> None:
    sign_in(client)

    page = client.get("/").text

    assert '<h2 id="shop-online">Shop Online</h2>' in page
    assert "Shop at Software Marketplace</button>" in page
    assert f'action="/shop/{supplier["id"]}"' in page


def test_the_tile_opens_the_start_page_in_a_frame_the_page_may_show(
    client: TestClient, supplier: dict[str, Any], supplier_side: FakeSupplier
) -> None:
    sign_in(client)

    response = punch_out(client, supplier)

    assert response.status_code == 200
    assert str(response.url).endswith("/punchout/1")
    setup = supplier_side.last_setup()
    assert setup.browser_form_post_url == "http://sandbox.test/punchout/checkout?id=1"
    start = "https://market.example/punchout/start/token-1"
    assert f'src="{start}"' in response.text
    assert 'title="Software Marketplace punchout"' in response.text
    policy = response.headers["content-security-policy"]
    assert "frame-src 'self' https://market.example;" in policy
    assert "Open in full window" in response.text
    assert "SharedSecret" not in response.text  # the wire view hides the secret
    assert supplier_side.invalid == []


def test_a_full_window_punchout_sends_the_browser_to_the_start_page(
    client: TestClient, supplier: dict[str, Any]
) -> None:
    sign_in(client)

    response = punch_out(client, supplier, display="window")

    assert response.status_code == 200
    assert 'id="go-on" data-navigate="self" href="https://market.example/punchout/start/' in (
        response.text
    )
    assert '<script src="/static/sandbox.js" defer></script>' in response.text


def test_a_setup_request_the_supplier_refuses_is_shown_with_its_status(
    client: TestClient, supplier: dict[str, Any], supplier_side: FakeSupplier
) -> None:
    supplier_side.setup_status = 401
    sign_in(client)

    response = punch_out(client, supplier)

    assert response.status_code == 502
    assert "Could not open Software Marketplace" in response.text
    assert "Setup request failed: 401 Unauthorized: Login name is not available" in response.text
    assert "<iframe" not in response.text


def test_an_unreachable_punchout_site_is_shown_clearly(
    client: TestClient, supplier: dict[str, Any], supplier_side: FakeSupplier
) -> None:
    supplier_side.unreachable = True
    sign_in(client)

    response = punch_out(client, supplier)

    assert response.status_code == 502
    assert "Setup request failed: Could not reach https://market.example/cxml/punchout" in (
        response.text
    )


def test_the_returned_cart_becomes_a_draft_requisition(
    client: TestClient, supplier: dict[str, Any], supplier_side: FakeSupplier
) -> None:
    sign_in(client)
    punch_out(client, supplier)
    path, fields = cart_form(supplier_side.last_setup(), field_name="cXML-base64")

    # The supplier's page posts the cart: no sandbox cookie travels with it.
    answer = TestClient(client.app, base_url=str(client.base_url)).post(path, data=fields)

    assert answer.status_code == 200
    assert "<h1>Cart received</h1>" in answer.text
    assert 'href="/requisitions/1" target="_top"' in answer.text
    page = client.get("/requisitions/1").text
    assert "<h1>Requisition 1</h1>" in page
    assert "<strong>Draft</strong>" in page
    for shown in ("Observability Cloud, annual contract", "offer-basic-annual", "req-0001"):
        assert shown in page
    assert "81162000" in page
    assert "Service" in page
    assert "1,200.00 USD" in page
    assert "Submit for approval</button>" in page


def test_a_full_window_cart_goes_straight_to_the_requisition(
    client: TestClient, supplier: dict[str, Any], supplier_side: FakeSupplier
) -> None:
    sign_in(client)
    punch_out(client, supplier, display="window")
    path, fields = cart_form(supplier_side.last_setup())

    answer = client.post(path, data=fields, follow_redirects=False)

    assert answer.status_code == 303
    assert answer.headers["location"] == "/requisitions/1"


def test_an_empty_cart_says_so_and_creates_nothing(
    client: TestClient, supplier: dict[str, Any], supplier_side: FakeSupplier
) -> None:
    sign_in(client)
    punch_out(client, supplier)
    path, fields = cart_form(supplier_side.last_setup(), ())

    answer = client.post(path, data=fields)

    assert "<h1>No items came back</h1>" in answer.text
    assert "no requisition was created" in answer.text
    assert client.get("/api/v1/punchouts/1").json()["status"] == "empty"
    assert client.get("/requisitions/1").status_code == 404


def test_the_same_cart_posted_twice_makes_one_requisition(
    client: TestClient, supplier: dict[str, Any], supplier_side: FakeSupplier
) -> None:
    sign_in(client)
    punch_out(client, supplier)
    path, fields = cart_form(supplier_side.last_setup())

    first = client.post(path, data=fields)
    second = client.post(path, data=fields)

    assert first.status_code == second.status_code == 200
    assert 'href="/requisitions/1"' in second.text
    assert client.get("/requisitions/2").status_code == 404


def test_a_cart_for_another_session_is_refused(
    client: TestClient, supplier: dict[str, Any], supplier_side: FakeSupplier
) -> None:
    sign_in(client)
    punch_out(client, supplier)
    path, fields = cart_form(supplier_side.last_setup(), buyer_cookie="f" * 32)

    answer = client.post(path, data=fields)

    assert answer.status_code == 409
    assert "belongs to another punchout session" in answer.text
    assert client.get("/requisitions/1").status_code == 404


def test_an_unreadable_cart_is_a_clear_error(
    client: TestClient, supplier: dict[str, Any], supplier_side: FakeSupplier
) -> None:
    sign_in(client)
    punch_out(client, supplier)

    answer = client.post("/punchout/checkout?id=1", data={"cxml-urlencoded": "<cXML"})
    unknown = client.post("/punchout/checkout?id=99", data={"cxml-urlencoded": "x"})

    assert answer.status_code == 400
    assert "The cart could not be read" in answer.text
    assert unknown.status_code == 404
    assert "There is no punchout session 99." in unknown.text


def test_two_lines_come_back_as_two_requisition_lines(
    client: TestClient, supplier: dict[str, Any], supplier_side: FakeSupplier
) -> None:
    sign_in(client)
    punch_out(client, supplier)
    lines = (CartLine(), CartLine(offer="offer-2", request_id="req-0002", line_type="Material"))
    path, fields = cart_form(supplier_side.last_setup(), lines)
    client.post(path, data=fields)

    requisition = client.get("/api/v1/requisitions/1").json()

    assert [line["supplier_part_auxiliary_id"] for line in requisition["lines"]] == [
        "req-0001",
        "req-0002",
    ]
    assert requisition["total"] == "2400.00"
    assert requisition["status"] == "draft"


def test_coming_back_empty_in_a_full_window_lands_on_the_sessions_page(
    client: TestClient, supplier: dict[str, Any], supplier_side: FakeSupplier
) -> None:
    sign_in(client)
    punch_out(client, supplier, display="window")
    path, fields = cart_form(supplier_side.last_setup(), ())

    answer = client.post(path, data=fields, follow_redirects=False)
    page = client.get(answer.headers["location"])

    assert answer.headers["location"] == "/punchout/1"
    assert "<h1>Shopping at Software Marketplace is over</h1>" in page.text
    assert "no requisition was created" in page.text
