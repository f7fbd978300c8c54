"""A buyer's visit over a real database with the demo data: sign in, search, filter, read a
product, see the account; and the JSON API with the same catalog."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from web_support import csrf_from

from marketplace.services import demo
from marketplace.storage.database import Database

pytestmark = pytest.mark.integration

HITS = re.compile(r'<h2 id="hit-\d+"><a href="/products/([^"]+)">')


@pytest.fixture(scope="module")
def demo_info(database: Database) -> demo.DemoInfo:
    return demo.seed_demo(database.unit_of_work, products=60)


@pytest.fixture
def signed_in(client: TestClient, demo_info: demo.DemoInfo) -> TestClient:
    client.cookies.clear()
    token = csrf_from(client.get("/signin").text)
    response = client.post(
        "/signin",
        data={
            "email": demo.DEMO_ADMIN_EMAIL,
            "password": demo.DEMO_ADMIN_PASSWORD,
            "next": "/search",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/search"
    return client


def test_the_home_page_lists_the_seeded_categories(client: TestClient, demo_info: object) -> None:
    page = client.get("/").text

    assert "60 products in the catalog." in page
    assert page.count('href="/search?category=') >= 3


def test_a_buyer_signs_in_searches_filters_and_reads_a_product(signed_in: TestClient) -> None:
    everything = signed_in.get("/search").text
    assert "Signed in as" in everything
    assert "60 results, page 1 of 3" in everything

    filtered = signed_in.get("/search", params={"pricing_model": "saas_contract"}).text
    count = int(re.search(r"([\d,]+) results?", filtered).group(1))  # type: ignore[union-attr]
    assert 0 < count < 60
    product_id = HITS.findall(filtered)[0]

    page = signed_in.get(f"/products/{product_id}").text
    assert "SaaS contract" in page
    assert re.search(r"\$[\d,]+\.\d{2,} per .+ / month", page)
    assert "Contract durations" in page


def test_the_account_page_shows_the_demo_organization(signed_in: TestClient) -> None:
    page = signed_in.get("/account").text

    assert "Demo Buyer Corp" in page
    assert "Demo Engineering" in page
    assert "AWSMarketplaceProcurementSystemAdminFullAccess" in page
    assert "You have no software yet." in signed_in.get("/your-software").text


def test_a_wrong_password_does_not_sign_in(client: TestClient, demo_info: object) -> None:
    client.cookies.clear()
    token = csrf_from(client.get("/signin").text)

    response = client.post(
        "/signin",
        data={"email": demo.DEMO_ADMIN_EMAIL, "password": "wrong password", "csrf_token": token},
    )

    assert response.status_code == 401
    assert "The e-mail address or password is not right." in response.text


def test_the_api_searches_the_same_catalog(
    client: TestClient, database: Database, demo_info: object
) -> None:
    from marketplace.services import accounts

    created = accounts.create_organization(
        database.unit_of_work(), name="API Corp", admin_email="admin@api-corp.example"
    )
    headers = {"Authorization": f"Bearer {created.api_key}"}

    body = client.get("/api/v1/products", params={"page_size": 5}, headers=headers).json()

    assert body["total"] >= 60
    assert len(body["items"]) == 5
    first = body["items"][0]
    assert first["url"] == f"http://127.0.0.1:8000/products/{first['id']}"
    detail = client.get(f"/api/v1/products/{first['id']}", headers=headers).json()
    assert detail["offers"]
